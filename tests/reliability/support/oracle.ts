// The independent view of "converged": what the controller should hold, derived from the Kubernetes emulator's own
// objects (not from the product's reader or planner), compared with what the Avi emulator stores. Foreign objects
// and routes are snapshotted before a schedule and must come out byte-identical.
import type { AviEmulator, Obj } from "../../../emulator/avi";
import type { KubeEmulator } from "../../../emulator/kube";

// biome-ignore lint/suspicious/noExplicitAny: controller and Kubernetes objects are schemaless JSON here.
type J = Record<string, any>;

/** "prefix via nextHop" for every node pod CIDR of the cluster. */
export function expectedRoutes(kube: KubeEmulator): string[] {
  const out: string[] = [];
  for (const n of kube.list("nodes")) {
    const hop = ((n.status?.addresses ?? []) as J[]).find((a) => a.type === "InternalIP")?.address;
    const cidrs: string[] = n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []);
    for (const c of cidrs) if (hop) out.push(`${c} via ${hop}`);
  }
  return out.sort();
}

/** The Service's port and its pods' "ip:port:enabled" (enabled = Ready), from the Service selector and Pods. */
export function expectedPool(
  kube: KubeEmulator,
  namespace: string,
  service: string,
): { port: number; servers: string[] } {
  const svc = kube.get("services", service, namespace);
  if (!svc) throw new Error(`the kube emulator has no service ${namespace}/${service}`);
  const sp = (svc.spec.ports as J[])[0]!;
  const selector = (svc.spec.selector ?? {}) as Record<string, string>;
  const servers: string[] = [];
  for (const p of kube.list("pods", namespace)) {
    const labels = (p.metadata.labels ?? {}) as Record<string, string>;
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    if (p.metadata.deletionTimestamp || !p.status?.podIP) continue;
    const port =
      typeof sp.targetPort === "number"
        ? sp.targetPort
        : ((p.spec.containers as J[]).flatMap((c) => (c.ports ?? []) as J[]).find((x) => x.name === sp.targetPort)
            ?.containerPort as number);
    const ready = ((p.status.conditions ?? []) as J[]).some((c) => c.type === "Ready" && c.status === "True");
    servers.push(`${p.status.podIP}:${port}:${ready}`);
  }
  return { port: sp.port as number, servers: servers.sort() };
}

export function vrf(avi: AviEmulator, name = "global"): Obj {
  const v = avi.objects("vrfcontext").find((x) => x.name === name);
  if (!v) throw new Error(`no vrfcontext ${name}`);
  return v;
}

export function routeText(r: J): string {
  return `${r.prefix?.ip_addr?.addr}/${r.prefix?.mask} via ${r.next_hop?.addr}`;
}

const ownedBy = (r: J, cluster: string) =>
  ((r.labels ?? []) as J[]).some((l) => l.key === "clustername" && l.value === cluster);

/** The routes labelled clustername=<cluster>, as "prefix via hop" (duplicates kept, so they can be counted). */
export function routesOf(avi: AviEmulator, cluster: string, vrfName = "global"): string[] {
  return ((vrf(avi, vrfName).static_routes ?? []) as J[])
    .filter((r) => ownedBy(r, cluster))
    .map(routeText)
    .sort();
}

const OBJECT_TYPES = ["virtualservice", "vsvip", "pool", "poolgroup", "healthmonitor", "serviceenginegroup"];

function markerCluster(o: J): string | undefined {
  const m = ((o.markers ?? []) as J[]).find((x) => x.key === "clustername");
  return m?.values?.[0];
}

/** Everything not belonging to these clusters: objects by type+uuid, and the VRF's other routes in order. */
export interface ForeignSnapshot {
  objects: Map<string, string>;
  routes: string;
}

function isOursByName(o: J, clusters: string[]): boolean {
  return clusters.some((c) => typeof o.name === "string" && o.name.startsWith(`${c}--`));
}

