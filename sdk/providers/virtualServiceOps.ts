// ClusterIpVirtualService: VS + VsVip + one pool per Service port. check() resolves the pools' servers from the
// Service's EndpointSlices (so preview shows which servers change); create/update converge the controller to them;
// read() reports what the controller holds, so servers removed by hand show as drift and the next `up` repairs it.
// The function names and leading parameters are called by providers stored in earlier states: change additively.
import type * as pulumi from "@pulumi/pulumi";
import {
  applyVirtualService,
  deleteVirtualService,
  readVirtualService,
  readVsVipAddresses,
  type VirtualServiceSpec,
  type VirtualServiceState,
} from "../../provider/avi";
import {
  implicitL4,
  type L4Plan,
  type Mode,
  validateCidr,
  validateL4Args,
  virtualServiceName,
} from "../../provider/plan";
import { kubeSourceProblems, resolveMode } from "../../provider/settings";
import { annotate, servicesOf, unannotate, wantsAnnotation } from "./annotation";
import { deleteFirstDiff, diffKeys, isUnknown, jsonClean, pick, UNKNOWN } from "./canonical";
import { type CheckOutcome, connectionFailures, connectionFor, reading, refreshConnection, writing } from "./common";
import { connectionArgs, type Settings, sourcesOf } from "./connection";
import { controllerOrigin, placeResource, refuseMove, withRecorded } from "./location";
import {
  IMPORT_STAMP,
  importedMembers,
  importedView,
  importMismatch,
  importVirtualService,
  isImportRead,
} from "./import";
import {
  type LivePoolMap,
  type PoolMap,
  type PoolShapeMap,
  OUTPUT_CONNECTION_KEYS,
  VS_INPUT_KEYS,
  VS_REPLACE_KEYS,
  type VirtualServiceOuts,
  type VirtualServiceProps,
} from "./props";
import { membershipOf, type PoolView, poolMeaning, poolShape, poolViews, serverMap } from "./state";
import { clearBack, recordOnServices, writeBack } from "./kubeSide";
import { validateMembers, validateVirtualService } from "./validate";
import { type Failure, missingRefFailures, type Resolved, resolveTargets } from "./virtualServiceTargets";

const OPTIONAL_STRINGS = ["seGroup", "applicationProfile", "networkProfile", "healthMonitor"] as const;
const IDENTITY_KEYS = ["cluster", "namespace", "service", "tenant", "vrf", "cloud"] as const;
/** Kept from the state through refresh until the first update: an imported resource's record (import.ts). */
const IMPORTED = [IMPORT_STAMP, "adoptedFrom"] as const;
/** The L4 args check() copies as given (validated, then resolved into `l4`). */
const L4_ARGS = ["pool", "portPools", "sourceRanges", "fullClientLogs", "members"] as const;
/** What the outputs keep of the inputs: what diff compares and what refresh and destroy need to find the objects. */
const KEPT = [...VS_INPUT_KEYS.filter((k) => k !== "pools"), ...OUTPUT_CONNECTION_KEYS, "controllerUrl", "kubeServer"];
/** Kept while the resource has annotated Services: destroy needs the cluster (no secret: kubeconfig content is not). */
const ANNOTATION_KEPT = ["annotated", "kubeconfigPath", "kubeContext", "inCluster"];
/** How long create and update wait for Antrea to map the pods of a Service the resource just annotated. */
const NPL_WAIT_MS = 30_000;

/** The values that are known: an unknown one (preview) is checked once it is known. */
function knownOnly<T extends object>(v: T): Partial<T> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => !isUnknown(x))) as Partial<T>;
}

/** check()'s controller read: the objects the plan names must exist (one list per type, shared session). */
async function refFailures(p: VirtualServiceProps, settings: Settings | undefined, refs: Resolved["refs"]) {
  const named = Object.values(refs).flatMap((byName) => Object.values(byName).flat());
  if (named.length === 0) return [];
  try {
    return await missingRefFailures(connectionFor(p, settings, "Preview"), refs);
  } catch (err) {
    const reason = `could not check that the named objects exist: ${err instanceof Error ? err.message : String(err)}`;
    return [{ property: named[0] ?? "healthMonitor", reason }];
  }
}

/**
 * The cluster's mode into the inputs, wherever it was set (args, stack config, environment), so preview shows a
 * switch: absent for clusterip (what every earlier state means), the node selector only in nodeport.
 */
