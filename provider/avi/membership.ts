// The conventions between the resources in membership "sync" mode and `avi-k8s sync`: how the sync finds its work
// on the controller, and the one writer it uses for pool members. Pulumi owns the objects (virtual service, VsVip,
// pools and their settings); the sync owns the members (pool servers, and this cluster's static routes).
// - Pools: a pool a resource of cluster C created or updated in sync mode carries, next to its markers clustername
//   / Namespace / ServiceName, the marker {key: "membership", values: ["sync"]}. The sync writes the servers of
//   exactly those pools and nothing else of them; a pool without the marker (back in "pulumi" mode, or never ours)
//   is left alone, and a 404 means the resource deleted it. A shared VIP's pool (ClusterIpSharedVip) carries the
//   group's key in ServiceName and SharedVipKey, like its VS; the member Service it serves is read back from its
//   name (sharedPoolMember), and the sync plans that Service's servers under the shared pool names.
// - Routes: a static route holds one label at most (clustername), so the routes resource records itself instead:
//   a StringGroup of type SG_TYPE_KEYVAL named `<cluster>--avi-k8s-routes-<cloud>-<vrf>` with the marker
//   clustername=C and key/value pairs for what the sync needs to compute the same routes (cluster, vrf, cloud,
//   tenant, cni, nodeNetworks). Why a StringGroup: it is a plain, tenant-scoped key/value object every controller
//   has (since long before 20.1), carries markers (20.1.5+, like our other objects) and nothing on the controller
//   acts on it, so writing it changes no traffic; a label on the VRF would need a field routes do not have, and an
//   object of another kind (a pool, a VS) would show up where operators look for real load balancers.
import { sharedPoolMember } from "../plan/shared";
import type { CniChoice, DesiredServer } from "../plan/types";
import { AviError } from "./errors";
import {
  MEMBERSHIP_MARKER,
  type Membership,
  markerValues,
  SYNC_MEMBERSHIP,
  serverSourceOf,
  withMembership,
} from "./markers";
import { type Json, markersFor, SHARED_VIP_MARKER, serverToAvi, sortServers } from "./objects";
import { serverChange, serversOf } from "./pools";
import type { AviSession } from "./session";
import { conflictPause } from "./store";
import type { ServerChange, ServerSource } from "./types";

export { MEMBERSHIP_MARKER, type Membership, SYNC_MEMBERSHIP, withMembership };
export const ROUTE_RECORD_TYPE = "SG_TYPE_KEYVAL";
const RECORD_INFIX = "--avi-k8s-routes-";

/** A pool's markers: ours, plus the membership marker in sync mode. */
export function poolMarkers(
  spec: { cluster: string; namespace: string; service: string },
  membership: Membership | undefined,
): Json[] {
  return withMembership(markersFor(spec), membership);
}

/** A pool of cluster `cluster` whose members the sync keeps: our markers and membership=sync. */
export function isSyncPool(obj: Json, cluster: string): boolean {
  return (
    markerValues(obj, "clustername")[0] === cluster &&
    markerValues(obj, MEMBERSHIP_MARKER).includes(SYNC_MEMBERSHIP) &&
    markerValues(obj, "Namespace").length === 1 &&
    markerValues(obj, "ServiceName").length === 1
  );
}

/** A pool the sync manages, as found on the controller. */
export interface SyncPool {
  uuid: string;
  name: string;
  namespace: string;
  /** The Service whose endpoints are the pool's servers (for a shared VIP's pool: the member Service). */
  service: string;
  /** How its servers are derived (markers mode, nodeselector, nodenetworks); absent: clusterip. */
  source?: ServerSource;
  /** A shared VIP's pool: the group's key (its ServiceName and SharedVipKey markers). */
  sharedVip?: string;
}

/** The pool as the sync sees it, or undefined when it is a shared VIP's pool whose name names no member. */
function syncPoolOf(p: Json, cluster: string): SyncPool | undefined {
  const namespace = markerValues(p, "Namespace")[0] as string;
  const owner = markerValues(p, "ServiceName")[0] as string;
  const key = markerValues(p, SHARED_VIP_MARKER)[0];
  const base = { uuid: String(p.uuid), name: String(p.name), namespace, ...sourceOf(p) };
  if (key === undefined) return { ...base, service: owner };
  const member = key === owner ? sharedPoolMember(base.name, cluster, namespace, key) : undefined;
  return member === undefined ? undefined : { ...base, service: member, sharedVip: key };
}

/**
 * Every pool of this cluster in sync mode, in the session's tenant: one paged list of the pools named
 * `<cluster>--...` with only their names and markers, filtered by markers (names prove nothing).
 */
