// Importing existing objects into a resource (`pulumi import`, the `import` resource option). The engine performs
// an import as Read(id) with no state, then Check(program inputs, olds = what Read said the inputs are), then
// Diff(checked inputs, what Read said the outputs are): any difference fails the import. So read() here returns
// outputs shaped like a create's and inputs shaped like check()'s for the same objects, and nothing it cannot see
// on the controller (the CNI, `ports`) is recorded: diff takes the program's value for those (`importedView`).
//
// Id forms (README, "Importing and migrating from AKO"):
//   ClusterIpVirtualService  <tenant>/<virtual service name>, or <virtual service name> (tenant from config/env, else
//                            admin); a created one's id is the bare name, an imported one keeps the id it was given
//   ClusterIpRoutes          <tenant>/<cloud>/<vrf>/<cluster> (the id a created one has), or <vrf>/<cluster>
//
// What is refused, in one sentence naming the object and why, with nothing recorded: an id of another form, an
// object that is not there, one the adoption rule (provider/avi/adopt.ts) does not let us take, and, in check(), an
// import whose objects belong to another cluster, service, tenant, VRF or cloud than the program declares.
//
// What an import records is what exists, and the run after it converges: the import's own Check (its olds are
// Read's inputs, stamped with `importId`) takes the members the controller holds (pool servers, routes) and, for
// routes imported from AKO, AKO's ids (`adoptedRouteIds`, prefix -> AKO's id), so its Diff finds nothing to change
// even when pods moved after AKO stopped. The next run's Check does neither (its olds are no longer Read's): its
// preview shows the servers that differ and `- adoptedRouteIds`, and its update writes them (the ids renamed in one
// PUT of the VRF).
import { findVirtualService, readVrf } from "../../provider/avi";
import { isOwnedRoute, routeIdFor } from "../../provider/plan";
import { jsonClean, pick } from "./canonical";
import { connectionFor, reading } from "./common";
import { type Settings, sourcesOf } from "./connection";
import { configuredKubeServer, configuredTenant, controllerOrigin } from "./location";
import {
  type LivePoolMap,
  OUTPUT_CONNECTION_KEYS,
  type RoutesOuts,
  VS_INPUT_KEYS,
  type VirtualServiceOuts,
} from "./props";
import { routeMap, serverMap } from "./state";

/** Stamped on the inputs an import's read returns (and only there): check() knows it runs for an import. */
export const IMPORT_STAMP = "importId";

type Record_ = Record<string, unknown>;

/** A read with no state: an import (refresh always passes the outputs, which hold `pools` / `routes`). */
export function isImportRead(props: Record_, stateKey: "pools" | "routes"): boolean {
  return props[stateKey] === undefined && props.virtualServiceUuid === undefined && props.vrfUuid === undefined;
}

function refused(what: string, why: string): Error {
  return new Error(`Import refused: ${what} ${why}; nothing was imported.`);
}

export function parseVirtualServiceId(id: string): { tenant?: string; name: string } {
  const parts = id.split("/");
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { tenant: parts[0], name: parts[1] };
  throw refused(`id '${id}'`, "is not <tenant>/<virtual service name> or <virtual service name>");
}

export function parseRoutesId(id: string): { tenant?: string; cloud?: string; vrf: string; cluster: string } {
  const parts = id.split("/");
  if (parts.every((p) => p !== "")) {
    if (parts.length === 4) return { tenant: parts[0], cloud: parts[1], vrf: parts[2]!, cluster: parts[3]! };
    if (parts.length === 2) return { vrf: parts[0]!, cluster: parts[1]! };
  }
  throw refused(`id '${id}'`, "is not <tenant>/<cloud>/<vrf>/<cluster> or <vrf>/<cluster>");
}

/** Where the import reads, and what every output records about it (as check() records it for a create). */
function located(props: Record_, settings: Settings | undefined, tenantFromId: string | undefined) {
  const tenant = tenantFromId ?? configuredTenant(sourcesOf(props, settings))?.value ?? "admin";
  const conn = connectionFor({ ...props, tenant }, settings, "Import");
  let kubeServer: string | undefined;
  try {
    kubeServer = configuredKubeServer(props, settings)?.value;
  } catch {
    // An unreadable kubeconfig is named by the check() that follows.
  }
  const recorded = {
    ...pick(props, OUTPUT_CONNECTION_KEYS),
    controllerUrl: controllerOrigin(conn.controller),
    ...(kubeServer ? { kubeServer } : {}),
    tenant,
  };
  return { tenant, conn, recorded };
}

const DEFAULTS = {
  seGroup: () => "Default-Group",
  applicationProfile: () => "System-L4-Application",
  networkProfile: (protocol: string) =>
    protocol === "UDP" ? "System-UDP-Fast-Path" : protocol === "SCTP" ? "System-SCTP-Proxy" : "System-TCP-Proxy",
  healthMonitor: (protocol: string) => `System-${protocol}`,
};

