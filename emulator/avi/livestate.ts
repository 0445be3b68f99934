// What the live view shows, read from the stored configuration: virtual services with their VIPs and pools, every
// pool's servers (enabled, node, pod where the server's description or hostname tells), and each VRF's static
// routes with their labels. Only these fields leave the emulator: nothing else a client stored is echoed.
import { isObj, type Obj } from "./json";
import { all, find, type State, tenantOf, uuidOfRef } from "./store";

export interface LiveServer {
  ip: string;
  port: number;
  enabled: boolean;
  node?: string;
  pod?: string;
}

export interface LivePool {
  uuid: string;
  name: string;
  tenant: string;
  /** The clustername, Namespace and ServiceName markers, when present. */
  cluster?: string;
  service?: string;
  servers: LiveServer[];
}

export interface LiveVirtualService {
  uuid: string;
  name: string;
  tenant: string;
  enabled: boolean;
  vips: string[];
  ports: number[];
  cluster?: string;
  service?: string;
  /** Pool uuids: pool_ref, then the service_pool_select pools. */
  pools: string[];
}

export interface LiveRoute {
  id: string;
  prefix: string;
  nextHop: string;
  labels: { key: string; value?: string }[];
}

export interface LiveVrf {
  uuid: string;
  name: string;
  cloud: string;
  routes: LiveRoute[];
}

export interface LiveState {
  /** The change log's version this state includes. */
  version: number;
  controllerVersion: string;
  virtualServices: LiveVirtualService[];
  pools: LivePool[];
  vrfs: LiveVrf[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const addr = (x: unknown): string => (isObj(x) && typeof x.addr === "string" ? x.addr : "");

function marker(obj: Obj, key: string): string | undefined {
  const markers = Array.isArray(obj.markers) ? obj.markers : [];
  const m = markers.find((x: unknown) => isObj(x) && x.key === key);
  return Array.isArray(m?.values) ? str(m.values[0]) : undefined;
}

function owner(obj: Obj): { cluster?: string; service?: string } {
  const out: { cluster?: string; service?: string } = {};
  const cluster = marker(obj, "clustername");
  const ns = marker(obj, "Namespace");
  const svc = marker(obj, "ServiceName");
  if (cluster) out.cluster = cluster;
  if (svc) out.service = ns ? `${ns}/${svc}` : svc;
  return out;
}

function server(s: Obj, defaultPort: number): LiveServer {
  const ip = addr(s.ip);
  const out: LiveServer = { ip, port: typeof s.port === "number" ? s.port : defaultPort, enabled: s.enabled !== false };
  const node = str(s.server_node);
  if (node) out.node = node;
  // The controller keeps no pod name; a writer that records one puts it in description (or a hostname that is not
  // just the address, which the controller fills in by default).
  const pod = str(s.description) ?? (str(s.hostname) !== ip ? str(s.hostname) : undefined);
  if (pod) out.pod = pod;
  return out;
}

function route(r: Obj): LiveRoute {
  const p = isObj(r.prefix) ? r.prefix : {};
  const labels = (Array.isArray(r.labels) ? r.labels : []).filter(isObj).map((l: Obj) => {
    const label: { key: string; value?: string } = { key: String(l.key ?? "") };
    if (l.value !== undefined) label.value = String(l.value);
    return label;
  });
  return {
    id: String(r.route_id ?? ""),
    prefix: `${addr(p.ip_addr)}/${p.mask ?? ""}`,
    nextHop: addr(r.next_hop),
    labels,
  };
}

function tenantName(state: State, obj: Obj): string {
  const uuid = tenantOf(obj);
  return String(find(state, "tenant", uuid)?.name ?? uuid);
}

function vipsOf(state: State, vs: Obj): string[] {
  const vsvip = typeof vs.vsvip_ref === "string" ? find(state, "vsvip", uuidOfRef(vs.vsvip_ref)) : undefined;
  const vips: unknown[] = Array.isArray(vsvip?.vip) ? vsvip.vip : Array.isArray(vs.vip) ? vs.vip : [];
  return vips.filter(isObj).flatMap((v) => [addr(v.ip_address), addr(v.ip6_address)].filter((a) => a !== ""));
}

function poolsOf(vs: Obj): string[] {
  const select: unknown[] = Array.isArray(vs.service_pool_select) ? vs.service_pool_select : [];
  const refs = [vs.pool_ref, ...select.filter(isObj).map((x) => x.service_pool_ref)];
  return [...new Set(refs.filter((r): r is string => typeof r === "string").map(uuidOfRef))];
}

export function liveState(state: State, version: number, controllerVersion: string): LiveState {
  const virtualServices = all(state, "virtualservice").map(
    (vs): LiveVirtualService => ({
      uuid: String(vs.uuid),
      name: String(vs.name),
      tenant: tenantName(state, vs),
      enabled: vs.enabled !== false,
      vips: vipsOf(state, vs),
      ports: (Array.isArray(vs.services) ? vs.services : []).filter(isObj).map((s: Obj) => Number(s.port)),
      ...owner(vs),
      pools: poolsOf(vs),
    }),
  );
  const pools = all(state, "pool").map((p): LivePool => {
    const port = typeof p.default_server_port === "number" ? p.default_server_port : 80;
    return {
      uuid: String(p.uuid),
      name: String(p.name),
      tenant: tenantName(state, p),
      ...owner(p),
      servers: (Array.isArray(p.servers) ? p.servers : []).filter(isObj).map((s: Obj) => server(s, port)),
    };
  });
  const vrfs = all(state, "vrfcontext").map(
    (v): LiveVrf => ({
      uuid: String(v.uuid),
      name: String(v.name),
      cloud: typeof v.cloud_ref === "string" ? String(find(state, "cloud", uuidOfRef(v.cloud_ref))?.name ?? "") : "",
      routes: (Array.isArray(v.static_routes) ? v.static_routes : []).filter(isObj).map(route),
    }),
  );
  return { version, controllerVersion, virtualServices, pools, vrfs };
}
