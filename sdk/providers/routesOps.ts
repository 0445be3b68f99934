// ClusterIpRoutes: the static routes of one cluster in one VRF. check() resolves the desired routes from the live
// nodes (so preview shows them), create/update converge the VRF to them, read() reports what the VRF holds.
// The function names and leading parameters are called by providers stored in earlier states: change additively.
import type * as pulumi from "@pulumi/pulumi";
import { applyRoutes, readVrf, removeRoutes } from "../../provider/avi";
import { readNodes } from "../../provider/kube";
import { type CniChoice, isOwnedRoute, planRoutes, routeIdFor } from "../../provider/plan";
import { kubeSourceProblems, resolveKube } from "../../provider/settings";
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
import { nextHops, routeMap, routeViews } from "./state";
import { validateRoutes } from "./validate";

export function routesId(p: RoutesProps | RoutesOuts): string {
  return `${p.tenant}/${p.cloud}/${p.vrf}/${p.cluster}`;
}

const target = (p: RoutesProps | RoutesOuts) => ({ cluster: p.cluster, vrf: p.vrf, cloud: p.cloud, tenant: p.tenant });

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
  ];
  // jsonClean: a missing arg is undefined here, which the host cannot encode; the failures must reach the user.
  if (failures.length > 0) return { inputs: jsonClean(props), failures };
  if (isUnknown(props)) return { inputs: jsonClean({ ...props, routes: UNKNOWN }), failures };
  const resolved = await resolveRoutes(props, settings);
  // An import records the routes the VRF holds (import.ts): a node changed since AKO stopped is the next preview's.
  const routes = (importedMembers(olds, "routes", resolved.routes) as RouteMap | undefined) ?? resolved.routes;
  return { inputs: jsonClean({ ...props, ...resolved, routes }), failures };
}

/** Routes compare by what the controller routes (prefix -> next hop), whatever shape the old state has. */
function normalize(key: string, value: unknown): unknown {
  return key === "routes" && !isUnknown(value) ? (nextHops(value) ?? value) : value;
}

export async function diff(olds: RoutesOuts, news: RoutesProps): Promise<pulumi.dynamic.DiffResult> {
  // adoptedRouteIds: routes of ours under AKO's ids are a change even when every prefix has its next hop.
  const keys = [...ROUTES_INPUT_KEYS, ...OUTPUT_CONNECTION_KEYS, "controllerUrl", "kubeServer", "adoptedRouteIds"];
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
    cniSource: p.cniSource ?? "",
    conflicts: p.conflicts ?? [],
    ...live,
    ...extra,
  }) as RoutesOuts;
}

/** Converges the VRF to the checked routes (resolved now when check() did not run, e.g. an old engine). */
async function apply(
  id: string,
  p: RoutesProps,
  settings: Settings | undefined,
  olds: RoutesOuts | undefined,
  operation: string,
): Promise<RoutesOuts> {
  const desired = routeViews(p.routes) ?? routeViews((await resolveRoutes(p, settings)).routes) ?? [];
  refuseMove(olds, p);
  const conn = connectionFor(p, settings, operation);
  const resolved = { ...p, controllerUrl: controllerOrigin(conn.controller) };
  const live = (routes: RouteMap, vrfUuid?: string) => ({ routes, ...(vrfUuid ? { vrfUuid } : {}) });
  return writing(
    conn,
    id,
    () => outputs(resolved, live({})),
    async (s) => {
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
      const conflicts = [...(p.conflicts ?? []), ...(change.conflicts ?? []).map((c) => c.message)];
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
  // A route of ours that someone gave another id (outside an import) is drift too: the update renames it.
  const drift =
    JSON.stringify(nextHops(props.routes)) !== JSON.stringify(nextHops(live)) ||
    Array.isArray(props.routes) ||
    canonical(props.adoptedRouteIds) !== canonical(outs.adoptedRouteIds);
  if (!drift && !repointed) return { id, props: outs };
  const inputs = pick({ ...outs, routes: live }, [
    ...ROUTES_INPUT_KEYS,
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
      await removeRoutes(s, target(props));
    } catch (err) {
      // The VRF is gone, and our routes with it.
      if ((err as { status?: number }).status !== 404) throw err;
    }
  });
}
