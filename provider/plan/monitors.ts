// Health monitors as data: the default per protocol (AKO's), a typed monitor from the args, and one derived from a
// pod's readinessProbe. Derivation follows the GCE ingress precedent (research/beyond-clusterip.md §4.5): the
// probe's path and port are adopted, but a probe that needs special headers (httpHeaders, or host, which is the
// Host header) is refused, as are exec and gRPC probes, which a monitor cannot run. Unlike GCE, an HTTPS probe
// becomes an HTTPS monitor: the kubelet does not verify the pod's certificate, and neither does an HTTPS monitor
// without a PKI profile, so the two agree. Timing is not copied from the probe (the controller needs the timeout
// below the interval, which the kubelet does not): it is the controller's default unless the args give it.
import { MONITOR_DEFAULTS, monitorTypeOf, responseCodeOf } from "./l4args";
import type { HealthMonitorArgs, MonitorSpec, MonitorType, ResponseCode } from "./l4types";
import type { Protocol, ReadinessProbe } from "./types";

/** AKO's monitor per protocol (rest/avi_obj_pool.go): what a pool gets when nothing else is asked for. */
export const DEFAULT_MONITOR: Record<Protocol, string> = { TCP: "System-TCP", UDP: "System-UDP", SCTP: "System-SCTP" };

/** The monitor a pool owns is named after the pool and its type: a new type is a new monitor (created, then the
 * old one deleted once the pool no longer refers to it), never an in-place type change. */
export function monitorName(poolName: string, type: MonitorType): string {
  return `${poolName}-${type}`;
}

function timing(m: HealthMonitorArgs): Pick<MonitorSpec, "interval" | "timeout" | "failedChecks" | "successfulChecks"> {
  return {
    interval: m.interval ?? MONITOR_DEFAULTS.interval,
    timeout: m.timeout ?? MONITOR_DEFAULTS.timeout,
    failedChecks: m.failedChecks ?? MONITOR_DEFAULTS.failedChecks,
    successfulChecks: m.successfulChecks ?? MONITOR_DEFAULTS.successfulChecks,
  };
}

function codes(m: HealthMonitorArgs, fallback: ResponseCode[]): ResponseCode[] {
  const given = (m.responseCodes ?? []).map(responseCodeOf).filter((c): c is ResponseCode => c !== undefined);
  return given.length > 0 ? [...new Set(given)] : fallback;
}

/** A typed monitor (args already validated). */
export function monitorFromArgs(m: HealthMonitorArgs): MonitorSpec {
  const type = monitorTypeOf(m.type) ?? "TCP";
  const spec: MonitorSpec = { type, ...timing(m) };
  if (m.port !== undefined) spec.port = m.port;
  if (type === "HTTP" || type === "HTTPS") {
    spec.request = m.request ?? `GET ${m.path ?? "/"} HTTP/1.0`;
    spec.responseCodes = codes(m, ["2XX"]);
  }
  return spec;
}

export type ProbeMonitor =
  | { kind: "monitor"; spec: MonitorSpec }
  /** The probe exists but cannot become a monitor: the reason, for check() to refuse with. */
  | { kind: "refused"; reason: string };

/**
 * The monitor a readiness probe stands for. `targetPort` is the server port: a probe on that port needs no
 * monitor_port. The kubelet counts 200-399 as ready, so the default codes are 2XX and 3XX.
 */
export function monitorFromProbe(m: HealthMonitorArgs, probe: ReadinessProbe, targetPort: number): ProbeMonitor {
  const where = `the readinessProbe of container ${probe.container} in pod ${probe.pod}`;
  const typed = "set a typed monitor ({ type, path, port }) instead";
  switch (probe.kind) {
    case "none":
      return {
        kind: "refused",
        reason: `container ${probe.container} in pod ${probe.pod} has no readinessProbe; ${typed}.`,
      };
    case "exec":
    case "grpc":
      return {
        kind: "refused",
        reason: `${where} is an ${probe.kind} probe, which a health monitor cannot run; ${typed}.`,
      };
    default:
      break;
  }
  if (probe.port === undefined) {
    return {
      kind: "refused",
      reason: `${where} names port '${String(probe.portSpec)}', which no container port of that name declares; ${typed}.`,
    };
  }
  const port = probe.port === targetPort ? {} : { port: probe.port };
  if (probe.kind === "tcpSocket")
    return { kind: "monitor", spec: { type: "TCP", ...timing(m), ...port, from: "readinessProbe" } };
  if (probe.headers && probe.headers.length > 0) {
    return {
      kind: "refused",
      reason: `${where} sends the headers ${probe.headers.join(", ")}; like the GCE ingress, a monitor is derived only from probes without special headers: ${typed}.`,
    };
  }
  if (probe.host) {
    return {
      kind: "refused",
      reason: `${where} is aimed at host ${probe.host}; like the GCE ingress, a monitor is derived only from probes of the pod itself: ${typed}.`,
    };
  }
  const path = probe.path ? (probe.path.startsWith("/") ? probe.path : `/${probe.path}`) : "/";
  if (/\s/.test(path))
    return { kind: "refused", reason: `${where} has a path with white space ('${path}'); ${typed}.` };
  return {
    kind: "monitor",
    spec: {
      type: probe.scheme === "HTTPS" ? "HTTPS" : "HTTP",
      ...timing(m),
      ...port,
      request: `GET ${path} HTTP/1.0`,
      responseCodes: codes(m, ["2XX", "3XX"]),
      from: "readinessProbe",
    },
  };
}
