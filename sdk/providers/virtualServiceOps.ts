// ClusterIpVirtualService: VS + VsVip + one pool per Service port. check() resolves the pools' servers from the
// Service's EndpointSlices (so preview shows which servers change); create/update converge the controller to them;
// read() reports what the controller holds, so servers removed by hand show as drift and the next `up` repairs it.
// The function names and leading parameters are called by providers stored in earlier states: change additively.
import type * as pulumi from "@pulumi/pulumi";
import {
  applyVirtualService,
  deleteVirtualService,
  readVirtualService,
  type VirtualServiceSpec,
  type VirtualServiceState,
} from "../../provider/avi";
import { readServicePlacement } from "../../provider/kube";
import { planServicePools, virtualServiceName } from "../../provider/plan";
import { kubeSourceProblems, resolveKube } from "../../provider/settings";
import { deleteFirstDiff, diffKeys, isUnknown, jsonClean, pick, UNKNOWN } from "./canonical";
import { type CheckOutcome, connectionFailures, connectionFor, reading, refreshConnection, writing } from "./common";
import { connectionArgs, type Settings, sourcesOf } from "./connection";
import { controllerOrigin, placeResource, refuseMove, withRecorded } from "./location";
import {
  type LivePoolMap,
  OUTPUT_CONNECTION_KEYS,
  type PoolMap,
  type PoolShapeMap,
  VS_INPUT_KEYS,
  VS_REPLACE_KEYS,
  type VirtualServiceOuts,
  type VirtualServiceProps,
} from "./props";
import { membershipOf, type PoolView, poolMeaning, poolShape, poolViews, serverMap } from "./state";
import { validateVirtualService } from "./validate";

const OPTIONAL_STRINGS = ["seGroup", "applicationProfile", "networkProfile", "healthMonitor"] as const;
/** What the outputs keep of the inputs: what diff compares and what refresh and destroy need to find the objects. */
const KEPT = [...VS_INPUT_KEYS.filter((k) => k !== "pools"), ...OUTPUT_CONNECTION_KEYS, "controllerUrl", "kubeServer"];

async function resolvePools(p: VirtualServiceProps, settings: Settings | undefined) {
  const kube = resolveKube(sourcesOf(p, settings)).connection;
  const svc = await readServicePlacement(kube, { namespace: p.namespace, name: p.service });
  const planned = planServicePools(p.cluster, svc, p.ports);
  const pools: PoolMap = {};
  for (const pool of planned.pools) {
    pools[pool.name] = {
      servicePort: pool.servicePort,
      protocol: pool.protocol,
      servers: serverMap(pool.servers, true),
    };
  }
  return { pools, conflicts: planned.conflicts.map((c) => c.message), failures: planned.failures };
}

/** Membership "sync": the checked inputs name the pools but hold no servers (the sync's), so preview shows none. */
function shapes(pools: PoolMap): PoolShapeMap {
  return Object.fromEntries(
    Object.entries(pools).map(([n, p]) => [n, { servicePort: p.servicePort, protocol: p.protocol }]),
  );
}

export async function check(
  news: Record<string, unknown>,
  settings: Settings | undefined,
  olds: Record<string, unknown> = {},
): Promise<CheckOutcome<VirtualServiceProps>> {
  const args = connectionArgs(news);
  const { located, failures: moved } = placeResource(olds, args, settings);
  const props: VirtualServiceProps = {
    ...args,
    ...pick(news as Partial<VirtualServiceProps>, [...OPTIONAL_STRINGS, "ports", "membership"]),
    ...located,
    cluster: news.cluster as string,
    namespace: (news.namespace as string | undefined) ?? "default",
    service: news.service as string,
    vrf: (news.vrf as string | undefined) ?? "global",
    cloud: (news.cloud as string | undefined) ?? "Default-Cloud",
    vip: news.vip as VirtualServiceProps["vip"],
  };
  const failures = [
    ...validateVirtualService(props),
    ...kubeSourceProblems({ kind: "args", values: args }),
    ...connectionFailures(args, props, settings),
    ...moved,
  ];
  // jsonClean: a missing arg is undefined here, which the host cannot encode; the failures must reach the user.
  if (failures.length > 0) return { inputs: jsonClean(props), failures };
  if (isUnknown(props)) return { inputs: jsonClean({ ...props, pools: UNKNOWN }), failures };
  const resolved = await resolvePools(props, settings);
  const pools = membershipOf(props) === "sync" ? shapes(resolved.pools) : resolved.pools;
  return {
    inputs: jsonClean({ ...props, pools, conflicts: resolved.conflicts }),
    failures: resolved.failures,
  };
}

