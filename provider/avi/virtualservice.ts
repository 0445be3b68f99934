// One L4 virtual service per Kubernetes Service, written in AKO's order: VsVip, then pools, then the VS that refers
// to them; deleted in the reverse order. Every object is found by its AKO-style name first, so a run cut off after
// any write finds what the earlier run created and adopts it (markers permitting) instead of duplicating it; pools
// of ours that the VS no longer uses are deleted once the VS stops referring to them, so nothing is orphaned.

import { virtualServiceName } from "../plan";
import { originOf, vsvipAdoptable } from "./adopt";
import { AviError } from "./errors";
import { familyOf, listFamily } from "./family";
import { POOL_OPTIONAL } from "./l4fields";
import { buildPool, buildVirtualService, buildVsVip, isOurs, type Json, ownerOf } from "./objects";
import {
  applyOwned,
  claimOwned,
  deleteOne,
  deleteOwned,
  type LeftObject,
  type OwnedFound,
  ownedOrphans,
  readOwned,
} from "./owned";
import { poolMatches, serverChange, serversOf } from "./pools";
import { covers, nameOfRef, uuidOfRef } from "./refs";
import { checkSeGroup } from "./segroup";
import type { AviSession } from "./session";
import { type Counter, callOpts, claim, deleteIfPresent, findByName, isCovered, upsert } from "./store";
import type {
  ApplyVirtualServiceResult,
  ObjectAction,
  PoolState,
  VirtualServicePreview,
  VirtualServiceSpec,
  VirtualServiceState,
} from "./types";

/**
 * VS fields we drop when our body no longer sets them: a second port removed leaves no stale pool mapping; an
 * adopted AKO virtual service stops selecting pools through its L4 policy set once we select them ourselves; and
 * source ranges removed leave no ref to our policy (a policy someone else attached by hand is left alone).
 */
function vsOptional(vs: Json | undefined, name: string): string[] {
  const ours = vs && nameOfRef(vs.network_security_policy_ref) === name;
  return ["service_pool_select", "l4_policies", ...(ours ? ["network_security_policy_ref"] : [])];
}

interface Found {
  name: string;
  vsvip?: Json;
  vs?: Json;
  pools: Map<string, Json>;
  orphans: Json[];
  owned: OwnedFound;
}

const NO_OWNED: OwnedFound = { healthmonitor: [], applicationpersistenceprofile: [], networksecuritypolicy: [] };

async function readAll(s: AviSession, spec: VirtualServiceSpec, withOwned = true): Promise<Found> {
  const name = virtualServiceName(spec.cluster, spec.namespace, spec.service);
  const family = familyOf(spec);
  const [vsvip, vs, named, owned] = await Promise.all([
    findByName(s, spec, "vsvip", name),
    findByName(s, spec, "virtualservice", name),
    listFamily(s, spec, family, "pool"),
    withOwned ? readOwned(s, spec) : NO_OWNED,
  ]);
  const pools = new Map<string, Json>();
  for (const p of spec.pools) {
    // Planner names are in the family listing; look a custom one up on its own.
    const hit = family.has(p.name) ? named.find((o) => o.name === p.name) : await findByName(s, spec, "pool", p.name);
    if (hit) pools.set(p.name, hit);
  }
  const wanted = new Set(spec.pools.map((p) => p.name));
  const orphans = named.filter((o) => !wanted.has(String(o.name)) && isOurs(o, spec));
  return { name, pools, orphans, owned, ...(vsvip ? { vsvip } : {}), ...(vs ? { vs } : {}) };
}

/**
 * Refuses, before any write, what this spec may not take over: objects whose markers are not ours, and AKO's
 * objects unless the spec adopts them (then AKO's VsVip, which carries only the clustername marker, goes with the
 * virtual service that refers to it).
 */
