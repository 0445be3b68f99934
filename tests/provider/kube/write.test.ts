// provider/kube's few writes, against the Kubernetes emulator: the Service's load balancer status through
// services/status, one pod condition through pods/status (kept apart from the kubelet's, refused for a replaced
// pod), the readiness gate read from gated pods that are not ready, the server version, and Events (folded).
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import {
  attachGates,
  createEventRecorder,
  type KubeClient,
  openClient,
  patchPodCondition,
  patchServiceIngress,
  readServiceWith,
  serverVersion,
} from "../../../provider/kube";
import { POOL_MEMBER_GATE } from "../../../provider/plan";

type Json = Record<string, unknown>;

describe("provider/kube writes: status, pod condition, readiness gate, events (emulator)", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  let client: KubeClient;

  beforeEach(async () => {
    kube = await startKubeEmulator();
    client = await openClient({ kubeconfigContent: kube.kubeconfigContent });
  });
  afterEach(async () => {
    client?.close();
    await kube?.stop();
  });

  it("writes and clears status.loadBalancer.ingress through /status, false for a Service that is gone", async () => {
    const svc = JSON.parse(JSON.stringify(kube.get("services", "web", "default")));
    delete svc.metadata.resourceVersion;
    kube.apply({ ...svc, spec: { ...svc.spec, type: "LoadBalancer" } });
    const ref = { namespace: "default", name: "web" };
    assert.equal(await patchServiceIngress(client, ref, [{ ip: "10.10.10.50", ipMode: "VIP" }]), true);
    assert.deepEqual(kube.get("services", "web", "default")?.status, {
      loadBalancer: { ingress: [{ ip: "10.10.10.50", ipMode: "VIP" }] },
    });
    assert.equal(await patchServiceIngress(client, ref, []), true);
    assert.deepEqual(kube.get("services", "web", "default")?.status, { loadBalancer: {} });
    assert.equal(await patchServiceIngress(client, { namespace: "default", name: "nope" }, []), false);
    const writes = kube.requestLog.filter((e) => e.method === "PATCH").map((e) => `${e.path} ${e.contentType}`);
    assert.ok(
      writes.every((w) => w.includes("/status application/merge-patch+json")),
      writes.join("\n"),
    );
  });

  it("sets a pod condition beside the kubelet's, and reports a replaced pod as gone", async () => {
    kube.addPod({ name: "g-1", node: "node1", labels: { app: "g" }, readinessGates: [POOL_MEMBER_GATE] });
    const pod = kube.get("pods", "g-1", "default")!;
    const ready = () =>
      ((kube.get("pods", "g-1", "default")?.status?.conditions ?? []) as Json[]).find((c) => c.type === "Ready")
        ?.status;
    assert.equal(ready(), "False", "the gate holds the pod back");
    const cond = { type: POOL_MEMBER_GATE, status: "True" as const, reason: "ServerEnabled", message: "Enabled." };
    const ref = { namespace: "default", name: "g-1", uid: pod.metadata.uid as string };
    assert.equal(await patchPodCondition(client, ref, cond), "written");
    const conditions = kube.get("pods", "g-1", "default")?.status.conditions as Json[];
    assert.deepEqual(
      conditions.map((c) => c.type).sort(),
      ["ContainersReady", "PodScheduled", "Ready", POOL_MEMBER_GATE].sort(),
    );
    assert.equal(conditions.find((c) => c.type === POOL_MEMBER_GATE)?.reason, "ServerEnabled");
    await kube.waitFor("pods", "g-1", "default", () => ready() === "True", 2000);
    // The pod is replaced by another of the same name: the old uid's condition is not written onto it.
    kube.deletePod("default", "g-1");
    kube.addPod({ name: "g-1", node: "node1", labels: { app: "g" }, readinessGates: [POOL_MEMBER_GATE] });
    assert.equal(await patchPodCondition(client, ref, cond), "gone");
    assert.equal(ready(), "False");
    assert.equal(await patchPodCondition(client, { namespace: "default", name: "nope" }, cond), "gone");
  });

  it("reads a not-ready gated pod's containers' readiness from pods/status, and no pod while all are ready", async () => {
    const ref = { namespace: "default", name: "web" };
    kube.requestLog.length = 0;
    const plain = await readServiceWith(client, ref);
    assert.equal(kube.requestLog.filter((e) => e.path.includes("/pods/")).length, 0, "no pod read");
    assert.ok(plain.ports[0]?.endpoints.every((e) => e.readinessGate === undefined));
    kube.addPod({
      name: "web-g",
      node: "node2",
      labels: { app: "web" },
      ports: [{ name: "http", containerPort: 8080 }],
      readinessGates: [POOL_MEMBER_GATE],
    });
    const gated = await readServiceWith(client, ref);
    const ep = gated.ports[0]?.endpoints.find((e) => e.pod?.name === "web-g");
    assert.equal(ep?.ready, false);
    assert.deepEqual(ep?.readinessGate, { containersReady: true, status: "" });
    const reads = kube.requestLog.filter((e) => e.path.includes("/pods/")).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(reads, ["GET /api/v1/namespaces/default/pods/web-g/status"]);
    // A not-ready pod without the gate is read too, and left as the slice says.
    kube.setPodReady("default", "web-a", false);
    const again = await attachGates(client, await readServiceWith(client, ref));
    assert.equal(again.ports[0]?.endpoints.find((e) => e.pod?.name === "web-a")?.readinessGate, undefined);
  });

  it("knows the server's version and folds repeated Events into one that says how many", async () => {
    assert.deepEqual(await serverVersion(client), { major: 1, minor: 32 });
    const uid = kube.get("services", "web", "default")?.metadata.uid as string;
    const errors: string[] = [];
    const events = createEventRecorder(client, {
      controller: "avi-k8s.io/sync",
      instance: "test",
      intervalMs: 60_000,
      onError: (e) => errors.push(e.message),
    });
    const regarding = { namespace: "default", name: "web", uid };
    for (let i = 0; i < 5; i++) {
      events.record(regarding, { type: "Normal", reason: "PoolUpdated", action: "UpdatePool", note: `step ${i}` });
    }
    events.record(regarding, { type: "Warning", reason: "Refused", action: "Check", note: "no" });
    await events.flush();
    assert.deepEqual(errors, []);
    const stored = kube.list("events", "default").filter((e) => (e.involvedObject as Json | undefined)?.uid === uid);
    assert.deepEqual(stored.map((e) => `${e.reason}: ${e.message}`).sort(), [
      "PoolUpdated: step 0",
      "PoolUpdated: step 4 (and 3 earlier events like it in the last 60 s)",
      "Refused: no",
    ]);
    assert.equal((stored[0] as Json).reportingComponent, "avi-k8s.io/sync");
  });
});
