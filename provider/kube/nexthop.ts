// The next hop of each node, per address family. Pure.
import { cidrContains, type ParsedCidr, type ParsedIp, parseIp } from "../plan/ip";
import type { CniSource, Family } from "../plan/types";
import { ANNOTATION_ANTREA_TRANSPORT, ANNOTATION_CALICO_V4, ANNOTATION_CALICO_V6, type RawNode } from "./raw";

interface Candidate {
  ip: ParsedIp;
  from: string;
}

function addressesOfType(node: RawNode, type: string): Candidate[] {
  const out: Candidate[] = [];
  for (const a of node.status?.addresses ?? []) {
    if (a.type !== type || !a.address) continue;
    const ip = parseIp(a.address);
    if (ip) out.push({ ip, from: type });
  }
  return out;
}

/** Calico's and Antrea's own notion of the node's address, which is the one their tunnels and routes use. */
function cniCandidates(node: RawNode, cni: CniSource): Candidate[] {
  const ann = node.metadata?.annotations ?? {};
  const out: Candidate[] = [];
  if (cni === "calico") {
    for (const key of [ANNOTATION_CALICO_V4, ANNOTATION_CALICO_V6]) {
      const value = ann[key];
      // Calico writes the interface address with its mask ("10.100.1.101/24").
      const ip = value ? parseIp(value.split("/")[0] ?? "") : undefined;
      if (ip) out.push({ ip, from: `annotation ${key}` });
    }
  }
  if (cni === "antrea") {
    for (const part of (ann[ANNOTATION_ANTREA_TRANSPORT] ?? "").split(",")) {
      const ip = parseIp(part.trim());
      if (ip) out.push({ ip, from: `annotation ${ANNOTATION_ANTREA_TRANSPORT}` });
    }
  }
  return out;
}

export interface NextHops {
  addresses: Partial<Record<Family, string>>;
  addressSources: Partial<Record<Family, string>>;
  notes: string[];
}

/**
 * Without nodeNetworks: the CNI annotation when present, else the first InternalIP of each family (AKO's rule).
 * With nodeNetworks CIDRs of a family: the first of the node's addresses (annotation, InternalIPs, then
 * ExternalIPs) inside one of them. That serves multi-NIC nodes whose InternalIP is not on the network the Service
 * Engines share with the nodes, which AKO cannot express. A family without nodeNetworks CIDRs keeps the default.
 */
export function chooseNextHops(node: RawNode, cni: CniSource, nodeNetworks: ParsedCidr[]): NextHops {
  const name = node.metadata?.name ?? "?";
  const cniFirst = cniCandidates(node, cni);
  const internal = addressesOfType(node, "InternalIP");
  const external = addressesOfType(node, "ExternalIP");
  const result: NextHops = { addresses: {}, addressSources: {}, notes: [] };
  for (const family of ["ipv4", "ipv6"] as const) {
    const networks = nodeNetworks.filter((n) => n.family === family);
    let pick: Candidate | undefined;
    let source = "";
    if (networks.length === 0) {
      pick = [...cniFirst, ...internal].find((c) => c.ip.family === family);
      source = pick?.from ?? "";
    } else {
      for (const c of [...cniFirst, ...internal, ...external]) {
        if (c.ip.family !== family) continue;
        const net = networks.find((n) => cidrContains(n, c.ip));
        if (net) {
          pick = c;
          source = `${c.from} inside node network ${net.prefix}`;
          break;
        }
      }
      const any = [...cniFirst, ...internal, ...external].filter((c) => c.ip.family === family);
      if (!pick && any.length > 0) {
        result.notes.push(
          `Node ${name} has no ${family === "ipv4" ? "IPv4" : "IPv6"} address inside the node networks ${networks.map((n) => n.prefix).join(", ")} (it has ${[...new Set(any.map((c) => c.ip.text))].join(", ")}).`,
        );
      }
    }
    if (pick) {
      result.addresses[family] = pick.ip.text;
      result.addressSources[family] = source;
    }
  }
  return result;
}
