// The membership sync's campaigns (short form in `npm test`, full size in `npm run test:reliability`), every one
// against the real `avi-k8s sync` command in processes of its own:
// - kill -9 at a random point of a rollout, restart (as the same pod, or as a new one): it converges, nothing lost,
//   nothing duplicated;
// - two replicas: only the Lease holder ever writes (writes counted per replica by the User-Agent the controller
//   logs); the leader killed, the other takes over within the lease duration and converges;
// - the Kubernetes API unreachable during a rollout (30 s in the full run): no write, pools keep their servers,
//   convergence after;
// Foreign pools, other clusters' objects and foreign routes are byte-identical throughout. Converged is judged by
// the emulators' own objects (the oracle), not by the product's reader or planner.
import * as assert from "node:assert/strict";
import { CLUSTER, poolServers, type SyncLab, startSyncLab, within } from "../provider/sync/support";
import { campaignSize, isFullRun, printFailures, report, rng, seeds, sleep } from "./support/campaign";
import { expectedPool, expectedRoutes, foreignChanges, routesOf, snapshotForeign } from "./support/oracle";
import { plantForeign } from "./support/stack";
import { type SyncProcess, spawnSync, writesBy } from "./support/syncproc";

/** The pool and routes as the emulators' own objects say they should be, or the first difference. */
function converged(lab: SyncLab): string | undefined {
  const want = expectedPool(lab.kube, "default", "web").servers;
  const got = poolServers(lab.avi);
  if (new Set(got).size !== got.length) return `duplicate servers: ${got.join(", ")}`;
  if (JSON.stringify(got) !== JSON.stringify(want)) return `pool ${got.join(", ")} != ${want.join(", ")}`;
  const routes = routesOf(lab.avi, CLUSTER);
  if (new Set(routes).size !== routes.length) return `duplicate routes: ${routes.join(", ")}`;
  if (JSON.stringify(routes) !== JSON.stringify(expectedRoutes(lab.kube))) return `routes ${routes.join(", ")}`;
  return undefined;
}

async function settle(lab: SyncLab, timeoutMs = 20_000): Promise<string | undefined> {
  const until = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < until) {
    const terminating = lab.kube.list("pods", "default").some((p) => p.metadata.deletionTimestamp);
    last = terminating ? "pods still terminating" : converged(lab);
    if (!last) return undefined;
    await sleep(50);
  }
  return last;
}

async function readySync(p: SyncProcess): Promise<void> {
  await within(20_000, `${p.identity} ready`, () => /full resync: /.test(p.output()) || p.exited());
  if (p.exited()) throw new Error(`sync ${p.identity} exited: ${p.output()}`);
}

function addPods(lab: SyncLab, n: number, tag: string): void {
  for (let i = 0; i < n; i++) {
    lab.kube.addPod({
      name: `web-${tag}${i}`,
      node: i % 2 ? "node1" : "node2",
      labels: { app: "web" },
      ports: [{ name: "http", containerPort: 8080 }],
    });
  }
}

