// The objects a virtual service owns besides its VS, VsVip and pools: health monitors and client-IP persistence
// profiles (referred to by pools) and the source-range network security policy (referred to by the VS). They are
// written before what refers to them and deleted only after nothing of ours refers to them any more, so the
// controller never sees a dangling ref and never refuses a delete for one. Found by name (one list per type for
// the family, so leftovers of an interrupted run are found too), owned by markers.
import type { AviError } from "./errors";
import { familyOf, listFamily, vsNameOf } from "./family";
import { buildHealthMonitor, MONITOR_OPTIONAL } from "./monitors";
import { isOurs, type Json, ownerOf } from "./objects";
import { buildPersistenceProfile } from "./persistence";
import { buildSecurityPolicy } from "./security";
import type { AviSession } from "./session";
import { type Counter, claim, deleteIfPresent, findByName, isCovered, upsert } from "./store";
import type { VirtualServiceSpec } from "./types";

export const OWNED_TYPES = ["healthmonitor", "applicationpersistenceprofile", "networksecuritypolicy"] as const;
export type OwnedType = (typeof OWNED_TYPES)[number];

export interface OwnedObject {
  type: OwnedType;
  name: string;
  body: Json;
}

/** What exists on the controller under the family's names, ours or not. */
export type OwnedFound = Record<OwnedType, Json[]>;

export function desiredOwned(spec: VirtualServiceSpec): OwnedObject[] {
  const out: OwnedObject[] = [];
  for (const [name, m] of Object.entries(spec.l4?.healthMonitors ?? {})) {
    out.push({ type: "healthmonitor", name, body: buildHealthMonitor(spec, name, m) });
  }
  for (const [name, p] of Object.entries(spec.l4?.persistenceProfiles ?? {})) {
    out.push({ type: "applicationpersistenceprofile", name, body: buildPersistenceProfile(spec, name, p) });
  }
  if (spec.l4?.sourceRanges && spec.l4.sourceRanges.length > 0) {
    const name = vsNameOf(spec);
    out.push({ type: "networksecuritypolicy", name, body: buildSecurityPolicy(spec, name, spec.l4.sourceRanges) });
  }
  return out;
}

/** These types have no cloud_ref (swagger), so they are found and written without the cloud filter. */
function cloudless(spec: VirtualServiceSpec): VirtualServiceSpec {
  const { cloud: _cloud, ...rest } = spec;
  return rest;
}

export async function readOwned(s: AviSession, spec: VirtualServiceSpec): Promise<OwnedFound> {
  const family = familyOf(spec);
  const scope = cloudless(spec);
  const [monitors, profiles, policy] = await Promise.all([
    listFamily(s, scope, family, "healthmonitor"),
    listFamily(s, scope, family, "applicationpersistenceprofile"),
    findByName(s, scope, "networksecuritypolicy", vsNameOf(spec)),
  ]);
  return {
    healthmonitor: monitors,
    applicationpersistenceprofile: profiles,
    networksecuritypolicy: policy ? [policy] : [],
  };
}

/** Refuses, before any write, when a name we need is taken by an object our markers do not claim. */
export function claimOwned(spec: VirtualServiceSpec, found: OwnedFound): void {
  for (const d of desiredOwned(spec)) {
    const hit = found[d.type].find((o) => o.name === d.name);
    if (hit) claim(spec, d.type, hit);
  }
}

/** Creates or converges each owned object; nothing is written for one that already matches. */
export async function applyOwned(
  s: AviSession,
  spec: VirtualServiceSpec,
  found: OwnedFound,
  counter: Counter,
): Promise<void> {
  for (const d of desiredOwned(spec)) {
    const existing = found[d.type].find((o) => o.name === d.name);
    const drop = d.type === "healthmonitor" ? MONITOR_OPTIONAL : [];
    await upsert(s, cloudless(spec), d.type, existing, d.body, counter, (a) => isCovered(a, d.body, drop), drop);
  }
}

/** Ours by markers but no longer wanted: what an update deletes once nothing of ours refers to it. */
export function ownedOrphans(spec: VirtualServiceSpec, found: OwnedFound): { type: OwnedType; obj: Json }[] {
  const wanted = new Set(desiredOwned(spec).map((d) => `${d.type}/${d.name}`));
  return OWNED_TYPES.flatMap((type) =>
    found[type]
      .filter((o) => !wanted.has(`${type}/${String(o.name)}`) && isOurs(o, spec))
      .map((obj) => ({ type, obj })),
  );
}

/** An object a delete could not remove, and why (it is not ours, or the controller refused). */
export interface LeftObject {
  /** e.g. "vsvip c1--default-web (vsvip-1f2e...)". */
  object: string;
  reason: string;
}

/**
 * Deletes one object when `mayDelete` allows it. A definite refusal (400/403/409: someone else's object now refers
 * to it) leaves the object and is reported; anything else (an expired session, 429, 5xx, a lost connection) may go
 * through on the next run, so it fails the operation now. Returns whether it deleted, or what it left.
 */
export async function deleteOne(
  s: AviSession,
  spec: VirtualServiceSpec,
  type: string,
  obj: Json,
  counter: Counter,
  mayDelete: boolean,
): Promise<{ deleted: boolean } | { left: LeftObject }> {
  const object = `${type} ${String(obj.name)} (${String(obj.uuid)})`;
  if (!mayDelete) return { left: { object, reason: `it is not ours (${ownerOf(obj)})` } };
  try {
    return { deleted: await deleteIfPresent(s, spec, type, obj, counter) };
  } catch (err) {
    const status = (err as AviError).status;
    if (status !== 400 && status !== 403 && status !== 409) throw err;
    return {
      left: { object, reason: `the controller refused with HTTP ${status}: ${(err as AviError).controllerMessage}` },
    };
  }
}

/** Deletes orphans (ours only), with deleteOne's rule for refusals. */
export async function deleteOwned(
  s: AviSession,
  spec: VirtualServiceSpec,
  orphans: readonly { type: OwnedType; obj: Json }[],
  counter: Counter,
): Promise<{ left: LeftObject[]; deleted: number }> {
  const left: LeftObject[] = [];
  let deleted = 0;
  for (const { type, obj } of orphans) {
    const r = await deleteOne(s, spec, type, obj, counter, isOurs(obj, spec));
    if ("left" in r) left.push(r.left);
    else if (r.deleted) deleted++;
  }
  return { left, deleted };
}
