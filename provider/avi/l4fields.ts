// The L4 fields of the pools and the virtual service we write (provider/plan's L4Plan as Avi JSON): the monitor,
// balancing, persistence and drain of each pool; the source-range policy and client logs of the virtual service.
// graceful_disable_timeout is always written (minutes; default 1, AKO's value): controllers from 31.2.1 no longer
// default it to 1 minute (AKO CHANGELOG 2.1.1), so a pool that relied on the default would drop connections at once.
import { DEFAULT_MONITOR, type PoolL4 } from "../plan";
import type { DesiredPool } from "../plan/types";
import type { Json } from "./objects";
import { nameRef } from "./refs";
import type { VirtualServiceSpec } from "./types";

/** Pool fields we set only when asked, and therefore drop when no longer asked for (a PUT without them). */
export const POOL_OPTIONAL = [
  "application_persistence_profile_ref",
  "lb_algorithm_consistent_hash_hdr",
  "server_disable_type",
  "min_servers_up",
] as const;

/** A pool's settings: the plan's, or (callers without one, e.g. `avi-k8s plan`) AKO's defaults. */
export function poolL4Of(spec: VirtualServiceSpec, pool: Pick<DesiredPool, "name" | "protocol">): PoolL4 {
  return (
    spec.l4?.pools[pool.name] ?? {
      healthMonitor: spec.healthMonitor ?? DEFAULT_MONITOR[pool.protocol],
      lbAlgorithm: "LEAST_CONNECTIONS",
      gracefulDisableTimeout: 1,
    }
  );
}

export function poolL4Fields(spec: VirtualServiceSpec, pool: Pick<DesiredPool, "name" | "protocol">): Json {
  const l4 = poolL4Of(spec, pool);
  const out: Json = {
    health_monitor_refs: [nameRef("healthmonitor", l4.healthMonitor)],
    lb_algorithm: `LB_ALGORITHM_${l4.lbAlgorithm}`,
    graceful_disable_timeout: l4.gracefulDisableTimeout,
  };
  if (l4.lbHash) out.lb_algorithm_hash = `LB_ALGORITHM_CONSISTENT_HASH_${l4.lbHash}`;
  if (l4.lbHashHeader) out.lb_algorithm_consistent_hash_hdr = l4.lbHashHeader;
  if (l4.persistence)
    out.application_persistence_profile_ref = nameRef("applicationpersistenceprofile", l4.persistence);
  if (l4.serverDisableType) out.server_disable_type = l4.serverDisableType;
  if (l4.minServersUp !== undefined) out.min_servers_up = l4.minServersUp;
  return out;
}

/**
 * The virtual service's L4 fields. `current` is the VS on the controller: full client logs change only that flag of
 * its analytics policy, so what else the policy holds (set in the UI, say) stays.
 */
export function vsL4Fields(spec: VirtualServiceSpec, policyName: string, current?: Json): Json {
  const out: Json = {};
  if (spec.l4?.sourceRanges && spec.l4.sourceRanges.length > 0) {
    out.network_security_policy_ref = nameRef("networksecuritypolicy", policyName);
  }
  if (spec.l4?.fullClientLogs !== undefined) {
    const analytics = (current?.analytics_policy ?? {}) as Json;
    const logs = (analytics.full_client_logs ?? {}) as Json;
    out.analytics_policy = { ...analytics, full_client_logs: { ...logs, enabled: spec.l4.fullClientLogs } };
  }
  return out;
}
