// The kubelet/CNI imitation: pods bound to a node start with the next free address of the node's pod CIDR and
// turn Ready after the chosen delay; Ready follows readiness gates; a graceful delete keeps the pod Terminating,
// then removes it; EndpointSlices follow each step.
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call } from "./helpers";

// biome-ignore lint/suspicious/noExplicitAny: objects are open-ended JSON.
type Json = any;
const PODS = "/api/v1/namespaces/default/pods";
const GATE = "avi-k8s.io/pool-member";
const endpoint = (kube: KubeEmulator, pod: string) =>
  kube
    .list("endpointslices", "default")
    .flatMap((s) => s.endpoints ?? [])
    .find((e: Json) => e.targetRef?.name === pod);
const condition = (p: Json, type: string) => p?.status?.conditions?.find((c: Json) => c.type === type);
const podBody = (name: string, extra: Json = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "web" }, ...extra.metadata },
  spec: {
    nodeName: "node1",
    containers: [{ name: "web", image: "nginx:1.27", ports: [{ name: "http", containerPort: 8080 }] }],
    ...extra.spec,
  },
});

describe("Kubernetes emulator kubelet and CNI", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  afterEach(async () => {
    await kube?.stop();
  });

  it("starts a pod created over the API: Pending, then Running with the next free IP of its node, then Ready", async () => {
    kube = await startKubeEmulator({ kubelet: { readyAfterMs: 150 } });
    const created = await call(kube, "POST", PODS, { body: podBody("web-e") });
    assert.equal(created.status, 201);
    assert.equal(created.body.status.phase, "Pending");
    assert.equal(created.body.status.podIP, undefined);
    const running = await kube.waitFor("pods", "web-e", "default", (p) => p?.status?.phase === "Running");
    assert.equal(running?.status.podIP, "192.168.101.2");
    assert.deepEqual(running?.status.podIPs, [{ ip: "192.168.101.2" }]);
    assert.equal(running?.status.hostIP, "10.100.1.101");
    assert.deepEqual(
      [
        condition(running, "Ready").status,
        condition(running, "Ready").reason,
        condition(running, "ContainersReady").message,
      ],
      ["False", "ContainersNotReady", "containers with unready status: [web]"],
    );
    assert.deepEqual(endpoint(kube, "web-e").conditions, { ready: false, serving: false, terminating: false });
    const ready = await kube.waitFor("pods", "web-e", "default", (p) => condition(p, "Ready")?.status === "True");
    assert.equal(ready?.status.containerStatuses[0].ready, true);
    assert.deepEqual(endpoint(kube, "web-e").conditions, { ready: true, serving: true, terminating: false });
    const table = (await call(kube, "GET", `${PODS}/web-e`, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" }))
      .body;
    assert.deepEqual(table.rows[0].cells.slice(0, 3), ["web-e", "1/1", "Running"]);
  });

  it("hands out addresses like host-local: onwards from the last one, not the one just freed", async () => {
    kube = await startKubeEmulator();
    const ips: string[] = [];
    for (const name of ["p1", "p2"]) {
      kube.createPod({ name, node: "node2", labels: { app: "x" } });
      ips.push((await kube.waitFor("pods", name, "default", (p) => Boolean(p?.status?.podIP)))?.status.podIP);
    }
    kube.deletePod("default", "p1");
    kube.createPod({ name: "p3", node: "node2", labels: { app: "x" } });
    ips.push((await kube.waitFor("pods", "p3", "default", (p) => Boolean(p?.status?.podIP)))?.status.podIP);
    assert.deepEqual(ips, ["192.168.102.2", "192.168.102.3", "192.168.102.4"]);
    // A dual-stack node gives one address per family.
    kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24", "fd00:103::/64"] });
    kube.createPod({ name: "p4", node: "node3", labels: { app: "x" } });
    const p4 = await kube.waitFor("pods", "p4", "default", (p) => Boolean(p?.status?.podIP));
    assert.deepEqual(p4?.status.podIPs, [{ ip: "192.168.103.2" }, { ip: "fd00:103::2" }]);
  });

  it("keeps a pod with an unmet readiness gate not Ready, and follows the gate's condition", async () => {
    kube = await startKubeEmulator();
    await call(kube, "POST", PODS, { body: podBody("gated", { spec: { readinessGates: [{ conditionType: GATE }] } }) });
    const started = await kube.waitFor(
      "pods",
      "gated",
      "default",
      (p) => condition(p, "ContainersReady")?.status === "True",
    );
    const ready = condition(started, "Ready");
    assert.deepEqual(
      [ready.status, ready.reason, ready.message],
      ["False", "ReadinessGatesNotReady", `corresponding condition of pod readiness gate "${GATE}" does not exist.`],
    );
    assert.equal(endpoint(kube, "gated").conditions.ready, false);
    // What the sync does once the pod is in the pool: set the gate's condition through /status.
    const patched = await call(kube, "PATCH", `${PODS}/gated/status`, {
      body: { status: { conditions: [{ type: GATE, status: "True" }] } },
      contentType: "application/strategic-merge-patch+json",
    });
    assert.equal(patched.status, 200);
    const after = await kube.waitFor("pods", "gated", "default", (p) => condition(p, "Ready")?.status === "True");
    assert.equal(condition(after, GATE).status, "True", "the gate condition is kept");
    assert.equal(endpoint(kube, "gated").conditions.ready, true);
    kube.setPodCondition("default", "gated", GATE, false);
    const off = await kube.waitFor("pods", "gated", "default", (p) => condition(p, "Ready")?.status === "False");
    assert.equal(
      condition(off, "Ready").message,
      `the status of pod readiness gate "${GATE}" is not "True", but False`,
    );
    assert.equal(endpoint(kube, "gated").conditions.ready, false);
  });

  it("deletes gracefully over HTTP: Terminating (serving, not ready), then removed by the kubelet", async () => {
    kube = await startKubeEmulator({ kubelet: { terminateAfterMs: 200 } });
    const del = await call(kube, "DELETE", `${PODS}/web-a`);
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.deletionTimestamp);
    assert.equal(del.body.metadata.deletionGracePeriodSeconds, 30);
    assert.deepEqual(endpoint(kube, "web-a").conditions, { ready: false, serving: true, terminating: true });
    const again = await call(kube, "DELETE", `${PODS}/web-a`);
    assert.equal(again.body.metadata.deletionTimestamp, del.body.metadata.deletionTimestamp);
    await kube.waitFor("pods", "web-a", "default", (p) => p === undefined, 5000);
    assert.equal(endpoint(kube, "web-a"), undefined);
    // Grace period 0 (kubectl delete --force --grace-period=0) and unscheduled pods go at once.
    await call(kube, "DELETE", `${PODS}/web-b?gracePeriodSeconds=0`);
    assert.equal(kube.get("pods", "web-b", "default"), undefined);
    await call(kube, "POST", PODS, {
      body: { ...podBody("unscheduled"), spec: { containers: podBody("x").spec.containers } },
    });
    await call(kube, "DELETE", `${PODS}/unscheduled`);
    assert.equal(kube.get("pods", "unscheduled", "default"), undefined);
  });

  it("records FailedCreatePodSandBox and leaves the pod Pending when the node has no pod CIDR", async () => {
    kube = await startKubeEmulator();
    kube.addNode({ name: "bare", internalIP: "10.100.1.109" });
    kube.createPod({ name: "stuck", node: "bare", labels: { app: "x" } });
    await kube.settled();
    assert.equal(kube.get("pods", "stuck", "default")?.status.phase, "Pending");
    const ev = kube.list("events", "default").find((e) => e.involvedObject.name === "stuck");
    assert.deepEqual(
      [ev?.type, ev?.reason, ev?.source],
      ["Warning", "FailedCreatePodSandBox", { component: "kubelet", host: "bare" }],
    );
    assert.match(ev?.message, /no pod CIDR/);
  });

  it("without a kubelet, API pods stay Pending and HTTP deletes remove pods at once", async () => {
    kube = await startKubeEmulator({ kubelet: false });
    await call(kube, "POST", PODS, { body: podBody("web-e") });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(kube.get("pods", "web-e", "default")?.status.phase, "Pending");
    await call(kube, "DELETE", `${PODS}/web-a`);
    assert.equal(kube.get("pods", "web-a", "default"), undefined);
  });
});
