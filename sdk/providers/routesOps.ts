// ClusterIpRoutes: the static routes of one cluster in one VRF. check() resolves the desired routes from the live
// nodes (so preview shows them), create/update converge the VRF to them, read() reports what the VRF holds.
// The function names and leading parameters are called by providers stored in earlier states: change additively.
import type * as pulumi from "@pulumi/pulumi";
import {
  type AviSession,
  applyRoutes,
  deleteRouteRecord,
  type RouteRecord,
  readVrf,
  removeRoutes,
  writeRouteRecord,
} from "../../provider/avi";
import { readNodes } from "../../provider/kube";
import { type CniChoice, isOwnedRoute, planRoutes, routeIdFor } from "../../provider/plan";
import { kubeSourceProblems, resolveKube, resolveMode } from "../../provider/settings";
import { canonical, deleteFirstDiff, diffKeys, isUnknown, jsonClean, pick, UNKNOWN } from "./canonical";
import { type CheckOutcome, connectionFailures, connectionFor, reading, refreshConnection, writing } from "./common";
import { connectionArgs, type Settings, sourcesOf } from "./connection";
import {
  adoptedIds,
  IMPORT_STAMP,
  importedMembers,
  importedView,
  importMismatch,
  importRoutes,
  isImportRead,
} from "./import";
import { controllerOrigin, placeResource, refuseMove, withRecorded } from "./location";
import {
  OUTPUT_CONNECTION_KEYS,
  ROUTES_INPUT_KEYS,
  ROUTES_REPLACE_KEYS,
  type RouteMap,
  type RoutesOuts,
  type RoutesProps,
} from "./props";
import { membershipOf, nextHops, routeMap, routeViews } from "./state";
import { validateRoutes } from "./validate";

export function routesId(p: RoutesProps | RoutesOuts): string {
  return `${p.tenant}/${p.cloud}/${p.vrf}/${p.cluster}`;
}

const target = (p: RoutesProps | RoutesOuts) => ({ cluster: p.cluster, vrf: p.vrf, cloud: p.cloud, tenant: p.tenant });

/** What membership "sync" records on the controller for `avi-k8s sync` (provider/avi/membership.ts). */
const record = (p: RoutesProps | RoutesOuts): RouteRecord => ({
  cluster: p.cluster,
  vrf: p.vrf,
  cloud: p.cloud,
  tenant: p.tenant,
  cni: p.cni,
  nodeNetworks: p.nodeNetworks ?? [],
});

/** This cluster's routes as the VRF holds them (the outputs in membership "sync", where they are the sync's). */
async function liveRoutes(s: AviSession, p: RoutesProps | RoutesOuts): Promise<{ routes: RouteMap; vrfUuid: string }> {
  const vrf = await readVrf(s, target(p));
  return {
    routes: routeMap(
      vrf.routes.filter((r) => isOwnedRoute(p.cluster, r)),
      false,
    ),
    vrfUuid: vrf.uuid,
  };
}

/** Desired routes from the live nodes; the only I/O check() does, and only with every input known. */
async function resolveRoutes(p: RoutesProps, settings: Settings | undefined) {
  const placement = await readNodes(resolveKube(sourcesOf(p, settings)).connection, {
    cni: p.cni,
    ...(p.nodeNetworks.length > 0 ? { nodeNetworks: p.nodeNetworks } : {}),
  });
  const plan = planRoutes(p.cluster, placement.nodes);
  return {
    routes: routeMap(plan.routes, true),
    cniSource: placement.cniSource,
    conflicts: plan.conflicts.map((c) => c.message),
  };
}

export async function check(
  news: Record<string, unknown>,
  settings: Settings | undefined,
  olds: Record<string, unknown> = {},
): Promise<CheckOutcome<RoutesProps>> {
  const args = connectionArgs(news);
  const { located, failures: moved } = placeResource(olds, args, settings);
  const props: RoutesProps = {
    ...args,
    ...located,
    cluster: news.cluster as string,
    vrf: (news.vrf as string | undefined) ?? "global",
    cloud: (news.cloud as string | undefined) ?? "Default-Cloud",
    cni: (news.cni as CniChoice | undefined) ?? "auto",
    nodeNetworks: (news.nodeNetworks as string[] | undefined) ?? [],
    ...pick(news as Partial<RoutesProps>, ["membership"]),
  };
  // The check of an import (its olds are what the import's read found): the routes must be the program's, and
  // AKO's ids the read found are acknowledged, so the import itself changes nothing (import.ts).
  if (typeof olds[IMPORT_STAMP] === "string" && olds.adoptedRouteIds) {
    props.adoptedRouteIds = olds.adoptedRouteIds as Record<string, string>;
  }
  const failures = [
    ...validateRoutes(props),
    ...importMismatch(olds, props as object as Record<string, unknown>, ["cluster", "tenant", "vrf", "cloud"]),
    ...kubeSourceProblems({ kind: "args", values: args }),
    ...connectionFailures(args, props, settings),
    ...moved,
    ...modeFailures(props, settings),
  ];
  // jsonClean: a missing arg is undefined here, which the host cannot encode; the failures must reach the user.
  if (failures.length > 0) return { inputs: jsonClean(props), failures };
  if (isUnknown(props)) return { inputs: jsonClean({ ...props, routes: UNKNOWN }), failures };
  // Membership "sync": the routes are the sync's, so the checked inputs hold none and preview shows no churn.
  if (membershipOf(props) === "sync") return { inputs: jsonClean(props), failures };
  const resolved = await resolveRoutes(props, settings);
  // An import records the routes the VRF holds (import.ts): a node changed since AKO stopped is the next preview's.
  const routes = (importedMembers(olds, "routes", resolved.routes) as RouteMap | undefined) ?? resolved.routes;
  return { inputs: jsonClean({ ...props, ...resolved, routes }), failures };
}

