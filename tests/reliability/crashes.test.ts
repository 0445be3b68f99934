// Crash campaign: the dynamic-provider host process is killed (SIGKILL) at each write point of create, update and
// delete, once with the write landing on the controller and once with it never landing; then the operation is
// retried as Pulumi would retry it (a lost create runs create again, a lost update updates from the old state, a
// lost delete deletes again) in a fresh host. Every time: converged, nothing orphaned, nothing recorded twice.
import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import type { ProviderHost } from "../../emulator/engine";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { campaignSize, printFailures, report, sleep } from "./support/campaign";
import { extraNode, resetCluster } from "./support/churn";
import {
  type Providers,
  type StackState,
  type Step,
  serializedProviders,
  stackConfig,
  startHost,
  steps,
} from "./support/engine";
import { compare, expectedPool, expectedRoutes, foreignChanges, routesOf, snapshotForeign } from "./support/oracle";
import { connectionTo, plantForeign, withSession } from "./support/stack";

type Op = "create" | "update" | "delete";
const OPS: Op[] = ["create", "update", "delete"];

interface WritePoint {
  op: Op;
  step: number;
  method: string;
  type: string;
}

const typeOf = (path: string) => path.split("/")[2] ?? "";

/** The update every scenario makes: a pod moves, a node joins, the Service moves to port 8080. */
function rollout(kube: KubeEmulator): void {
  kube.movePod("default", "web-a", "node2");
  extraNode(kube, "node3", 103, 103);
  const svc = kube.get("services", "web", "default")!;
  kube.apply({ ...svc, spec: { ...svc.spec, ports: [{ ...svc.spec.ports[0], port: 8080 }] } });
}

async function quiesce(avi: AviEmulator): Promise<void> {
  for (let i = 0; i < 400 && avi.requestLog.some((e) => e.status === 0); i++) await sleep(10);
}

