// Reading nodes and their pod CIDRs, with the CNI source chosen or detected.
import { parseCidr } from "../plan/ip";
import { CNI_CHOICES, type CniChoice, type CniSource, type NodePlacement } from "../plan/types";
import { type CniData, calicoBlocks, ciliumCidrs, podCidrsFor } from "./cidrs";
import { DEFAULT_PAGE_SIZE, type KubeClient } from "./client";
import { KubeReadError, type Permission } from "./errors";
import { chooseNextHops } from "./nexthop";
import {
  ANNOTATION_ANTREA_TRANSPORT,
  ANNOTATION_OVN_SUBNETS,
  type RawBlockAffinity,
  type RawCiliumNode,
  type RawNode,
} from "./raw";

export interface NodeReadOptions {
  cni: CniChoice;
  /** CIDRs of the network the Service Engines reach nodes on; the next hop is the node's address inside them. */
  nodeNetworks?: string[];
  /** Items per list request (limit); 500 by default, as kubectl. */
  pageSize?: number;
}

export interface NodeReadResult {
  cniSource: CniSource;
  nodes: NodePlacement[];
  /** What needs the user's attention (skipped blocks, nodes without a usable address). */
  notes: string[];
  /** How `auto` chose its source, including sources served but unused: useful when asked, noise otherwise. */
  detection: string[];
}

const NODES: Permission = { verb: "list", resource: "nodes", group: "" };
const CALICO: Permission = { verb: "list", resource: "blockaffinities", group: "crd.projectcalico.org" };
const CILIUM: Permission = { verb: "list", resource: "ciliumnodes", group: "cilium.io" };
const CALICO_PATH = "/apis/crd.projectcalico.org/v1/blockaffinities";
const CILIUM_PATH = "/apis/cilium.io/v2/ciliumnodes";

function parseNodeNetworks(values: string[] | undefined): ReturnType<typeof parseCidr>[] {
  return (values ?? []).map((v) => {
    const c = parseCidr(v);
    if (!c) throw new KubeReadError("invalid", `Node network '${v}' is not a CIDR such as 10.100.1.0/24.`);
    return c;
  });
}

async function listCustom<T>(
  client: KubeClient,
  path: string,
  perm: Permission,
  pageSize: number,
  cni: string,
): Promise<T[]> {
  try {
    return (await client.list(path, {}, pageSize, perm)) as T[];
  } catch (err) {
    if (err instanceof KubeReadError && err.reason === "not-found") {
      throw new KubeReadError(
        "not-found",
        `The cluster does not serve ${perm.resource}.${perm.group} (404 on ${path}), so --cni ${cni} cannot read pod CIDRs: choose the CNI the cluster runs, or --cni auto.`,
        404,
      );
    }
    throw err;
  }
}

/** Whether the cluster serves a resource, from discovery (readable by every authenticated user). */
async function serves(
  client: KubeClient,
  groupVersion: string,
  resource: string,
  groups: Set<string>,
): Promise<boolean> {
  if (!groups.has(groupVersion)) return false;
  const list = (await client.get(
    `/apis/${groupVersion}`,
    { verb: "get", resource: `discovery of ${groupVersion}`, group: "" },
    true,
  )) as { resources?: { name?: string }[] } | undefined;
  return (list?.resources ?? []).some((r) => r.name === resource);
}

interface Detection {
  source: CniSource;
  data: CniData;
  notes: string[];
}

/**
 * `auto`: OVN-Kubernetes when nodes carry its subnet annotation; else Calico when block affinities are served
 * and some exist; else Cilium when CiliumNodes carry pod CIDRs (cluster-pool IPAM); else Antrea when nodes carry
 * its transport annotation; else the default (spec.podCIDRs). Served-but-empty CRDs fall through, because Canal
 * installs Calico's CRDs while flannel allocates, and Cilium's Kubernetes IPAM leaves CiliumNode CIDRs empty.
 */
