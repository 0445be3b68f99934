// The readiness probe behind a Service port, read from one backing pod: one GET of that pod, never a pod list (the
// pods of one Deployment share their template, so one pod says what all of them probe). The container serving the
// port is the one declaring the target port (by name or number); named probe ports are resolved in that container.
import type { ReadinessProbe, ServicePlacement } from "../plan/types";
import type { KubeClient } from "./client";
import type { Permission } from "./errors";
import type { RawContainer, RawPod } from "./raw";

/** The pod to read: a ready endpoint's first (by name, so repeated runs read the same one), else any endpoint's. */
export function probePod(svc: ServicePlacement): { namespace: string; name: string } | undefined {
  const pods = svc.ports.flatMap((p) => p.endpoints.filter((e) => e.pod).map((e) => ({ ready: e.ready, pod: e.pod! })));
  const sorted = [...pods].sort((a, b) => Number(b.ready) - Number(a.ready) || (a.pod.name < b.pod.name ? -1 : 1));
  const first = sorted[0]?.pod;
  return first ? { namespace: first.namespace || svc.namespace, name: first.name } : undefined;
}

function servingContainer(containers: RawContainer[], targetPort: number | string): RawContainer | undefined {
  const declares = (c: RawContainer) =>
    (c.ports ?? []).some((p) =>
      typeof targetPort === "string" ? p.name === targetPort : p.containerPort === targetPort,
    );
  return (
    containers.find(declares) ??
    (containers.length === 1 ? containers[0] : undefined) ??
    containers.find((c) => c.readinessProbe) ??
    containers[0]
  );
}

function resolvePort(c: RawContainer, port: number | string | null | undefined): number | undefined {
  if (typeof port === "number") return port;
  if (typeof port !== "string") return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort ?? undefined;
}

/** Pure: the probe of the container serving `targetPort` in `pod`. */
export function probeFromPod(pod: RawPod, targetPort: number | string): ReadinessProbe | undefined {
  const containers = pod.spec?.containers ?? [];
  const c = servingContainer(containers, targetPort);
  if (!c) return undefined;
  const base = { pod: pod.metadata?.name ?? "", container: c.name ?? "" };
  const r = c.readinessProbe;
  if (!r) return { ...base, kind: "none" };
  if (r.httpGet) {
    const h = r.httpGet;
    const out: ReadinessProbe = {
      ...base,
      kind: "httpGet",
      path: h.path ?? "/",
      scheme: h.scheme === "HTTPS" ? "HTTPS" : "HTTP",
    };
    if (h.port !== undefined && h.port !== null) out.portSpec = h.port;
    const port = resolvePort(c, h.port);
    if (port !== undefined) out.port = port;
    if (h.host) out.host = h.host;
    const headers = (h.httpHeaders ?? []).map((x) => x.name ?? "").filter((n) => n !== "");
    if (headers.length > 0) out.headers = headers;
    return out;
  }
  if (r.tcpSocket) {
    const out: ReadinessProbe = { ...base, kind: "tcpSocket" };
    if (r.tcpSocket.port !== undefined && r.tcpSocket.port !== null) out.portSpec = r.tcpSocket.port;
    const port = resolvePort(c, r.tcpSocket.port);
    if (port !== undefined) out.port = port;
    if (r.tcpSocket.host) out.host = r.tcpSocket.host;
    return out;
  }
  if (r.grpc) return { ...base, kind: "grpc" };
  if (r.exec) return { ...base, kind: "exec" };
  return { ...base, kind: "none" };
}

/** Reads one backing pod (one GET) and puts its readiness probe on each Service port; a pod gone since is no probe. */
export async function attachProbes(client: KubeClient, svc: ServicePlacement): Promise<ServicePlacement> {
  const ref = probePod(svc);
  if (!ref) return svc;
  const getPod: Permission = { verb: "get", resource: "pods", group: "", namespace: ref.namespace, name: ref.name };
  const pod = (await client.get(
    `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.name)}`,
    getPod,
    true,
  )) as RawPod | undefined;
  if (!pod) return svc;
  return {
    ...svc,
    ports: svc.ports.map((p) => {
      const probe = probeFromPod(pod, p.targetPort);
      return probe ? { ...p, readinessProbe: probe } : p;
    }),
  };
}
