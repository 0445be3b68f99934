// /healthz and /readyz as a Deployment's probes see them: a follower (not the Lease holder) is ready, standing by,
// so a rollout of the sync's own Deployment is not held up by it and its pod stays in service; the leader is ready
// only once its first full pass is done; /healthz is liveness alone, whatever readiness says.
import * as assert from "node:assert/strict";
import { defaultLeaseName } from "../../../provider/sync";
import { startHealthServer } from "../../../provider/sync/health";
import { CLUSTER, type RunningSync, runSync, type SyncLab, startSyncLab, within } from "./support";

async function probe(url: string, path: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`${url}${path}`);
  return { status: r.status, body: await r.text() };
}

describe("the sync's health endpoints", function () {
  this.timeout(60_000);

  it("/healthz answers liveness only, /readyz readiness only", async () => {
    let alive = true;
    let ready = { ok: true, reason: "ready: follower" };
    const server = await startHealthServer("127.0.0.1:0", {
      alive: () => alive,
      ready: () => ready,
      metrics: () => "",
    });
    try {
      alive = false;
      assert.equal((await probe(server.url, "/healthz")).status, 500);
      assert.equal((await probe(server.url, "/readyz")).status, 200);
      alive = true;
      ready = { ok: false, reason: "not ready: leader, first full resync not done yet" };
      assert.equal((await probe(server.url, "/healthz")).status, 200);
      assert.deepEqual(await probe(server.url, "/readyz"), { status: 503, body: `${ready.reason}\n` });
    } finally {
      await server.close();
    }
  });

  describe("two replicas on a Lease", () => {
    let lab: SyncLab;
    const syncs: RunningSync[] = [];
    before(async () => {
      lab = await startSyncLab();
    });
    after(async () => {
      for (const s of syncs) await s.stop();
      await lab?.stop();
    });

    it("the follower is ready at once; the leader only after its first full pass, which waits for the controller", async () => {
      // The controller refuses everything: the leader cannot finish a pass, the follower does not need one.
      lab.avi.faults.set({ errorRate: 1, errorStatus: 503 });
      for (const identity of ["a", "b"]) {
        const leaderElection = {
          namespace: "default",
          name: defaultLeaseName(CLUSTER),
          identity,
          leaseDurationMs: 2000,
          renewDeadlineMs: 1500,
          retryPeriodMs: 250,
        };
        syncs.push(await runSync(lab, { leaderElection }));
      }
      await within(10_000, "a leader", () => syncs.some((s) => s.handle.leader()));
      const leader = syncs.find((s) => s.handle.leader()) as RunningSync;
      const follower = syncs.find((s) => s !== leader) as RunningSync;
      await within(10_000, "the follower's /readyz", () => follower.handle.ready());
      const f = await probe(follower.handle.url as string, "/readyz");
      assert.equal(f.status, 200);
      assert.equal(f.body, `ready: follower watching the Lease (held by ${leader.handle.identity})\n`);
      const l = await probe(leader.handle.url as string, "/readyz");
      assert.deepEqual(l, { status: 503, body: "not ready: leader, first full resync not done yet\n" });
      for (const s of syncs) assert.equal((await probe(s.handle.url as string, "/healthz")).status, 200);

      lab.avi.faults.clear();
      await within(30_000, "the leader's first full pass", () => leader.handle.ready());
      const after = await probe(leader.handle.url as string, "/readyz");
      assert.deepEqual(after, { status: 200, body: "ready: leader, first full resync done\n" });
      assert.equal((await probe(follower.handle.url as string, "/readyz")).status, 200, "the follower still is");
    });
  });
});
