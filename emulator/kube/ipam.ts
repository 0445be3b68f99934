// The emulator's CNI IPAM: a pod bound to a node gets the next free address of each address family from the
// node's pod CIDRs (spec.podCIDRs, live Calico blocks, the CiliumNode, or the OVN annotation). Like the
// host-local plugin most of those CNIs use, it continues after the last address it handed out on that node
// and wraps around, so a replaced pod gets a new address rather than the one just freed.
import * as ipaddr from "ipaddr.js";
import type { Store } from "./store";
import type { KubeObject } from "./types";

/** The pod CIDRs a node owns, from spec.podCIDRs, Calico blocks, the CiliumNode or the OVN annotation. */
export function nodePodCidrs(store: Store, node: KubeObject): string[] {
  if (node.spec?.podCIDRs?.length) return node.spec.podCIDRs;
  if (node.spec?.podCIDR) return [node.spec.podCIDR];
  const name = node.metadata.name;
  const blocks = store
    .list("blockaffinities")
    .filter((b) => b.spec?.node === name && b.spec?.deleted !== "true" && b.spec?.state !== "pendingDeletion")
    .map((b) => b.spec.cidr as string);
  if (blocks.length) return blocks;
  const cn = store.get("ciliumnodes", undefined, name);
  if (cn?.spec?.ipam?.podCIDRs?.length) return cn.spec.ipam.podCIDRs;
  const ovn = node.metadata.annotations?.["k8s.ovn.org/node-subnets"];
  if (ovn) {
    const d = JSON.parse(ovn).default;
    return Array.isArray(d) ? d : [d];
  }
  return [];
}

/** Usable addresses of a CIDR: not the network address, not .1 (the gateway many CNIs take), not broadcast. */
function hostCount(cidr: string): number {
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  return Math.max(0, 2 ** Math.min(addr.toByteArray().length * 8 - bits, 20) - 3);
}

function hostAddress(cidr: string, index: number): string {
  const b = ipaddr.parseCIDR(cidr)[0].toByteArray();
  let carry = index + 2;
  for (let j = b.length - 1; j >= 0 && carry > 0; j--) {
    const sum = b[j] + (carry & 0xff);
    b[j] = sum & 0xff;
    carry = (carry >>> 8) + (sum >> 8);
  }
  return ipaddr.fromByteArray(b).toString();
}

export interface Ipam {
  /** One address per family the node has a pod CIDR for; throws when a family's ranges are full. */
  allocate(nodeName: string): string[];
}

export function createIpam(store: Store): Ipam {
  // Per node and address family: the range and index of the last address handed out.
  const last = new Map<string, { range: number; index: number }>();
  return {
    allocate(nodeName) {
      const node = store.get("nodes", undefined, nodeName);
      if (!node) throw new Error(`node ${nodeName} does not exist`);
      const cidrs = nodePodCidrs(store, node);
      if (cidrs.length === 0) throw new Error(`node ${nodeName} has no pod CIDR to allocate a pod IP from`);
      const used = new Set<string>();
      for (const p of store.byIndex("pods", "node", nodeName)) for (const x of p.status?.podIPs ?? []) used.add(x.ip);
      const out: string[] = [];
      for (const family of [4, 6]) {
        const ranges = cidrs.filter((c) => (c.includes(":") ? 6 : 4) === family);
        if (ranges.length === 0) continue;
        const key = `${nodeName}/${family}`;
        const from = last.get(key) ?? { range: 0, index: -1 };
        const total = ranges.reduce((n, c) => n + hostCount(c), 0);
        let range = Math.min(from.range, ranges.length - 1);
        let index = from.index;
        let found: string | undefined;
        for (let tried = 0; tried < total && !found; tried++) {
          index++;
          if (index >= hostCount(ranges[range])) {
            range = (range + 1) % ranges.length;
            index = 0;
          }
          const ip = hostAddress(ranges[range], index);
          if (!used.has(ip)) found = ip;
        }
        if (!found) throw new Error(`node ${nodeName} has no free pod address left in ${ranges.join(", ")}`);
        last.set(key, { range, index });
        out.push(found);
      }
      return out;
    },
  };
}
