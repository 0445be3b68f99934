// What one run of a key does: compute with the shared readers and planners, then write with the shared writers.
// Nothing here decides anything about servers or routes: provider/kube reads, provider/plan plans, provider/avi
// writes (GET + merge + PUT with `_last_modified`, 412 read and merged again). What it adds is the sync's safety:
// - a read that fails throws before any write, so no pool is emptied and no route removed on a failed read;
// - a pool or record that is gone (404), or no longer carries this cluster's sync markers, is skipped, never made;
// - a node list that comes back empty is taken for a misread: the cluster's routes are never all removed by the sync;
// - every PUT first asks `canWrite` (the Lease), right before it is sent.
import {
  type AviSession,
  applyRoutes,
  type RouteRecord,
  routeRecordExists,
  type SyncPool,
  syncPoolMembers,
} from "../avi";
import { type KubeClient, KubeReadError, readNodesWith } from "../kube";
import { type DesiredPool, planRoutes, type RouteChange, sharedPoolName } from "../plan";
import type { ServiceSide, SyncEffects } from "./effects";
import { type PlanContext, plannerOf, type ServicePlanner } from "./modes";

export interface WorkContext {
  cluster: string;
  kube: KubeClient;
  avi: AviSession;
  /** The planner of pools whose markers record no mode (clusterip). */
  planner: ServicePlanner;
  /** The cluster's nodes, shared by the nodeport Services of one node generation (engine.ts). */
  nodes?: PlanContext["nodes"];
  pageSize: number;
  /** Throws when this replica may not write (it does not hold the Lease). */
  canWrite(): void;
  effects: SyncEffects;
  warn(message: string): void;
}

export interface PoolOutcome {
  pool: SyncPool;
  written: boolean;
  gone: boolean;
  added: number;
  removed: number;
  enabled: number;
  disabled: number;
  servers: number;
  conflicts: number;
  /** Milliseconds reading Kubernetes (the Service and its slices) and talking to the controller for this pool. */
  readMs: number;
  writeMs: number;
  skipped?: string;
  /** An effect asked for the Service to be looked at again this much later. */
  recheckAfterMs?: number;
}

