// The membership sync at size, as users run it (`avi-k8s sync`, a process of its own) against the emulators:
// - rollout: every pod of N services replaced in one wave (batch = all the service's pods); from the sync's own
//   histogram, the time from each Kubernetes event to the controller's acknowledgement of the write carrying it
//   (p50, p95); from the controller's request log, the pool writes per service in the wave;
// - heartbeat storm: every Node's status rewritten each period, as kubelets do; controller writes counted;
// - churn: readiness flips of many pods; the sync's CPU per 1,000 EndpointSlice events;
// - the sync's peak RSS (VmHWM of its process) with everything under watch.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AviEmulator, startAviEmulator } from "../emulator/avi";
import { generateCluster, type KubeEmulator, startKubeEmulator } from "../emulator/kube";
import { type AviSession, applyRoutes, applyVirtualService, createAviSession, writeRouteRecord } from "../provider/avi";
import { readNodes, readServicePlacement } from "../provider/kube";
import { planRoutes, planServicePools } from "../provider/plan";
import { LATENCY_BUCKETS, quantile, SYNC_NODE_OPTIONS } from "../provider/sync";
import type { Target } from "./types";

export interface SyncScenario {
  label: string;
  nodes: number;
  services: number;
  podsPerService: number;
  /** Services whose every pod is replaced in the wave. */
  rolloutServices: number;
  /** Heartbeat storm: rounds of every Node's status rewritten, `periodMs` apart. */
  heartbeat?: { rounds: number; periodMs: number };
  /** Pods whose readiness flips (off, then on): EndpointSlice events for the CPU figure. */
  churnPods: number;
  /** Also start a sync without SYNC_NODE_OPTIONS (V8's default heap) and report its peak RSS. */
  uncapped?: boolean;
}

export interface SyncResult {
  label: string;
  nodes: number;
  pods: number;
  services: number;
  firstResyncMs: number;
  rollout: {
    services: number;
    pods: number;
    writesPerService: number[];
    events: number;
    p50: number;
    p95: number;
    waveMs: number;
  };
  heartbeat?: { rounds: number; nodeEvents: number; dropped: number; writes: number };
  churn: { events: number; cpuMs: number; cpuMsPer1000: number };
  /** With SYNC_NODE_OPTIONS, as the in-cluster component runs it. */
  peakRssMB: number;
  /** Without a heap cap: V8 sizes the heap from the machine's memory and collects later. */
  peakRssUncappedMB?: number;
}

export function syncScenarios(quick: boolean): SyncScenario[] {
  if (quick) {
    return [
      {
        label: "sync 20n",
        nodes: 20,
        services: 10,
        podsPerService: 6,
        rolloutServices: 3,
        heartbeat: { rounds: 2, periodMs: 500 },
        churnPods: 20,
      },
    ];
  }
  return [
    {
      label: "sync 1000n",
      nodes: 1000,
      services: 100,
      podsPerService: 30,
      rolloutServices: 10,
      heartbeat: { rounds: 3, periodMs: 10_000 },
      churnPods: 300,
    },
    {
      label: "sync 5000n",
      nodes: 5000,
      services: 100,
      podsPerService: 1500,
      rolloutServices: 0,
      churnPods: 1000,
      uncapped: true,
    },
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLUSTER = "bench";
const svcName = (i: number) => `svc-${String(i + 1).padStart(5, "0")}`;

interface Metrics {
  buckets: number[];
  count: number;
  cpuSeconds: number;
  sliceEvents: number;
  nodeEvents: { passed: number; dropped: number };
}

async function scrape(url: string): Promise<Metrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    buckets: LATENCY_BUCKETS.map((b) =>
      num(new RegExp(`^avi_k8s_sync_event_to_write_seconds_bucket\\{le="${b}"\\} (\\d+)$`, "m")),
    ),
    count: num(/^avi_k8s_sync_event_to_write_seconds_count (\d+)$/m),
    cpuSeconds: num(/^process_cpu_seconds_total ([\d.]+)$/m),
    sliceEvents:
      num(/^avi_k8s_sync_watch_events_total\{kind="endpointslice",result="passed"\} (\d+)$/m) +
      num(/^avi_k8s_sync_watch_events_total\{kind="endpointslice",result="dropped"\} (\d+)$/m),
    nodeEvents: {
      passed: num(/^avi_k8s_sync_watch_events_total\{kind="node",result="passed"\} (\d+)$/m),
      dropped: num(/^avi_k8s_sync_watch_events_total\{kind="node",result="dropped"\} (\d+)$/m),
    },
  };
}