describe("reliability: crash campaign (kill -9 of the provider host at each write point)", function () {
  this.timeout(0);
  let avi: AviEmulator;
  let kube: KubeEmulator;
  let providers: Providers;
  let config: Record<string, string>;
  const hosts: ProviderHost[] = [];
  const points: WritePoint[] = [];
  /** A live host left by the previous scenario: the next one starts its stack there (saves a host start). */
  let spare: ProviderHost | undefined;

  async function host(): Promise<ProviderHost> {
    const h = await startHost(config);
    hosts.push(h);
    return h;
  }

  before(async () => {
    [avi, kube] = await Promise.all([startAviEmulator(), startKubeEmulator()]);
    await withSession(connectionTo(avi), plantForeign);
    providers = await serializedProviders();
    config = stackConfig(avi, kube);
    // A clean probe run finds the write points, so the campaign follows the product's actual write sequence.
    resetCluster(kube);
    const h = await host();
    const state: StackState = {};
    const program = steps(providers, { cluster: "probe", vip: "10.100.4.1" });
    for (const op of OPS) {
      if (op === "update") rollout(kube);
      for (const [i, step] of program[op].entries()) {
        const from = avi.writes().length;
        await step(h, state);
        const seen = new Set<string>();
        for (const w of avi.writes().slice(from)) {
          const key = `${w.method} ${typeOf(w.path)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          points.push({ op, step: i, method: w.method, type: typeOf(w.path) });
        }
      }
    }
    spare = h;
  });

  after(async () => {
    for (const h of hosts) h.process.kill("SIGKILL");
    await avi?.stop();
    await kube?.stop();
  });

  /** Runs `step` on `h` and kills the host the moment the write arrives at the controller. */
  async function killedAt(h: ProviderHost, step: Step, state: StackState, p: WritePoint, lands: boolean) {
    const scope = { methods: [p.method], path: new RegExp(`^/api/${p.type}(/|$)`) };
    avi.faults.set({ latencyMs: 1200, ...scope });
    if (!lands) avi.faults.failNext({ kind: "reset" }, 1, scope);
    const from = avi.requestLog.length;
    let killed = false;
    const watcher = setInterval(() => {
      const hit = avi.requestLog
        .slice(from)
        .some((e) => e.method === p.method && typeOf(e.path) === p.type && e.status === 0);
      if (hit && !killed) {
        killed = true;
        h.process.kill("SIGKILL");
      }
    }, 2);
    const err = await step(h, state).then(
      () => undefined,
      (e: unknown) => e,
    );
    clearInterval(watcher);
    await quiesce(avi);
    avi.faults.clear();
    if (!killed) throw new Error("the write point was never reached");
    if (err === undefined) throw new Error("the operation finished although its host was killed");
  }

  async function scenario(
    n: number,
    p: WritePoint,
    lands: boolean,
  ): Promise<{ orphans: number; foreign: number; problems: string[] }> {
    const cluster = `k${n}`;
    resetCluster(kube);
    const before = snapshotForeign(avi, [cluster]);
    const program = steps(providers, { cluster, vip: `10.100.5.${n + 1}` });
    const state: StackState = {};
    const h1 = spare ?? (await host());
    spare = undefined;
    if (p.op !== "create") for (const s of program.create) await s(h1, state);
    if (p.op === "update") rollout(kube);
    const ops = program[p.op];
    for (let i = 0; i < p.step; i++) await ops[i]!(h1, state);
    await killedAt(h1, ops[p.step]!, state, p, lands);
    // As Pulumi: a new host, the same state, the interrupted resource operation again, then the rest.
    const h2 = await host();
    for (let i = p.step; i < ops.length; i++) await ops[i]!(h2, state);

    const problems: string[] = [];
    const desired =
      p.op === "delete" ? { routes: [] } : { routes: expectedRoutes(kube), pool: expectedPool(kube, "default", "web") };
    const cmp = compare(avi, { cluster, namespace: "default", service: "web", ...desired });
    problems.push(...cmp.problems, ...cmp.orphans.map((o) => `orphan ${o}`));
    const foreign = foreignChanges(avi, before, [cluster]);
    problems.push(...foreign.map((f) => `foreign ${f}`));
    if (p.op === "delete") {
      if (state.vs || state.routes) problems.push("the state still records a resource after destroy");
    } else {
      // Recorded once, and what is recorded is what the controller holds.
      const vs = avi.objects("virtualservice").filter((v) => v.name === `${cluster}--default-web`);
      const out = state.vs?.outputs ?? {};
      if (vs.length !== 1 || out.virtualServiceUuid !== vs[0]!.uuid)
        problems.push("state names another virtual service");
      const vip = avi.objects("vsvip").find((v) => v.name === `${cluster}--default-web`);
      if (out.vsVipUuid !== vip?.uuid) problems.push("state names another vsvip");
      // Pools by name, routes by prefix (sdk/providers/props.ts).
      const pools = (out.pools ?? {}) as Record<string, { uuid: string }>;
      for (const [name, pool] of Object.entries(pools))
        if (!avi.object("pool", pool.uuid)) problems.push(`state names missing pool ${name}`);
      const recorded = Object.entries((state.routes?.outputs.routes ?? {}) as Record<string, string>)
        .map(([prefix, nextHop]) => `${prefix} via ${nextHop}`)
        .sort();
      if (JSON.stringify(recorded) !== JSON.stringify(routesOf(avi, cluster))) problems.push("state routes differ");
      // One more `up` finds nothing to do.
      const again: StackState = { ...state };
      for (const s of program.update) await s(h2, again);
      if (again.vs?.outputs !== state.vs?.outputs || again.routes?.outputs !== state.routes?.outputs) {
        problems.push("a further up still wanted to update");
      }
      for (const s of program.delete) await s(h2, state);
    }
    await h1.stop();
    spare = h2;
    return { orphans: cmp.orphans.length, foreign: foreign.length, problems };
  }

  it("every kill at every write point converges on retry, with nothing orphaned or recorded twice", async () => {
    assert.ok(points.length >= 8, `too few write points found: ${points.map((p) => `${p.op} ${p.method} ${p.type}`)}`);
    const all = points.flatMap((p) => [true, false].map((lands) => ({ p, lands })));
    // The short form spreads its kills over the three operations; the full one takes every point both ways.
    const count = Math.min(all.length, campaignSize(all.length, 3));
    const replay = process.env.REPLAY_SEED;
    const spread = OPS.map((op, i) => all.filter((s) => s.p.op === op)[i]!).slice(0, count);
    // REPLAY_SEED names a kill by its index in the full list (printed with each failure).
    const replayed = replay ? all[Number(replay)] : undefined;
    const chosen = replayed ? [replayed] : count === all.length ? all : spread;
    const failures: { seed: number; problem: string }[] = [];
    let orphans = 0;
    let foreign = 0;
    for (const { p, lands } of chosen) {
      const n = all.findIndex((s) => s.p === p && s.lands === lands);
      const label = `${p.op} ${p.method} ${p.type} (${lands ? "write landed" : "write lost"})`;
      try {
        const r = await scenario(n, p, lands);
        orphans += r.orphans;
        foreign += r.foreign;
        if (r.problems.length > 0) failures.push({ seed: n, problem: `${label}: ${r.problems.join("; ")}` });
      } catch (e) {
        failures.push({ seed: n, problem: `${label}: ${(e as Error).message}` });
      }
    }
    report({
      campaign: "crash campaign",
      unit: "kills",
      schedules: chosen.length,
      converged: chosen.length - failures.length,
      orphans,
      foreignChanges: foreign,
      secretsFound: hosts.filter((h) => h.stderr().includes(avi.password) || h.stdout().includes(avi.password)).length,
      extra: { "write points": points.length },
    });
    printFailures("crash campaign", failures);
    assert.deepEqual(failures, []);
  });
});
