// ClusterIpRoutes: the static routes of one cluster in one VRF. check() resolves the desired routes from the live
// nodes (so preview shows them), create/update converge the VRF to them, read() reports what the VRF holds.
import type * as pulumi from "@pulumi/pulumi";
import { applyRoutes, readRoutes, removeRoutes } from "../../provider/avi";
import { readNodes } from "../../provider/kube";
import { type ActualRoute, type CniChoice, isOwnedRoute, planRoutes } from "../../provider/plan";
import { deleteFirstDiff, diffKeys, isUnknown, jsonClean, pick, UNKNOWN } from "./canonical";
import { type CheckOutcome, connectionArgs, credentialFailures, partialFailure, withSession } from "./common";
import { kubeProblems, resolveKube, resolveTenant, type Settings } from "./connection";
import {
  CONNECTION_KEYS,
  ROUTES_INPUT_KEYS,
  ROUTES_REPLACE_KEYS,
  type RouteEntry,
  type RoutesOuts,
  type RoutesProps,
} from "./props";
import { validateRoutes } from "./validate";

export function routesId(p: RoutesProps): string {
  return `${p.tenant}/${p.cloud}/${p.vrf}/${p.cluster}`;
}

const target = (p: RoutesProps) => ({ cluster: p.cluster, vrf: p.vrf, cloud: p.cloud, tenant: p.tenant });

function sortRoutes(routes: RouteEntry[]): RouteEntry[] {
  return [...routes].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

/** Desired routes from the live nodes; the only I/O check() does, and only with every input known. */
async function resolveRoutes(p: RoutesProps, settings: Settings | undefined) {
  const placement = await readNodes(resolveKube(p, settings ?? {}), {
    cni: p.cni,
    ...(p.nodeNetworks.length > 0 ? { nodeNetworks: p.nodeNetworks } : {}),
  });
  const plan = planRoutes(p.cluster, placement.nodes);
  const routes = sortRoutes(
    plan.routes.map((r) => ({ routeId: r.routeId, prefix: r.prefix, nextHop: r.nextHop, node: r.node })),
  );
  return { routes, cniSource: placement.cniSource, conflicts: plan.conflicts.map((c) => c.message) };
}

export async function check(
  news: Record<string, unknown>,
  settings: Settings | undefined,
): Promise<CheckOutcome<RoutesProps>> {
  const tenant = news.tenant === undefined ? resolveTenant(undefined, settings ?? {}) : (news.tenant as string);
  const props: RoutesProps = {
    ...connectionArgs(news),
    cluster: news.cluster as string,
    vrf: (news.vrf as string | undefined) ?? "global",
    cloud: (news.cloud as string | undefined) ?? "Default-Cloud",
    tenant,
    cni: (news.cni as CniChoice | undefined) ?? "auto",
    nodeNetworks: (news.nodeNetworks as string[] | undefined) ?? [],
  };
  const failures = [...validateRoutes(props), ...kubeProblems(props), ...credentialFailures(props, settings)];
  // jsonClean: a missing arg is undefined here, which the host cannot encode; the failures must reach the user.
  if (failures.length > 0) return { inputs: jsonClean(props), failures };
  if (isUnknown(props)) return { inputs: jsonClean({ ...props, routes: UNKNOWN }), failures };
  return { inputs: jsonClean({ ...props, ...(await resolveRoutes(props, settings)) }), failures };
}

/** Routes compare by what the controller routes (prefix -> next hop), in prefix order. */
function normalize(key: string, value: unknown): unknown {
  if (key !== "routes" || !Array.isArray(value)) return value;
  return sortRoutes(value as RouteEntry[]).map((r) => ({ prefix: r.prefix, nextHop: r.nextHop }));
}

export async function diff(olds: RoutesOuts, news: RoutesProps): Promise<pulumi.dynamic.DiffResult> {
  return deleteFirstDiff(
    diffKeys(olds, news, [...ROUTES_INPUT_KEYS, ...CONNECTION_KEYS], ROUTES_REPLACE_KEYS, normalize),
  );
}

/** Converges the VRF to the checked routes (resolved now when check() did not run, e.g. an old engine). */
async function apply(id: string, p: RoutesProps, settings: Settings | undefined): Promise<RoutesOuts> {
  const resolved = Array.isArray(p.routes)
    ? { routes: p.routes, cniSource: p.cniSource ?? "", conflicts: p.conflicts ?? [] }
    : await resolveRoutes(p, settings);
  const base = { ...p, ...resolved };
  try {
    return await withSession(p, settings, async (s) => {
      const desired = resolved.routes.map((r) => ({
        routeId: r.routeId,
        prefix: r.prefix,
        nextHop: r.nextHop,
        node: r.node ?? "",
        family: r.prefix.includes(":") ? ("ipv6" as const) : ("ipv4" as const),
      }));
      const { change } = await applyRoutes(s, target(p), desired);
      const conflicts = [...resolved.conflicts, ...(change.conflicts ?? []).map((c) => c.message)];
      return jsonClean({ ...base, conflicts, cniSource: resolved.cniSource });
    });
  } catch (err) {
    throw partialFailure(err, id, { ...base, routes: [] });
  }
}

export async function create(inputs: RoutesProps, settings: Settings | undefined) {
  const id = routesId(inputs);
  return { id, outs: await apply(id, inputs, settings) };
}

export async function update(id: string, news: RoutesProps, settings: Settings | undefined) {
  return { outs: await apply(id, news, settings) };
}

function entry(r: ActualRoute, known: RouteEntry[]): RouteEntry {
  const node = known.find((k) => k.prefix === r.prefix && k.nextHop === r.nextHop)?.node;
  return { routeId: r.routeId, prefix: r.prefix, nextHop: r.nextHop, ...(node ? { node } : {}) };
}

/** What the VRF holds now; `{}` when the VRF itself is gone (so the engine drops the resource). */
export async function read(
  id: string,
  props: RoutesOuts,
  settings: Settings | undefined,
): Promise<pulumi.dynamic.ReadResult<RoutesOuts>> {
  const actual = await withSession(props, settings, async (s) => {
    try {
      return await readRoutes(s, target(props));
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  });
  if (!actual) return {};
  const known = Array.isArray(props.routes) ? props.routes : [];
  const routes = sortRoutes(actual.filter((r) => isOwnedRoute(props.cluster, r)).map((r) => entry(r, known)));
  const outs = jsonClean({ ...props, routes });
  // Inputs that say what the controller holds: the next preview then shows exactly what `up` will repair.
  const inputs = pick(outs, [...ROUTES_INPUT_KEYS, ...CONNECTION_KEYS, "cniSource", "conflicts"]);
  return { id, props: outs, inputs: inputs as RoutesOuts };
}

export async function remove(props: RoutesOuts, settings: Settings | undefined): Promise<void> {
  await withSession(props, settings, async (s) => {
    try {
      await removeRoutes(s, target(props));
    } catch (err) {
      // The VRF is gone, and our routes with it.
      if ((err as { status?: number }).status !== 404) throw err;
    }
  });
}
