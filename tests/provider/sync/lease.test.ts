// Leader election on the Kubernetes emulator's coordination.k8s.io/v1 Leases: one holder at a time, a released
// Lease taken over at once, a dead holder's Lease taken over within the lease duration, MicroTimes as the API
// server insists on them.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { type KubeClient, openClient } from "../../../provider/kube";
import { type Elector, startLeaderElection } from "../../../provider/sync/lease";
import { sleep, within } from "./support";

describe("provider/sync leader election on a Lease", function () {
  this.timeout(30_000);
  let kube: KubeEmulator;
  let client: KubeClient;
  const electors: Elector[] = [];

  before(async () => {
    kube = await startKubeEmulator();
    client = await openClient({ kubeconfigContent: kube.kubeconfigContent });
  });
  after(async () => {
    for (const e of electors) await e.stop(false);
    client.close();
    await kube.stop();
  });

  function candidate(identity: string, name: string, events: string[]): Elector {
    const e = startLeaderElection({
      client,
      namespace: "default",
      name,
      identity,
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 300,
      onStartedLeading: () => events.push(`${identity} leads`),
      onStoppedLeading: () => events.push(`${identity} stops`),
      log: () => undefined,
    });
    electors.push(e);
    return e;
  }

  it("lets one candidate lead at a time, and hands over at once when the holder releases", async () => {
    const events: string[] = [];
    const a = candidate("a", "sync-one", events);
    const b = candidate("b", "sync-one", events);
    await within(5000, "a leader", () => a.isLeader() || b.isLeader());
    for (let i = 0; i < 40; i++) {
      assert.ok(!(a.isLeader() && b.isLeader()), "never two leaders");
      await sleep(25);
    }
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
    assert.equal(follower.watching(), true, "the follower watches the Lease");
    const lease = kube.get("leases", "sync-one", "default");
    assert.match(String(lease?.spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, "a MicroTime");
    await leader.stop();
    const took = await within(1500, "the follower takes a released Lease", () => follower.isLeader());
    assert.ok(took < 1000, `${took} ms`);
    assert.equal(kube.get("leases", "sync-one", "default")?.spec?.leaseTransitions, 1);
  });

  it("takes over a dead holder's Lease within the lease duration, and the holder's term ends before that", async () => {
    const events: string[] = [];
    const a = candidate("a2", "sync-two", events);
    await within(3000, "a2 leads", () => a.isLeader());
    const b = candidate("b2", "sync-two", events);
    await within(3000, "b2 watches", () => b.watching());
    await sleep(700);
    const lastRenew = Date.parse(String(kube.get("leases", "sync-two", "default")?.spec?.renewTime));
    await a.stop(false); // dies: no release
    await within(5000, "b2 takes over", () => b.isLeader());
    const after = Date.now() - lastRenew;
    assert.ok(after <= 2000 + 300, `taken over ${after} ms after the last renewal (lease 2000 ms)`);
    assert.deepEqual(events, ["a2 leads", "a2 stops", "b2 leads"]);
  });
});