export async function listSyncPools(s: AviSession, cluster: string): Promise<SyncPool[]> {
  const found = await s.list<Json>("pool", {
    object: `pools of cluster ${cluster}`,
    params: { "name.contains": `${cluster}--`, fields: "name,markers", page_size: 200 },
  });
  return found
    .filter((p) => String(p.name).startsWith(`${cluster}--`) && isSyncPool(p, cluster))
    .map((p) => syncPoolOf(p, cluster))
    .filter((p): p is SyncPool => p !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sourceOf(p: Json): { source?: ServerSource } {
  const src = serverSourceOf(p);
  if (src.mode === "clusterip") return {};
  return { source: src as ServerSource };
}

export interface PoolMembersResult {
  change: ServerChange;
  /** Whether a PUT landed. */
  written: boolean;
  /** The pool is gone (404): its resource deleted it. */
  gone: boolean;
  /** Set when the pool no longer carries this cluster's sync markers: left alone. */
  notOurs?: string;
  /** PUTs that met 412 (someone else wrote the pool in between) and were read and merged again. */
  conflicts: number;
}

const isStatus = (err: unknown, status: number) => (err as { status?: number }).status === status;

/**
 * The sync's one writer of pool members: GET the pool, check it is still a sync pool of this cluster and service,
 * and when its servers differ from `desired`, PUT it back whole with only `servers` replaced and its
 * `_last_modified`, so a concurrent change of its settings (a `pulumi up`) gives 412 and is read and merged again
 * instead of being overwritten. Never creates or deletes; 404 means gone. `beforeWrite` runs just before each PUT
 * (the leader check) and stops the write by throwing.
 */
export async function syncPoolMembers(
  s: AviSession,
  pool: SyncPool & { cluster: string },
  desired: DesiredServer[],
  opts: { beforeWrite?: () => void | Promise<void>; maxConflictRetries?: number } = {},
): Promise<PoolMembersResult> {
  const object = `pool ${pool.name}`;
  const attempts = Math.max(1, opts.maxConflictRetries ?? 8);
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    let cur: Json;
    try {
      cur = await s.get<Json>(`pool/${pool.uuid}`, { object });
    } catch (err) {
      if (isStatus(err, 404))
        return { change: serverChange(pool.name, desired, []), written: false, gone: true, conflicts };
      throw err;
    }
    const change = serverChange(pool.name, desired, serversOf(cur));
    const mine =
      isSyncPool(cur, pool.cluster) &&
      markerValues(cur, "Namespace")[0] === pool.namespace &&
      markerValues(cur, "ServiceName")[0] === (pool.sharedVip ?? pool.service) &&
      markerValues(cur, SHARED_VIP_MARKER)[0] === pool.sharedVip;
    if (!mine) {
      const owner = pool.sharedVip
        ? `shared VIP ${pool.namespace}/${pool.sharedVip}`
        : `${pool.namespace}/${pool.service}`;
      const notOurs = `pool ${pool.name} no longer carries the markers clustername=${pool.cluster}, membership=sync of ${owner}`;
      return { change, written: false, gone: false, notOurs, conflicts };
    }
    const same =
      change.add.length === 0 &&
      change.update.length === 0 &&
      change.remove.length === 0 &&
      serversOf(cur).length === desired.length;
    if (same) return { change, written: false, gone: false, conflicts };
    await opts.beforeWrite?.();
    try {
      await s.put(`pool/${pool.uuid}`, { ...cur, servers: sortServers(desired).map(serverToAvi) }, { object });
      return { change, written: true, gone: false, conflicts };
    } catch (err) {
      if (isStatus(err, 404)) return { change, written: false, gone: true, conflicts };
      if (!isStatus(err, 412) || attempt >= attempts) throw err;
      conflicts++;
    }
    await conflictPause(attempt);
  }
}

/** What the routes resource records for the sync. */
export interface RouteRecord {
  cluster: string;
  vrf: string;
  cloud: string;
  tenant: string;
  cni: CniChoice;
  nodeNetworks: string[];
}

export function routeRecordName(r: Pick<RouteRecord, "cluster" | "cloud" | "vrf">): string {
  return `${r.cluster}${RECORD_INFIX}${r.cloud}-${r.vrf}`;
}

export function buildRouteRecord(r: RouteRecord): Json {
  const kv = [
    { key: "cluster", value: r.cluster },
    { key: "vrf", value: r.vrf },
    { key: "cloud", value: r.cloud },
    { key: "tenant", value: r.tenant },
    { key: "cni", value: r.cni },
    { key: "nodeNetworks", value: r.nodeNetworks.join(",") },
  ];
  return {
    name: routeRecordName(r),
    type: ROUTE_RECORD_TYPE,
    kv,
    markers: [{ key: "clustername", values: [r.cluster] }],
    description: `pulumi-avi-k8s: the static routes of cluster ${r.cluster} in VRF ${r.vrf} are kept current by \`avi-k8s sync --cluster ${r.cluster}\` (membership sync); written and removed by its ClusterIpRoutes resource`,
  };
}

/** The record's settings, when `obj` is a record of `cluster`; undefined for anything else. */
export function parseRouteRecord(
  obj: Json,
  cluster: string,
): (RouteRecord & { uuid: string; name: string }) | undefined {
  if (obj.type !== ROUTE_RECORD_TYPE || markerValues(obj, "clustername")[0] !== cluster) return undefined;
  const kv = new Map<string, string>();
  for (const e of Array.isArray(obj.kv) ? (obj.kv as Json[]) : []) {
    if (typeof e.key === "string") kv.set(e.key, typeof e.value === "string" ? e.value : "");
  }
  const vrf = kv.get("vrf");
  const cloud = kv.get("cloud");
  if (kv.get("cluster") !== cluster || !vrf || !cloud) return undefined;
  if (String(obj.name) !== routeRecordName({ cluster, cloud, vrf })) return undefined;
  return {
    uuid: String(obj.uuid),
    name: String(obj.name),
    cluster,
    vrf,
    cloud,
    tenant: kv.get("tenant") || "admin",
    cni: (kv.get("cni") || "auto") as CniChoice,
    nodeNetworks: (kv.get("nodeNetworks") ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== ""),
  };
}

/** Every routes record of this cluster in the session's tenant. */
export async function listRouteRecords(
  s: AviSession,
  cluster: string,
): Promise<(RouteRecord & { uuid: string; name: string })[]> {
  const found = await s.list<Json>("stringgroup", {
    object: `routes records of cluster ${cluster}`,
    params: { "name.contains": `${cluster}${RECORD_INFIX}` },
  });
  return found.flatMap((o) => parseRouteRecord(o, cluster) ?? []);
}

/** Whether the record is still there and still this cluster's (the sync asks before each route write). */
export async function routeRecordExists(s: AviSession, uuid: string, cluster: string): Promise<boolean> {
  try {
    return (
      parseRouteRecord(await s.get<Json>(`stringgroup/${uuid}`, { object: `stringgroup ${uuid}` }), cluster) !==
      undefined
    );
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw err;
  }
}

async function findRecord(s: AviSession, r: RouteRecord): Promise<Json | undefined> {
  const name = routeRecordName(r);
  const found = await s.list<Json>("stringgroup", {
    object: `stringgroup ${name}`,
    tenant: r.tenant,
    params: { name },
  });
  const hit = found.find((o) => o.name === name);
  if (hit && markerValues(hit, "clustername")[0] !== r.cluster) {
    throw new AviError({
      operation: "adopt stringgroup",
      object: `stringgroup ${name} (${String(hit.uuid)})`,
      controllerMessage: `it exists but is not cluster ${r.cluster}'s routes record; rename or remove it`,
    });
  }
  return hit;
}

/** Creates or updates the record (no write when it already says this); returns the writes made. */
export async function writeRouteRecord(s: AviSession, r: RouteRecord): Promise<number> {
  const body = buildRouteRecord(r);
  const object = `stringgroup ${String(body.name)}`;
  for (let attempt = 1; ; attempt++) {
    const cur = await findRecord(s, r);
    if (!cur) {
      try {
        await s.post("stringgroup", body, { object, tenant: r.tenant });
        return 1;
      } catch (err) {
        if (!isStatus(err, 409) || attempt >= 3) throw err;
        continue;
      }
    }
    const parsed = parseRouteRecord(cur, r.cluster);
    const same =
      parsed &&
      JSON.stringify([parsed.vrf, parsed.cloud, parsed.tenant, parsed.cni, parsed.nodeNetworks]) ===
        JSON.stringify([r.vrf, r.cloud, r.tenant, r.cni, r.nodeNetworks]) &&
      cur.description === body.description;
    if (same) return 0;
    try {
      await s.put(`stringgroup/${String(cur.uuid)}`, { ...cur, ...body }, { object, tenant: r.tenant });
      return 1;
    } catch (err) {
      if (!isStatus(err, 412) || attempt >= 8) throw err;
      await conflictPause(attempt);
    }
  }
}

/** Removes the record (404: already gone); returns whether it was there. */
export async function deleteRouteRecord(s: AviSession, r: RouteRecord): Promise<boolean> {
  const cur = await findRecord(s, r);
  if (!cur) return false;
  try {
    await s.delete(`stringgroup/${String(cur.uuid)}`, { object: `stringgroup ${String(cur.name)}`, tenant: r.tenant });
    return true;
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw err;
  }
}
