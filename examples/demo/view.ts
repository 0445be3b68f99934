// What the controller holds, read back over its REST API with the demo's own plain client (rest.ts, the calls a
// person would make with curl, not the product's client), in the shape the demo prints: virtual services with
// their VIP and pool servers, and the VRF's static routes.
import type { RestClient } from "./rest";

type Json = Record<string, unknown>;

export interface ServerView {
  ip: string;
  port: number;
  node?: string;
  /** The pod, from the server's description (the controller keeps no pod name); none for a NodePort server. */
  pod?: string;
  enabled: boolean;
}
export interface PoolView {
  name: string;
  servers: ServerView[];
}
export interface VirtualServiceView {
  name: string;
  vip: string;
  ports: number[];
  /** The clustername marker: which cluster's objects these are. */
  cluster?: string;
  pools: PoolView[];
}
export interface RouteView {
  prefix: string;
  nextHop: string;
  /** The clustername label; absent for routes someone else placed. */
  cluster?: string;
}
export interface ControllerView {
  virtualServices: VirtualServiceView[];
  /** Every pool on the controller, also those no virtual service uses. */
  poolCount: number;
  vsVipCount: number;
  /** Names of every pool and VsVip, for saying what a destroy removed and what it kept. */
  poolNames: string[];
  vsVipNames: string[];
  vrf: string;
  routes: RouteView[];
}

/** The uuid a ref points at: `https://host/api/pool/pool-1234#name` -> `pool-1234`. */
export function refUuid(ref: unknown): string | undefined {
  if (typeof ref !== "string" || ref === "") return undefined;
  return ref.replace(/#.*$/, "").replace(/\?.*$/, "").split("/").filter(Boolean).pop();
}

function marker(obj: Json, key: string): string | undefined {
  const markers = Array.isArray(obj.markers) ? (obj.markers as Json[]) : [];
  const m = markers.find((x) => x.key === key);
  return Array.isArray(m?.values) ? String(m.values[0]) : undefined;
}

function server(s: Json): ServerView {
  const out: ServerView = {
    ip: String((s.ip as { addr?: string } | undefined)?.addr ?? ""),
    port: Number(s.port ?? 0),
    enabled: s.enabled !== false,
  };
  if (typeof s.server_node === "string" && s.server_node) out.node = s.server_node;
  if (typeof s.description === "string" && s.description) out.pod = s.description;
  return out;
}

function byIpThenPort(a: ServerView, b: ServerView): number {
  return a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1;
}

function poolRefs(vs: Json): string[] {
  const refs = [vs.pool_ref, ...((vs.service_pool_select as Json[] | undefined) ?? []).map((x) => x.service_pool_ref)];
  return [...new Set(refs.map(refUuid).filter((u): u is string => u !== undefined))];
}

function route(r: Json): RouteView {
  const p = r.prefix as { ip_addr?: { addr?: string }; mask?: number } | undefined;
  const labels = Array.isArray(r.labels) ? (r.labels as Json[]) : [];
  const owner = labels.find((l) => l.key === "clustername");
  const out: RouteView = {
    prefix: `${p?.ip_addr?.addr ?? "?"}/${p?.mask ?? "?"}`,
    nextHop: String((r.next_hop as { addr?: string } | undefined)?.addr ?? "?"),
  };
  if (owner && typeof owner.value === "string") out.cluster = owner.value;
  return out;
}

export async function readControllerView(
  s: RestClient,
  vrf = "global",
  cloud = "Default-Cloud",
): Promise<ControllerView> {
  const [vsList, pools, vsvips, vrfs] = await Promise.all([
    s.list("virtualservice"),
    s.list("pool"),
    s.list("vsvip"),
    s.list("vrfcontext", { name: vrf, "cloud_ref.name": cloud }),
  ]);
  const poolByUuid = new Map(pools.map((p) => [String(p.uuid), p]));
  const vipByUuid = new Map(vsvips.map((v) => [String(v.uuid), v]));
  const virtualServices = vsList.map((vs): VirtualServiceView => {
    const vsvip = vipByUuid.get(refUuid(vs.vsvip_ref) ?? "");
    const first = (vsvip?.vip as Json[] | undefined)?.[0];
    const addr = (key: string) => (first?.[key] as { addr?: string } | undefined)?.addr;
    // IPv6 VIPs live in ip6_address: ip_address is IPv4 only.
    const vip = addr("ip_address") ?? addr("ip6_address");
    const view: VirtualServiceView = {
      name: String(vs.name),
      vip: vip ?? "(none)",
      ports: ((vs.services as Json[] | undefined) ?? []).map((x) => Number(x.port)),
      pools: poolRefs(vs).map((uuid) => {
        const p = poolByUuid.get(uuid);
        const servers = ((p?.servers as Json[] | undefined) ?? []).map(server).sort(byIpThenPort);
        return { name: String(p?.name ?? uuid), servers };
      }),
    };
    const cluster = marker(vs, "clustername");
    if (cluster) view.cluster = cluster;
    return view;
  });
  const routes = ((vrfs[0]?.static_routes as Json[] | undefined) ?? []).map(route);
  return {
    virtualServices,
    poolCount: pools.length,
    vsVipCount: vsvips.length,
    poolNames: pools.map((p) => String(p.name)).sort(),
    vsVipNames: vsvips.map((v) => String(v.name)).sort(),
    vrf,
    routes,
  };
}

/** The routes of one cluster (labelled clustername=<cluster>). */
export function clusterRoutes(view: ControllerView, cluster: string): RouteView[] {
  return view.routes.filter((r) => r.cluster === cluster);
}
