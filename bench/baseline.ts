// The AKO-style route writer the bench compares ours with (shared/research/ako.md §2.2-2.6): route ids are
// `<cluster>-<uuid4 per node>-<index>`, the uuid kept in memory only (new ones after a restart); every node event
// does GET /api/vrfcontext/<uuid> (the uuid looked up once at boot), keeps the routes it does not own (no label,
// or label clustername with another value), appends all of its own routes from its model and PUTs the whole
// object back, retrying on 412. It runs over the same session client as ours so only the write strategy differs.
import { randomUUID } from "node:crypto";
import type { AviSession } from "../provider/avi";
import type { DesiredRoute } from "../provider/plan";

type Json = Record<string, unknown>;

/** Node name -> the route-id prefix AKO generated for it (in memory in AKO; in a file between bench steps). */
export type AkoRouteIds = Record<string, string>;

/** Boot: the VRF's uuid, found by name and cloud as AKO's cache population does. */
export async function akoFindVrf(s: AviSession, vrf: string, cloud: string): Promise<string> {
  const found = await s.list<Json>("vrfcontext", { params: { name: vrf, "cloud_ref.name": cloud } });
  const uuid = found[0]?.uuid;
  if (typeof uuid !== "string") throw new Error(`AKO baseline: no VRF context named ${vrf} in cloud ${cloud}.`);
  return uuid;
}

/** AKO's model of its routes: per node, its CIDRs in order, ids from the node's in-memory prefix. */
export function akoModelRoutes(cluster: string, routes: DesiredRoute[], ids: AkoRouteIds): Json[] {
  const byNode = new Map<string, DesiredRoute[]>();
  for (const r of routes) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r]);
  const out: Json[] = [];
  for (const node of [...byNode.keys()].sort()) {
    ids[node] ??= randomUUID();
    byNode.get(node)?.forEach((r, index) => {
      const [addr = "", mask = ""] = r.prefix.split("/");
      const type = (ip: string) => (ip.includes(":") ? "V6" : "V4");
      out.push({
        route_id: `${cluster}-${ids[node]}-${index}`,
        prefix: { ip_addr: { addr, type: type(addr) }, mask: Number(mask) },
        next_hop: { addr: r.nextHop, type: type(r.nextHop) },
        labels: [{ key: "clustername", value: cluster }],
      });
    });
  }
  return out;
}

function notOwned(cluster: string, route: Json): boolean {
  const labels = Array.isArray(route.labels) ? (route.labels as Json[]) : [];
  if (labels.length === 0) return true;
  return labels[0]?.key === "clustername" && labels[0]?.value !== cluster;
}

/** One node event: GET the VRF, keep what is not ours, append our whole model, PUT it all back (412: again). */
export async function akoWriteRoutes(
  s: AviSession,
  vrfUuid: string,
  cluster: string,
  model: Json[],
  maxAttempts = 100,
): Promise<{ attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const vrf = await s.get<Json>(`vrfcontext/${vrfUuid}`);
    const current = Array.isArray(vrf.static_routes) ? (vrf.static_routes as Json[]) : [];
    const body = { ...vrf, static_routes: [...current.filter((r) => notOwned(cluster, r)), ...model] };
    try {
      await s.put(`vrfcontext/${vrfUuid}`, body);
      return { attempts: attempt };
    } catch (err) {
      if ((err as { status?: number }).status !== 412 || attempt >= maxAttempts) throw err;
    }
  }
}