/** Every managed pool of one Service: one read and plan, then each pool's members. */
export async function reconcileService(
  ctx: WorkContext,
  namespace: string,
  service: string,
  pools: SyncPool[],
): Promise<PoolOutcome[]> {
  let planned: DesiredPool[];
  let side: ServiceSide | undefined;
  const readStart = Date.now();
  try {
    const planner = plannerOf(pools, ctx.planner);
    const source = pools.find((p) => p.source)?.source;
    const planCtx: PlanContext = { ...(source ? { source } : {}), ...(ctx.nodes ? { nodes: ctx.nodes } : {}) };
    ({ pools: planned, service: side } = await planner.planService(
      ctx.kube,
      ctx.cluster,
      { namespace, name: service },
      ctx.pageSize,
      planCtx,
    ));
  } catch (err) {
    // A Service that is gone or unusable leaves its pools as they are (its resource reports it on the next run).
    if (
      err instanceof KubeReadError &&
      (err.reason === "not-found" || err.reason === "invalid" || err.reason === "no-selector")
    ) {
      ctx.warn(`${namespace}/${service}: ${err.message} Its pools keep their servers.`);
      if (err.reason === "invalid") ctx.effects.onServiceRefused?.(namespace, service, err.message);
      return pools.map((pool) => skipped(pool, err.message));
    }
    throw err;
  }
  const readMs = Date.now() - readStart;
  const out: PoolOutcome[] = [];
  for (const pool of pools) {
    // A shared VIP's pool holds the same servers under the group's name for the member's port.
    const key = pool.sharedVip;
    const nameOf = (p: DesiredPool) =>
      key ? sharedPoolName(ctx.cluster, namespace, service, key, p.protocol, p.servicePort) : p.name;
    const want = planned.find((p) => nameOf(p) === pool.name);
    if (!want) {
      const why = `Service ${namespace}/${service} has no port for pool ${pool.name} any more; the pool keeps its servers until its resource is updated.`;
      ctx.warn(why);
      out.push(skipped(pool, why));
      continue;
    }
    const writeStart = Date.now();
    const r = await syncPoolMembers(ctx.avi, { ...pool, cluster: ctx.cluster }, want.servers, {
      beforeWrite: () => ctx.canWrite(),
    });
    const writeMs = Date.now() - writeStart;
    if (r.notOurs) ctx.warn(`${r.notOurs}; left alone.`);
    const flips = (to: boolean) => r.change.update.filter((u) => u.to.enabled === to && u.from.enabled !== to).length;
    out.push({
      pool,
      written: r.written,
      gone: r.gone,
      added: r.change.add.length,
      removed: r.change.remove.length,
      enabled: flips(true),
      disabled: flips(false),
      servers: want.servers.length,
      conflicts: r.conflicts,
      readMs,
      writeMs,
      ...(r.notOurs ? { skipped: r.notOurs } : {}),
    });
    if (!r.gone && !r.notOurs && ctx.effects.afterPool) {
      try {
        const asked = await ctx.effects.afterPool({
          cluster: ctx.cluster,
          namespace,
          service,
          pool: pool.name,
          servers: want.servers,
          ...(want.gatedPods ? { gatedPods: want.gatedPods } : {}),
          change: r.change,
          written: r.written,
          poolUuid: pool.uuid,
          ...(side ? { serviceSide: side } : {}),
        });
        const last = out[out.length - 1];
        if (asked?.recheckAfterMs !== undefined && last) last.recheckAfterMs = asked.recheckAfterMs;
      } catch (err) {
        ctx.warn(`after pool ${pool.name}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

function skipped(pool: SyncPool, why: string): PoolOutcome {
  return {
    pool,
    written: false,
    gone: false,
    added: 0,
    removed: 0,
    enabled: 0,
    disabled: 0,
    servers: 0,
    conflicts: 0,
    readMs: 0,
    writeMs: 0,
    skipped: why,
  };
}

export interface RoutesOutcome {
  change?: RouteChange;
  written: boolean;
  gone: boolean;
  conflicts: number;
  cniSource: string;
  routes: number;
}

class RecordGone extends Error {}

/** One routes record: read the nodes as ClusterIpRoutes' check() does, plan, and apply with the record checked. */
export async function reconcileRoutes(
  ctx: WorkContext,
  record: RouteRecord & { uuid: string },
): Promise<RoutesOutcome> {
  const nodes = await readNodesWith(ctx.kube, {
    cni: record.cni,
    ...(record.nodeNetworks.length > 0 ? { nodeNetworks: record.nodeNetworks } : {}),
    pageSize: ctx.pageSize,
  });
  if (nodes.nodes.length === 0) {
    throw new KubeReadError(
      "other",
      "The Kubernetes API listed no nodes at all; taken for a misread, no route is removed.",
    );
  }
  const plan = planRoutes(ctx.cluster, nodes.nodes);
  const target = { cluster: ctx.cluster, vrf: record.vrf, cloud: record.cloud, tenant: record.tenant };
  try {
    const r = await applyRoutes(ctx.avi, target, plan.routes, {
      beforeWrite: async () => {
        ctx.canWrite();
        // Read after the VRF: a record deleted before that read is seen here; one deleted after it comes with a
        // VRF write of its resource, which makes our PUT meet 412 and come back here.
        if (!(await routeRecordExists(ctx.avi, record.uuid, ctx.cluster))) throw new RecordGone();
      },
    });
    const written = r.writes > 0;
    return {
      change: r.change,
      written,
      gone: false,
      conflicts: Math.max(0, r.writes - 1),
      cniSource: nodes.cniSource,
      routes: plan.routes.length,
    };
  } catch (err) {
    if (err instanceof RecordGone || (err as { status?: number }).status === 404) {
      return { written: false, gone: true, conflicts: 0, cniSource: nodes.cniSource, routes: plan.routes.length };
    }
    throw err;
  }
}
