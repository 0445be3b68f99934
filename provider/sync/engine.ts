// The leader's loop. Finds its work on the controller (pools with the membership marker, routes records), watches
// what can change it (the EndpointSlices of those Services only, the Services, Nodes when routes are kept, and the
// CNI's pod-CIDR objects), coalesces events per Service or routes record, and runs each key through work.ts.
// A full resync (discovery, then every key once) runs at start and every `resyncMs`; discovery alone runs every
// `discoveryMs`, so a resource switched to sync mode is picked up without waiting for a resync.
import { AviError, type AviSession, listRouteRecords, listSyncPools, type RouteRecord, type SyncPool } from "../avi";
import { backoffMs, type Informer, type KubeClient, KubeReadError, startInformer } from "../kube";
import { LABEL_SERVICE_NAME } from "../kube/raw";
import type { SyncEffects } from "./effects";
import {
  blockAffinityMeaning,
  ciliumNodeMeaning,
  nodeMeaning,
  nodePortNodeMeaning,
  nplPodMeaning,
  serviceMeaning,
  sliceMeaning,
  sliceService,
} from "./filter";
import { type Log, latencyText, poolLine, routesLine } from "./log";
import { countEvent, observe, type SyncMetrics } from "./metrics";
import { PLANNERS, plannerOf, type SyncMode, sharedNodeLists } from "./modes";
import { createScheduler } from "./schedule";
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

const svcKey = (ns: string, name: string) => `svc:${ns}/${name}`;
const routesKey = (name: string) => `routes:${name}`;

