// Side effects after a pool's members were reconciled: the place for what acts on the pods themselves (issue 15's
// readiness gate sets a pod condition once the pod's server is in the pool and enabled; Service status and Events
// go here too). Each hook runs after the controller acknowledged the write (or found nothing to write), with the
// servers the pool now holds, pods named; a hook's failure is logged and counted, never undoes the write.
import type { ServerChange } from "../avi";
import type { DesiredPool, DesiredServer, ServicePlacement } from "../plan";

/** What the planner read of the Service itself (its own side: type, class, status, families). */
export type ServiceSide = Pick<
  ServicePlacement,
  "namespace" | "name" | "uid" | "type" | "loadBalancerClass" | "loadBalancerIngress" | "ipFamilies"
>;

export interface PoolReconciled {
  cluster: string;
  namespace: string;
  service: string;
  pool: string;
  /** The servers the pool holds now (the planner's, pods named). */
  servers: DesiredServer[];
  /** NodePort: the gated pods behind the pool's node servers (DesiredPool.gatedPods). */
  gatedPods?: DesiredPool["gatedPods"];
  change: ServerChange;
  written: boolean;
  /** The pool's uuid on the controller. */
  poolUuid?: string;
  /** The Service as the planner read it, when its planner says (absent: read it if needed). */
  serviceSide?: ServiceSide;
}

export interface SyncEffects {
  /** May ask for the Service to be looked at again (a gated pod whose containers are not ready yet). */
  afterPool?(p: PoolReconciled): Promise<{ recheckAfterMs?: number } | undefined>;
  /** A Service's run failed (the controller unreachable, a failed read): for an Event on the Service. */
  onServiceError?(namespace: string, service: string, err: unknown): void;
  /** The mode cannot serve a Service any more (no node ports, NodePortLocal opt-in gone): its pools keep their servers. */
  onServiceRefused?(namespace: string, service: string, reason: string): void;
}
