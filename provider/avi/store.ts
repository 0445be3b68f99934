// Object-level building blocks shared by the virtual service and pool reconcilers: find by name, claim (ownership
// by markers), create-or-adopt, conditional update with `_last_modified` and a bounded retry on 412, and delete
// where 404 means already gone. Each takes a write counter so callers can report exactly what they wrote.

import { AviError, outcomeUnknown } from "./errors";
import { isOurs, type Json, ownerOf } from "./objects";
import { covers } from "./refs";
import type { AviSession, CallOptions } from "./session";

export interface Scope {
  cluster: string;
  namespace: string;
  service: string;
  tenant?: string;
  cloud?: string;
  maxConflictRetries?: number;
  /** Objects the caller has already judged ours although the markers alone do not say so (an adopted VsVip). */
  owns?: (type: string, obj: Json) => boolean;
}

export interface Counter {
  writes: number;
}

export function callOpts(scope: Pick<Scope, "tenant">, object: string, params?: CallOptions["params"]): CallOptions {
  return { object, ...(scope.tenant ? { tenant: scope.tenant } : {}), ...(params ? { params } : {}) };
}

/**
 * GET ?name= (200 with count 0 means absent). By default refs come with `#name` so name-based refs can be compared;
 * an object we will PUT back verbatim (the VRF) is read without.
 */
export async function findByName(
  s: AviSession,
  scope: Pick<Scope, "tenant" | "cloud">,
  type: string,
  name: string,
  includeName = true,
): Promise<Json | undefined> {
  const params: Record<string, string | boolean> = { name };
  if (includeName) params.include_name = true;
  if (scope.cloud) params["cloud_ref.name"] = scope.cloud;
  const found = await s.list<Json>(type, callOpts(scope, `${type} ${name}`, params));
  const exact = found.filter((o) => o.name === name);
  if (exact.length > 1) {
    throw new AviError({
      operation: `find ${type}`,
      object: `${type} ${name}`,
      controllerMessage: `${exact.length} objects have this name; set the cloud (or tenant) to tell them apart`,
    });
  }
  return exact[0];
}

/** Refuses, naming the object and its owner, to touch something our markers do not claim. */
export function claim(scope: Scope, type: string, obj: Json): Json {
  if (!isOurs(obj, scope) && !scope.owns?.(type, obj)) {
    throw new AviError({
      operation: `adopt ${type}`,
      object: `${type} ${String(obj.name)} (${String(obj.uuid)})`,
      controllerMessage: `it exists but is not ours (${ownerOf(obj)}; we are cluster ${scope.cluster}, service ${scope.namespace}/${scope.service}); rename or remove it`,
    });
  }
  return obj;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits before retrying after a 412; full jitter, so writers that collided spread out instead of colliding again. */
export function conflictPause(attempt: number): Promise<void> {
  return sleep(Math.random() * Math.min(1000, 25 * 2 ** attempt));
}

/**
 * PUTs `current` with our fields laid over it, carrying `_last_modified` so a concurrent change gives 412 instead
 * of being overwritten; on 412 it reads the object again and retries while our fields still differ.
 */
export async function putMerged(
  s: AviSession,
  scope: Scope,
  type: string,
  current: Json,
  body: Json,
  counter: Counter,
  dropWhenAbsent: readonly string[] = [],
): Promise<Json> {
  const attempts = Math.max(1, scope.maxConflictRetries ?? 8);
  const object = `${type} ${String(body.name ?? current.name)}`;
  let cur = current;
  for (let attempt = 1; ; attempt++) {
    const merged: Json = { ...cur, ...body };
    for (const k of dropWhenAbsent) if (!(k in body)) delete merged[k];
    try {
      counter.writes++;
      return await s.put<Json>(`${type}/${String(cur.uuid)}`, merged, callOpts(scope, object));
    } catch (err) {
      if ((err as AviError).status !== 412 || attempt >= attempts) throw err;
    }
    await conflictPause(attempt);
    cur = claim(
      scope,
      type,
      await s.get<Json>(`${type}/${String(cur.uuid)}`, callOpts(scope, object, { include_name: true })),
    );
    if (isCovered(cur, body, dropWhenAbsent)) return cur;
  }
}

export function isCovered(actual: Json, body: Json, dropWhenAbsent: readonly string[] = []): boolean {
  for (const k of dropWhenAbsent) {
    const v = actual[k];
    if (!(k in body) && v !== undefined && !(Array.isArray(v) && v.length === 0)) return false;
  }
  return covers(actual, body);
}

/**
 * POSTs a new object. When the outcome is unknown (a gateway's 502/503/504, a broken or timed-out connection) the
 * controller may have created it, so it looks the object up by name before sending the create again: found, it is
 * returned (the caller adopts it only if its markers are ours); absent, the create is sent again, within the
 * session's retry budget. A 409 (a create we did not see succeed, or a concurrent run) is looked up the same way.
 */
export async function createOrFind(
  s: AviSession,
  scope: Scope,
  type: string,
  body: Json,
  counter: Counter,
): Promise<{ created?: Json; found?: Json }> {
  const name = String(body.name);
  for (let attempt = 0; ; attempt++) {
    try {
      counter.writes++;
      return { created: await s.post<Json>(type, body, callOpts(scope, `${type} ${name}`)) };
    } catch (err) {
      const conflict = (err as AviError).status === 409;
      if (!conflict && !outcomeUnknown(err)) throw err;
      const found = await findByName(s, scope, type, name);
      if (found) return { found };
      if (conflict || attempt >= s.maxRetries) throw err;
      await sleep(Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
}

/**
 * Creates the object, or adopts the one of that name when its markers say it is ours (an earlier run may have
 * been cut off after the controller created it), then brings our fields up to date. `same` decides "no change".
 */
export async function upsert(
  s: AviSession,
  scope: Scope,
  type: string,
  existing: Json | undefined,
  body: Json,
  counter: Counter,
  same: (actual: Json) => boolean = (a) => isCovered(a, body),
  dropWhenAbsent: readonly string[] = [],
): Promise<Json> {
  let found = existing;
  if (!found) {
    const r = await createOrFind(s, scope, type, body, counter);
    if (r.created) return r.created;
    found = r.found as Json;
  }
  claim(scope, type, found);
  if (same(found)) return found;
  return putMerged(s, scope, type, found, body, counter, dropWhenAbsent);
}

/** DELETE where 404 means someone (or an earlier run) already removed it. Returns whether we deleted it. */
export async function deleteIfPresent(
  s: AviSession,
  scope: Scope,
  type: string,
  obj: Json,
  counter: Counter,
): Promise<boolean> {
  try {
    counter.writes++;
    await s.delete(`${type}/${String(obj.uuid)}`, callOpts(scope, `${type} ${String(obj.name)}`));
    return true;
  } catch (err) {
    if ((err as AviError).status === 404) return false;
    throw err;
  }
}