async function detect(client: KubeClient, nodes: RawNode[], pageSize: number): Promise<Detection> {
  const notes: string[] = [];
  const has = (key: string) => nodes.some((n) => n.metadata?.annotations?.[key] !== undefined);
  if (has(ANNOTATION_OVN_SUBNETS)) {
    return {
      source: "ovn-kubernetes",
      data: {},
      notes: [`cni auto chose ovn-kubernetes: nodes carry the ${ANNOTATION_OVN_SUBNETS} annotation.`],
    };
  }
  const apis = (await client.get("/apis", { verb: "get", resource: "API discovery (/apis)", group: "" })) as {
    groups?: { versions?: { groupVersion?: string }[] }[];
  };
  const groups = new Set<string>();
  for (const g of apis.groups ?? []) for (const v of g.versions ?? []) if (v.groupVersion) groups.add(v.groupVersion);
  if (await serves(client, "crd.projectcalico.org/v1", "blockaffinities", groups)) {
    const calico = calicoBlocks((await client.list(CALICO_PATH, {}, pageSize, CALICO)) as RawBlockAffinity[]);
    if (calico.byNode.size > 0) {
      return {
        source: "calico",
        data: { calico },
        notes: [
          `cni auto chose calico: blockaffinities.crd.projectcalico.org is served and assigns blocks to ${calico.byNode.size} node(s).`,
        ],
      };
    }
    notes.push(
      "Calico's blockaffinities are served but none is in use (Canal, or Calico with host-local IPAM), so they were not used.",
    );
  }
  if (await serves(client, "cilium.io/v2", "ciliumnodes", groups)) {
    const cilium = ciliumCidrs((await client.list(CILIUM_PATH, {}, pageSize, CILIUM)) as RawCiliumNode[]);
    if (cilium.size > 0) {
      return {
        source: "cilium",
        data: { cilium },
        notes: [...notes, `cni auto chose cilium: ciliumnodes.cilium.io carry pod CIDRs for ${cilium.size} node(s).`],
      };
    }
    notes.push("CiliumNodes are served but carry no pod CIDRs (Kubernetes IPAM), so spec.podCIDRs was used.");
  }
  if (has(ANNOTATION_ANTREA_TRANSPORT)) {
    return {
      source: "antrea",
      data: {},
      notes: [...notes, `cni auto chose antrea: nodes carry the ${ANNOTATION_ANTREA_TRANSPORT} annotation.`],
    };
  }
  notes.push(
    "cni auto chose default: pod CIDRs from spec.podCIDRs (no Calico blocks, Cilium pod CIDRs or OVN/Antrea annotations found).",
  );
  return { source: "default", data: {}, notes };
}

async function loadSource(client: KubeClient, cni: CniSource, pageSize: number): Promise<CniData> {
  if (cni === "calico") {
    const calico = calicoBlocks(await listCustom<RawBlockAffinity>(client, CALICO_PATH, CALICO, pageSize, cni));
    return { calico };
  }
  if (cni === "cilium")
    return { cilium: ciliumCidrs(await listCustom<RawCiliumNode>(client, CILIUM_PATH, CILIUM, pageSize, cni)) };
  return {};
}

/** Nodes with their pod CIDRs and next hops, read through an open client. */
export async function readNodesWith(client: KubeClient, opts: NodeReadOptions): Promise<NodeReadResult> {
  if (!(CNI_CHOICES as readonly string[]).includes(opts.cni)) {
    throw new KubeReadError("invalid", `Unknown CNI '${String(opts.cni)}': use one of ${CNI_CHOICES.join(", ")}.`);
  }
  const networks = parseNodeNetworks(opts.nodeNetworks).filter((n) => n !== undefined);
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const raw = (await client.list("/api/v1/nodes", {}, pageSize, NODES)) as RawNode[];
  let source: CniSource;
  let data: CniData;
  const notes: string[] = [];
  const detection: string[] = [];
  if (opts.cni === "auto") {
    const d = await detect(client, raw, pageSize);
    source = d.source;
    data = d.data;
    detection.push(...d.notes);
  } else {
    source = opts.cni;
    data = await loadSource(client, source, pageSize);
  }
  if (data.calico && data.calico.skipped > 0) {
    notes.push(
      `${data.calico.skipped} Calico block affinit${data.calico.skipped === 1 ? "y was" : "ies were"} skipped as deleted or not confirmed.`,
    );
  }
  const nodes: NodePlacement[] = [];
  for (const n of raw) {
    const name = n.metadata?.name;
    if (!name) continue;
    const cidrs = podCidrsFor(n, source, data);
    if (cidrs.error) notes.push(cidrs.error);
    const hops = chooseNextHops(n, source, networks);
    notes.push(...hops.notes);
    nodes.push({
      name,
      podCidrs: cidrs.cidrs,
      addresses: hops.addresses,
      source,
      addressSources: hops.addressSources,
      podCidrSource: cidrs.from,
      labels: { ...(n.metadata?.labels ?? {}) },
      ready: (n.status?.conditions ?? []).some((c) => c?.type === "Ready" && c.status === "True"),
      unschedulable: n.spec?.unschedulable === true,
    });
  }
  nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { cniSource: source, nodes, notes, detection };
}
