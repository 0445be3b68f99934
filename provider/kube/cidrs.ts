// Pod CIDRs per node, by CNI source. Pure: the raw objects in, CIDR strings out (validated later by the
// planner, which reports malformed ones rather than the reader dropping them).
import type { CniSource } from "../plan/types";
import {
  ANNOTATION_OVN_SUBNETS,
  ANNOTATION_POD_CIDRS,
  type RawBlockAffinity,
  type RawCiliumNode,
  type RawNode,
} from "./raw";

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The operator's override (AKO's ako.vmware.com/pod-cidrs), when the node carries it. */
export function annotatedPodCidrs(node: RawNode): string[] | undefined {
  const value = node.metadata?.annotations?.[ANNOTATION_POD_CIDRS];
  return value === undefined ? undefined : splitList(value);
}

/** spec.podCIDRs, or the older single spec.podCIDR. */
export function specPodCidrs(node: RawNode): string[] {
  const list = node.spec?.podCIDRs ?? [];
  if (list.length > 0) return [...list];
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

/**
 * OVN-Kubernetes' k8s.ovn.org/node-subnets: JSON keyed by network, "default" being a list (current releases) or a
 * single string (OpenShift before 4.13). Returns an error sentence instead of throwing on a malformed value.
 */
export function ovnPodCidrs(node: RawNode): { cidrs: string[]; error?: string } {
  const name = node.metadata?.name ?? "?";
  const raw = node.metadata?.annotations?.[ANNOTATION_OVN_SUBNETS];
  if (raw === undefined) return { cidrs: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {
      cidrs: [],
      error: `Node ${name} has a ${ANNOTATION_OVN_SUBNETS} annotation that is not JSON: '${raw.slice(0, 80)}'.`,
    };
  }
  const value = (parsed as { default?: unknown } | null)?.default;
  if (typeof value === "string") return { cidrs: [value] };
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return { cidrs: [...value] };
  return { cidrs: [], error: `Node ${name} has a ${ANNOTATION_OVN_SUBNETS} annotation without a "default" network.` };
}

export interface CalicoBlocks {
  byNode: Map<string, string[]>;
  /** How many affinities were skipped as deleted or not confirmed. */
  skipped: number;
}

/**
 * Calico's block affinities: many per node (usually /26 blocks). Deleted ones (spec.deleted is the string "true"
 * in the CRD form) and ones not confirmed (pending, pendingDeletion) are skipped: no pod lives in them yet, or any
 * longer. An affinity without a state comes from a Calico older than the field and counts as confirmed.
 */
export function calicoBlocks(items: RawBlockAffinity[]): CalicoBlocks {
  const byNode = new Map<string, string[]>();
  let skipped = 0;
  for (const item of items) {
    const spec = item.spec;
    if (!spec?.node || !spec.cidr) continue;
    const deleted = spec.deleted === true || String(spec.deleted).toLowerCase() === "true";
    if (deleted || item.metadata?.deletionTimestamp || (spec.state !== undefined && spec.state !== "confirmed")) {
      skipped++;
      continue;
    }
    const list = byNode.get(spec.node) ?? [];
    if (!list.includes(spec.cidr)) list.push(spec.cidr);
    byNode.set(spec.node, list);
  }
  return { byNode, skipped };
}

/** Cilium cluster-pool IPAM: CiliumNode (named as its node) spec.ipam.podCIDRs. */
export function ciliumCidrs(items: RawCiliumNode[]): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const item of items) {
    const name = item.metadata?.name;
    const cidrs = item.spec?.ipam?.podCIDRs ?? [];
    if (name && cidrs.length > 0) byNode.set(name, [...cidrs]);
  }
  return byNode;
}

export interface CniData {
  calico?: CalicoBlocks;
  cilium?: Map<string, string[]>;
}

/**
 * A node's pod CIDRs from the chosen source. The ako.vmware.com/pod-cidrs annotation wins for every source: AKO
 * reads it only for the default branch, but it is the operator's explicit word (it exists for Calico with an etcd
 * datastore, where no block affinities can be read), so honouring it everywhere surprises no one.
 */
export function podCidrsFor(
  node: RawNode,
  source: CniSource,
  data: CniData,
): { cidrs: string[]; from: string; error?: string } {
  const annotated = annotatedPodCidrs(node);
  if (annotated !== undefined) return { cidrs: annotated, from: `annotation ${ANNOTATION_POD_CIDRS}` };
  const name = node.metadata?.name ?? "";
  switch (source) {
    case "calico":
      return { cidrs: data.calico?.byNode.get(name) ?? [], from: "blockaffinities.crd.projectcalico.org" };
    case "cilium":
      return { cidrs: data.cilium?.get(name) ?? [], from: "ciliumnodes.cilium.io spec.ipam.podCIDRs" };
    case "ovn-kubernetes": {
      const r = ovnPodCidrs(node);
      return { ...r, from: `annotation ${ANNOTATION_OVN_SUBNETS}` };
    }
    default:
      return { cidrs: specPodCidrs(node), from: "spec.podCIDRs" };
  }
}
