// The leader's loop. Finds its work on the controller (pools with the membership marker, routes records), watches
// what can change it (watches.ts), coalesces events per Service or routes record, and runs each key through work.ts.
// A full resync (discovery, then every key once) runs at start and every `resyncMs`; discovery alone runs every
// `discoveryMs`, so a resource switched to sync mode is picked up without waiting for a resync.
import { AviError, type AviSession, listRouteRecords, listSyncPools, type RouteRecord, type SyncPool } from "../avi";
import { backoffMs, type KubeClient, KubeReadError } from "../kube";
import type { SyncEffects } from "./effects";
import { type Log, latencyText, poolLine, routesLine } from "./log";
import { observe, type SyncMetrics } from "./metrics";
import { PLANNERS, plannerOf, type SyncMode, sharedNodeLists } from "./modes";
import { createScheduler } from "./schedule";
import { createWatchSet } from "./watches";
import { reconcileRoutes, reconcileService, type WorkContext } from "./work";

export class NotLeader extends Error {
  constructor() {
    super("this replica does not hold the Lease; it does not write");
  }
}

export interface EngineOptions {
  cluster: string;
  kube: KubeClient;
  avi: AviSession;
  metrics: SyncMetrics;
  log: Log;
  /** Throws NotLeader when this replica may not write. */
  canWrite(): void;
  resyncMs: number;
  discoveryMs: number;
  quietMs: number;
  maxDelayMs: number;
  concurrency: number;
  pageSize: number;
  mode?: SyncMode;
  effects?: SyncEffects;
}

export interface Engine {
  /** The first full resync has finished. */
  ready(): boolean;
  fullResync(): Promise<void>;
  stop(): Promise<void>;
}

type Record_ = RouteRecord & { uuid: string; name: string };

const routesKey = (name: string) => `routes:${name}`;

