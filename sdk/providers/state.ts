// Converting routes and servers between the planner's lists and the keyed maps the state holds (props.ts says
// why maps), and reading the maps back, including the arrays an earlier version stored.
import type { DesiredServer, Protocol } from "../../provider/plan/types";
import type { PoolEntry, RouteMap, ServerMap } from "./props";

export interface RouteView {
  prefix: string;
  nextHop: string;
  node?: string;
}

/** "10.100.1.101 node1" with the node, "10.100.1.101" without. */
export function routeValue(r: { nextHop: string; node?: string }, withNode: boolean): string {
  return withNode && r.node ? `${r.nextHop} ${r.node}` : r.nextHop;
}

/** A route map in prefix order (the engine sorts keys anyway; sorting here keeps JSON and tests stable). */
export function routeMap(routes: readonly RouteView[], withNode: boolean): RouteMap {
  const out: RouteMap = {};
  for (const r of [...routes].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))) {
    out[r.prefix] = routeValue(r, withNode);
  }
  return out;
}

/** The routes of a state's `routes`: the map, or the array of {prefix, nextHop, node} an earlier version stored. */
export function routeViews(v: unknown): RouteView[] | undefined {
  if (Array.isArray(v)) {
    return v
      .filter((r): r is RouteView => typeof r?.prefix === "string" && typeof r?.nextHop === "string")
      .map((r) => ({ prefix: r.prefix, nextHop: r.nextHop, ...(r.node ? { node: r.node } : {}) }));
  }
  if (typeof v !== "object" || v === null) return undefined;
  return Object.entries(v as Record<string, unknown>).map(([prefix, value]) => {
    const [nextHop = "", node] = String(value).split(" ");
    return { prefix, nextHop, ...(node ? { node } : {}) };
  });
}

/** prefix -> next hop: what a route means to the controller (what diff compares). */
export function nextHops(v: unknown): Record<string, string> | undefined {
  const views = routeViews(v);
  return views && Object.fromEntries(views.map((r) => [r.prefix, r.nextHop]));
}

/** "10.0.0.1:8080", "[fd00::1]:8080". */
export function serverKey(s: { ip: string; port: number }): string {
  return s.ip.includes(":") ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

/** "node1/web-a" (inputs, with the pod) or "node1" (outputs), "-" for an unknown node, " disabled" when drained. */
export function serverValue(s: DesiredServer, withPod: boolean): string {
  const where = `${s.node || "-"}${withPod && s.pod ? `/${s.pod}` : ""}`;
  return s.enabled ? where : `${where} disabled`;
}

export function serverMap(servers: readonly DesiredServer[], withPod: boolean): ServerMap {
  const sorted = [...servers].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
  return Object.fromEntries(sorted.map((s) => [serverKey(s), serverValue(s, withPod)]));
}

export function parseServer(key: string, value: string): DesiredServer {
  const m = /^\[(.*)\]:(\d+)$/.exec(key) ?? /^(.*):(\d+)$/.exec(key);
  const [where = "-", flag] = value.split(" ");
  const [node, pod] = where.split("/");
  return {
    ip: m?.[1] ?? key,
    port: Number(m?.[2] ?? 0),
    enabled: flag !== "disabled",
    ...(node && node !== "-" ? { node } : {}),
    ...(pod ? { pod } : {}),
  };
}

export interface PoolView {
  name: string;
  servicePort: number;
  protocol: Protocol;
  servers: DesiredServer[];
  uuid?: string;
}

/** The pools of a state's `pools`: the map by name, or the array an earlier version stored. */
export function poolViews(v: unknown): PoolView[] | undefined {
  type OldPool = { name: string; uuid?: string; servicePort: number; protocol: Protocol; servers: DesiredServer[] };
  if (Array.isArray(v)) {
    return (v as OldPool[])
      .filter((p) => typeof p?.name === "string")
      .map((p) => ({
        name: p.name,
        servicePort: p.servicePort,
        protocol: p.protocol,
        servers: (p.servers ?? []).map((s) => ({
          ip: s.ip,
          port: s.port,
          enabled: s.enabled !== false,
          ...(s.node ? { node: s.node } : {}),
          ...(s.pod ? { pod: s.pod } : {}),
        })),
        ...(p.uuid ? { uuid: p.uuid } : {}),
      }));
  }
  if (typeof v !== "object" || v === null) return undefined;
  return Object.entries(v as Record<string, PoolEntry & { uuid?: string }>).map(([name, p]) => ({
    name,
    servicePort: p.servicePort,
    protocol: p.protocol,
    servers: Object.entries(p.servers ?? {}).map(([k, x]) => parseServer(k, String(x))),
    ...(p.uuid ? { uuid: p.uuid } : {}),
  }));
}

/** What a pool means to the controller: port, protocol, and each server's ip:port and whether it is enabled. */
export function poolMeaning(v: unknown): Record<string, unknown> | undefined {
  const views = poolViews(v);
  if (!views) return undefined;
  return Object.fromEntries(
    views.map((p) => [
      p.name,
      {
        servicePort: p.servicePort,
        protocol: p.protocol,
        servers: Object.fromEntries(p.servers.map((s) => [serverKey(s), s.enabled])),
      },
    ]),
  );
}

/** A pool map's shape only (name, port, protocol): what membership "sync" compares, its servers being the sync's. */
export function poolShape(v: unknown): Record<string, unknown> | undefined {
  const views = poolViews(v);
  if (!views) return undefined;
  return Object.fromEntries(views.map((p) => [p.name, { servicePort: p.servicePort, protocol: p.protocol }]));
}

/** "sync" or "pulumi" (absent, as every state before membership existed, is "pulumi"). */
export function membershipOf(p: { membership?: unknown } | undefined): "pulumi" | "sync" {
  return p?.membership === "sync" ? "sync" : "pulumi";
}
