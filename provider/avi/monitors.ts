// The health monitors a virtual service owns, as Avi JSON (alb-sdk swagger/HealthMonitor.json): typed ones from the
// args and ones derived from readiness probes (provider/plan/monitors.ts). Named after their pool and type, marked
// like every object of ours. HealthMonitor has no cloud_ref or created_by field, so neither is sent.
import type { MonitorSpec } from "../plan";
import { type Json, markersFor } from "./objects";
import type { VirtualServiceSpec } from "./types";

/** Fields a monitor of ours drops when its spec no longer sets them. */
export const MONITOR_OPTIONAL = ["monitor_port"] as const;

export function buildHealthMonitor(spec: VirtualServiceSpec, name: string, m: MonitorSpec): Json {
  const out: Json = {
    name,
    type: `HEALTH_MONITOR_${m.type}`,
    send_interval: m.interval,
    receive_timeout: m.timeout,
    failed_checks: m.failedChecks,
    successful_checks: m.successfulChecks,
    markers: markersFor(spec),
  };
  if (m.port !== undefined) out.monitor_port = m.port;
  if (m.type === "HTTP" || m.type === "HTTPS") {
    out[m.type === "HTTP" ? "http_monitor" : "https_monitor"] = {
      http_request: m.request ?? "GET / HTTP/1.0",
      http_response_code: (m.responseCodes ?? ["2XX"]).map((c) => `HTTP_${c}`),
    };
  }
  if (m.from === "healthCheckNodePort") {
    out.description =
      "kube-proxy's /healthz on the Service's healthCheckNodePort: 200 while the node has local endpoints";
  } else if (m.from) out.description = `derived from the pods' ${m.from}`;
  return out;
}
