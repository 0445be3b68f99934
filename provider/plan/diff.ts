// The difference between the routes we want and the routes the controller's VRF holds.
import { parseCidr, parseIp } from "./ip";
import { routeIdFor } from "./routes";
import type { ActualRoute, Conflict, DesiredRoute, RouteChange } from "./types";

export const OWNER_LABEL_KEY = "clustername";

/** Ours iff the route carries the label clustername=<cluster>: exact match, never a prefix of the route id. */
export function isOwnedRoute(cluster: string, route: ActualRoute): boolean {
  return route.labels.some((l) => l.key === OWNER_LABEL_KEY && l.value === cluster);
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseIp(a);
  const pb = parseIp(b);
  return pa && pb ? pa.text === pb.text : a === b;
}

function samePrefix(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  return pa && pb ? pa.prefix === pb.prefix : a === b;
}

/**
 * Ownership is the label, as in AKO since 2025; a route without it (no label, another cluster's value, or
 * another key) is only ever kept, so the remove set can hold nothing but our own routes.
 *
 * A route labelled ours whose id is not the one we would derive for its prefix (a route left by AKO for the
 * same cluster, with its `<cluster>-<uuid>-<n>` id, or one added by hand with our label) is ours to manage:
 * it goes to the remove set and the desired route for its prefix, if any, is added under our id. That is how a
 * cluster moves from AKO to this package without two routes for one prefix and without keeping AKO's
 * restart-dependent ids. Two labelled routes with the same id (which a controller should refuse) keep the first
 * and remove the others.
 */
export function diffRoutes(cluster: string, desired: DesiredRoute[], actual: ActualRoute[]): RouteChange {
  const change: RouteChange = { add: [], update: [], remove: [], unchanged: [], keepForeign: [] };
  const ours = new Map<string, ActualRoute>();
  for (const r of actual) {
    if (!isOwnedRoute(cluster, r)) change.keepForeign.push(r);
    else if (r.routeId !== routeIdFor(cluster, r.prefix) || ours.has(r.routeId)) change.remove.push(r);
    else ours.set(r.routeId, r);
  }
  const wanted = new Set<string>();
  for (const to of desired) {
    if (wanted.has(to.routeId)) continue;
    wanted.add(to.routeId);
    const from = ours.get(to.routeId);
    if (!from) change.add.push(to);
    else if (samePrefix(from.prefix, to.prefix) && sameAddress(from.nextHop, to.nextHop)) change.unchanged.push(to);
    else change.update.push({ from, to });
  }
  for (const [id, r] of ours) if (!wanted.has(id)) change.remove.push(r);
  const conflicts = foreignOverlaps(change);
  if (conflicts.length > 0) change.conflicts = conflicts;
  return change;
}

/**
 * Foreign routes are never touched, but one with the same prefix or id as a route we are about to write means
 * the VRF will hold two routes for one network (or the controller will refuse a duplicate id): say so.
 */
function foreignOverlaps(change: RouteChange): Conflict[] {
  const out: Conflict[] = [];
  const byId = new Map<string, DesiredRoute>();
  const byPrefix = new Map<string, DesiredRoute>();
  for (const w of [...change.add, ...change.update.map((u) => u.to), ...change.unchanged]) {
    byId.set(w.routeId, w);
    byPrefix.set(w.prefix, w); // desired prefixes are canonical already (planRoutes writes them so)
  }
  for (const f of change.keepForeign) {
    const sameId = byId.get(f.routeId);
    const sameNet = byPrefix.get(parseCidr(f.prefix)?.prefix ?? f.prefix);
    if (sameId) {
      out.push({
        kind: "other",
        prefix: sameId.prefix,
        node: sameId.node,
        message: `Route id ${sameId.routeId} is already used by a route not labelled as ours (prefix ${f.prefix}); the controller will refuse the duplicate id.`,
      });
    }
    if (sameNet && sameNet !== sameId) {
      out.push({
        kind: "other",
        prefix: sameNet.prefix,
        node: sameNet.node,
        message: `Prefix ${sameNet.prefix} already has a route not labelled as ours (id ${f.routeId}, next hop ${f.nextHop}); it is kept, and the VRF will hold two routes for it.`,
      });
    }
  }
  return out;
}