/** read() for an import of a ClusterIpVirtualService. */
export async function importVirtualService(id: string, props: Record_, settings: Settings | undefined) {
  const { tenant: idTenant, name } = parseVirtualServiceId(id);
  const { tenant, conn, recorded } = located(props, settings, idTenant);
  const expect =
    typeof props.cluster === "string" && typeof props.service === "string"
      ? { cluster: props.cluster, namespace: String(props.namespace ?? "default"), service: props.service }
      : undefined;
  const found = await reading(conn, (s) => findVirtualService(s, { tenant, name }, expect));
  const what = `virtual service ${name} (tenant ${tenant} on ${recorded.controllerUrl})`;
  if (!found) throw refused(what, "does not exist");
  if (found.problem || !found.identity) throw refused(what, found.problem ?? "has no markers");
  const who = found.identity;
  const protocol = found.pools[0]?.protocol ?? "TCP";
  const monitors = [...new Set(found.pools.flatMap((p) => p.healthMonitors))];
  const optional: Record_ = {};
  for (const key of ["seGroup", "applicationProfile", "networkProfile"] as const) {
    const held = found[key];
    if (held && held !== DEFAULTS[key](protocol)) optional[key] = held;
  }
  if (monitors.length === 1 && found.pools.some((p) => monitors[0] !== DEFAULTS.healthMonitor(p.protocol))) {
    optional.healthMonitor = monitors[0];
  }
  const kept = {
    ...recorded,
    ...optional,
    cluster: who.cluster,
    namespace: who.namespace,
    service: who.service,
    vrf: found.vrf ?? "global",
    cloud: found.cloud ?? "Default-Cloud",
    vip: found.vip,
  };
  const pools: LivePoolMap = {};
  for (const p of found.pools) {
    pools[p.name] = { uuid: p.uuid, servicePort: p.port, protocol: p.protocol, servers: serverMap(p.servers, false) };
  }
  const policySets = found.l4PolicySets.filter((p) => p.ours).map((p) => p.name);
  const warnings =
    found.origin === "ako"
      ? [
          `imported from AKO (created_by ${found.createdBy}); the next update rewrites it in this package's shape (pool_ref${policySets.length > 0 ? ` instead of the L4 policy set ${policySets.join(", ")}, which it then deletes` : ""})`,
        ]
      : [];
  const outs = jsonClean({
    ...kept,
    pools,
    virtualServiceName: found.name,
    virtualServiceUuid: found.uuid,
    vsVipUuid: found.vsvipUuid,
    vipAddress: found.vipAddress,
    conflicts: [],
    warnings,
    [IMPORT_STAMP]: `${tenant}/${name}`,
    ...(found.origin === "ako" ? { adoptedFrom: "ako" } : {}),
  }) as VirtualServiceOuts;
  const inputPools = Object.fromEntries(Object.entries(pools).map(([n, { uuid: _u, ...p }]) => [n, p]));
  const inputs = jsonClean({ ...pick(kept, VS_INPUT_KEYS), ...pick(kept, Object.keys(recorded)), pools: inputPools });
  return {
    id,
    props: outs,
    inputs: { ...inputs, [IMPORT_STAMP]: `${tenant}/${name}` } as unknown as VirtualServiceOuts,
  };
}

/** read() for an import of a ClusterIpRoutes. */
export async function importRoutes(id: string, props: Record_, settings: Settings | undefined) {
  const t = parseRoutesId(id);
  const { tenant, conn, recorded } = located(props, settings, t.tenant);
  const cloud = t.cloud ?? "Default-Cloud";
  const what = `the routes of cluster ${t.cluster} in VRF ${t.vrf} (cloud ${cloud}, tenant ${tenant} on ${recorded.controllerUrl})`;
  const vrf = await reading(conn, async (s) => {
    try {
      return await readVrf(s, { cluster: t.cluster, vrf: t.vrf, cloud, tenant });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  });
  if (!vrf) throw refused(what, "cannot be read: no VRF context of that name");
  const ours = vrf.routes.filter((r) => isOwnedRoute(t.cluster, r));
  if (ours.length === 0) {
    throw refused(
      what,
      `do not exist: the VRF holds no route labelled clustername=${t.cluster} (create the resource instead; its first up writes them)`,
    );
  }
  const adoptedRouteIds = adoptedIds(t.cluster, ours);
  const kept = { ...recorded, cluster: t.cluster, vrf: t.vrf, cloud };
  const routes = routeMap(ours, false);
  const extra = Object.keys(adoptedRouteIds).length > 0 ? { adoptedRouteIds } : {};
  const outs = jsonClean({
    ...kept,
    routes,
    vrfUuid: vrf.uuid,
    cniSource: "",
    conflicts: [],
    ...extra,
    [IMPORT_STAMP]: `${tenant}/${cloud}/${t.vrf}/${t.cluster}`,
  }) as unknown as RoutesOuts;
  const inputs = jsonClean({ ...kept, routes, ...extra, [IMPORT_STAMP]: outs.importId });
  return { id, props: outs, inputs: inputs as unknown as RoutesOuts };
}

/**
 * In the check of an import (its olds stamped), the members the controller holds, which the checked inputs take
 * so that the import records what exists; the next run's check resolves them from the cluster again, and its
 * preview shows the difference. Where a member means the same in both (a route's next hop, a server's enabled
 * flag), the cluster's spelling (with node and pod names) is kept, so that preview lists only what differs.
 * Undefined outside an import.
 */
export function importedMembers(olds: Record_, key: "pools" | "routes", desired: unknown): Record_ | undefined {
  const held = olds[key];
  if (typeof olds[IMPORT_STAMP] !== "string" || !held || typeof held !== "object") return undefined;
  const want = desired && typeof desired === "object" ? (desired as Record_) : {};
  if (key === "routes") return preferSame(held as Record<string, string>, want as Record<string, string>, hop);
  const out: Record_ = {};
  for (const [name, pool] of Object.entries(held as Record<string, Record_>)) {
    const { uuid: _u, ...rest } = pool;
    const w = want[name] as Record_ | undefined;
    const servers = preferSame(
      (rest.servers ?? {}) as Record<string, string>,
      (w?.servers ?? {}) as Record<string, string>,
      drained,
    );
    out[name] = { ...rest, servers };
  }
  return out;
}

const hop = (v: string) => v.split(" ")[0];
const drained = (v: string) => v.endsWith(" disabled");

function preferSame(
  held: Record<string, string>,
  desired: Record<string, string>,
  meaning: (v: string) => unknown,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(held)) {
    const d = desired[k];
    out[k] = d !== undefined && meaning(d) === meaning(v) ? d : v;
  }
  return out;
}

