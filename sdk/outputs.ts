// The list views of the keyed outputs, computed in the program (never stored): `routeList` and `poolList` give
// what the maps say as arrays, for programs that print or export them.
import { routeIdFor } from "../provider/plan";
import { poolViews, routeViews } from "./providers/state";
import type { PoolListOutput, PoolOutput, RouteOutput } from "./types";

/** Routes in prefix order; `node` only where the map carries it (preview). */
export function routeListOf(cluster: string, routes: Record<string, string> | undefined): RouteOutput[] {
  return (routeViews(routes ?? {}) ?? [])
    .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))
    .map((r) => ({ routeId: routeIdFor(cluster, r.prefix), ...r }));
}

/** Pools in name order with their servers in ip:port order. */
export function poolListOf(pools: Record<string, PoolOutput> | undefined): PoolListOutput[] {
  return (poolViews(pools ?? {}) ?? [])
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => ({
      name: p.name,
      uuid: p.uuid ?? "",
      servicePort: p.servicePort,
      protocol: p.protocol,
      servers: [...p.servers].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1)),
    }));
}