/**
 * The routes resource serves mode clusterip only: in nodeport and nodeportlocal the pool servers are node
 * addresses the Service Engines already reach, and a static route to a pod network would only mislead.
 */
function modeFailures(props: RoutesProps, settings: Settings | undefined): { property: string; reason: string }[] {
  const sources = sourcesOf(props, settings);
  if (sources.some((s) => isUnknown(s.values.mode))) return [];
  const { mode, origin } = resolveMode(sources);
  if (mode === "clusterip") return [];
  const where =
    origin === "args"
      ? "the kubernetes.mode argument"
      : origin === "config"
        ? "avi-k8s:mode in stack config"
        : "AVI_K8S_MODE";
  return [
    {
      property: "mode",
      reason: `ClusterIpRoutes keeps static routes to the pod networks, which mode ${mode} (set by ${where}) does not use: its pool servers are node addresses. Remove this resource from the program (the next up deletes its routes), or set mode clusterip for this cluster.`,
    },
  ];
}

/** Routes compare by what the controller routes (prefix -> next hop), whatever shape the old state has. */
function normalize(key: string, value: unknown): unknown {
  if (key === "membership") return membershipOf({ membership: value });
  return key === "routes" && !isUnknown(value) ? (nextHops(value) ?? value) : value;
}

export async function diff(olds: RoutesOuts, news: RoutesProps): Promise<pulumi.dynamic.DiffResult> {
  // adoptedRouteIds: routes of ours under AKO's ids are a change even when every prefix has its next hop.
  const all = [...ROUTES_INPUT_KEYS, ...OUTPUT_CONNECTION_KEYS, "controllerUrl", "kubeServer", "adoptedRouteIds"];
  // In membership "sync" the live routes are never a reason to update (a switch of mode is, by `membership`).
  const keys = membershipOf(news) === "sync" ? all.filter((k) => k !== "routes") : all;
  const view = withRecorded(importedView(olds, news), news);
  return deleteFirstDiff(diffKeys(view, news, keys, ROUTES_REPLACE_KEYS, normalize));
}

/** The outputs: what the VRF holds, and what refresh and destroy need to find it again (no secret). */
function outputs(p: RoutesProps, live: { routes: RouteMap; vrfUuid?: string }, extra: object = {}): RoutesOuts {
  return jsonClean({
    ...pick(p, OUTPUT_CONNECTION_KEYS),
    ...pick(p, ["controllerUrl", "kubeServer"]),
    cluster: p.cluster,
    vrf: p.vrf,
    cloud: p.cloud,
    tenant: p.tenant,
    cni: p.cni,
    nodeNetworks: p.nodeNetworks,
    ...pick(p, ["membership"]),
    cniSource: p.cniSource ?? "",
    conflicts: p.conflicts ?? [],
    ...live,
    ...extra,
  }) as RoutesOuts;
}

/**
 * Converges the VRF to the checked routes (resolved now when check() did not run, e.g. an old engine, or in
 * membership "sync", whose checked inputs hold none: the first `up` writes what it resolved). An update in
 * membership "sync" writes the routes record only; the routes are the sync's and the outputs show them as they are.
 */