export function startEngine(o: EngineOptions): Engine {
  const planner = PLANNERS[o.mode ?? "clusterip"];
  const services = new Map<string, SyncPool[]>(); // "ns/name" -> its sync pools
  const records = new Map<string, Record_>();
  const events = new Map<string, number[]>(); // key -> arrival times of events not yet written
  const slices = new Map<string, { selector: string; informer: Informer }>();
  const serviceWatches = new Map<string, Informer>();
  const cniSources = new Map<string, string>();
  let nodeWatch: Informer | undefined;
  let nodeWatchForNodePort = false;
  const podWatches = new Map<string, Informer>(); // namespace -> pods watch (nodeportlocal Services there)
  // NodePort Services share one node list per node generation: a node event starts a new one.
  const nodeLists = sharedNodeLists(o.kube, o.pageSize);
  const cniWatches = new Map<string, Informer>();
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
    updateCniWatches();
    o.metrics.conflicts += r.conflicts;
    if (r.gone) {
      o.log(
        `routes record ${name} is gone (its resource was deleted or left sync mode); its routes are no longer kept`,
      );
      records.delete(name);
      cniSources.delete(name);
      o.metrics.managedRouteSets = records.size;
      updateWatches();
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
    updateWatches();
  }

  function watch(
    kind: string,
    spec: Parameters<typeof startInformer>[1],
    onChange: (c: { tag: string; key: string }) => void,
    onSynced?: () => void,
  ): Informer {
    return startInformer(
      o.kube,
      { pageSize: o.pageSize, ...spec },
      {
        onChange: (c) => onChange(c),
        onEvent: (_type, dropped) => countEvent(o.metrics, kind, dropped),
        ...(onSynced ? { onSynced } : {}),
        onError: (err) => {
          countError(err);
          o.log(`watch of ${kind}: ${err.message}`);
        },
      },
    );
  }

  const touchRoutes = () => {
    nodeLists.invalidate();
    for (const name of records.keys()) noteEvent(routesKey(name));
    for (const k of services.keys()) if (modeOf(k).dependsOnNodes) noteEvent(`svc:${k}`);
  };

  /** Watches follow the work: one slice watch per namespace (selecting exactly the managed Services), etc. */
  function updateWatches(): void {
    if (stopped) return;
    const byNs = new Map<string, string[]>();
    for (const key of services.keys()) {
      const [ns, name] = key.split("/") as [string, string];
      byNs.set(ns, [...(byNs.get(ns) ?? []), name]);
    }
    for (const [ns, w] of [...slices]) {
      if (!byNs.has(ns)) {
        w.informer.stop();
        slices.delete(ns);
        serviceWatches.get(ns)?.stop();
        serviceWatches.delete(ns);
      }
    }
    for (const [ns, names] of byNs) {
      const selector = `${LABEL_SERVICE_NAME} in (${[...names].sort().join(",")})`;
      const cur = slices.get(ns);
      if (cur?.selector === selector) continue;
      cur?.informer.stop();
      let first = true;
      const informer = watch(
        "endpointslice",
        {
          path: `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`,
          query: { labelSelector: selector },
          perm: { verb: "list", resource: "endpointslices", group: "discovery.k8s.io", namespace: ns },
          meaning: sliceMeaning,
          tag: sliceService,
          // A slice holds up to 100 endpoints: 50 a page keeps a relist of 150,000 pods to a few MB at a time.
          pageSize: Math.min(o.pageSize, 50),
        },
        (c) => {
          if (services.has(`${ns}/${c.tag}`)) noteEvent(svcKey(ns, c.tag));
        },
        () => {
          // A replaced watch may have missed events between the old one's end and this list: look again once.
          if (first && cur) for (const n of byNs.get(ns) ?? []) noteEvent(svcKey(ns, n));
          first = false;
        },
      );
      slices.set(ns, { selector, informer });
      if (!serviceWatches.has(ns)) {
        serviceWatches.set(
          ns,
          watch(
            "service",
            {
              path: `/api/v1/namespaces/${encodeURIComponent(ns)}/services`,
              perm: { verb: "list", resource: "services", group: "", namespace: ns },
              meaning: serviceMeaning,
            },
            (c) => {
              if (services.has(c.key)) noteEvent(`svc:${c.key}`);
            },
          ),
        );
      }
    }
    const forNodePort = [...services.keys()].some((k) => modeOf(k).dependsOnNodes);
    const wantNodes = records.size > 0 || forNodePort;
    if (nodeWatch && (!wantNodes || nodeWatchForNodePort !== forNodePort)) {
      nodeWatch.stop();
      nodeWatch = undefined;
    }
    if (wantNodes && !nodeWatch) {
      // NodePort reads labels, readiness and cordons too; routes only what moves a pod CIDR or next hop.
      nodeWatchForNodePort = forNodePort;
      nodeWatch = watch(
        "node",
        {
          path: "/api/v1/nodes",
          perm: { verb: "list", resource: "nodes", group: "" },
          meaning: forNodePort ? nodePortNodeMeaning : nodeMeaning,
        },
        touchRoutes,
      );
    }
    updatePodWatches();
    updateCniWatches();
  }

  /** NodePortLocal: Antrea's annotation on a pod changes no EndpointSlice, so its namespace's pods are watched. */
  function updatePodWatches(): void {
    if (stopped) return;
    const byNs = new Map<string, string[]>();
    for (const key of services.keys()) {
      if (!modeOf(key).dependsOnPods) continue;
      const [ns, name] = key.split("/") as [string, string];
      byNs.set(ns, [...(byNs.get(ns) ?? []), name]);
    }
    for (const [ns, w] of [...podWatches]) {
      if (!byNs.has(ns)) {
        w.stop();
        podWatches.delete(ns);
      }
    }
    for (const ns of byNs.keys()) {
      if (podWatches.has(ns)) continue;
      podWatches.set(
        ns,
        watch(
          "pod",
          {
            path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
            perm: { verb: "list", resource: "pods", group: "", namespace: ns },
            meaning: nplPodMeaning,
          },
          () => {
            for (const key of services.keys()) {
              if (key.startsWith(`${ns}/`) && modeOf(key).dependsOnPods) noteEvent(`svc:${key}`);
            }
          },
        ),
      );
    }
  }

  function updateCniWatches(): void {
    if (stopped) return;
    const wanted = new Set<string>([...cniSources.values()].filter((s) => s === "calico" || s === "cilium"));
    for (const [source, w] of [...cniWatches]) {
      if (!wanted.has(source)) {
        w.stop();
        cniWatches.delete(source);
      }
    }
    for (const source of wanted) {
      if (cniWatches.has(source)) continue;
      const spec =
        source === "calico"
          ? {
              path: "/apis/crd.projectcalico.org/v1/blockaffinities",
              perm: { verb: "list" as const, resource: "blockaffinities", group: "crd.projectcalico.org" },
              meaning: blockAffinityMeaning,
            }
          : {
              path: "/apis/cilium.io/v2/ciliumnodes",
              perm: { verb: "list" as const, resource: "ciliumnodes", group: "cilium.io" },
              meaning: ciliumNodeMeaning,
            };
      cniWatches.set(source, watch(source === "calico" ? "blockaffinity" : "ciliumnode", spec, touchRoutes));
    }
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
    updateWatches();
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
      for (const w of slices.values()) w.informer.stop();
      for (const w of serviceWatches.values()) w.stop();
      for (const w of cniWatches.values()) w.stop();
      for (const w of podWatches.values()) w.stop();
      nodeWatch?.stop();
    },
  };
}
