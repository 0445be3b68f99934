// Both emulators with the seed scenario applied the way a `pulumi up` in membership "sync" mode applies it (read,
// plan, write with the membership marker, routes record), and the sync started in-process against them with
// short timings. Shared by the sync's tests, the reliability campaign and the bench.
import type { AviEmulator, AviEmulatorOptions } from "../../../emulator/avi";
import { startAviEmulator } from "../../../emulator/avi";
import { type KubeEmulator, type KubeEmulatorOptions, startKubeEmulator } from "../../../emulator/kube";
import {
  type AviConnection,
  type AviSession,
  applyRoutes,
  applyVirtualService,
  createAviSession,
  writeRouteRecord,
} from "../../../provider/avi";
import { readModePlacement, readPlacement } from "../../../provider/kube";
import { type Mode, parseSelector, planRoutes, planServicePools } from "../../../provider/plan";
import { type SyncHandle, type SyncOptions, startSync } from "../../../provider/sync";

export const CLUSTER = "demo";
export const POOL = "demo--default-web-TCP-80";

export interface SyncLab {
  avi: AviEmulator;
  kube: KubeEmulator;
  conn: AviConnection;
  session: AviSession;
  stop(): Promise<void>;
}

export function connectionOf(avi: AviEmulator): AviConnection {
  return {
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    ...(avi.caCert ? { caCert: avi.caCert } : {}),
    retryBaseMs: 20,
  };
}

/** What `up` with membership "sync" writes for these Services (and the routes record). */
export async function applySyncStack(
  session: AviSession,
  kube: KubeEmulator,
  cluster: string,
  services: { namespace: string; name: string; vip: string }[],
): Promise<void> {
  const placement = await readPlacement(
    { kubeconfigContent: kube.kubeconfigContent },
    { cni: "auto", services: services.map((s) => ({ namespace: s.namespace, name: s.name })) },
  );
  await applyRoutes(session, { cluster }, planRoutes(cluster, placement.nodes).routes);
  await writeRouteRecord(session, {
    cluster,
    vrf: "global",
    cloud: "Default-Cloud",
    tenant: "admin",
    cni: "auto",
    nodeNetworks: [],
  });
  for (const [i, svc] of placement.services.entries()) {
    const pools = planServicePools(cluster, svc).pools;
    await applyVirtualService(session, {
      cluster,
      namespace: svc.namespace,
      service: svc.name,
      vip: { address: services[i]?.vip ?? "10.10.10.50" },
      ports: pools.map((p) => ({ port: p.servicePort, protocol: p.protocol })),
      pools,
      membership: "sync",
    });
  }
}

export async function startSyncLab(
  o: { avi?: AviEmulatorOptions; kube?: KubeEmulatorOptions; stack?: boolean } = {},
): Promise<SyncLab> {
  const [avi, kube] = await Promise.all([startAviEmulator(o.avi), startKubeEmulator(o.kube)]);
  const conn = connectionOf(avi);
  const session = createAviSession(conn);
  if (o.stack !== false) {
    await applySyncStack(session, kube, CLUSTER, [{ namespace: "default", name: "web", vip: "10.10.10.50" }]);
  }
  return {
    avi,
    kube,
    conn,
    session,
    async stop() {
      await session.logout().catch(() => undefined);
      await avi.stop();
      await kube.stop();
    },
  };
}

/** What `up` writes for web in membership "sync" and a node-port mode: servers planned once, the mode in markers. */
export async function applyWebInMode(lab: SyncLab, mode: Mode, nodeSelector?: string): Promise<void> {
  const read = await readModePlacement(
    { kubeconfigContent: lab.kube.kubeconfigContent },
    [{ namespace: "default", name: "web" }],
    { mode },
  );
  const svc = read.services[0];
  if (!svc) throw new Error("web was not read");
  const parsed = nodeSelector ? parseSelector(nodeSelector) : undefined;
  const planned = planServicePools(CLUSTER, svc, undefined, {
    mode,
    ...(read.nodes ? { nodes: read.nodes.nodes } : {}),
    ...(parsed?.ok ? { nodeSelector: parsed.requirements } : {}),
  });
  if (planned.failures.length > 0) throw new Error(planned.failures.map((f) => f.reason).join(" "));
  await applyVirtualService(lab.session, {
    cluster: CLUSTER,
    namespace: "default",
    service: "web",
    vip: { address: "10.10.10.50" },
    ports: planned.pools.map((p) => ({ port: p.servicePort, protocol: p.protocol })),
    pools: planned.pools,
    membership: "sync",
    serverSource: { mode, ...(nodeSelector ? { nodeSelector } : {}) },
  });
}

export interface RunningSync {
  handle: SyncHandle;
  lines: string[];
  stop(): Promise<void>;
}

/** The sync in this process, fast timings, no leader election unless given; its log lines kept. */
export async function runSync(lab: SyncLab, extra: Partial<SyncOptions> = {}): Promise<RunningSync> {
  const lines: string[] = [];
  const handle = await startSync({
    cluster: CLUSTER,
    kube: { kubeconfigContent: lab.kube.kubeconfigContent },
    avi: lab.conn,
    listen: "127.0.0.1:0",
    leaderElection: false,
    discoveryMs: 500,
    quietMs: 100,
    maxDelayMs: 500,
    log: (line) => lines.push(line),
    ...extra,
  });
  return { handle, lines, stop: () => handle.stop() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds; returns the milliseconds it took, or throws with `what` after timeoutMs. */
export async function within(timeoutMs: number, what: string, check: () => boolean): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

type Json = Record<string, unknown>;

/** "ip:port:enabled" of a pool on the controller, sorted. */
export function poolServers(avi: AviEmulator, name = POOL): string[] {
  const pool = avi.objects("pool").find((p) => p.name === name) as Json | undefined;
  return ((pool?.servers ?? []) as Json[])
    .map((s) => `${(s.ip as { addr: string }).addr}:${String(s.port)}:${s.enabled !== false}`)
    .sort();
}

/** The PUTs the controller acknowledged on pools since the log was cleared, by pool uuid. */
export function poolWrites(avi: AviEmulator): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of avi.writes()) {
    const m = /^\/api\/pool\/([^/?]+)/.exec(w.path);
    if (w.method === "PUT" && m && w.status === 200) out.set(m[1] as string, (out.get(m[1] as string) ?? 0) + 1);
  }
  return out;
}