async function apply(
  id: string,
  p: RoutesProps,
  settings: Settings | undefined,
  olds: RoutesOuts | undefined,
  operation: string,
): Promise<RoutesOuts> {
  const sync = membershipOf(p) === "sync";
  refuseMove(olds, p);
  if (sync && olds) {
    const conn = connectionFor(p, settings, operation);
    const resolved = { ...p, controllerUrl: controllerOrigin(conn.controller) };
    return writing(
      conn,
      id,
      () => outputs(resolved, { routes: {} }),
      async (s) => {
        await writeRouteRecord(s, record(p));
        return outputs(resolved, await liveRoutes(s, p));
      },
      p,
    );
  }
  const fresh = routeViews(p.routes) ? undefined : await resolveRoutes(p, settings);
  const desired = routeViews(p.routes) ?? routeViews(fresh?.routes) ?? [];
  const conn = connectionFor(p, settings, operation);
  const resolved = {
    ...p,
    ...(fresh ? { cniSource: fresh.cniSource, conflicts: fresh.conflicts } : {}),
    controllerUrl: controllerOrigin(conn.controller),
  };
  const live = (routes: RouteMap, vrfUuid?: string) => ({ routes, ...(vrfUuid ? { vrfUuid } : {}) });
  return writing(
    conn,
    id,
    () => outputs(resolved, live({})),
    async (s) => {
      // Leaving sync mode: the record goes first, so the sync stops writing these routes before we do.
      if (!sync && membershipOf(olds) === "sync") await deleteRouteRecord(s, record(p));
      const { change, vrfUuid } = await applyRoutes(
        s,
        target(p),
        desired.map((r) => ({
          routeId: routeIdFor(p.cluster, r.prefix),
          prefix: r.prefix,
          nextHop: r.nextHop,
          node: r.node ?? "",
          family: r.prefix.includes(":") ? ("ipv6" as const) : ("ipv4" as const),
        })),
      );
      if (sync) await writeRouteRecord(s, record(p));
      const conflicts = [...(resolved.conflicts ?? []), ...(change.conflicts ?? []).map((c) => c.message)];
      return outputs(resolved, live(routeMap(desired, false), vrfUuid), { conflicts });
    },
    p,
  );
}

export async function create(inputs: RoutesProps, settings: Settings | undefined) {
  const id = routesId(inputs);
  return { id, outs: await apply(id, inputs, settings, undefined, "Create") };
}

export async function update(id: string, news: RoutesProps, settings: Settings | undefined, olds?: RoutesOuts) {
  return { outs: await apply(id, news, settings, olds, "Update") };
}

/** What the VRF holds now; `{}` when the VRF itself is gone (so the engine drops the resource). */
export async function read(
  id: string,
  props: RoutesOuts,
  settings: Settings | undefined,
): Promise<pulumi.dynamic.ReadResult<RoutesOuts>> {
  if (isImportRead(props as object as Record<string, unknown>, "routes")) {
    return importRoutes(id, props as object as Record<string, unknown>, settings);
  }
  const { repointed, conn } = await refreshConnection(props, settings);
  const vrf = await reading(conn, async (s) => {
    try {
      return await readVrf(s, target(props));
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  });
  // Another controller's answer is never "gone": that would drop the resource and orphan its objects.
  if (repointed && (!vrf || props.vrfUuid !== vrf.uuid)) throw new Error(repointed.refusal);
  if (!vrf) return {};
  const owned = vrf.routes.filter((r) => isOwnedRoute(props.cluster, r));
  const live = routeMap(owned, false);
  // Recorded from now on, also for a state written before controllers were recorded.
  const base = { ...props, controllerUrl: controllerOrigin(conn.controller) } as RoutesProps;
  const adopted = adoptedIds(props.cluster, owned);
  const outs = outputs(
    base,
    { routes: live, vrfUuid: vrf.uuid },
    {
      ...(Object.keys(adopted).length > 0 ? { adoptedRouteIds: adopted } : {}),
      ...pick(props, [IMPORT_STAMP]),
    },
  );
  // Inputs change only when the VRF differs from what the state says (or the state is an earlier version's): the
  // next preview then shows exactly what `up` will repair, and names the controller does not hold stay as they are.
  // A route of ours that someone gave another id (outside an import) is drift too: the update renames it. In
  // membership "sync" the routes are the sync's: what it wrote is not drift, and the inputs keep none.
  const sync = membershipOf(props) === "sync";
  const drift =
    !sync &&
    (JSON.stringify(nextHops(props.routes)) !== JSON.stringify(nextHops(live)) ||
      Array.isArray(props.routes) ||
      canonical(props.adoptedRouteIds) !== canonical(outs.adoptedRouteIds));
  if (!drift && !repointed) return { id, props: outs };
  const inputs = pick({ ...outs, routes: live }, [
    ...ROUTES_INPUT_KEYS.filter((k) => !sync || k !== "routes"),
    ...OUTPUT_CONNECTION_KEYS,
    "controllerUrl",
    "kubeServer",
    "cniSource",
    "conflicts",
    "adoptedRouteIds",
  ]);
  return { id, props: outs, inputs: inputs as RoutesOuts };
}

export async function remove(props: RoutesOuts, settings: Settings | undefined): Promise<void> {
  const conn = connectionFor(props, settings, "Delete");
  await reading(conn, async (s) => {
    try {
      // The routes record first (whatever the state's mode, in case a switch was cut short): a sync that still
      // saw it would put the routes back.
      await deleteRouteRecord(s, record(props));
      await removeRoutes(s, target(props));
    } catch (err) {
      // The VRF is gone, and our routes with it.
      if ((err as { status?: number }).status !== 404) throw err;
    }
  });
}
