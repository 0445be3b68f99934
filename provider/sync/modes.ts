// One planner per mode: how the servers of a Service's pools are derived. ClusterIP (pod IP : target port, from
// the Service's EndpointSlices) is the only mode today; NodePort and NodePortLocal (issue 14) add their planner
// here, with what they depend on, and the loop stays as it is. Each planner reads with provider/kube's readers and
// plans with provider/plan's functions: the same code the resources' check() and `avi-k8s plan` run.
import type { KubeClient, ServiceRef } from "../kube";
import { readServiceWith } from "../kube";
import { type DesiredPool, planServicePools } from "../plan";
import type { ServiceSide } from "./effects";

export type SyncMode = "clusterip";

export interface ServicePlanner {
  readonly mode: SyncMode;
  /** Whether node changes can change this mode's servers (NodePort: yes; ClusterIP: no, only routes). */
  readonly dependsOnNodes: boolean;
  /** Reads what one Service's pools depend on and plans them; throws (never returns []) when a read fails. */
  plan(client: KubeClient, cluster: string, svc: ServiceRef, pageSize: number): Promise<DesiredPool[]>;
  /** plan() with the Service's own side as read (status write-back, class, Events); optional. */
  planService?(
    client: KubeClient,
    cluster: string,
    svc: ServiceRef,
    pageSize: number,
  ): Promise<{ pools: DesiredPool[]; service: ServiceSide }>;
}

const clusterIp: ServicePlanner = {
  mode: "clusterip",
  dependsOnNodes: false,
  async plan(client, cluster, svc, pageSize) {
    return (await clusterIp.planService!(client, cluster, svc, pageSize)).pools;
  },
  async planService(client, cluster, svc, pageSize) {
    const placement = await readServiceWith(client, svc, pageSize);
    return { pools: planServicePools(cluster, placement).pools, service: sideOf(placement) };
  },
};

function sideOf(p: Parameters<typeof planServicePools>[1]): ServiceSide {
  const { namespace, name, uid, type, loadBalancerClass, loadBalancerIngress, ipFamilies } = p;
  return JSON.parse(
    JSON.stringify({ namespace, name, uid, type, loadBalancerClass, loadBalancerIngress, ipFamilies }),
  ) as ServiceSide;
}

export const PLANNERS: Record<SyncMode, ServicePlanner> = { clusterip: clusterIp };