/**
 * Pools compare by name, port, protocol and their servers' ip:port and enabled flag, whatever the state's shape;
 * in membership "sync" by name, port and protocol only (the servers are the sync's, never a reason to update).
 */
function normalizer(sync: boolean) {
  return (key: string, value: unknown): unknown => {
    if (key === "membership") return membershipOf({ membership: value });
    if (key !== "pools" || isUnknown(value)) return value;
    return (sync ? poolShape(value) : poolMeaning(value)) ?? value;
  };
}

export async function diff(olds: VirtualServiceOuts, news: VirtualServiceProps): Promise<pulumi.dynamic.DiffResult> {
  const normalize = normalizer(membershipOf(news) === "sync");
  return deleteFirstDiff(diffKeys(withRecorded(olds, news), news, [...KEPT, "pools"], VS_REPLACE_KEYS, normalize));
}

function spec(p: VirtualServiceProps | VirtualServiceOuts, pools: PoolView[]): VirtualServiceSpec {
  const vip =
    p.vip.address !== undefined
      ? { address: p.vip.address }
      : { network: p.vip.network ?? "", ...(p.vip.subnet ? { subnet: p.vip.subnet } : {}) };
  return {
    cluster: p.cluster,
    namespace: p.namespace,
    service: p.service,
    tenant: p.tenant,
    cloud: p.cloud,
    vrf: p.vrf,
    vip,
    ports: pools.map((pool) => ({ port: pool.servicePort, protocol: pool.protocol })),
    pools: pools.map((pool) => ({
      name: pool.name,
      servicePort: pool.servicePort,
      protocol: pool.protocol,
      servers: pool.servers,
    })),
    ...(p.seGroup ? { seGroup: p.seGroup } : {}),
    ...(p.applicationProfile ? { applicationProfile: p.applicationProfile } : {}),
    ...(p.networkProfile ? { networkProfile: p.networkProfile } : {}),
    ...(p.healthMonitor ? { healthMonitor: p.healthMonitor } : {}),
    ...(membershipOf(p) === "sync" ? { membership: "sync" as const } : {}),
  };
}

/** The outputs: what the controller holds, and what diff, refresh and destroy need (no secret). */
function outputs(
  p: VirtualServiceProps | VirtualServiceOuts,
  state: VirtualServiceState,
  extra: { conflicts: string[]; warnings: string[] },
): VirtualServiceOuts {
  const pools: LivePoolMap = {};
  for (const pool of state.pools) {
    pools[pool.name] = {
      uuid: pool.uuid,
      servicePort: pool.port,
      protocol: pool.protocol,
      servers: serverMap(pool.servers, false),
    };
  }
  return jsonClean({
    ...pick(p, KEPT),
    pools,
    virtualServiceName: state.name,
    virtualServiceUuid: state.vsUuid,
    vsVipUuid: state.vsvipUuid,
    vipAddress: state.vipAddress,
    ...extra,
  }) as VirtualServiceOuts;
}