function peakRssMB(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** What `up` in membership "sync" writes for every Service of the cluster, and the routes with their record. */
async function applyStack(s: AviSession, kube: KubeEmulator, services: number): Promise<void> {
  const conn = { kubeconfigContent: kube.kubeconfigContent };
  const nodes = await readNodes(conn, { cni: "auto" });
  await applyRoutes(s, { cluster: CLUSTER }, planRoutes(CLUSTER, nodes.nodes).routes);
  await writeRouteRecord(s, {
    cluster: CLUSTER,
    vrf: "global",
    cloud: "Default-Cloud",
    tenant: "admin",
    cni: "auto",
    nodeNetworks: [],
  });
  for (let i = 0; i < services; i++) {
    const svc = await readServicePlacement(conn, { namespace: "default", name: svcName(i) });
    const pools = planServicePools(CLUSTER, svc).pools;
    await applyVirtualService(s, {
      cluster: CLUSTER,
      namespace: "default",
      service: svcName(i),
      vip: { address: `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}` },
      ports: pools.map((p) => ({ port: p.servicePort, protocol: p.protocol })),
      pools,
      membership: "sync",
    });
  }
}

/** `nodeOptions`: NODE_OPTIONS as the in-cluster component sets them (SYNC_NODE_OPTIONS), or none. */
function startSyncProcess(
  avi: AviEmulator,
  kube: KubeEmulator,
  nodeOptions: string | undefined,
): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AVI_") && k !== "KUBECONFIG") env[k] = v;
  Object.assign(env, {
    AVI_CONTROLLER: avi.url,
    AVI_USERNAME: avi.username,
    AVI_PASSWORD: avi.password,
    AVI_CA_BUNDLE: avi.caFile ?? "",
    KUBECONFIG: kube.kubeconfig,
  });
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  const cli = path.join(__dirname, "..", "cli", "index.js");
  const child = spawn(
    process.execPath,
    [cli, "sync", "--cluster", CLUSTER, "--no-leader-elect", "--listen", "127.0.0.1:0"],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out = (out + b.toString()).slice(-200_000);
  });
  child.stderr?.on("data", (b: Buffer) => {
    out = (out + b.toString()).slice(-200_000);
  });
  return { child, output: () => out };
}

async function stopProcess(p: { child: ChildProcess }): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once("exit", r));
  p.child.kill("SIGTERM");
  await exited;
}