function settleMode(props: VirtualServiceProps, settings: Settings | undefined): Failure[] {
  const failures: Failure[] = [];
  const sources = sourcesOf(props, settings);
  if (sources.some((s) => isUnknown(s.values.mode) || isUnknown(s.values.nodeSelector))) return failures;
  const { mode, nodeSelector } = resolveMode(sources);
  delete props.mode;
  delete props.nodeSelector;
  if (mode !== "clusterip") props.mode = mode;
  if (mode === "nodeport" && nodeSelector) props.nodeSelector = nodeSelector;
  if (props.annotateService !== undefined && !isUnknown(props.annotateService)) {
    if (typeof props.annotateService !== "boolean") {
      failures.push({ property: "annotateService", reason: "annotateService must be true or false." });
    } else if (props.annotateService && mode !== "nodeportlocal") {
      failures.push({
        property: "annotateService",
        reason: `annotateService sets Antrea's nodeportlocal.antrea.io/enabled annotation, which only mode nodeportlocal uses; this cluster's mode is ${mode}: remove annotateService, or set mode nodeportlocal.`,
      });
    }
  }
  if (props.nodeNetworks !== undefined && !isUnknown(props.nodeNetworks)) {
    if (!Array.isArray(props.nodeNetworks)) {
      failures.push({ property: "nodeNetworks", reason: "nodeNetworks must be a list of CIDRs." });
    } else {
      for (const [i, c] of props.nodeNetworks.entries()) {
        const bad = validateCidr(c, `nodeNetworks[${i}]`);
        if (bad) failures.push({ property: `nodeNetworks[${i}]`, reason: bad });
      }
    }
  }
  return failures;
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
    ...pick(news as Partial<VirtualServiceProps>, [
      ...OPTIONAL_STRINGS,
      "ports",
      "membership",
      "loadBalancerClass",
      ...L4_ARGS,
    ]),
    ...located,
    cluster: news.cluster as string,
    namespace: (news.namespace as string | undefined) ?? "default",
    service: news.service as string,
    vrf: (news.vrf as string | undefined) ?? "global",
    cloud: (news.cloud as string | undefined) ?? "Default-Cloud",
    vip: news.vip as VirtualServiceProps["vip"],
    ...(news.adopt !== undefined ? { adopt: news.adopt as boolean } : {}),
    ...pick(news as Partial<VirtualServiceProps>, ["annotateService", "nodeNetworks"]),
  };
  const modeFailures = settleMode(props, settings);
  const failures: Failure[] = [
    ...modeFailures,
    ...validateVirtualService(props),
    ...importMismatch(olds, props as object as Record<string, unknown>, IDENTITY_KEYS),
    ...(props.adopt !== undefined && typeof props.adopt !== "boolean" && !isUnknown(props.adopt)
      ? [{ property: "adopt", reason: "adopt must be true or false." }]
      : []),
    ...validateL4Args(knownOnly(props)),
    ...validateMembers(props),
    ...kubeSourceProblems({ kind: "args", values: args }),
    ...connectionFailures(args, props, settings),
    ...moved,
  ];
  // jsonClean: a missing arg is undefined here, which the host cannot encode; the failures must reach the user.
  if (failures.length > 0) return { inputs: jsonClean(props), failures };
  if (isUnknown(props)) return { inputs: jsonClean({ ...props, pools: UNKNOWN, l4: UNKNOWN }), failures };
  const resolved = await resolveTargets(props, settings);
  if (resolved.refused) {
    for (const r of resolved.refused) {
      const event = { type: "Warning" as const, reason: "Refused", action: "Check", note: r.reason };
      await recordOnServices(props, settings, event, [r.service]);
    }
  }
  const refused = resolved.failures.length > 0 ? resolved.failures : await refFailures(props, settings, resolved.refs);
  // An import records the members the pools hold (import.ts): pods that moved since AKO stopped are the next
  // preview's change, not a reason to refuse the import.
  const members = (importedMembers(olds, "pools", resolved.pools) as PoolMap | undefined) ?? resolved.pools;
  const pools = membershipOf(props) === "sync" ? shapes(members) : members;
  return {
    inputs: jsonClean({
      ...props,
      ...(resolved.vip ? { vip: resolved.vip } : {}),
      pools,
      l4: resolved.l4,
      conflicts: resolved.conflicts,
    }),
    failures: refused,
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

/**
 * State written before `l4` existed says what that version wrote: AKO's monitor per protocol (or the one it named),
 * the default algorithm; the same settings now are no change, so an upgrade alone shows no update. (Its pools get
 * graceful_disable_timeout written explicitly at their next update.)
 */
function withImplicitL4(olds: VirtualServiceOuts, news: VirtualServiceProps): VirtualServiceOuts {
  if (olds.l4 !== undefined || news.l4 === undefined) return olds;
  const monitor = typeof olds.healthMonitor === "string" ? olds.healthMonitor : undefined;
  return { ...olds, l4: implicitL4(poolViews(olds.pools) ?? [], monitor) };
}

export async function diff(olds: VirtualServiceOuts, news: VirtualServiceProps): Promise<pulumi.dynamic.DiffResult> {
  const o = withImplicitL4(withRecorded(importedView(olds, news), news), news);
  const normalize = normalizer(membershipOf(news) === "sync");
  return deleteFirstDiff(diffKeys(o, news, [...KEPT, "pools"], VS_REPLACE_KEYS, normalize));
}

/** AKO's objects are taken over when the resource was imported from AKO, or created with `adopt: true`. */
function adopting(p: object | undefined): boolean {
  const r = (p ?? {}) as { adopt?: unknown; adoptedFrom?: unknown };
  return r.adopt === true || r.adoptedFrom === "ako";
}

function spec(p: VirtualServiceProps | VirtualServiceOuts, pools: PoolView[], l4?: L4Plan): VirtualServiceSpec {
  const plan = l4 ?? (typeof p.l4 === "object" && p.l4 !== null ? p.l4 : undefined);
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
    ...(typeof p.healthMonitor === "string" ? { healthMonitor: p.healthMonitor } : {}),
    ...(plan ? { l4: plan } : {}),
    ...(p.members ? { sharedVip: p.service } : {}),
    ...(adopting(p) ? { adopt: true } : {}),
    ...(membershipOf(p) === "sync" ? { membership: "sync" as const } : {}),
    ...(p.mode && p.mode !== "clusterip"
      ? {
          serverSource: {
            mode: p.mode as Mode,
            ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
            ...(p.nodeNetworks && p.nodeNetworks.length > 0 ? { nodeNetworks: p.nodeNetworks } : {}),
          },
        }
      : {}),
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
  const annotated = (p as VirtualServiceOuts).annotated;
  return jsonClean({
    ...pick(p, KEPT),
    ...(annotated && annotated.length > 0 ? pick(p as object as Record<string, unknown>, ANNOTATION_KEPT) : {}),
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
  // Mode nodeportlocal with annotateService: the annotation first, then the servers Antrea maps for it.
  let annotated = olds?.annotated ?? [];
  let fresh = false;
  if (wantsAnnotation(p, settings)) {
    const r = await annotate(p, settings, annotated);
    annotated = r.annotated;
    fresh = r.changed;
  }
  const known = membershipOf(p) === "sync" || fresh ? undefined : poolViews(p.pools);
  const plan = typeof p.l4 === "object" && p.l4 !== null ? p.l4 : undefined;
  const resolved =
    known && plan && p.vip
      ? { pools: known, l4: plan, vip: p.vip, conflicts: p.conflicts ?? [], failures: [] as Failure[] }
      : await resolveMapped(p, settings, fresh).then((r) => ({
          ...r,
          pools: poolViews(r.pools) ?? [],
          l4: plan ?? r.l4,
          vip: r.vip ?? p.vip,
        }));
  if (resolved.failures.length > 0)
    throw new Error(resolved.failures.map((f) => `${f.property}: ${f.reason}`).join(" "));
  refuseMove(olds, p);
  const conn = connectionFor(p, settings, operation);
  // Services annotated before and no longer asked for (annotateService dropped, mode changed) lose it again.
  const keep = wantsAnnotation(p, settings) ? servicesOf(p) : [];
  annotated = await unannotate({ ...p, kubeServer: olds?.kubeServer ?? p.kubeServer }, settings, annotated, keep);
  const located = {
    ...p,
    vip: resolved.vip,
    l4: resolved.l4,
    controllerUrl: controllerOrigin(conn.controller),
    ...(annotated.length > 0 ? { annotated } : {}),
  };
  const id = virtualServiceName(p.cluster, p.namespace, p.service);
  const empty: VirtualServiceState = { name: id, vsUuid: "", vsvipUuid: "", pools: [], vipAddress: "" };
  const adopt = adopting(p) || adopting(olds);
  // Until the objects are rewritten in our shape, a partial failure must still let the next run take them over.
  const kept = adopt && olds?.adoptedFrom === "ako" ? { adoptedFrom: "ako" } : {};
  let vips: () => Promise<string[]> = async () => [];
  let outs: VirtualServiceOuts;
  try {
    outs = await writing(
      conn,
      id,
      () => ({ ...outputs(located, empty, { conflicts: resolved.conflicts, warnings: [] }), ...kept }),
      async (s) => {
        const result = await applyVirtualService(s, {
          ...spec(located, resolved.pools, resolved.l4),
          ...(adopt ? { adopt } : {}),
        });
        vips = () => reading(conn, (r) => readVsVipAddresses(r, result.state.vsvipUuid, p.tenant));
        return outputs(located, result.state, { conflicts: resolved.conflicts, warnings: result.warnings });
      },
      p,
    );
  } catch (err) {
    if (unreachable(err)) await recordOnServices(p, settings, unreachableEvent(conn.controller, err));
    throw err;
  }
  const warnings = await writeBack(p, settings, outs, olds, vips);
  return warnings.length > 0 ? { ...outs, warnings: [...outs.warnings, ...warnings] } : outs;
}

/** A controller that could not be reached (no answer, refused connection, timeout), as opposed to one that said no. */
function unreachable(err: unknown): boolean {
  const e = err as { name?: string; status?: number; code?: string };
  return e?.name === "AviError" && e.status === undefined && e.code !== undefined;
}

function unreachableEvent(controller: string, err: unknown) {
  return {
    type: "Warning" as const,
    reason: "ControllerUnreachable",
    action: "Apply",
    note: `The Avi Controller ${controller} could not be reached; nothing changed: ${(err as Error).message}`,
  };
}

/**
 * resolveTargets, and right after the resource annotated a Service for NodePortLocal, again until Antrea has
 * mapped every pod (or NPL_WAIT_MS passed: the pods still unmapped are then reported in conflicts).
 */
async function resolveMapped(p: VirtualServiceProps, settings: Settings | undefined, wait: boolean): Promise<Resolved> {
  const deadline = Date.now() + NPL_WAIT_MS;
  for (;;) {
    const r = await resolveTargets(p, settings);
    if (!wait || r.pending === 0 || r.failures.length > 0 || Date.now() > deadline) return r;
    await new Promise((done) => setTimeout(done, 250));
  }
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
  if (isImportRead(props as object as Record<string, unknown>, "pools")) {
    return importVirtualService(id, props as object as Record<string, unknown>, settings);
  }
  const { conn, repointed } = refreshConnection(props, settings);
  const known = poolViews(props.pools) ?? [];
  const state = await reading(conn, (s) => readVirtualService(s, spec(props, known)));
  // Another controller's answer is never "gone": that would drop the resource and orphan its objects.
  if (repointed && state?.vsUuid !== props.virtualServiceUuid) throw new Error(repointed.refusal);
  if (!state) return {};
  const base = { ...props, controllerUrl: controllerOrigin(conn.controller) };
  const outs = {
    ...outputs(base, state, { conflicts: props.conflicts ?? [], warnings: props.warnings ?? [] }),
    ...pick(props as object as Record<string, unknown>, IMPORTED),
  } as VirtualServiceOuts;
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
  if (left.length === 0) await clearBack(props, settings, props.vipAddress);
  if (left.length === 0 && props.annotated && props.annotated.length > 0) {
    await unannotate(props, settings, props.annotated);
  }
  if (left.length > 0) {
    const name = virtualServiceName(props.cluster, props.namespace, props.service);
    throw new Error(
      `Delete of virtual service ${name} on ${conn.controller} left ${left.length} object${left.length === 1 ? "" : "s"} there: ${left.map((l) => `${l.object}: ${l.reason}`).join("; ")}; remove or rename ${left.length === 1 ? "it" : "them"} on the controller and run the delete again, or drop the resource from the state with \`pulumi state delete\`.`,
    );
  }
}
