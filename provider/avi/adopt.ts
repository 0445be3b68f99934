// Adopting what exists (`pulumi import`, the `import` resource option, `avi-k8s plan --migrate-from-ako`): a virtual
// service found by name, with its VsVip and pools, read in either shape it comes in: ours (pool_ref and
// service_pool_select) or AKO 2.2.1's (an L4 policy set whose rules map each port to a pool; research/ako.md §3.2),
// and judged by the adoption rule. Read-only: nothing here writes.
//
// The adoption rule. An object may be adopted for cluster C, namespace N, service S when
// - its markers say clustername=C, Namespace=N, ServiceName=S (AKO and this package mark objects alike), and
// - its created_by is this package's (`pulumi-avi-k8s-C`) or AKO's for the same cluster (`ako-C`), and
// - its name is the one this package gives it (`C--N-S`, pools `C--N-S-<PROTO>-<port>`), since every later run
//   finds the objects by name.
// AKO marks a VsVip with clustername only (and gives it no created_by): it is adopted when the virtual service
// refers to it, its clustername is C and no marker names another service. Another cluster's objects, objects
// without markers and objects made by anyone else are refused, naming the object and the reason.

import { virtualServiceName } from "../plan";
import type { DesiredServer, Protocol } from "../plan/types";
import { createdBy, type Json } from "./objects";
import { serversOf } from "./pools";
import { nameOfRef, uuidOfRef } from "./refs";
import type { AviSession } from "./session";
import { callOpts, findByName } from "./store";

export type Origin = "ours" | "ako";

export function akoCreatedBy(cluster: string): string {
  return `ako-${cluster}`;
}

export interface Identity {
  cluster: string;
  namespace: string;
  service: string;
}

export interface AdoptedPool {
  name: string;
  uuid: string;
  /** The Service port (from the pool's name, as AKO and this package name pools). */
  port: number;
  protocol: Protocol;
  servers: DesiredServer[];
  /** Health monitor names the pool uses. */
  healthMonitors: string[];
}

/** A virtual service as found, in neutral form; `problem` says why it may not be adopted (one clause). */
export interface FoundVirtualService {
  name: string;
  uuid: string;
  identity?: Identity;
  origin: Origin;
  createdBy: string;
  vrf?: string;
  cloud?: string;
  seGroup?: string;
  applicationProfile?: string;
  networkProfile?: string;
  /** What the VsVip holds: the address, and the IPAM network (and subnet) it was allocated from. */
  vip: { address?: string; network?: string; subnet?: string };
  vipAddress: string;
  vsvipUuid: string;
  vsvipName: string;
  pools: AdoptedPool[];
  /** AKO's port-to-pool rules the virtual service refers to (deleted when an update rewrites it in our shape). */
  l4PolicySets: { uuid: string; name: string; ours: boolean }[];
  problem?: string;
}

export function markerValue(obj: Json | undefined, key: string): string | undefined {
  const markers = Array.isArray(obj?.markers) ? (obj.markers as Json[]) : [];
  const m = markers.find((x) => x?.key === key);
  const values = Array.isArray(m?.values) ? (m.values as unknown[]) : [];
  return typeof values[0] === "string" ? values[0] : undefined;
}

function identityOf(obj: Json): Identity | undefined {
  const cluster = markerValue(obj, "clustername");
  const namespace = markerValue(obj, "Namespace");
  const service = markerValue(obj, "ServiceName");
  return cluster && namespace && service ? { cluster, namespace, service } : undefined;
}

function sameIdentity(a: Identity | undefined, b: Identity): boolean {
  return !!a && a.cluster === b.cluster && a.namespace === b.namespace && a.service === b.service;
}

/** ours | ako | undefined (made by someone else). */
export function originOf(obj: Json, cluster: string): Origin | undefined {
  const by = obj.created_by;
  if (by === createdBy(cluster)) return "ours";
  if (by === akoCreatedBy(cluster)) return "ako";
  return undefined;
}