async function until(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`bench sync: ${what} not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

/** The enabled servers' IPs of a pool on the controller. */
function poolIps(avi: AviEmulator, name: string): string[] {
  const pool = avi.objects("pool").find((p) => p.name === name) as
    | { servers?: { ip: { addr: string }; enabled?: boolean }[] }
    | undefined;
  return (pool?.servers ?? [])
    .filter((s) => s.enabled !== false)
    .map((s) => s.ip.addr)
    .sort();
}

export async function runSyncScenario(spec: SyncScenario, log: (t: string) => void): Promise<SyncResult> {
  const t0 = Date.now();
  const objects = generateCluster({
    nodes: spec.nodes,
    services: spec.services,
    podsPerService: spec.podsPerService,
    seed: 11,
  });
  const kube = await startKubeEmulator({ objects });
  objects.length = 0;
  const avi = await startAviEmulator({ routesPerVrf: 100_000 });
  const session = createAviSession({
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
  });
  let proc: ReturnType<typeof startSyncProcess> | undefined;
  try {
    await applyStack(session, kube, spec.services);
    log(
      `# ${spec.label}: ${spec.nodes} nodes, ${spec.services * spec.podsPerService} pods, ${spec.services} services in membership "sync"; set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const started = Date.now();
    proc = startSyncProcess(avi, kube, SYNC_NODE_OPTIONS);
    const p = proc;
    await until(
      "the sync's first full resync",
      600_000,
      () => /full resync: /.test(p.output()) || p.child.exitCode !== null,
    );
    if (p.child.exitCode !== null) throw new Error(`avi-k8s sync exited: ${p.output().slice(-2000)}`);
    const firstResyncMs = Date.now() - started;
    const url = /health on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.output())?.[1] as string;
    log(
      `  avi-k8s sync: first full resync ${firstResyncMs} ms after start, peak RSS so far ${peakRssMB(p.child.pid ?? 0).toFixed(0)} MB`,
    );

    // The rollout wave.
    const m0 = await scrape(url);
    avi.clearLog();
    const waveStart = Date.now();
    const rolled = await Promise.all(
      Array.from({ length: spec.rolloutServices }, (_, i) =>
        kube.rollout(
          { service: svcName(i) },
          { batch: spec.podsPerService, readyAfterMs: 500, terminateAfterMs: 500, timeoutMs: 120_000 },
        ),
      ),
    );
    await until("the old pods gone", 120_000, () =>
      rolled.every((r) => r.replaced.every((x) => !kube.get("pods", x.old, "default"))),
    );
    for (const [i, r] of rolled.entries()) {
      const want = r.replaced.flatMap((x) => x.ips).sort();
      const pool = `${CLUSTER}--default-${svcName(i)}-TCP-80`;
      await until(
        `${pool} holds the new pods`,
        60_000,
        () => JSON.stringify(poolIps(avi, pool)) === JSON.stringify(want),
      );
    }
    const waveMs = Date.now() - waveStart;
    await sleep(500);
    const m1 = await scrape(url);
    const writes = new Map<string, number>();
    for (const w of avi.writes()) {
      const id = /^\/api\/pool\/([^/?]+)/.exec(w.path)?.[1];
      if (w.method === "PUT" && id && w.status === 200) writes.set(id, (writes.get(id) ?? 0) + 1);
    }
    const hist = {
      buckets: LATENCY_BUCKETS,
      counts: m1.buckets.map((c, i) => c - (m0.buckets[i] ?? 0)),
      sum: 0,
      count: m1.count - m0.count,
    };
    const rollout = {
      services: spec.rolloutServices,
      pods: spec.rolloutServices * spec.podsPerService,
      writesPerService: [...writes.values()],
      events: hist.count,
      p50: quantile(hist, 0.5) ?? Number.NaN,
      p95: quantile(hist, 0.95) ?? Number.NaN,
      waveMs,
    };
    if (spec.rolloutServices > 0) {
      log(
        `  rollout wave: ${rollout.pods} pods of ${rollout.services} services replaced; event→ack p50 ${(rollout.p50 * 1000).toFixed(0)} ms, p95 ${(rollout.p95 * 1000).toFixed(0)} ms over ${rollout.events} events; pool writes per service ${Math.min(...rollout.writesPerService)}–${Math.max(...rollout.writesPerService)}; converged ${waveMs} ms after the wave began`,
      );
    }

    // The kubelet heartbeat storm.
    let heartbeat: SyncResult["heartbeat"];
    if (spec.heartbeat) {
      const h0 = await scrape(url);
      avi.clearLog();
      for (let round = 0; round < spec.heartbeat.rounds; round++) {
        const stamp = new Date(Date.now() + round * 1000).toISOString().replace(/\.\d+Z$/, "Z");
        for (const n of kube.list("nodes")) {
          const conditions = ((n.status?.conditions ?? []) as Record<string, unknown>[]).map((c) => ({
            ...c,
            lastHeartbeatTime: stamp,
          }));
          kube.apply({ ...n, status: { ...n.status, conditions } });
        }
        await sleep(spec.heartbeat.periodMs);
      }
      const h1 = await scrape(url);
      heartbeat = {
        rounds: spec.heartbeat.rounds,
        nodeEvents: h1.nodeEvents.passed + h1.nodeEvents.dropped - h0.nodeEvents.passed - h0.nodeEvents.dropped,
        dropped: h1.nodeEvents.dropped - h0.nodeEvents.dropped,
        writes: avi.writes().length,
      };
      log(
        `  heartbeat storm: ${spec.nodes} nodes x ${heartbeat.rounds} rounds, ${spec.heartbeat.periodMs} ms apart: ${heartbeat.nodeEvents} Node events, ${heartbeat.dropped} dropped by the change filter, ${heartbeat.writes} controller writes`,
      );
    }

    // Readiness churn: EndpointSlice events, and what they cost the sync.
    const pods = kube
      .list("pods", "default")
      .filter((x) => !x.metadata.deletionTimestamp)
      .slice(0, spec.churnPods)
      .map((x) => x.metadata.name as string);
    const ips = pods.map((name) => String(kube.get("pods", name, "default")?.status?.podIP));
    const c0 = await scrape(url);
    for (const ready of [false, true]) {
      for (const name of pods) kube.setPodReady("default", name, ready);
      const want = ready;
      await until(`readiness ${ready} in the pools`, 300_000, () => {
        const enabled = new Map<string, boolean>();
        for (const pool of avi.objects("pool") as { servers?: { ip: { addr: string }; enabled?: boolean }[] }[]) {
          for (const x of pool.servers ?? []) enabled.set(x.ip.addr, x.enabled !== false);
        }
        return ips.every((ip) => enabled.get(ip) === want);
      });
    }
    await sleep(500);
    const c1 = await scrape(url);
    const events = c1.sliceEvents - c0.sliceEvents;
    const cpuMs = (c1.cpuSeconds - c0.cpuSeconds) * 1000;
    const churn = { events, cpuMs, cpuMsPer1000: events > 0 ? (cpuMs / events) * 1000 : Number.NaN };
    const peak = peakRssMB(p.child.pid ?? 0);
    log(
      `  readiness churn: ${pods.length} pods off and on: ${events} EndpointSlice events, sync CPU ${cpuMs.toFixed(0)} ms = ${churn.cpuMsPer1000.toFixed(0)} ms per 1,000 events (reads, plans and pool writes included)`,
    );
    log(
      `  avi-k8s sync peak RSS: ${peak.toFixed(0)} MB with ${spec.nodes} nodes and ${spec.services * spec.podsPerService} pods under watch`,
    );
    let peakRssUncappedMB: number | undefined;
    if (spec.uncapped) {
      await stopProcess(p);
      const bare = startSyncProcess(avi, kube, undefined);
      proc = bare;
      await until(
        "the uncapped sync's first full resync",
        600_000,
        () => /full resync: /.test(bare.output()) || bare.child.exitCode !== null,
      );
      peakRssUncappedMB = peakRssMB(bare.child.pid ?? 0);
      log(
        `  without a heap cap (V8's default on this machine), its peak RSS after the first full resync: ${peakRssUncappedMB.toFixed(0)} MB`,
      );
    }
    return {
      ...(peakRssUncappedMB !== undefined ? { peakRssUncappedMB } : {}),
      label: spec.label,
      nodes: spec.nodes,
      pods: spec.services * spec.podsPerService,
      services: spec.services,
      firstResyncMs,
      rollout,
      ...(heartbeat ? { heartbeat } : {}),
      churn,
      peakRssMB: peak,
    };
  } finally {
    if (proc) await stopProcess(proc);
    await session.logout().catch(() => undefined);
    await avi.stop();
    await kube.stop();
  }
}

