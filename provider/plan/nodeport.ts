// NodePort mode as data: one server per selected node, address family and Service port, node address : nodePort
// (research/beyond-clusterip.md §1.1, and §6.1 for what we do better than AKO). Node addresses come from the
// placement reader's next-hop choice (InternalIP per family, the CNI's annotation, nodeNetworks), the same rule
// the static routes use. Pure.
import { compareServers, gateOf, servesTraffic } from "./endpoints";
import { matchesSelector, type Requirement } from "./selector";
import type { Conflict, DesiredPool, DesiredServer, Family, NodePlacement, ServicePlacement } from "./types";

/** The well-known label that takes a node out of every external load balancer (kubeadm sets it on control planes). */
export const LABEL_EXCLUDE_FROM_LB = "node.kubernetes.io/exclude-from-external-load-balancers";

/** What Go's strconv.ParseBool reads as false. */
const FALSE_VALUES = new Set(["0", "f", "F", "false", "FALSE", "False"]);

/**
 * Kubernetes' rule since kubernetes#131085: the label excludes the node unless its value reads as false, so "true",
 * an empty value and an invalid value exclude it and "false" keeps it (AKO ignores the label).
 */
export function excludedFromLoadBalancers(labels: Record<string, string> | undefined): boolean {
  if (!labels || !Object.hasOwn(labels, LABEL_EXCLUDE_FROM_LB)) return false;
  return !FALSE_VALUES.has(labels[LABEL_EXCLUDE_FROM_LB] ?? "");
}

/** The nodes a NodePort pool may hold: the selector's (all without one), never those excluded by the label. */
export function selectNodes(nodes: readonly NodePlacement[], selector: readonly Requirement[] = []): NodePlacement[] {
  return nodes.filter((n) => !excludedFromLoadBalancers(n.labels) && matchesSelector(selector, n.labels ?? {}));
}

const FAMILY_LABEL: Record<Family, string> = { ipv4: "IPv4", ipv6: "IPv6" };

export interface NodePortFailure {
  property: string;
  reason: string;
}

/** Why the Service cannot be served by node ports (no node ports allocated), or undefined. */
export function nodePortFailure(svc: ServicePlacement): NodePortFailure | undefined {
  const id = `Service ${svc.namespace}/${svc.name}`;
  if (svc.type === "ClusterIP" || svc.type === undefined) {
    return {
      property: "service",
      reason: `${id} is of type ${svc.type ?? "ClusterIP"}, which has no node ports: mode nodeport needs type LoadBalancer or NodePort (set spec.type), or use mode clusterip or nodeportlocal.`,
    };
  }
  if (svc.type === "LoadBalancer" && svc.allocateLoadBalancerNodePorts === false) {
    return {
      property: "service",
      reason: `${id} sets spec.allocateLoadBalancerNodePorts: false, so Kubernetes allocated no node ports: remove the field (or set it true) for mode nodeport, or use mode clusterip or nodeportlocal.`,
    };
  }
  const missing = svc.ports.filter((p) => !p.nodePort);
  if (missing.length > 0) {
    return {
      property: "service",
      reason: `${id} has no nodePort on port ${missing.map((p) => `${p.port}/${p.protocol}`).join(", ")}: mode nodeport needs one per exposed port (type LoadBalancer or NodePort allocates them).`,
    };
  }
  return undefined;
}

/**
 * The servers of each port's pool. A NotReady or cordoned node stays in the pool disabled (its connections drain;
 * it comes back enabled without a new member). With externalTrafficPolicy Local only nodes with a ready or serving
 * endpoint of the Service are members (kube-proxy drops traffic elsewhere), enabled while one serves traffic
 * (servesTraffic), and `healthCheckNodePort` is passed on for the monitor. Dual stack: a server per family the
 * Service has, where the node has an address of it.
 */
export function planNodePortPools(
  svc: ServicePlacement,
  pools: readonly Pick<DesiredPool, "name" | "servicePort" | "protocol">[],
  nodes: readonly NodePlacement[],
  selector: readonly Requirement[] = [],
): { pools: DesiredPool[]; conflicts: Conflict[] } {
  const conflicts: Conflict[] = [];
  const id = `${svc.namespace}/${svc.name}`;
  const chosen = selectNodes(nodes, selector).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (chosen.length === 0) {
    conflicts.push({
      kind: "other",
      message: `No node is eligible for Service ${id}'s node ports (${nodes.length} node(s)${selector.length > 0 ? ", none matching the node selector" : ""}, or all labelled ${LABEL_EXCLUDE_FROM_LB}); its pools would be empty.`,
    });
  }
  const families: Family[] = svc.ipFamilies && svc.ipFamilies.length > 0 ? svc.ipFamilies : ["ipv4"];
  const local = svc.externalTrafficPolicy === "Local";
  // Local: the nodes kube-proxy sends to (a ready or serving endpoint) and those with a ready one.
  const serving = new Set<string>();
  const ready = new Set<string>();
  for (const p of svc.ports) {
    for (const ep of p.endpoints) {
      if (!ep.node) continue;
      // A gated pod counts once its containers are ready, or its node could never join and its gate never turn.
      if (ep.ready || ep.serving || servesTraffic(ep)) serving.add(ep.node);
      if (servesTraffic(ep)) ready.add(ep.node);
    }
  }
  const reported = new Set<string>();
  const out = pools.map((pool) => {
    const sp = svc.ports.find((p) => p.port === pool.servicePort && p.protocol === pool.protocol);
    const nodePort = sp?.nodePort ?? 0;
    const servers: DesiredServer[] = [];
    for (const node of chosen) {
      if (local && !serving.has(node.name)) continue;
      const up = node.ready !== false && node.unschedulable !== true && (!local || ready.has(node.name));
      for (const family of families) {
        const addr = node.addresses[family];
        if (!addr) {
          if (!reported.has(`${node.name}/${family}`)) {
            reported.add(`${node.name}/${family}`);
            conflicts.push({
              kind: "no-address-for-family",
              node: node.name,
              message: `Node ${node.name} has no ${FAMILY_LABEL[family]} address for Service ${id}'s ${FAMILY_LABEL[family]} node ports; it gets no ${FAMILY_LABEL[family]} server.`,
            });
          }
          continue;
        }
        servers.push({ ip: addr, port: nodePort, enabled: up, node: node.name });
      }
    }
    const planned: DesiredPool = { ...pool, servers: servers.sort(compareServers) };
    if (local && svc.healthCheckNodePort) planned.healthCheckNodePort = svc.healthCheckNodePort;
    const gated = new Map<string, NonNullable<DesiredPool["gatedPods"]>[number]>();
    for (const ep of sp?.endpoints ?? []) {
      const gate = gateOf(ep);
      if (!gate || !ep.pod || gated.has(ep.pod.name)) continue;
      gated.set(ep.pod.name, { pod: ep.pod.name, ...gate, ...(local && ep.node ? { node: ep.node } : {}) });
    }
    if (gated.size > 0) planned.gatedPods = [...gated.values()];
    return planned;
  });
  return { pools: out, conflicts };
}