/** prefix -> id of each route of ours whose id is not the one we derive for its prefix (AKO's, or made by hand). */
export function adoptedIds(
  cluster: string,
  ours: readonly { routeId: string; prefix: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of ours) if (r.routeId !== routeIdFor(cluster, r.prefix)) out[r.prefix] = r.routeId;
  return out;
}

const IDENTITY: Record<string, string> = {
  cluster: "cluster",
  namespace: "namespace",
  service: "service",
  tenant: "tenant",
  vrf: "VRF",
  cloud: "cloud",
};

/**
 * check() of an import: what Read found (`olds`, stamped) must be the objects the program declares (`news`, checked);
 * otherwise the import is refused here, naming them, instead of failing later as an unexplained difference.
 */
export function importMismatch(
  olds: Record_,
  news: Record_,
  keys: readonly string[],
): { property: string; reason: string }[] {
  const stamp = olds[IMPORT_STAMP];
  if (typeof stamp !== "string") return [];
  const what = "service" in olds ? `virtual service ${stamp}` : `routes ${stamp}`;
  return keys
    .filter((k) => typeof olds[k] === "string" && typeof news[k] === "string" && olds[k] !== news[k])
    .map((k) => ({
      property: k,
      reason: `Import refused: ${what} belong${"service" in olds ? "s" : ""} to ${IDENTITY[k] ?? k} ${String(olds[k])}${k === "cluster" ? " (its clustername marker)" : ""}, but this resource declares ${IDENTITY[k] ?? k} ${String(news[k])}; nothing was imported.`,
    }));
}

/**
 * diff()'s view of an imported resource's old outputs, until its first update records the program's values: what
 * the controller cannot tell (the CNI, node networks, `ports`) is taken from the program, defaults are filled as
 * apply fills them, and a declared VIP the VsVip satisfies (AKO's holds the address *and* the network) is equal.
 */
export function importedView<T extends object>(olds: T, news: object): T {
  const o = olds as Record_;
  const n = news as Record_;
  if (typeof o[IMPORT_STAMP] !== "string") return olds;
  const view: Record_ = { ...o };
  for (const k of ["cni", "nodeNetworks", "ports"]) if (view[k] === undefined) view[k] = n[k];
  if ("service" in o) {
    const protocol = firstProtocol(o.pools) ?? "TCP";
    for (const k of ["seGroup", "applicationProfile", "networkProfile", "healthMonitor"] as const) {
      if (view[k] === undefined && n[k] === DEFAULTS[k](protocol)) view[k] = n[k];
    }
    if (vipSatisfied(n.vip, o.vip)) view.vip = n.vip;
  }
  return view as T;
}

function firstProtocol(pools: unknown): string | undefined {
  const first = pools && typeof pools === "object" ? Object.values(pools as Record_)[0] : undefined;
  const p = (first as { protocol?: unknown } | undefined)?.protocol;
  return typeof p === "string" ? p : undefined;
}

function vipSatisfied(declared: unknown, held: unknown): boolean {
  if (!declared || typeof declared !== "object" || !held || typeof held !== "object") return false;
  const d = declared as Record_;
  const h = held as Record_;
  const keys = Object.keys(d).filter((k) => d[k] !== undefined);
  return keys.length > 0 && keys.every((k) => h[k] === d[k]);
}