describe("reliability: the membership sync (avi-k8s sync processes)", function () {
  this.timeout(0);

  it("kill -9 at random points of a rollout, then restart: converges, nothing lost or duplicated", async () => {
    const failures: { seed: number; problem: string }[] = [];
    let foreign = 0;
    const list = seeds(campaignSize(30, 3));
    for (const seed of list) {
      const r = rng(seed);
      const lab = await startSyncLab();
      const procs: SyncProcess[] = [];
      try {
        await plantForeign(lab.session);
        const before = snapshotForeign(lab.avi, [CLUSTER]);
        addPods(lab, r.int(0, 6), `s${seed}-`);
        const first = spawnSync(lab, `replica-${seed}`);
        procs.push(first);
        await readySync(first);
        const rollout = lab.kube.rollout(
          { service: "web" },
          { batch: r.int(1, 4), readyAfterMs: r.int(20, 300), terminateAfterMs: r.int(20, 300) },
        );
        await sleep(r.int(0, 1200));
        await first.kill("SIGKILL");
        await sleep(r.int(0, 600));
        // The same pod restarted (same identity: its own Lease, taken at once) or a new pod (waits the Lease out).
        const second = spawnSync(lab, r.chance(0.5) ? `replica-${seed}` : `replica-${seed}-new`);
        procs.push(second);
        await rollout;
        if (r.chance(0.3))
          lab.kube.deletePod(
            "default",
            lab.kube.list("pods", "default").find((p) => p.metadata.labels?.app === "web")?.metadata.name as string,
          );
        const problem = await settle(lab);
        if (problem) failures.push({ seed, problem: `${problem}\n${second.output().slice(-1500)}` });
        const changed = foreignChanges(lab.avi, before, [CLUSTER]);
        foreign += changed.length;
        if (changed.length > 0) failures.push({ seed, problem: `foreign changes: ${changed.join(", ")}` });
      } catch (e) {
        failures.push({ seed, problem: (e as Error).message });
      } finally {
        for (const p of procs) await p.kill("SIGKILL");
        await lab.stop();
      }
    }
    report({
      campaign: "sync kill -9",
      unit: "kills",
      schedules: list.length,
      converged: list.length - failures.length,
      orphans: 0,
      foreignChanges: foreign,
    });
    assert.equal(printFailures("sync kill -9", failures), 0);
  });

  it("two replicas: only the Lease holder writes; the leader killed, the other takes over within the lease duration", async () => {
    const failures: { seed: number; problem: string }[] = [];
    const list = seeds(campaignSize(5, 1));
    let takeoverWorst = 0;
    for (const seed of list) {
      const r = rng(seed);
      const lab = await startSyncLab({ avi: { changeLogSize: 10_000 } });
      const procs: SyncProcess[] = [];
      try {
        await plantForeign(lab.session);
        const before = snapshotForeign(lab.avi, [CLUSTER]);
        const a = spawnSync(lab, `a-${seed}`);
        const b = spawnSync(lab, `b-${seed}`);
        procs.push(a, b);
        await within(
          20_000,
          "a leader and a ready follower",
          () => !!lab.kube.get("leases", "avi-k8s-sync-demo", "default")?.spec?.holderIdentity,
        );
        const holder = String(lab.kube.get("leases", "avi-k8s-sync-demo", "default")?.spec?.holderIdentity);
        const [leader, follower] = holder === a.identity ? [a, b] : [b, a];
        await readySync(leader);
        let followerReady = false;
        for (let i = 0; i < 100 && !followerReady; i++) {
          followerReady = await follower.ready();
          if (!followerReady) await sleep(100);
        }
        if (!followerReady) failures.push({ seed, problem: "the follower never answered /readyz 200" });
        addPods(lab, r.int(1, 4), `t${seed}-`);
        await lab.kube.rollout({ service: "web" }, { batch: r.int(1, 3), readyAfterMs: 50, terminateAfterMs: 50 });
        const p1 = await settle(lab);
        if (p1) failures.push({ seed, problem: `before the kill: ${p1}` });
        const fw = writesBy(lab, follower.identity);
        const lw = writesBy(lab, leader.identity);
        if (fw !== 0 || lw === 0)
          failures.push({ seed, problem: `writes before the kill: leader ${lw}, follower ${fw}` });
        const killedAt = Date.now();
        await leader.kill("SIGKILL");
        lab.kube.deletePod(
          "default",
          lab.kube.list("pods", "default").find((p) => p.metadata.labels?.app === "web")?.metadata.name as string,
        );
        await within(
          10_000,
          "the follower takes the Lease",
          () => lab.kube.get("leases", "avi-k8s-sync-demo", "default")?.spec?.holderIdentity === follower.identity,
        );
        const took = Date.now() - killedAt;
        takeoverWorst = Math.max(takeoverWorst, took);
        if (took > 2000 + 500) failures.push({ seed, problem: `takeover after ${took} ms (lease 2 s)` });
        const p2 = await settle(lab);
        if (p2) failures.push({ seed, problem: `after the takeover: ${p2}` });
        if (writesBy(lab, leader.identity, killedAt + 1) !== 0)
          failures.push({ seed, problem: "the dead leader wrote" });
        if (writesBy(lab, follower.identity) === 0) failures.push({ seed, problem: "the new leader never wrote" });
        const changed = foreignChanges(lab.avi, before, [CLUSTER]);
        if (changed.length > 0) failures.push({ seed, problem: `foreign changes: ${changed.join(", ")}` });
      } catch (e) {
        failures.push({ seed, problem: (e as Error).message });
      } finally {
        for (const p of procs) await p.kill("SIGKILL");
        await lab.stop();
      }
    }
    report({
      campaign: "sync two replicas",
      unit: "leader kills",
      schedules: list.length,
      converged: list.length - failures.length,
      orphans: 0,
      foreignChanges: 0,
      extra: { "ms worst takeover (lease 2000 ms)": takeoverWorst },
    });
    assert.equal(printFailures("sync two replicas", failures), 0);
  });

  it("the Kubernetes API unreachable during a rollout: no write, pools keep their servers, convergence after", async () => {
    const outageMs = isFullRun() ? 30_000 : 3_000;
    const failures: { seed: number; problem: string }[] = [];
    const list = seeds(campaignSize(3, 1));
    for (const seed of list) {
      const r = rng(seed);
      const lab = await startSyncLab();
      let p: SyncProcess | undefined;
      try {
        await plantForeign(lab.session);
        const before = snapshotForeign(lab.avi, [CLUSTER]);
        addPods(lab, r.int(1, 4), `u${seed}-`);
        p = spawnSync(lab, `outage-${seed}`, ["--no-leader-elect"]);
        await readySync(p);
        await within(5000, "in the pool", () => !converged(lab));
        const held = poolServers(lab.avi);
        const writes = lab.avi.writes().length;
        lab.kube.setFaults({ serverError: Number.POSITIVE_INFINITY });
        lab.kube.dropWatches();
        const rollout = lab.kube.rollout(
          { service: "web" },
          { batch: r.int(1, 3), readyAfterMs: 100, terminateAfterMs: 100 },
        );
        const until = Date.now() + outageMs;
        while (Date.now() < until) {
          if (JSON.stringify(poolServers(lab.avi)) !== JSON.stringify(held)) {
            failures.push({ seed, problem: `the pool changed during the outage: ${poolServers(lab.avi).join(", ")}` });
            break;
          }
          await sleep(100);
        }
        await rollout;
        if (lab.avi.writes().length !== writes) failures.push({ seed, problem: "a write during the outage" });
        lab.kube.clearFaults();
        const problem = await settle(lab, 20_000);
        if (problem) failures.push({ seed, problem: `after the outage: ${problem}` });
        const changed = foreignChanges(lab.avi, before, [CLUSTER]);
        if (changed.length > 0) failures.push({ seed, problem: `foreign changes: ${changed.join(", ")}` });
      } catch (e) {
        failures.push({ seed, problem: (e as Error).message });
      } finally {
        await p?.kill("SIGKILL");
        await lab.stop();
      }
    }
    report({
      campaign: `sync Kubernetes outage (${outageMs / 1000} s)`,
      schedules: list.length,
      converged: list.length - failures.length,
      orphans: 0,
      foreignChanges: 0,
    });
    assert.equal(printFailures("sync Kubernetes outage", failures), 0);
  });
});