export function snapshotForeign(avi: AviEmulator, clusters: string[], vrfName = "global"): ForeignSnapshot {
  const objects = new Map<string, string>();
  for (const t of OBJECT_TYPES) {
    for (const o of avi.objects(t)) {
      const c = markerCluster(o);
      if ((c && clusters.includes(c)) || isOursByName(o, clusters)) continue;
      objects.set(`${t}/${o.uuid}`, JSON.stringify(o));
    }
  }
  const others = ((vrf(avi, vrfName).static_routes ?? []) as J[]).filter((r) => !clusters.some((c) => ownedBy(r, c)));
  return { objects, routes: JSON.stringify(others) };
}

/** How many foreign objects (and the foreign route list, as one) differ from the snapshot. */
export function foreignChanges(
  avi: AviEmulator,
  before: ForeignSnapshot,
  clusters: string[],
  vrfName = "global",
): string[] {
  const now = snapshotForeign(avi, clusters, vrfName);
  const changed: string[] = [];
  for (const [k, v] of before.objects) if (now.objects.get(k) !== v) changed.push(k);
  for (const k of now.objects.keys()) if (!before.objects.has(k)) changed.push(`${k} (new)`);
  if (now.routes !== before.routes) changed.push(`routes of others in vrfcontext ${vrfName}`);
  return changed;
}

export interface Desired {
  cluster: string;
  namespace: string;
  service: string;
  /** Absent after delete: nothing of the cluster may remain. */
  pool?: { port: number; servers: string[] };
  routes: string[];
}

function serversOf(pool: J): string[] {
  return ((pool.servers ?? []) as J[])
    .map((s) => `${s.ip?.addr}:${s.port ?? pool.default_server_port}:${s.enabled !== false}`)
    .sort();
}

/** Differences between the controller and `d`: orphans (objects or routes of ours we do not want) and the rest. */
export function compare(avi: AviEmulator, d: Desired): { orphans: string[]; problems: string[] } {
  const orphans: string[] = [];
  const problems: string[] = [];
  const vsName = `${d.cluster}--${d.namespace}-${d.service}`;
  const poolName = d.pool ? `${vsName}-TCP-${d.pool.port}` : undefined;
  const mine = (t: string) =>
    avi.objects(t).filter((o) => markerCluster(o) === d.cluster || isOursByName(o, [d.cluster]));
  const vss = mine("virtualservice");
  const vsvips = mine("vsvip");
  const pools = mine("pool");
  const wantVs = d.pool ? [vsName] : [];
  for (const [t, got, want] of [
    ["virtualservice", vss, wantVs],
    ["vsvip", vsvips, wantVs],
    ["pool", pools, poolName ? [poolName] : []],
  ] as const) {
    for (const o of got) if (!want.includes(String(o.name))) orphans.push(`${t} ${String(o.name)}`);
    for (const n of want) {
      const k = got.filter((o) => o.name === n).length;
      if (k !== 1) problems.push(`${k} ${t} named ${n}`);
    }
  }
  if (d.pool && poolName) {
    const pool = pools.find((p) => p.name === poolName);
    const vs = vss.find((v) => v.name === vsName);
    const vip = vsvips.find((v) => v.name === vsName);
    if (pool) {
      const got = serversOf(pool);
      if (JSON.stringify(got) !== JSON.stringify(d.pool.servers))
        problems.push(`pool servers ${got.join(",")} != ${d.pool.servers.join(",")}`);
    }
    if (vs && pool && vip) {
      const refs = JSON.stringify(vs);
      if (!refs.includes(String(pool.uuid))) problems.push("the virtual service does not refer to its pool");
      if (!refs.includes(String(vip.uuid))) problems.push("the virtual service does not refer to its vsvip");
      const ports = ((vs.services ?? []) as J[]).map((s) => s.port);
      if (JSON.stringify(ports) !== JSON.stringify([d.pool.port])) problems.push(`vs ports ${ports.join(",")}`);
    }
  }
  const routes = routesOf(avi, d.cluster);
  const want = [...d.routes].sort();
  const extra = [...routes];
  for (const r of want) {
    const i = extra.indexOf(r);
    if (i < 0) problems.push(`route ${r} missing`);
    else extra.splice(i, 1);
  }
  for (const r of extra) orphans.push(`route ${r}`);
  return { orphans, problems };
}
