// How one endpoint counts for the pools of every mode: whether its pod takes new connections, and the readiness
// gate the sync may have to set for it.
import { compareBytes, parseIp } from "./ip";
import type { DesiredServer, EndpointPlacement } from "./types";

/**
 * Whether an endpoint's server takes new connections. Not terminating, and ready; or, for a pod that lists our
 * readiness gate, its containers ready. A gated pod's endpoint is not `ready` (nor `serving`: both follow the pod's
 * Ready condition, which includes the gate) until the gate is True, and the sync sets the gate True only once the
 * server is enabled: judged by `ready` alone, neither would ever happen. ContainersReady is what Ready would be with
 * our gate True; other gates are not waited for, so two load balancers' gates can never wait on each other.
 */
export function servesTraffic(ep: EndpointPlacement): boolean {
  if (ep.terminating) return false;
  return ep.ready || ep.readinessGate?.containersReady === true;
}

/** The gate the sync may set for this endpoint's pod (it lists our readiness gate); undefined otherwise. */
export function gateOf(ep: EndpointPlacement): DesiredServer["gate"] | undefined {
  if (!ep.readinessGate) return undefined;
  return { status: ep.readinessGate.status, ...(ep.pod?.uid ? { podUid: ep.pod.uid } : {}) };
}

/** The pools' server order in every mode: by address (bytes, so 10.0.0.9 before 10.0.0.10), then port. */
export function compareServers(a: DesiredServer, b: DesiredServer): number {
  const pa = parseIp(a.ip);
  const pb = parseIp(b.ip);
  const byIp = pa && pb ? compareBytes(pa.bytes, pb.bytes) : a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0;
  return byIp || a.port - b.port;
}
