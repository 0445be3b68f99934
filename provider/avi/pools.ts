// Pool membership on its own: reading servers, comparing them with provider/plan's diffServers, and a
// membership-only update (syncPoolServers) that never creates or deletes objects, so a future sync loop
// (research/continuous.md, option c) can keep pools current between Pulumi runs by calling just this.

import { diffServers } from "../plan";
import type { DesiredPool, DesiredServer } from "../plan/types";
import { POOL_OPTIONAL } from "./l4fields";
import { buildPool, type Json, serverFromAvi, serverToAvi, sortServers } from "./objects";
import type { AviSession } from "./session";
import { type Counter, callOpts, claim, findByName, isCovered, putMerged, type Scope } from "./store";
import type { ServerChange, SyncPoolServersResult, VirtualServiceSpec } from "./types";

export function serversOf(pool: Json): DesiredServer[] {
  const def = typeof pool.default_server_port === "number" ? pool.default_server_port : 80;
  const servers = Array.isArray(pool.servers) ? (pool.servers as Json[]) : [];
  return servers.map((x) => serverFromAvi(x, def));
}

export function serverChange(name: string, desired: DesiredServer[], actual: DesiredServer[]): ServerChange {
  return { name, ...diffServers(desired, actual) };
}

export function changesServers(c: ServerChange): boolean {
  return c.add.length > 0 || c.update.length > 0 || c.remove.length > 0;
}

/**
 * Whether the pool on the controller already equals what buildPool would write (server order ignored). In
 * membership "sync" mode the servers are the sync's, so only the pool's own settings count.
 */
export function poolMatches(spec: VirtualServiceSpec, pool: DesiredPool, actual: Json): boolean {
  const body = buildPool(spec, pool);
  const { servers: _servers, ...rest } = body;
  if (spec.membership === "sync") return isCovered(actual, rest);
  const actualServers = serversOf(actual);
  const c = serverChange(pool.name, pool.servers, actualServers);
  return !changesServers(c) && actualServers.length === pool.servers.length && isCovered(actual, rest, POOL_OPTIONAL);
}

/**
 * Every pool whose name starts with `<vs name>-`, ours or not, in one paged list: the pools the spec names and
 * any left over from ports the service no longer has. A longer service name can extend ours (web, web-x), so
 * callers decide ownership by markers.
 */
export async function listPoolsOf(s: AviSession, scope: Scope, vsName: string): Promise<Json[]> {
  const params = { "name.contains": `${vsName}-`, include_name: true };
  const all = await s.list<Json>("pool", callOpts(scope, `pools of ${vsName}`, params));
  return all.filter((p) => String(p.name).startsWith(`${vsName}-`));
}

/**
 * Brings the servers of the spec's existing pools to the desired members, and nothing else: a missing pool is
 * reported, not created; a pool that is not ours is refused; a 412 re-reads and re-diffs.
 */
export async function syncPoolServers(s: AviSession, spec: VirtualServiceSpec): Promise<SyncPoolServersResult> {
  const counter: Counter = { writes: 0 };
  const pools: SyncPoolServersResult["pools"] = [];
  for (const pool of spec.pools) {
    const found = await findByName(s, spec, "pool", pool.name);
    if (!found) {
      pools.push({ ...serverChange(pool.name, pool.servers, []), written: false, missing: true });
      continue;
    }
    claim(spec, "pool", found);
    const change = serverChange(pool.name, pool.servers, serversOf(found));
    if (!changesServers(change) && serversOf(found).length === pool.servers.length) {
      pools.push({ ...change, written: false, missing: false });
      continue;
    }
    const servers = sortServers(pool.servers).map(serverToAvi);
    await putMerged(s, spec, "pool", found, { name: pool.name, servers }, counter);
    pools.push({ ...change, written: true, missing: false });
  }
  return { pools, writes: counter.writes };
}