export const SYNC_P50_S = 0.5;
export const SYNC_P95_S = 2;
export const SYNC_WRITES_PER_WAVE = 3;
export const SYNC_RSS_MB = 250;

export function syncTargets(results: SyncResult[]): Target[] {
  const waves = results.filter((r) => r.rollout.services > 0);
  const storms = results.filter((r) => r.heartbeat);
  const big = results.reduce<SyncResult | undefined>((a, r) => (!a || r.pods > a.pods ? r : a), undefined);
  const at = (r: SyncResult) => `${r.label} (${r.nodes} nodes, ${r.pods} pods)`;
  return [
    {
      kind: "timing",
      name: `sync: event to controller-acknowledged write p50 ${SYNC_P50_S} s or less, p95 ${SYNC_P95_S} s or less in a rollout wave`,
      pass: waves.length > 0 && waves.every((r) => r.rollout.p50 <= SYNC_P50_S && r.rollout.p95 <= SYNC_P95_S),
      detail: waves
        .map(
          (r) =>
            `${at(r)}: p50 ${(r.rollout.p50 * 1000).toFixed(0)} ms, p95 ${(r.rollout.p95 * 1000).toFixed(0)} ms over ${r.rollout.events} events`,
        )
        .join("; "),
    },
    {
      kind: "count",
      name: `sync: at most ${SYNC_WRITES_PER_WAVE} pool writes per service in a rollout wave`,
      pass:
        waves.length > 0 &&
        waves.every(
          (r) =>
            r.rollout.writesPerService.length === r.rollout.services &&
            r.rollout.writesPerService.every((n) => n <= SYNC_WRITES_PER_WAVE),
        ),
      detail: waves
        .map(
          (r) =>
            `${at(r)}: ${r.rollout.pods} pods of ${r.rollout.services} services replaced at once, writes per service ${r.rollout.writesPerService.join(", ")}`,
        )
        .join("; "),
    },
    {
      kind: "count",
      name: "sync: a kubelet heartbeat storm causes no controller write",
      pass: storms.length > 0 && storms.every((r) => r.heartbeat?.writes === 0 && (r.heartbeat?.dropped ?? 0) > 0),
      detail: storms
        .map(
          (r) =>
            `${at(r)}: ${r.heartbeat?.nodeEvents} Node events in ${r.heartbeat?.rounds} rounds, ${r.heartbeat?.dropped} dropped, ${r.heartbeat?.writes} writes`,
        )
        .join("; "),
    },
    {
      kind: "timing",
      name: `sync: peak RSS ${SYNC_RSS_MB} MB or less with the largest cluster under watch`,
      pass: big !== undefined && big.peakRssMB <= SYNC_RSS_MB,
      detail: big
        ? `${at(big)}: ${big.peakRssMB.toFixed(0)} MB with NODE_OPTIONS=${SYNC_NODE_OPTIONS}, as the in-cluster component runs it${big.peakRssUncappedMB !== undefined ? ` (${big.peakRssUncappedMB.toFixed(0)} MB with V8's default heap)` : ""}; CPU ${big.churn.cpuMsPer1000.toFixed(0)} ms per 1,000 EndpointSlice events`
        : "not run",
    },
  ];
}
