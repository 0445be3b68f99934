// One planner per mode: how the servers of a Service's pools are derived. ClusterIP (pod IP : target port, from
// the Service's EndpointSlices), NodePort (node address : nodePort, from the nodes) and NodePortLocal (node address
// : Antrea's per-pod port, from the pods' annotation). Each planner reads with provider/kube's readers and plans
// with provider/plan's planServicePools: the same code the resources' check() and `avi-k8s plan` run. Which planner
// a Service gets is written on its pools (markers mode, nodeselector, nodenetworks: provider/avi/markers.ts), so
// the sync plans a pool as the resource that made it did.
import type { ServerSource } from "../avi";
import type { KubeClient, ServiceRef } from "../kube";
import { KubeReadError, readNodesWith, readServiceWith } from "../kube";
import { type DesiredPool, type Mode, type NodePlacement, parseSelector, planServicePools } from "../plan";
import type { ServiceSide } from "./effects";

export type SyncMode = Mode;

/** What a planner may share across Services: the cluster's nodes, read once per node change (engine.ts). */
export interface PlanContext {
  source?: ServerSource;
  /** The nodes with addresses taken inside `nodeNetworks` (nodeport); read when absent. */
  nodes?(nodeNetworks: readonly string[]): Promise<NodePlacement[]>;
}

export interface ServicePlanner {
  readonly mode: SyncMode;
  /** Whether node changes can change this mode's servers (NodePort: yes; ClusterIP: no, only routes). */
  readonly dependsOnNodes: boolean;
  /** Whether pod changes beyond the EndpointSlices (NodePortLocal's annotation) can change the servers. */
  readonly dependsOnPods: boolean;
  /** Reads what one Service's pools depend on and plans them; throws (never returns []) when a read fails. */
  plan(
    client: KubeClient,
    cluster: string,
    svc: ServiceRef,
    pageSize: number,
    ctx?: PlanContext,
  ): Promise<DesiredPool[]>;
  /** plan() with the Service's own side as read (status write-back, class, Events). */
  planService(
    client: KubeClient,
    cluster: string,
    svc: ServiceRef,
    pageSize: number,
    ctx?: PlanContext,
  ): Promise<{ pools: DesiredPool[]; service: ServiceSide }>;
}

/** A Service the mode cannot serve any more: its pools keep their servers and the warning names the fix. */
function refuse(failures: { reason: string }[]): void {
  if (failures.length > 0) throw new KubeReadError("invalid", failures.map((f) => f.reason).join(" "));
}

/** A planner whose plan() is its planService()'s pools. */
function withPlan(p: Omit<ServicePlanner, "plan">): ServicePlanner {
  return { ...p, plan: async (...args) => (await p.planService(...args)).pools };
}

const clusterIp: ServicePlanner = withPlan({
  mode: "clusterip",
  dependsOnNodes: false,
  dependsOnPods: false,
  async planService(client, cluster, svc, pageSize) {
    const placement = await readServiceWith(client, svc, pageSize);
    return { pools: planServicePools(cluster, placement).pools, service: sideOf(placement) };
  },
});

function sideOf(p: Parameters<typeof planServicePools>[1]): ServiceSide {
  const { namespace, name, uid, type, loadBalancerClass, loadBalancerIngress, ipFamilies } = p;
  return JSON.parse(
    JSON.stringify({ namespace, name, uid, type, loadBalancerClass, loadBalancerIngress, ipFamilies }),
  ) as ServiceSide;
}

const nodePort: ServicePlanner = withPlan({
  mode: "nodeport",
  dependsOnNodes: true,
  dependsOnPods: false,
  async planService(client, cluster, svc, pageSize, ctx = {}) {
    const placement = await readServiceWith(client, svc, pageSize);
    const networks = ctx.source?.nodeNetworks ?? [];
    const nodes = ctx.nodes
      ? await ctx.nodes(networks)
      : (
          await readNodesWith(client, {
            cni: "auto",
            pageSize,
            ...(networks.length > 0 ? { nodeNetworks: [...networks] } : {}),
          })
        ).nodes;
    if (nodes.length === 0) {
      throw new KubeReadError(
        "other",
        "The Kubernetes API listed no nodes at all; taken for a misread, no server is removed.",
      );
    }
    const selector = ctx.source?.nodeSelector ? parseSelector(ctx.source.nodeSelector) : undefined;
    if (selector && !selector.ok) {
      throw new KubeReadError("invalid", `The pools' node selector '${ctx.source?.nodeSelector}' ${selector.error}.`);
    }
    const planned = planServicePools(cluster, placement, undefined, {
      mode: "nodeport",
      nodes,
      ...(selector?.ok ? { nodeSelector: selector.requirements } : {}),
    });
    refuse(planned.failures);
    return { pools: planned.pools, service: sideOf(placement) };
  },
});

const nodePortLocal: ServicePlanner = withPlan({
  mode: "nodeportlocal",
  dependsOnNodes: false,
  dependsOnPods: true,
  async planService(client, cluster, svc, pageSize) {
    const placement = await readServiceWith(client, svc, pageSize, { podAnnotations: true });
    const planned = planServicePools(cluster, placement, undefined, { mode: "nodeportlocal" });
    refuse(planned.failures);
    return { pools: planned.pools, service: sideOf(placement) };
  },
});

export const PLANNERS: Record<SyncMode, ServicePlanner> = {
  clusterip: clusterIp,
  nodeport: nodePort,
  nodeportlocal: nodePortLocal,
};

/** The planner of a Service's pools: the mode their markers record (clusterip when none). */
export function plannerOf(pools: readonly { source?: ServerSource }[], fallback: ServicePlanner): ServicePlanner {
  const mode = pools.find((p) => p.source)?.source?.mode;
  return mode ? PLANNERS[mode] : fallback;
}

/**
 * The cluster's nodes for the NodePort Services of one node generation: one list (per node-network choice) shared
 * by every Service a node event touches, read again after `invalidate()` (the next node event). A failed read is not
 * kept: the next Service reads again.
 */
export function sharedNodeLists(
  client: KubeClient,
  pageSize: number,
): { read(nodeNetworks: readonly string[]): Promise<NodePlacement[]>; invalidate(): void } {
  let generation = 0;
  const cache = new Map<string, { generation: number; nodes: Promise<NodePlacement[]> }>();
  return {
    read(networks) {
      const k = networks.join(",");
      const hit = cache.get(k);
      if (hit && hit.generation === generation) return hit.nodes;
      const nodes = readNodesWith(client, {
        cni: "auto",
        pageSize,
        ...(networks.length > 0 ? { nodeNetworks: [...networks] } : {}),
      }).then((r) => r.nodes);
      nodes.catch(() => cache.delete(k));
      cache.set(k, { generation, nodes });
      return nodes;
    },
    invalidate() {
      generation++;
    },
  };
}