async function apply(
  p: VirtualServiceProps,
  settings: Settings | undefined,
  olds: VirtualServiceOuts | undefined,
  operation: string,
): Promise<VirtualServiceOuts> {
  // Membership "sync" resolves the servers now: a pool created by this apply starts with them (the first `up`
  // writes what it resolved), an existing one keeps the controller's (applyVirtualService).
  const known = membershipOf(p) === "sync" ? undefined : poolViews(p.pools);
  const resolved = known
    ? { pools: known, conflicts: p.conflicts ?? [], failures: [] }
    : await resolvePools(p, settings).then((r) => ({ ...r, pools: poolViews(r.pools) ?? [] }));
  if (resolved.failures.length > 0)
    throw new Error(resolved.failures.map((f) => `${f.property}: ${f.reason}`).join(" "));
  refuseMove(olds, p);
  const conn = connectionFor(p, settings, operation);
  const located = { ...p, controllerUrl: controllerOrigin(conn.controller) };
  const id = virtualServiceName(p.cluster, p.namespace, p.service);
  const empty: VirtualServiceState = { name: id, vsUuid: "", vsvipUuid: "", pools: [], vipAddress: "" };
  return writing(
    conn,
    id,
    () => outputs(located, empty, { conflicts: resolved.conflicts, warnings: [] }),
    async (s) => {
      const result = await applyVirtualService(s, spec(p, resolved.pools));
      return outputs(located, result.state, { conflicts: resolved.conflicts, warnings: result.warnings });
    },
    p,
  );
}

export async function create(inputs: VirtualServiceProps, settings: Settings | undefined) {
  const outs = await apply(inputs, settings, undefined, "Create");
  return { id: outs.virtualServiceName, outs };
}

export async function update(news: VirtualServiceProps, settings: Settings | undefined, olds?: VirtualServiceOuts) {
  return { outs: await apply(news, settings, olds, "Update") };
}

export async function read(
  id: string,
  props: VirtualServiceOuts,
  settings: Settings | undefined,
): Promise<pulumi.dynamic.ReadResult<VirtualServiceOuts>> {
  const { conn, repointed } = refreshConnection(props, settings);
  const known = poolViews(props.pools) ?? [];
  const state = await reading(conn, (s) => readVirtualService(s, spec(props, known)));
  // Another controller's answer is never "gone": that would drop the resource and orphan its objects.
  if (repointed && state?.vsUuid !== props.virtualServiceUuid) throw new Error(repointed.refusal);
  if (!state) return {};
  const base = { ...props, controllerUrl: controllerOrigin(conn.controller) };
  const outs = outputs(base, state, { conflicts: props.conflicts ?? [], warnings: props.warnings ?? [] });
  // Inputs change only when the controller differs from what the state says (or the state is an earlier
  // version's): the next preview then shows exactly what `up` will repair, and pod names stay as they are.
  // In membership "sync" the servers are the sync's: a changed server is not drift, and the inputs keep none.
  const sync = membershipOf(props) === "sync";
  const meaning = sync ? poolShape : poolMeaning;
  const same = JSON.stringify(meaning(props.pools)) === JSON.stringify(meaning(outs.pools));
  if (same && !repointed && !Array.isArray(props.pools)) return { id, props: outs };
  const live = Object.fromEntries(Object.entries(outs.pools).map(([n, { uuid: _u, ...pool }]) => [n, pool]));
  const inputs = pick({ ...outs, pools: sync ? shapes(live) : live }, [...KEPT, "pools", "conflicts"]);
  return { id, props: outs, inputs: inputs as VirtualServiceOuts };
}

/** Deletes what is ours and fails, naming each object and why, when anything stays on the controller. */
export async function remove(props: VirtualServiceOuts, settings: Settings | undefined): Promise<void> {
  const conn = connectionFor(props, settings, "Delete");
  const known = poolViews(props.pools) ?? [];
  const { left } = await reading(conn, (s) => deleteVirtualService(s, spec(props, known)));
  if (left.length > 0) {
    const name = virtualServiceName(props.cluster, props.namespace, props.service);
    throw new Error(
      `Delete of virtual service ${name} on ${conn.controller} left ${left.length} object${left.length === 1 ? "" : "s"} there: ${left.map((l) => `${l.object}: ${l.reason}`).join("; ")}; remove or rename ${left.length === 1 ? "it" : "them"} on the controller and run the delete again, or drop the resource from the state with \`pulumi state delete\`.`,
    );
  }
}
