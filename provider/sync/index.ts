// provider/sync: `avi-k8s sync`'s loop, with no Pulumi import. It keeps the members of this cluster's objects in
// membership "sync" mode current between Pulumi runs: pool servers (from the Services' EndpointSlices) and the
// cluster's static routes (from the nodes' pod CIDRs), computed and written by the same provider/kube,
// provider/plan and provider/avi code the resources and `avi-k8s plan` use. It creates and deletes nothing.
//
// RBAC: exactly what it uses is SYNC_PERMISSIONS (provider/kube/rbac.ts, re-exported here): the in-cluster
// component's ClusterRole and Role are built from it, and tests/provider/sync/rbac.test.ts runs the sync and checks
// that every request it makes is granted and every permission is used.
import * as os from "node:os";
import { type AviConnection, createAviSession } from "../avi";
import { type KubeConnection, openClient } from "../kube";
import type { SyncEffects } from "./effects";
import { type Engine, NotLeader, startEngine } from "./engine";
import { createKubeSideEffects } from "./kubeside";
import { type HealthServer, startHealthServer } from "./health";
import { type Elector, startLeaderElection } from "./lease";
import { consoleLog, type Log } from "./log";
import { newMetrics, renderMetrics, type SyncMetrics } from "./metrics";
import type { SyncMode } from "./modes";

export type { PoolReconciled, ServiceSide, SyncEffects } from "./effects";
export { createKubeSideEffects, type KubeSideEffects, type KubeSideOptions, SYNC_EVENT_CONTROLLER } from "./kubeside";
export { NotLeader } from "./engine";
export {
  blockAffinityMeaning,
  ciliumNodeMeaning,
  nodeMeaning,
  nodePortNodeMeaning,
  nplPodMeaning,
  serviceMeaning,
  sliceMeaning,
} from "./filter";
export { parseListen } from "./health";
export { microTime } from "./lease";
export { consoleLog, type Log } from "./log";
export { LATENCY_BUCKETS, quantile, type SyncMetrics } from "./metrics";
export { type PlanContext, PLANNERS, plannerOf, type ServicePlanner, type SyncMode } from "./modes";
export { createScheduler, type Scheduler } from "./schedule";
export { defaultLeaseName, SYNC_NODE_OPTIONS } from "./runtime";
export { permits, requestOf, SYNC_PERMISSIONS, type SyncPermission } from "../kube/rbac";

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** Default 15 s, 10 s and 2 s (client-go's). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface SyncOptions {
  cluster: string;
  kube: KubeConnection;
  avi: AviConnection;
  /** HOST:PORT for /healthz, /readyz, /metrics; none when omitted. */
  listen?: string;
  /** Full resync period; default 10 min. */
  resyncMs?: number;
  /** How often the controller is asked for new work (pools or records switched to sync mode); default 30 s. */
  discoveryMs?: number;
  /** Quiet time that ends a burst of events; default 100 ms. */
  quietMs?: number;
  /** The longest a burst is held; default 500 ms. */
  maxDelayMs?: number;
  /** Services or routes records written at once; default 8. */
  concurrency?: number;
  pageSize?: number;
  /** false: run alone (a single local run); else elect on a Lease. */
  leaderElection: LeaderElectionOptions | false;
  mode?: SyncMode;
  /** Replaces the Kubernetes-side effects (tests); by default the readiness gate, status write-back and Events. */
  effects?: SyncEffects;
  /** The class this package answers to (default avi-k8s.io/lb): another class's Service gets no status write. */
  loadBalancerClass?: string;
  /** false: no readiness gate, status write-back or Events (members only). Default true. */
  kubeSide?: boolean;
  log?: Log;
}

export interface SyncHandle {
  /** The health server's URL, when listening. */
  url?: string;
  identity: string;
  metrics: SyncMetrics;
  ready(): boolean;
  leader(): boolean;
  stop(): Promise<void>;
}