function claimFound(spec: VirtualServiceSpec, f: Found): void {
  const claimOne = (type: string, obj: Json) => {
    claim(spec, type, obj);
    if (!spec.adopt && originOf(obj, spec.cluster) === "ako") {
      throw new AviError({
        operation: `adopt ${type}`,
        object: `${type} ${String(obj.name)} (${String(obj.uuid)})`,
        controllerMessage: `AKO made it (created_by ako-${spec.cluster}); take it over with an import (README, "Migrating from AKO") or the resource's adopt argument`,
      });
    }
  };
  if (f.vs) claimOne("virtualservice", f.vs);
  if (f.vsvip && !(spec.adopt && vsvipAdoptable(f.vsvip, f.vs, spec))) claim(spec, "vsvip", f.vsvip);
  for (const p of f.pools.values()) claimOne("pool", p);
}

/** AKO's L4 policy sets the VS refers to (an adopted VS that has not been rewritten in our shape yet). */
async function policySetsOf(s: AviSession, spec: VirtualServiceSpec, vs: Json | undefined): Promise<Json[]> {
  const refs = (Array.isArray(vs?.l4_policies) ? (vs.l4_policies as Json[]) : []).map((p) => p.l4_policy_set_ref);
  const out: Json[] = [];
  for (const ref of refs) {
    const uuid = uuidOfRef(ref);
    if (!uuid) continue;
    try {
      out.push(await s.get<Json>(`l4policyset/${uuid}`, callOpts(spec, `l4policyset ${uuid}`, { include_name: true })));
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  return out;
}

/**
 * A VIP the VsVip already holds in a form that satisfies ours (AKO's: auto-allocated from the network *and* the
 * address) is sent back exactly as held when other fields change: rewriting it in our form could release the IPAM
 * allocation or, worse, allocate another address, and the VIP would move.
 */
function keepSatisfiedVip(body: Json, live: Json | undefined): Json {
  return live && Array.isArray(live.vip) && covers(live.vip, body.vip, "vip") ? { ...body, vip: live.vip } : body;
}

function vipAddressOf(vsvip: Json | undefined): string {
  const vip = Array.isArray(vsvip?.vip) ? (vsvip.vip as Json[])[0] : undefined;
  const field = (vip?.ip_address ?? vip?.ip6_address) as { addr?: unknown } | undefined;
  const addr = field?.addr;
  return typeof addr === "string" ? addr : "";
}

function poolState(spec: VirtualServiceSpec, name: string, obj: Json): PoolState {
  const p = spec.pools.find((x) => x.name === name)!;
  return { name, uuid: String(obj.uuid), port: p.servicePort, protocol: p.protocol, servers: serversOf(obj) };
}

function vsBody(
  spec: VirtualServiceSpec,
  name: string,
  vsvipUuid: string,
  pools: Map<string, Json>,
  current?: Json,
): Json {
  const refs = spec.pools.map((p) => ({
    port: p.servicePort,
    protocol: p.protocol,
    uuid: String(pools.get(p.name)?.uuid),
  }));
  return buildVirtualService(spec, name, vsvipUuid, refs, current);
}

function validate(spec: VirtualServiceSpec): void {
  const names = new Set<string>();
  for (const p of spec.pools) {
    if (names.has(p.name))
      throw new Error(`Virtual service spec for ${spec.namespace}/${spec.service} names pool ${p.name} twice.`);
    names.add(p.name);
  }
  if (spec.ports.length === 0)
    throw new Error(`Virtual service spec for ${spec.namespace}/${spec.service} has no ports.`);
}

/** What an apply would change, read-only. */
export async function previewVirtualService(s: AviSession, spec: VirtualServiceSpec): Promise<VirtualServicePreview> {
  validate(spec);
  const warnings = await checkSeGroup(s, spec, spec.seGroup, "warn");
  const f = await readAll(s, spec, false);
  claimFound(spec, f);
  const vipMatches = (v: Json) => spec.compareVip === false || isCovered(v, buildVsVip(spec, f.name));
  const vsvipAction: ObjectAction = !f.vsvip ? "create" : vipMatches(f.vsvip) ? "none" : "update";
  const pools = spec.pools.map((p) => {
    const actual = f.pools.get(p.name);
    if (actual) claim(spec, "pool", actual);
    const change = serverChange(p.name, p.servers, actual ? serversOf(actual) : []);
    const action: ObjectAction = !actual ? "create" : poolMatches(spec, p, actual) ? "none" : "update";
    return { ...change, action };
  });
  let vsAction: ObjectAction = "create";
  if (f.vs) {
    const complete = f.vsvip && spec.pools.every((p) => f.pools.has(p.name));
    const body = complete ? vsBody(spec, f.name, String(f.vsvip!.uuid), f.pools, f.vs) : undefined;
    vsAction = body && isCovered(f.vs, body, vsOptional(f.vs, f.name)) ? "none" : "update";
  }
  return {
    name: f.name,
    exists: f.vs !== undefined,
    vsvip: vsvipAction,
    virtualService: vsAction,
    pools,
    orphanPools: f.orphans.map((o) => String(o.name)),
    warnings,
  };
}

/** Creates or converges the VsVip, the pools and the VS; zero writes when the controller already matches. */
export async function applyVirtualService(s: AviSession, spec: VirtualServiceSpec): Promise<ApplyVirtualServiceResult> {
  validate(spec);
  const warnings = await checkSeGroup(s, spec, spec.seGroup, spec.seGroupPolicy ?? "fail");
  const counter: Counter = { writes: 0 };
  const f = await readAll(s, spec);
  // Refuse before the first write if any object of ours by name belongs to someone else.
  claimFound(spec, f);
  claimOwned(spec, f.owned);
  const policySets = await policySetsOf(s, spec, f.vs);

  // Monitors, persistence profiles and the policy first: the pools and the VS refer to them by name.
  await applyOwned(s, spec, f.owned, counter);
  const vsvipScope = { ...spec, owns: (_type: string, o: Json) => !!spec.adopt && vsvipAdoptable(o, f.vs, spec) };
  const vsvip = await upsert(
    s,
    vsvipScope,
    "vsvip",
    f.vsvip,
    keepSatisfiedVip(buildVsVip(spec, f.name), f.vsvip),
    counter,
  );
  const pools = new Map<string, Json>();
  for (const p of spec.pools) {
    const existing = f.pools.get(p.name);
    const body = buildPool(spec, p);
    // Membership "sync": an existing pool keeps the servers the controller holds (the sync's; the PUT carries
    // `_last_modified`, so a sync write in between is re-read and kept); a new pool starts with the resolved ones.
    if (spec.membership === "sync" && existing) delete body.servers;
    const obj = await upsert(s, spec, "pool", existing, body, counter, (a) => poolMatches(spec, p, a), POOL_OPTIONAL);
    pools.set(p.name, obj);
  }
  const body = vsBody(spec, f.name, String(vsvip.uuid), pools, f.vs);
  const optional = vsOptional(f.vs, f.name);
  const vs = await upsert(
    s,
    spec,
    "virtualservice",
    f.vs,
    body,
    counter,
    (a) => isCovered(a, body, optional),
    optional,
  );
  // The VS no longer refers to AKO's policy sets: delete those of this service (before the pools they select).
  for (const ps of policySets) {
    if (!isOurs(ps, spec)) {
      warnings.push(
        `l4policyset ${String(ps.name)} is no longer used by ${f.name} but is not ours (${ownerOf(ps)}); it stays`,
      );
      continue;
    }
    if (await deleteIfPresent(s, spec, "l4policyset", ps, counter)) {
      warnings.push(
        `deleted l4policyset ${String(ps.name)}: AKO's port-to-pool rules, unused now that ${f.name} selects its pools itself`,
      );
    }
  }
  for (const orphan of f.orphans) await deleteIfPresent(s, spec, "pool", orphan, counter);
  // Only now does nothing of ours refer to the monitors, profiles and policy no longer wanted.
  const kept = await deleteOwned(s, spec, ownedOrphans(spec, f.owned), counter);
  for (const k of kept.left) warnings.push(`${k.object} is no longer used but stays: ${k.reason}`);

  // The VsVip answer of a create may not yet carry an IPAM-allocated address; read it back once in that case.
  let vipAddress = vipAddressOf(vsvip);
  if (!vipAddress) {
    const fresh = await s.get<Json>(`vsvip/${String(vsvip.uuid)}`, callOpts(spec, `vsvip ${f.name}`));
    vipAddress = vipAddressOf(fresh);
  }
  const state: VirtualServiceState = {
    name: f.name,
    vsUuid: String(vs.uuid),
    vsvipUuid: String(vsvip.uuid),
    pools: spec.pools.map((p) => poolState(spec, p.name, pools.get(p.name)!)),
    vipAddress,
  };
  return { state, writes: counter.writes, warnings };
}

/** The objects as the controller holds them now; undefined when the VS is gone. */
export async function readVirtualService(
  s: AviSession,
  spec: VirtualServiceSpec,
): Promise<VirtualServiceState | undefined> {
  const name = virtualServiceName(spec.cluster, spec.namespace, spec.service);
  const vs = await findByName(s, spec, "virtualservice", name);
  if (!vs) return undefined;
  claim(spec, "virtualservice", vs);
  const vsvipUuid = uuidOfRef(vs.vsvip_ref) ?? "";
  let vsvip: Json | undefined;
  if (vsvipUuid) {
    try {
      vsvip = await s.get<Json>(`vsvip/${vsvipUuid}`, callOpts(spec, `vsvip ${name}`));
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  const pools: PoolState[] = [];
  for (const p of spec.pools) {
    const obj = await findByName(s, spec, "pool", p.name);
    if (obj) pools.push(poolState(spec, p.name, claim(spec, "pool", obj)));
  }
  return { name, vsUuid: String(vs.uuid), vsvipUuid: vsvip ? vsvipUuid : "", pools, vipAddress: vipAddressOf(vsvip) };
}

/**
 * Deletes the VS, then its VsVip and pools (only objects our markers claim); 404 counts as already gone. What it
 * cannot delete (not ours, or refused with 400/403/409, e.g. still referenced) it leaves and reports in `left`,
 * after deleting everything else; anything else (an expired session, 5xx, a lost connection) throws.
 */
export async function deleteVirtualService(
  s: AviSession,
  spec: VirtualServiceSpec,
): Promise<{ deleted: number; writes: number; left: LeftObject[] }> {
  const counter: Counter = { writes: 0 };
  const f = await readAll(s, spec);
  const policySets = await policySetsOf(s, spec, f.vs);
  const left: LeftObject[] = [];
  let deleted = 0;
  const mayDelete = (type: string, obj: Json) =>
    isOurs(obj, spec) || (type === "vsvip" && !!spec.adopt && vsvipAdoptable(obj, f.vs, spec));
  const drop = async (type: string, obj: Json | undefined) => {
    if (!obj) return;
    const r = await deleteOne(s, spec, type, obj, counter, mayDelete(type, obj));
    if ("left" in r) left.push(r.left);
    else if (r.deleted) deleted++;
  };
  await drop("virtualservice", f.vs);
  // Another owner's policy set is not part of this resource: it is neither deleted nor reported as left.
  for (const ps of policySets) if (isOurs(ps, spec)) await drop("l4policyset", ps);
  await drop("vsvip", f.vsvip);
  for (const p of [...f.pools.values(), ...f.orphans]) await drop("pool", p);
  // Monitors, persistence profiles and the policy last, once the pools and VS that referred to them are gone.
  const owned = await deleteOwned(s, spec, ownedOrphans({ ...spec, l4: { pools: {} } }, f.owned), counter);
  left.push(...owned.left);
  deleted += owned.deleted;
  return { deleted, writes: counter.writes, left };
}