/** Why `obj` (a VS, pool or L4 policy set) may not be adopted for `who`; undefined when it may. */
export function adoptionProblem(obj: Json, who: Identity): string | undefined {
  const id = identityOf(obj);
  if (!id) {
    const c = markerValue(obj, "clustername");
    return c
      ? `carries only the marker clustername=${c}, not the Namespace and ServiceName markers of a service's objects`
      : "has no markers (clustername, Namespace, ServiceName), so neither this package nor AKO made it";
  }
  if (!sameIdentity(id, who)) {
    return id.cluster !== who.cluster
      ? `belongs to cluster ${id.cluster} (its clustername marker), not cluster ${who.cluster}`
      : `belongs to service ${id.namespace}/${id.service} (its markers), not ${who.namespace}/${who.service}`;
  }
  if (!originOf(obj, who.cluster)) {
    const by = typeof obj.created_by === "string" && obj.created_by ? `created_by ${obj.created_by}` : "no created_by";
    return `has ${by}, neither this package's (${createdBy(who.cluster)}) nor AKO's (${akoCreatedBy(who.cluster)})`;
  }
  return undefined;
}

/** AKO's VsVip: clustername only, referred to by the adopted VS; ours: full markers. */
export function vsvipProblem(vsvip: Json, who: Identity): string | undefined {
  const c = markerValue(vsvip, "clustername");
  if (c !== who.cluster) {
    return c ? `belongs to cluster ${c} (its clustername marker)` : "has no clustername marker";
  }
  const ns = markerValue(vsvip, "Namespace");
  const svc = markerValue(vsvip, "ServiceName");
  if ((ns !== undefined && ns !== who.namespace) || (svc !== undefined && svc !== who.service)) {
    return `belongs to service ${ns ?? "?"}/${svc ?? "?"} (its markers)`;
  }
  return undefined;
}

/** Whether a VsVip may be taken over with the VS that refers to it (see the rule at the top). */
export function vsvipAdoptable(vsvip: Json, vs: Json | undefined, who: Identity): boolean {
  return !!vs && uuidOfRef(vs.vsvip_ref) === String(vsvip.uuid) && !vsvipProblem(vsvip, who);
}

const POOL_SUFFIX = /-(TCP|UDP|SCTP)-(\d+)$/;

function vipOf(vsvip: Json | undefined): { vip: FoundVirtualService["vip"]; allocated: string } {
  const first = Array.isArray(vsvip?.vip) ? ((vsvip.vip as Json[])[0] ?? {}) : {};
  const addr = ((first.ip_address ?? first.ip6_address) as { addr?: unknown } | undefined)?.addr;
  const ipam = first.ipam_network_subnet as { network_ref?: unknown; subnet?: Json } | undefined;
  const subnet = ipam?.subnet as { ip_addr?: { addr?: string }; mask?: number } | undefined;
  const vip: FoundVirtualService["vip"] = {};
  if (typeof addr === "string" && addr) vip.address = addr;
  const network = nameOfRef(ipam?.network_ref);
  if (network) vip.network = network;
  if (subnet?.ip_addr?.addr && typeof subnet.mask === "number") vip.subnet = `${subnet.ip_addr.addr}/${subnet.mask}`;
  return { vip, allocated: typeof addr === "string" ? addr : "" };
}

