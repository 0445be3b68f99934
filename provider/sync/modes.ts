// One planner per mode: how the servers of a Service's pools are derived. ClusterIP (pod IP : target port, from
// the Service's EndpointSlices) is the only mode today; NodePort and NodePortLocal (issue 14) add their planner
// here, with what they depend on, and the loop stays as it is. Each planner reads with provider/kube's readers and
// plans with provider/plan's functions: the same code the resources' check() and `avi-k8s plan` run.
import type { KubeClient, ServiceRef } from "../kube";
import { readServiceWith } from "../kube";
import { type DesiredPool, planServicePools } from "../plan";

export type SyncMode = "clusterip";

export interface ServicePlanner {
  readonly mode: SyncMode;
  /** Whether node changes can change this mode's servers (NodePort: yes; ClusterIP: no, only routes). */
  readonly dependsOnNodes: boolean;
  /** Reads what one Service's pools depend on and plans them; throws (never returns []) when a read fails. */
  plan(client: KubeClient, cluster: string, svc: ServiceRef, pageSize: number): Promise<DesiredPool[]>;
}

const clusterIp: ServicePlanner = {
  mode: "clusterip",
  dependsOnNodes: false,
  async plan(client, cluster, svc, pageSize) {
    const placement = await readServiceWith(client, svc, pageSize);
    return planServicePools(cluster, placement).pools;
  },
};

export const PLANNERS: Record<SyncMode, ServicePlanner> = { clusterip: clusterIp };