/** The pod's name (POD_NAME, from the downward API) or hostname-pid. */
export function defaultIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return env.POD_NAME || `${os.hostname()}-${process.pid}`;
}

export async function startSync(o: SyncOptions): Promise<SyncHandle> {
  const log = o.log ?? consoleLog();
  const identity = o.leaderElection ? o.leaderElection.identity : defaultIdentity();
  const metrics = newMetrics();
  const kube = await openClient(o.kube, { timeoutMs: 15_000 });
  const avi = createAviSession({ ...o.avi, userAgentDetail: `sync; ${identity}` });
  let engine: Engine | undefined;
  let elector: Elector | undefined;
  let tick = Date.now();
  const ticker = setInterval(() => {
    tick = Date.now();
  }, 1000);

  const canWrite = () => {
    if (elector && !elector.isLeader()) throw new NotLeader();
  };
  const kubeSide =
    o.effects || o.kubeSide === false
      ? undefined
      : createKubeSideEffects({
          kube,
          avi,
          identity,
          canWrite,
          warn: (m) => log(`warning: ${m}`),
          ...(o.loadBalancerClass ? { loadBalancerClass: o.loadBalancerClass } : {}),
        });
  const effects = o.effects ?? kubeSide;
  const lead = () => {
    metrics.leader = 1;
    engine = startEngine({
      cluster: o.cluster,
      kube,
      avi,
      metrics,
      log,
      canWrite,
      resyncMs: o.resyncMs ?? 600_000,
      discoveryMs: o.discoveryMs ?? 30_000,
      quietMs: o.quietMs ?? 100,
      maxDelayMs: o.maxDelayMs ?? 500,
      concurrency: o.concurrency ?? 8,
      pageSize: o.pageSize ?? 500,
      ...(o.mode ? { mode: o.mode } : {}),
      ...(effects ? { effects } : {}),
    });
  };
  const follow = () => {
    metrics.leader = 0;
    const e = engine;
    engine = undefined;
    void e?.stop();
  };

  const ready = (): { ok: boolean; reason: string } => {
    if (engine) {
      return engine.ready()
        ? { ok: true, reason: "ready: leader, first full resync done" }
        : { ok: false, reason: "not ready: leader, first full resync not done yet" };
    }
    if (elector?.watching())
      return { ok: true, reason: `ready: follower watching the Lease (held by ${elector.holder() || "nobody"})` };
    return { ok: false, reason: "not ready: not watching the Lease yet" };
  };

  let server: HealthServer | undefined;
  if (o.listen) {
    server = await startHealthServer(o.listen, {
      alive: () => Date.now() - tick < 10_000,
      ready,
      metrics: () => {
        const cpu = process.cpuUsage();
        return renderMetrics(metrics, {
          rssBytes: process.memoryUsage.rss(),
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
        });
      },
    });
  }

  if (o.leaderElection) {
    const le = o.leaderElection;
    elector = startLeaderElection({
      client: kube,
      namespace: le.namespace,
      name: le.name,
      identity,
      leaseDurationMs: le.leaseDurationMs ?? 15_000,
      renewDeadlineMs: le.renewDeadlineMs ?? 10_000,
      retryPeriodMs: le.retryPeriodMs ?? 2_000,
      onStartedLeading: lead,
      onStoppedLeading: follow,
      log,
    });
  } else lead();

  let stopping: Promise<void> | undefined;
  return {
    ...(server ? { url: server.url } : {}),
    identity,
    metrics,
    ready: () => ready().ok,
    leader: () => metrics.leader === 1,
    stop() {
      stopping ??= (async () => {
        clearInterval(ticker);
        await engine?.stop();
        engine = undefined;
        await kubeSide?.flush().catch(() => undefined);
        await elector?.stop();
        metrics.leader = 0;
        await server?.close();
        await avi.logout();
        kube.close();
      })();
      return stopping;
    },
  };
}
