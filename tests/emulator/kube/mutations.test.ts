// The scenario helpers other tests drive the emulator with: each must look, to a reader, like the cluster event
// it stands for (a pod rescheduled, a node added or removed, readiness flipping, a graceful termination).
import * as assert from "node:assert/strict";
import { fixturePath, type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";

// biome-ignore lint/suspicious/noExplicitAny: slices are open-ended JSON.
type Json = any;
const sliceEndpoints = (kube: KubeEmulator) =>
  kube
    .list("endpointslices", "default")
    .flatMap((s) => s.endpoints ?? [])
    .map((e: Json) => ({ pod: e.targetRef.name, ip: e.addresses[0], node: e.nodeName, ...e.conditions }));

const inCidr = (ip: string, prefix: string) => ip.startsWith(prefix);

describe("Kubernetes emulator mutation helpers", function () {
  // The first emulator in a process generates its CA, which takes seconds on a loaded machine.
  this.timeout(60_000);
  let kube: KubeEmulator;
  afterEach(async () => {
    await kube.stop();
  });

  it("moves a pod to another node with a fresh IP from that node's CIDR, and the slice follows", async () => {
    kube = await startKubeEmulator();
    const before = Number(kube.resourceVersion());
    const pod = kube.movePod("default", "web-a", "node2");
    assert.equal(pod.spec.nodeName, "node2");
    assert.ok(inCidr(pod.status.podIP, "192.168.102."), pod.status.podIP);
    assert.ok(!["192.168.102.17", "192.168.102.36"].includes(pod.status.podIP), "not an address in use");
    assert.equal(pod.status.hostIP, "10.100.1.102");
    const a = sliceEndpoints(kube).find((e) => e.pod === "web-a");
    assert.deepEqual([a.ip, a.node, a.ready], [pod.status.podIP, "node2", true]);
    assert.ok(Number(kube.resourceVersion()) > before);
  });

  it("allocates from live Calico blocks only, never from the deleted one", async () => {
    kube = await startKubeEmulator({ topology: fixturePath("calico.yaml") });
    for (let i = 0; i < 70; i++) kube.addPod({ name: `p-${i}`, node: "node1", labels: { app: "x" } });
    const ips = kube
      .list("pods", "default")
      .filter((p) => p.spec.nodeName === "node1")
      .map((p) => p.status.podIP as string);
    assert.equal(new Set(ips).size, ips.length, "addresses are unique");
    for (const ip of ips) {
      const last = Number(ip.split(".")[3]);
      assert.ok(ip.startsWith("192.168.101.") && last < 128, `${ip} is in 192.168.101.0/26 or .64/26`);
    }
  });

  it("adds a node whose pods get addresses from its pod CIDR, and removes it with its pods", async () => {
    kube = await startKubeEmulator();
    kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
    const p = kube.addPod({ name: "web-e", node: "node3", labels: { app: "web" } });
    assert.ok(inCidr(p.status.podIP, "192.168.103."));
    assert.ok(sliceEndpoints(kube).some((e) => e.pod === "web-e" && e.node === "node3"));
    kube.removeNode("node3");
    assert.equal(kube.get("nodes", "node3"), undefined);
    assert.equal(kube.get("pods", "web-e", "default"), undefined);
    assert.ok(!sliceEndpoints(kube).some((e) => e.pod === "web-e"));
  });

  it("flips readiness, terminates gracefully and deletes, each visible in the slice conditions", async () => {
    kube = await startKubeEmulator();
    kube.setPodReady("default", "web-b", false);
    assert.deepEqual(
      (({ ready, serving, terminating }) => ({ ready, serving, terminating }))(
        sliceEndpoints(kube).find((e) => e.pod === "web-b"),
      ),
      { ready: false, serving: false, terminating: false },
    );
    kube.setPodReady("default", "web-b", true);
    assert.equal(sliceEndpoints(kube).find((e) => e.pod === "web-b").ready, true);
    const t = kube.terminatePod("default", "web-c");
    assert.ok(t.metadata.deletionTimestamp);
    const c = sliceEndpoints(kube).find((e) => e.pod === "web-c");
    assert.deepEqual([c.ready, c.serving, c.terminating], [false, true, true]);
    kube.deletePod("default", "web-c");
    assert.ok(!sliceEndpoints(kube).some((e) => e.pod === "web-c"));
    kube.setNodeReady("node2", false);
    const node2 = kube.get("nodes", "node2");
    assert.equal(node2?.status.conditions.find((x: Json) => x.type === "Ready").status, "False");
  });
});
