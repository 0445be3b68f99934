// Side effects after a pool's members were reconciled: the place for what acts on the pods themselves (issue 15's
// readiness gate sets a pod condition once the pod's server is in the pool and enabled; Service status and Events
// go here too). Each hook runs after the controller acknowledged the write (or found nothing to write), with the
// servers the pool now holds, pods named; a hook's failure is logged and counted, never undoes the write.
import type { ServerChange } from "../avi";
import type { DesiredServer } from "../plan";

export interface PoolReconciled {
  cluster: string;
  namespace: string;
  service: string;
  pool: string;
  /** The servers the pool holds now (the planner's, pods named). */
  servers: DesiredServer[];
  change: ServerChange;
  written: boolean;
}

export interface SyncEffects {
  afterPool?(p: PoolReconciled): Promise<void>;
}