export function startEngine(o: EngineOptions): Engine {
  const planner = PLANNERS[o.mode ?? "clusterip"];
  const services = new Map<string, SyncPool[]>(); // "ns/name" -> its sync pools
  const records = new Map<string, Record_>();
  const events = new Map<string, number[]>(); // key -> arrival times of events not yet written
  const cniSources = new Map<string, string>();
  // NodePort Services share one node list per node generation: a node event starts a new one.
  const nodeLists = sharedNodeLists(o.kube, o.pageSize);
  const timers: NodeJS.Timeout[] = [];
  const rechecks = new Map<string, NodeJS.Timeout>();
  let ready = false;
  let stopped = false;
  let resyncing: Promise<void> | undefined;

  const modeOf = (key: string) => plannerOf(services.get(key) ?? [], planner);
  const ctx: WorkContext = {
    cluster: o.cluster,
    kube: o.kube,
    avi: o.avi,
    planner,
    nodes: nodeLists.read,
    pageSize: o.pageSize,
    canWrite: o.canWrite,
    effects: o.effects ?? {},
    warn: (m) => o.log(`warning: ${m}`),
  };

  const scheduler = createScheduler({
    quietMs: o.quietMs,
    maxDelayMs: o.maxDelayMs,
    concurrency: o.concurrency,
    run: runKey,
    onFailure: (key, err, failures) => {
      if (err instanceof NotLeader) return;
      if (failures === 1 || failures % 10 === 0) {
        o.log(
          `retrying ${key.replace(/^svc:/, "service ").replace(/^routes:/, "routes ")} (failure ${failures}, backing off): ${(err as Error).message}`,
        );
      }
    },
  });

  function noteEvent(key: string): void {
    if (stopped) return;
    const list = events.get(key) ?? [];
    if (list.length < 100_000) list.push(Date.now());
    events.set(key, list);
    scheduler.touch(key);
  }

  function countError(err: unknown): void {
    if (err instanceof KubeReadError) o.metrics.errors.kubernetes = (o.metrics.errors.kubernetes ?? 0) + 1;
    else if (err instanceof AviError) o.metrics.errors.controller = (o.metrics.errors.controller ?? 0) + 1;
    else o.metrics.errors.other = (o.metrics.errors.other ?? 0) + 1;
  }

  const watches = createWatchSet({
    kube: o.kube,
    pageSize: o.pageSize,
    metrics: o.metrics,
    log: o.log,
    countError,
    noteEvent,
    services,
    records,
    cniSources,
    modeOf,
    invalidateNodes: nodeLists.invalidate,
    stopped: () => stopped,
  });

  async function runKey(key: string): Promise<void> {
    const taken = events.get(key) ?? [];
    events.delete(key);
    try {
      if (key.startsWith("svc:")) await runService(key.slice(4), taken);
      else await runRoutes(key.slice(7), taken);
    } catch (err) {
      if (err instanceof NotLeader) return; // the new leader resyncs everything
      // The events stay wanted: their latency keeps counting until a write carries them.
      events.set(key, [...taken, ...(events.get(key) ?? [])]);
      countError(err);
      if (key.startsWith("svc:") && o.effects?.onServiceError) {
        const [ns, name] = key.slice(4).split("/") as [string, string];
        o.effects.onServiceError(ns, name, err);
      }
      throw err;
    }
  }

  function written(taken: number[], ack: number): void {
    for (const t of taken) observe(o.metrics.latency, (ack - t) / 1000);
  }

  async function runService(key: string, taken: number[]): Promise<void> {
    const pools = services.get(key);
    if (!pools) return;
    const [ns, name] = key.split("/") as [string, string];
    const outcomes = await reconcileService(ctx, ns, name, pools);
    const ack = Date.now();
    const when = latencyText(taken.length > 0 ? Math.min(...taken) : undefined, taken.length, ack);
    let wrote = false;
    for (const out of outcomes) {
      o.metrics.conflicts += out.conflicts;
      if (out.gone) {
        o.log(`pool ${out.pool.name} is gone (its resource deleted it); no longer kept`);
        dropPool(out.pool);
      } else if (out.written) {
        wrote = true;
        o.metrics.writes.pool = (o.metrics.writes.pool ?? 0) + 1;
        o.log(poolLine(out, when));
      }
    }
    if (wrote) written(taken, ack);
    const recheck = outcomes.map((out) => out.recheckAfterMs).filter((ms): ms is number => ms !== undefined);
    if (recheck.length > 0 && !stopped && !rechecks.has(key)) {
      // A gated pod's containers turning ready changes nothing a watch sees (its endpoint stays not ready until
      // the gate is set), so the Service is looked at again.
      const t = setTimeout(
        () => {
          rechecks.delete(key);
          noteEvent(`svc:${key}`);
        },
        Math.min(...recheck),
      );
      t.unref?.();
      rechecks.set(key, t);
    }
  }

  async function runRoutes(name: string, taken: number[]): Promise<void> {
    const rec = records.get(name);
    if (!rec) return;
    const r = await reconcileRoutes(ctx, rec);
    cniSources.set(name, r.cniSource);
    watches.updateCni();
    o.metrics.conflicts += r.conflicts;
    if (r.gone) {
      o.log(
        `routes record ${name} is gone (its resource was deleted or left sync mode); its routes are no longer kept`,
      );
      records.delete(name);
      cniSources.delete(name);
      o.metrics.managedRouteSets = records.size;
      watches.update();
      return;
    }
    if (r.written && r.change) {
      const ack = Date.now();
      o.metrics.writes.routes = (o.metrics.writes.routes ?? 0) + 1;
      written(taken, ack);
      const when = latencyText(taken.length > 0 ? Math.min(...taken) : undefined, taken.length, ack);
      o.log(routesLine(o.cluster, rec.vrf, r.change, r.routes, when));
    }
  }

  function dropPool(pool: SyncPool): void {
    const key = `${pool.namespace}/${pool.service}`;
    const left = (services.get(key) ?? []).filter((p) => p.uuid !== pool.uuid);
    if (left.length > 0) services.set(key, left);
    else services.delete(key);
    o.metrics.managedPools = [...services.values()].reduce((n, ps) => n + ps.length, 0);
    watches.update();
  }

  /** The work on the controller now; returns the keys that are new. */
  async function discover(): Promise<string[]> {
    const [pools, recs] = await Promise.all([listSyncPools(o.avi, o.cluster), listRouteRecords(o.avi, o.cluster)]);
    const fresh: string[] = [];
    const byService = new Map<string, SyncPool[]>();
    for (const p of pools) {
      const k = `${p.namespace}/${p.service}`;
      byService.set(k, [...(byService.get(k) ?? []), p]);
    }
    for (const [k, ps] of byService) {
      const had = services.get(k);
      if (!had || had.map((p) => p.uuid).join() !== ps.map((p) => p.uuid).join()) fresh.push(`svc:${k}`);
    }
    services.clear();
    for (const [k, ps] of byService) services.set(k, ps);
    const names = new Set<string>();
    for (const r of recs) {
      names.add(r.name);
      const had = records.get(r.name);
      if (!had || JSON.stringify(had) !== JSON.stringify(r)) fresh.push(routesKey(r.name));
      records.set(r.name, r);
    }
    for (const n of [...records.keys()]) {
      if (!names.has(n)) {
        records.delete(n);
        cniSources.delete(n);
      }
    }
    o.metrics.managedPools = pools.length;
    o.metrics.managedRouteSets = records.size;
    watches.update();
    return fresh;
  }

  async function fullResync(): Promise<void> {
    if (resyncing) return resyncing;
    resyncing = (async () => {
      const started = Date.now();
      await discover();
      const keys = [...[...services.keys()].map((k) => `svc:${k}`), ...[...records.keys()].map(routesKey)];
      const results = await Promise.all(keys.map((k) => scheduler.runSoon(k)));
      if (stopped) return;
      o.metrics.lastFullResync = Date.now();
      o.metrics.fullResyncs++;
      const failed = results.filter((ok) => !ok).length;
      const pools = [...services.values()].reduce((n, ps) => n + ps.length, 0);
      o.log(
        `full resync: ${pools} pool${pools === 1 ? "" : "s"} of ${services.size} service${services.size === 1 ? "" : "s"}, ${records.size} routes record${records.size === 1 ? "" : "s"}; ${failed === 0 ? "all converged" : `${failed} to retry`} in ${Date.now() - started} ms`,
      );
      ready = true;
    })().finally(() => {
      resyncing = undefined;
    });
    return resyncing;
  }

  // Start: a full resync until one succeeds (discovery needs the controller), then the periodic timers.
  void (async () => {
    for (let failures = 0; !stopped && !ready; failures++) {
      try {
        await fullResync();
      } catch (err) {
        if (stopped) return;
        countError(err);
        o.log(`full resync failed, retrying: ${(err as Error).message}`);
        await new Promise((r) => timers.push(setTimeout(r, backoffMs(failures, Math.random, 10_000))));
      }
    }
  })();
  timers.push(
    setInterval(() => {
      if (ready)
        fullResync().catch((err) => {
          countError(err);
          o.log(`full resync failed: ${(err as Error).message}`);
        });
    }, o.resyncMs),
    setInterval(() => {
      if (!ready) return;
      discover().then(
        (fresh) => {
          for (const k of fresh) void scheduler.runSoon(k);
        },
        (err) => {
          countError(err);
          o.log(`discovery failed: ${(err as Error).message}`);
        },
      );
    }, o.discoveryMs),
  );

  return {
    ready: () => ready,
    fullResync,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const t of rechecks.values()) clearTimeout(t);
      scheduler.stop();
      watches.stop();
    },
  };
}
