// Fault campaign: seeded schedules of controller faults (5xx, resets, latency past the client's timeout, session
// expiry 401/419, 412 conflicts, a controller restart) and Kubernetes faults (500, 429, 410 on continue) during
// create, update and delete. After at most one clean re-run of the failed operation every schedule must have
// converged: exactly the desired objects and routes, nothing orphaned, nothing foreign changed, and one more run
// writes nothing. Every HOST_SHARE-th schedule runs through @pulumi/pulumi's dynamic-provider host as `pulumi up`
// and `pulumi destroy` would (check, diff, create/update, delete; a failed run re-run from the recorded state);
// the others call the core (provider/) directly with a faultier client (short timeout, few retries).
import * as assert from "node:assert/strict";
import { type AviEmulator, type FaultKnobs, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import type { ProviderHost } from "../../emulator/engine";
import type { VirtualServiceSpec } from "../../provider/avi";
import { campaignSize, printFailures, type Rng, report, rng, seeds, sleep } from "./support/campaign";
import { churn, resetCluster } from "./support/churn";
import { compare, expectedPool, expectedRoutes, foreignChanges, snapshotForeign } from "./support/oracle";
import {
  converge,
  type Providers,
  type StackState,
  serializedProviders,
  stackConfig,
  startHost,
} from "./support/engine";
import { applyStack, connectionTo, deleteStack, plantForeign, type StackTarget, withSession } from "./support/stack";

const AVI_FAULTS = ["5xx", "reset", "latency", "session401", "session419", "conflict", "restart", "mixed"] as const;
const KUBE_FAULTS = ["none", "500", "429", "410"] as const;
type AviFault = (typeof AVI_FAULTS)[number];
type KubeFault = (typeof KUBE_FAULTS)[number];
type Phase = "create" | "update" | "delete";

interface Armed {
  describe: string;
  timer?: NodeJS.Timeout;
}

function aviKnobs(kind: AviFault, r: Rng, seed: number): FaultKnobs {
  switch (kind) {
    case "5xx":
      return { seed, errorRate: 0.1 + r.next() * 0.35, errorStatus: r.pick([500, 502, 503, 504]) };
    case "reset":
      return { seed, resetRate: 0.05 + r.next() * 0.3 };
    case "latency":
      // Past the faulty client's 250 ms timeout: the write lands, its answer is lost.
      return { seed, latencyMs: [0, 450], methods: ["POST", "PUT", "DELETE"] };
    case "session401":
      return { seed, sessionDropRate: 0.1 + r.next() * 0.4, sessionDropStatus: 401 };
    case "session419":
      return { seed, sessionDropRate: 0.1 + r.next() * 0.4, sessionDropStatus: 419 };
    case "conflict":
      return { seed, conflictRate: 0.3 + r.next() * 0.6, methods: ["PUT", "PATCH"] };
    case "mixed":
      return {
        seed,
        errorRate: 0.1,
        resetRate: 0.05,
        sessionDropRate: 0.1,
        sessionDropStatus: r.pick([401, 419] as const),
        conflictRate: 0.3,
        latencyMs: [0, 60],
      };
    case "restart":
      return {};
  }
}

function arm(avi: AviEmulator, kube: KubeEmulator, r: Rng, seed: number): Armed {
  const kind = r.pick(AVI_FAULTS);
  const kubeKind: KubeFault = r.pick(KUBE_FAULTS);
  const armed: Armed = { describe: kind };
  avi.faults.set(aviKnobs(kind, r, seed));
  if (kind === "restart") {
    const after = r.int(0, 120);
    const lasts = r.int(100, 700);
    armed.describe = `restart after ${after} ms for ${lasts} ms`;
    armed.timer = setTimeout(() => avi.faults.restart(lasts), after);
  }
  const n = r.int(1, 5);
  if (kubeKind === "500") kube.setFaults({ serverError: n });
  if (kubeKind === "429") kube.setFaults({ tooManyRequests: n, retryAfterSeconds: 0 });
  if (kubeKind === "410") kube.setFaults({ expireContinue: Math.min(n, 2) });
  if (kubeKind !== "none") armed.describe += ` + kube ${kubeKind} x${kubeKind === "410" ? Math.min(n, 2) : n}`;
  return armed;
}

async function disarm(avi: AviEmulator, kube: KubeEmulator, armed: Armed): Promise<void> {
  if (armed.timer) clearTimeout(armed.timer);
  avi.faults.clear();
  kube.clearFaults();
  // Writes the faulty client gave up on still land: wait until the controller has answered every request.
  for (let i = 0; i < 200; i++) {
    await sleep(i === 0 ? 20 : 25);
    if (!avi.requestLog.some((e) => e.status === 0)) return;
  }
}

interface Outcome {
  converged: boolean;
  orphans: number;
  foreign: number;
  /** Operations (create, update, delete) that failed on the first try and were run once more. */
  reruns: number;
  /** Error messages of failed first runs that contain the controller password. */
  leaks: number;
  problem?: string;
}

/** Schedules run in lanes, each with its own pair of emulators: faults are per emulator, so lanes cannot meet. */
const LANES = 6;
/** Every HOST_SHARE-th seed runs through the dynamic-provider host. */
const HOST_SHARE = 3;
const PHASES: Phase[] = ["create", "update", "delete"];

interface Lane {
  avi: AviEmulator;
  kube: KubeEmulator;
  /** Started on the lane's first host schedule, with stack config pointing at the lane's emulators. */
  host?: ProviderHost;
}

const viaHost = (seed: number) => seed % HOST_SHARE === 0;

describe("reliability: fault campaign", function () {
  this.timeout(0);
  const lanes: Lane[] = [];
  let providers: Providers;

  before(async () => {
    providers = await serializedProviders();
    const started = await Promise.all(
      Array.from({ length: LANES }, async () => {
        const [avi, kube] = await Promise.all([startAviEmulator(), startKubeEmulator()]);
        await withSession(connectionTo(avi), plantForeign);
        return { avi, kube };
      }),
    );
    lanes.push(...started);
  });
  after(async () => {
    for (const l of lanes) {
      await l.host?.stop();
      await l.avi.stop();
      await l.kube.stop();
    }
  });

  async function schedule(lane: Lane, seed: number): Promise<Outcome> {
    const { avi, kube } = lane;
    if (viaHost(seed) && !lane.host) lane.host = await startHost(stackConfig(avi, kube));
    const host = viaHost(seed) ? lane.host : undefined;
    const state: StackState = {};
    const r = rng(seed);
    const cluster = `f${seed}`;
    resetCluster(kube);
    const target: StackTarget = { cluster, kube, vip: `10.100.${2 + Math.floor(seed / 250)}.${(seed % 250) + 1}` };
    const before = snapshotForeign(avi, [cluster]);
    const faulty = connectionTo(avi, { timeoutMs: 250, maxRetries: r.int(0, 3) });
    const clean = connectionTo(avi);
    let spec: VirtualServiceSpec | undefined;
    const out: Outcome = { converged: true, orphans: 0, foreign: 0, reruns: 0, leaks: 0 };
    const fail = (problem: string) => {
      out.converged = false;
      out.problem ??= problem;
    };
    const program = { cluster, vip: target.vip };
    for (const phase of PHASES) {
      const changes = phase === "update" ? churn(kube, r, `s${seed}`) : [];
      const run = async (conn: typeof clean) => {
        if (host) return converge(host, providers, program, state, phase === "delete" ? "destroy" : "up");
        return withSession(conn, async (s) => {
          if (phase === "delete") {
            if (!spec) throw new Error("nothing to delete: create never converged");
            await deleteStack(s, spec);
          } else {
            spec = (await applyStack(s, target)).spec;
          }
        });
      };
      const armed = arm(avi, kube, r, seed * 10 + phase.length);
      let firstError: unknown;
      await run(faulty).catch((e: unknown) => {
        firstError = e;
      });
      await disarm(avi, kube, armed);
      if (firstError !== undefined) {
        out.reruns++;
        if (String((firstError as Error)?.message ?? firstError).includes(avi.password)) out.leaks++;
        try {
          await run(clean);
        } catch (e) {
          fail(`${phase} (${armed.describe}; ${changes.join(", ")}): the clean re-run failed: ${(e as Error).message}`);
          return out;
        }
      }
      const pool = phase === "delete" ? undefined : expectedPool(kube, "default", "web");
      const cmp = compare(avi, {
        cluster,
        namespace: "default",
        service: "web",
        ...(pool ? { pool } : {}),
        routes: phase === "delete" ? [] : expectedRoutes(kube),
      });
      const foreign = foreignChanges(avi, before, [cluster]);
      out.orphans += cmp.orphans.length;
      out.foreign += foreign.length;
      const bad = [...cmp.orphans.map((o) => `orphan ${o}`), ...cmp.problems, ...foreign.map((f) => `foreign ${f}`)];
      if (bad.length > 0) {
        fail(`after ${phase} (${armed.describe}; ${changes.join(", ")}): ${bad.join("; ")}`);
        return out;
      }
      if (phase !== "delete") {
        const from = avi.writes().length;
        if (host) await converge(host, providers, program, state, "up");
        else await withSession(clean, (s) => applyStack(s, target));
        const again = avi.writes().length - from;
        if (again !== 0) fail(`after ${phase} (${armed.describe}): a further run wrote ${again} times`);
      }
    }
    return out;
  }

  it("every seeded schedule converges after at most one clean re-run, with no orphan and no foreign change", async () => {
    const list = seeds(campaignSize(500, 20));
    const hosted = list.filter(viaHost);
    const failures: { seed: number; problem: string }[] = [];
    let orphans = 0;
    let foreign = 0;
    let reruns = 0;
    let hostReruns = 0;
    let leaks = 0;
    const queue = [...list];
    await Promise.all(
      lanes.map(async (lane) => {
        for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
          const o = await schedule(lane, seed);
          orphans += o.orphans;
          foreign += o.foreign;
          reruns += o.reruns;
          if (viaHost(seed)) hostReruns += o.reruns;
          leaks += o.leaks;
          if (!o.converged) failures.push({ seed, problem: o.problem ?? "not converged" });
        }
      }),
    );
    failures.sort((a, b) => a.seed - b.seed);
    report({
      campaign: "fault campaign",
      schedules: list.length,
      converged: list.length - failures.length,
      orphans,
      foreignChanges: foreign,
      secretsFound: leaks,
      extra: {
        operations: list.length * PHASES.length,
        "failed on the first try (then re-run once)": reruns,
        "schedules through the dynamic-provider host": hosted.length,
        "host operations failed on the first try": hostReruns,
      },
    });
    printFailures("fault campaign", failures);
    assert.equal(failures.length, 0, `${failures.length} schedules did not converge`);
    assert.equal(orphans + foreign + leaks, 0);
    assert.ok(reruns > 0, "the faults never made an operation fail: the campaign tested nothing");
    assert.ok(hosted.length >= Math.floor(list.length / HOST_SHARE), "a share of the schedules ran through the host");
  });
});
