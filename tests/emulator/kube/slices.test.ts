// The EndpointSlice controller imitation and the shipped fixtures: what a placement reader sees for each CNI
// style, and how slices follow pod and service changes.
import * as assert from "node:assert/strict";
import { FIXTURES, fixturePath, type KubeEmulator, readFixture, startKubeEmulator } from "../../../emulator/kube";

// biome-ignore lint/suspicious/noExplicitAny: slices are open-ended JSON.
type Slice = any;
const webSlices = (kube: KubeEmulator): Slice[] =>
  kube.list("endpointslices", "default").filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web");
const endpoints = (kube: KubeEmulator) =>
  webSlices(kube)
    .flatMap((s) => (s.endpoints ?? []).map((e: Slice) => ({ ...e, port: s.ports?.[0]?.port, family: s.addressType })))
    .map((e) => [
      e.targetRef.name,
      e.addresses[0],
      e.port,
      e.nodeName,
      e.conditions.ready,
      e.conditions.serving,
      e.conditions.terminating,
    ])
    .sort();

describe("Kubernetes emulator fixtures and EndpointSlice derivation", function () {
  // The first emulator in a process generates its CA, which takes seconds on a loaded machine.
  this.timeout(60_000);
  let kube: KubeEmulator | undefined;
  afterEach(async () => {
    await kube?.stop();
    kube = undefined;
  });

  it("ships every fixture as a kubectl List with a header saying what it models", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    for (const name of FIXTURES) {
      const text = fs.readFileSync(fixturePath(`${name}.yaml`), "utf8");
      assert.match(text, /^# \S/, `${name}.yaml starts with a comment`);
      assert.match(text, /^kind: List$/m);
      assert.ok(readFixture(fixturePath(`${name}.yaml`)).length >= 4, name);
    }
  });

  it("derives the seed slice: named targetPort resolved, labels, owner, zones and node names", async () => {
    kube = await startKubeEmulator();
    const [s] = webSlices(kube);
    assert.equal(webSlices(kube).length, 1);
    assert.equal(s.addressType, "IPv4");
    assert.deepEqual(s.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
    assert.equal(s.metadata.labels["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
    assert.equal(s.metadata.ownerReferences[0].kind, "Service");
    assert.equal(s.metadata.ownerReferences[0].uid, kube.get("services", "web", "default")?.metadata.uid);
    assert.deepEqual(endpoints(kube), [
      ["web-a", "192.168.101.13", 8080, "node1", true, true, false],
      ["web-b", "192.168.101.22", 8080, "node1", true, true, false],
      ["web-c", "192.168.102.17", 8080, "node2", true, true, false],
      ["web-d", "192.168.102.36", 8080, "node2", true, true, false],
    ]);
    assert.deepEqual(
      s.endpoints.map((e: Slice) => e.zone),
      ["zone-a", "zone-a", "zone-b", "zone-b"],
    );
  });

  it("marks the NotReady pod not serving and the Terminating pod serving but terminating (readiness.yaml)", async () => {
    kube = await startKubeEmulator({ topology: fixturePath("readiness.yaml") });
    assert.deepEqual(endpoints(kube), [
      ["web-a", "192.168.101.13", 8080, "node1", true, true, false],
      ["web-b", "192.168.101.22", 8080, "node1", false, false, false],
      ["web-c", "192.168.102.17", 8080, "node2", true, true, false],
      ["web-d", "192.168.102.36", 8080, "node2", false, true, true],
    ]);
    const ep = kube.get("endpoints", "web", "default");
    assert.deepEqual(
      ep?.subsets[0].addresses.map((a: Slice) => a.ip),
      ["192.168.101.13", "192.168.102.17"],
    );
    assert.deepEqual(
      ep?.subsets[0].notReadyAddresses.map((a: Slice) => a.ip),
      ["192.168.101.22"],
      "terminating pods are left out of v1 Endpoints",
    );
  });

  it("derives one slice per family for a dual-stack service (dualstack.yaml)", async () => {
    kube = await startKubeEmulator({ topology: fixturePath("dualstack.yaml") });
    const byFamily = Object.fromEntries(
      webSlices(kube).map((s) => [s.addressType, s.endpoints.map((e: Slice) => e.addresses[0])]),
    );
    assert.deepEqual(byFamily, {
      IPv4: ["192.168.101.13", "192.168.102.17"],
      IPv6: ["fd00:10:244:101::d", "fd00:10:244:102::11"],
    });
    assert.deepEqual(kube.get("nodes", "node1")?.spec.podCIDRs, ["192.168.101.0/24", "fd00:10:244:101::/64"]);
  });

  it("keeps CNI data as CNIs write it: Calico blocks, CiliumNodes, OVN both formats, Antrea annotations", async () => {
    const calico = readFixture(fixturePath("calico.yaml"));
    const blocks = calico.filter((o) => o.kind === "BlockAffinity");
    assert.ok(blocks.filter((b) => b.spec.node === "node1").length >= 2);
    assert.deepEqual(
      blocks.filter((b) => b.spec.deleted === "true").map((b) => b.spec.cidr),
      ["192.168.101.128/26"],
    );
    assert.ok(
      calico
        .filter((o) => o.kind === "Node")
        .every((n) => !n.spec.podCIDRs && n.metadata.annotations?.["projectcalico.org/IPv4Address"]),
    );
    const cilium = readFixture(fixturePath("cilium.yaml")).filter((o) => o.kind === "CiliumNode");
    assert.deepEqual(
      cilium.map((c) => c.spec.ipam.podCIDRs),
      [["10.244.1.0/24"], ["10.244.2.0/24"]],
    );
    kube = await startKubeEmulator({ topology: fixturePath("ovn.yaml") });
    const subnets = kube
      .list("nodes")
      .map((n) => JSON.parse(n.metadata.annotations?.["k8s.ovn.org/node-subnets"] ?? "{}").default);
    assert.deepEqual(subnets, ["10.244.0.0/24", ["10.244.1.0/24"]]);
    const antrea = readFixture(fixturePath("antrea.yaml"));
    const node2 = antrea.find((o) => o.kind === "Node" && o.metadata.name === "node2");
    assert.equal(
      node2?.metadata.annotations?.["node.antrea.io/transport-addresses"],
      "10.100.2.102,fd00:10:100:2::102",
    );
    assert.equal(node2?.metadata.annotations?.["ako.vmware.com/pod-cidrs"], "192.168.102.0/25,192.168.102.128/25");
    const npl = antrea
      .filter((o) => o.kind === "Pod")
      .map((p) => JSON.parse(p.metadata.annotations?.["nodeportlocal.antrea.io"] ?? "[]")[0]);
    assert.deepEqual(npl[0], { podPort: 8080, nodeIP: "10.100.1.101", nodePort: 61001, protocol: "tcp" });
  });

  it("resolves a named targetPort per pod: pods with another port number land in another slice", async () => {
    kube = await startKubeEmulator();
    kube.addPod({
      name: "web-e",
      node: "node1",
      labels: { app: "web" },
      ports: [{ name: "http", containerPort: 9090 }],
    });
    kube.addPod({
      name: "web-f",
      node: "node1",
      labels: { app: "web" },
      ports: [{ name: "metrics", containerPort: 9100 }],
    });
    const ports = webSlices(kube)
      .map((s) => [s.ports?.[0]?.port ?? null, s.endpoints.map((e: Slice) => e.targetRef.name)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(ports, [
      [8080, ["web-a", "web-b", "web-c", "web-d"]],
      [9090, ["web-e"]],
      [null, ["web-f"]],
    ]);
  });

  it("splits more than 100 endpoints over several slices and follows service selector changes", async () => {
    kube = await startKubeEmulator();
    for (let i = 0; i < 110; i++)
      kube.addPod({ name: `bulk-${i}`, node: i % 2 ? "node1" : "node2", labels: { app: "web" } });
    const sizes = webSlices(kube)
      .map((s) => s.endpoints.length)
      .sort((a, b) => a - b);
    assert.deepEqual(sizes, [14, 100]);
    const svc = structuredClone(kube.get("services", "web", "default")!);
    svc.spec.selector = { app: "nothing" };
    kube.apply(svc);
    assert.deepEqual(
      webSlices(kube).map((s) => s.endpoints),
      [null],
      "a service that selects nothing keeps one empty slice",
    );
    kube.remove("v1", "Service", "web", "default");
    assert.deepEqual(webSlices(kube), []);
    assert.equal(kube.get("endpoints", "web", "default"), undefined);
  });
});
