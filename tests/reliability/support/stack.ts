// One "stack" as the SDK runs it, at the level of the core: read placement (small pages, so continue tokens and
// their 410 occur), plan, then routes and the virtual service; delete in the reverse order. Plus the foreign
// objects and routes every campaign plants on the controller to prove they stay untouched.
import type { AviEmulator } from "../../../emulator/avi";
import type { KubeEmulator } from "../../../emulator/kube";
import {
  type AviConnection,
  type AviSession,
  applyRoutes,
  applyVirtualService,
  createAviSession,
  deleteVirtualService,
  removeRoutes,
  type VirtualServiceSpec,
} from "../../../provider/avi";
import { readPlacement } from "../../../provider/kube";
import { planPools, planRoutes } from "../../../provider/plan";

export interface StackTarget {
  cluster: string;
  kube: KubeEmulator;
  vip: string;
  namespace?: string;
  service?: string;
  /** Items per list request; 1 makes every list span pages. */
  pageSize?: number;
}

export function connectionTo(avi: AviEmulator, extra: Partial<AviConnection> = {}): AviConnection {
  return {
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
    retryBaseMs: 5,
    ...extra,
  };
}

/** Reads and plans; the only Kubernetes I/O of an operation, done before any controller write. */
export async function plan(t: StackTarget) {
  const namespace = t.namespace ?? "default";
  const service = t.service ?? "web";
  const placement = await readPlacement(
    { kubeconfigContent: t.kube.kubeconfigContent },
    { cni: "auto", pageSize: t.pageSize ?? 1, services: [{ namespace, name: service }], timeoutMs: 5000 },
  );
  const routes = planRoutes(t.cluster, placement.nodes).routes;
  const svc = placement.services[0]!;
  const spec: VirtualServiceSpec = {
    cluster: t.cluster,
    namespace,
    service,
    vip: { address: t.vip },
    ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    pools: planPools(t.cluster, svc),
  };
  return { routes, spec };
}

/** create and update: converge routes, then the virtual service; returns the spec written (for a later delete). */
export async function applyStack(s: AviSession, t: StackTarget): Promise<{ spec: VirtualServiceSpec; writes: number }> {
  const { routes, spec } = await plan(t);
  const r = await applyRoutes(s, { cluster: t.cluster }, routes);
  const v = await applyVirtualService(s, spec);
  return { spec, writes: r.writes + v.writes };
}

/** delete: the virtual service (and its VsVip and pools), then the cluster's routes. */
export async function deleteStack(s: AviSession, spec: VirtualServiceSpec): Promise<number> {
  const v = await deleteVirtualService(s, spec);
  if (v.left.length > 0) throw new Error(`delete left ${v.left.map((l) => `${l.object}: ${l.reason}`).join("; ")}`);
  const r = await removeRoutes(s, { cluster: spec.cluster });
  return v.writes + r.writes;
}

/** Runs `work` with a fresh session and always logs out. */
export async function withSession<T>(conn: AviConnection, work: (s: AviSession) => Promise<T>): Promise<T> {
  const s = createAviSession(conn);
  try {
    return await work(s);
  } finally {
    await s.logout().catch(() => undefined);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: controller and Kubernetes objects are schemaless JSON here.
type J = Record<string, any>;

const route = (id: string, prefix: string, mask: number, hop: string, labels?: J[]): J => ({
  route_id: id,
  prefix: { ip_addr: { addr: prefix, type: "V4" }, mask },
  next_hop: { addr: hop, type: "V4" },
  ...(labels ? { labels } : {}),
});

/**
 * Someone else's things: routes with no label, with another cluster's label (one on a prefix we also route), with
 * another label key; a virtual service, VsVip and pool of another cluster; a pool with no markers at all.
 */
export async function plantForeign(s: AviSession): Promise<void> {
  const [global] = await s.list<J>("vrfcontext", { params: { name: "global" } });
  if (!global) throw new Error("the controller has no global VRF");
  const foreign = [
    route("static-1", "10.200.0.0", 24, "10.100.1.250"),
    route("other-cluster-1", "10.201.0.0", 24, "10.100.1.251", [{ key: "clustername", value: "other" }]),
    route("other-cluster-overlap", "192.168.101.0", 24, "10.100.9.9", [{ key: "clustername", value: "other" }]),
    route("team-x", "10.202.0.0", 16, "10.100.1.252", [{ key: "owner", value: "team-x" }]),
    route("bare-key", "10.203.0.0", 24, "10.100.1.253", [{ key: "clustername" }]),
  ];
  await s.put(`vrfcontext/${global.uuid}`, { ...global, static_routes: [...(global.static_routes ?? []), ...foreign] });
  const markers = [
    { key: "clustername", values: ["other"] },
    { key: "Namespace", values: ["default"] },
    { key: "ServiceName", values: ["web"] },
  ];
  const pool = await s.post<J>("pool", {
    name: "other--default-web-TCP-80",
    markers,
    default_server_port: 8080,
    servers: [{ ip: { addr: "172.16.0.5", type: "V4" }, port: 8080 }],
  });
  const vsvip = await s.post<J>("vsvip", {
    name: "other--default-web",
    markers,
    vip: [{ vip_id: "0", ip_address: { addr: "10.100.3.10", type: "V4" } }],
  });
  await s.post("virtualservice", {
    name: "other--default-web",
    markers,
    vsvip_ref: `/api/vsvip/${vsvip.uuid}`,
    pool_ref: `/api/pool/${pool.uuid}`,
    services: [{ port: 80 }],
  });
  await s.post("pool", { name: "legacy-web", servers: [{ ip: { addr: "172.16.0.9", type: "V4" }, port: 80 }] });
}
