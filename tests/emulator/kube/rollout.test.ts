// kube.rollout(): every pod of an app replaced the way a Deployment rollout (maxUnavailable 0) does it, seen by a
// client the way the sync sees it, through an EndpointSlice watch.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { openWatch } from "./helpers";

// biome-ignore lint/suspicious/noExplicitAny: objects are open-ended JSON.
type Json = any;
const SEED = ["192.168.101.13", "192.168.101.22", "192.168.102.17", "192.168.102.36"];
const GATE = "avi-k8s.io/pool-member";

describe("Kubernetes emulator rollout helper", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  afterEach(async () => {
    await kube?.stop();
  });

  it("replaces every pod of a Service one by one, never leaving fewer ready endpoints than before", async () => {
    kube = await startKubeEmulator();
    const w = openWatch(
      kube,
      "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?watch=1&labelSelector=kubernetes.io%2Fservice-name%3Dweb",
    );
    await w.until((e) => e.type === "ADDED");
    const result = await kube.rollout({ service: "web" }, { readyAfterMs: 40, terminateAfterMs: 40 });
    await w.until(
      (e) =>
        (e.object.endpoints ?? []).length === 4 &&
        e.object.endpoints.every((x: Json) => !SEED.includes(x.addresses[0])),
    );
    w.stop();
    const states = w.events.map((e) => e.object.endpoints ?? []);
    const ready = states.map((eps) => eps.filter((x: Json) => x.conditions.ready).length);
    assert.ok(Math.min(...ready) >= 4, `ready endpoints per change: ${ready.join(" ")}`);
    assert.ok(Math.max(...states.map((s) => s.length)) <= 6, "at most one extra pod and one terminating at a time");
    assert.ok(
      states.some((eps) =>
        eps.some((x: Json) => x.conditions.terminating && x.conditions.serving && !x.conditions.ready),
      ),
      "old pods were seen terminating",
    );
    assert.equal(result.replaced.length, 4);
    assert.deepEqual(
      result.replaced.map((r) => [r.old, r.node]),
      [
        ["web-a", "node1"],
        ["web-b", "node1"],
        ["web-c", "node2"],
        ["web-d", "node2"],
      ],
    );
    const pods = kube.list("pods", "default");
    assert.deepEqual(
      pods.map((p) => p.metadata.name),
      result.replaced.map((r) => r.new).sort(),
    );
    for (const p of pods) {
      assert.match(p.metadata.name, new RegExp(`^web-${result.hash}-[a-z0-9]{5}$`));
      assert.equal(p.metadata.labels?.["pod-template-hash"], result.hash);
      assert.ok(!SEED.includes(p.status.podIP), p.status.podIP);
      assert.ok(p.status.podIP.startsWith(p.spec.nodeName === "node1" ? "192.168.101." : "192.168.102."));
    }
  });

  it("places new pods on the given nodes, in batches", async () => {
    kube = await startKubeEmulator();
    const steps: string[][] = [];
    const result = await kube.rollout(
      { selector: { app: "web" } },
      { batch: 2, nodes: ["node2"], onStep: (s) => void steps.push(s.terminating) },
    );
    assert.deepEqual(steps, [
      ["web-a", "web-b"],
      ["web-c", "web-d"],
    ]);
    assert.ok(result.replaced.every((r) => r.node === "node2" && r.ips[0].startsWith("192.168.102.")));
  });

  it("waits for readiness gates: fails naming the gate when nobody sets it, completes when a controller does", async () => {
    kube = await startKubeEmulator();
    for (const name of ["g-1", "g-2"])
      kube.addPod({ name, node: "node1", labels: { app: "gated" }, readinessGates: [GATE], ready: false });
    for (const name of ["g-1", "g-2"]) kube.setPodCondition("default", name, GATE, true);
    for (const name of ["g-1", "g-2"]) kube.setPodReady("default", name, true);
    await assert.rejects(kube.rollout({ selector: { app: "gated" } }, { timeoutMs: 300 }), (e: Error) => {
      assert.match(
        e.message,
        /^rollout of app=gated: new pod gated-[a-z0-9]{10}-[a-z0-9]{5} not Ready after 300 ms: Ready is False: ReadinessGatesNotReady/,
      );
      assert.match(e.message, new RegExp(`readiness gate "${GATE.replace(/\./g, "\\.")}" does not exist`));
      return true;
    });
    // A stand-in for the sync: sets the gate of every started pod that lacks it.
    const controller = setInterval(() => {
      for (const p of kube.list("pods", "default")) {
        const started = p.status?.conditions?.some((c: Json) => c.type === "ContainersReady" && c.status === "True");
        if (started && !p.status.conditions.some((c: Json) => c.type === GATE) && !p.metadata.deletionTimestamp)
          kube.setPodCondition("default", p.metadata.name, GATE, true);
      }
    }, 20);
    try {
      const result = await kube.rollout({ selector: { app: "gated" } }, { timeoutMs: 5000 });
      // The failed rollout left its new pod behind, as a stuck Deployment does; it is replaced too.
      assert.deepEqual(result.replaced.map((r) => r.old).slice(0, 2), ["g-1", "g-2"]);
      assert.equal(result.replaced.length, 3);
      const gated = kube.list("pods", "default").filter((p) => p.metadata.labels?.app === "gated");
      assert.equal(gated.length, 3);
      assert.ok(gated.every((p) => p.metadata.labels?.["pod-template-hash"] === result.hash));
    } finally {
      clearInterval(controller);
    }
  });
});