async function getByRef(s: AviSession, type: string, ref: unknown, tenant?: string): Promise<Json | undefined> {
  const uuid = uuidOfRef(ref);
  if (!uuid) return undefined;
  try {
    return await s.get<Json>(
      `${type}/${uuid}`,
      callOpts({ ...(tenant ? { tenant } : {}) }, `${type} ${uuid}`, { include_name: true }),
    );
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/** Pool refs in the order the VS selects them: pool_ref, service_pool_select, then AKO's L4 policy rules. */
function poolRefsOf(vs: Json, policySets: Json[]): unknown[] {
  const refs: unknown[] = [];
  if (vs.pool_ref) refs.push(vs.pool_ref);
  for (const sel of Array.isArray(vs.service_pool_select) ? (vs.service_pool_select as Json[]) : []) {
    refs.push(sel.service_pool_ref);
  }
  for (const ps of policySets) {
    const rules = ((ps.l4_connection_policy as Json | undefined)?.rules ?? []) as Json[];
    for (const r of rules)
      refs.push((r.action as { select_pool?: { pool_ref?: unknown } } | undefined)?.select_pool?.pool_ref);
  }
  const seen = new Set<string>();
  return refs.filter((r) => {
    const u = uuidOfRef(r);
    if (!u || seen.has(u)) return false;
    seen.add(u);
    return true;
  });
}

/**
 * Reads the virtual service `name` in `tenant` and everything it refers to; undefined when there is none. The
 * result's `problem` is set when the adoption rule refuses it (for `expect`, when given, else for the service its
 * own markers name).
 */
export async function findVirtualService(
  s: AviSession,
  where: { tenant?: string; name: string },
  expect?: Identity,
): Promise<FoundVirtualService | undefined> {
  const scope = where.tenant ? { tenant: where.tenant } : {};
  const vs = await findByName(s, scope, "virtualservice", where.name);
  if (!vs) return undefined;
  const policyRefs = (Array.isArray(vs.l4_policies) ? (vs.l4_policies as Json[]) : []).map((p) => p.l4_policy_set_ref);
  const policySets = (await Promise.all(policyRefs.map((r) => getByRef(s, "l4policyset", r, where.tenant)))).filter(
    (p): p is Json => !!p,
  );
  const vsvip = await getByRef(s, "vsvip", vs.vsvip_ref, where.tenant);
  const poolObjs = (
    await Promise.all(poolRefsOf(vs, policySets).map((r) => getByRef(s, "pool", r, where.tenant)))
  ).filter((p): p is Json => !!p);
  const who = expect ?? identityOf(vs);
  const { vip, allocated } = vipOf(vsvip);
  const found: FoundVirtualService = {
    name: String(vs.name),
    uuid: String(vs.uuid),
    origin: (who && originOf(vs, who.cluster)) ?? "ours",
    createdBy: typeof vs.created_by === "string" ? vs.created_by : "",
    vip,
    vipAddress: allocated,
    vsvipUuid: vsvip ? String(vsvip.uuid) : "",
    vsvipName: vsvip ? String(vsvip.name) : "",
    pools: [],
    l4PolicySets: policySets.map((p) => ({
      uuid: String(p.uuid),
      name: String(p.name),
      ours: !!who && !adoptionProblem(p, who),
    })),
  };
  if (who) found.identity = who;
  for (const [key, ref] of [
    ["vrf", vs.vrf_context_ref],
    ["cloud", vs.cloud_ref],
    ["seGroup", vs.se_group_ref],
    ["applicationProfile", vs.application_profile_ref],
    ["networkProfile", vs.network_profile_ref],
  ] as const) {
    const n = nameOfRef(ref);
    if (n) found[key] = n;
  }
  const problems: string[] = [];
  for (const p of poolObjs) {
    const m = POOL_SUFFIX.exec(String(p.name));
    if (!m || !String(p.name).startsWith(`${found.name}-`)) {
      problems.push(
        `uses pool ${String(p.name)}, which is not named ${found.name}-<PROTOCOL>-<port> as a pool of it must be`,
      );
      continue;
    }
    found.pools.push({
      name: String(p.name),
      uuid: String(p.uuid),
      port: Number(m[2]),
      protocol: m[1] as Protocol,
      servers: serversOf(p),
      healthMonitors: (Array.isArray(p.health_monitor_refs) ? (p.health_monitor_refs as unknown[]) : [])
        .map(nameOfRef)
        .filter((n): n is string => !!n),
    });
    const why = who && adoptionProblem(p, who);
    if (why) problems.push(`uses pool ${String(p.name)}, which ${why}`);
  }
  const vsWhy = who ? adoptionProblem(vs, who) : adoptionProblem(vs, { cluster: "", namespace: "", service: "" });
  if (vsWhy) found.problem = vsWhy;
  else if (who && found.name !== virtualServiceName(who.cluster, who.namespace, who.service)) {
    found.problem = `is named ${found.name}, but this package names the virtual service of ${who.namespace}/${who.service} in cluster ${who.cluster} ${virtualServiceName(who.cluster, who.namespace, who.service)}`;
  } else if (vs.pool_group_ref) {
    found.problem = "selects a pool group, which this package does not manage";
  } else if (!vsvip) {
    found.problem = "refers to no VsVip the controller holds";
  } else if (who && vsvipProblem(vsvip, who)) {
    found.problem = `refers to VsVip ${String(vsvip.name)}, which ${vsvipProblem(vsvip, who)}`;
  } else if (String(vsvip.name) !== found.name) {
    found.problem = `refers to VsVip ${String(vsvip.name)}, which is not named ${found.name} as its VsVip must be`;
  } else if (problems.length > 0) {
    found.problem = problems.join("; ");
  }
  return found;
}
