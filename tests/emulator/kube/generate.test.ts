// The synthetic cluster generator: deterministic, shaped like the fixtures, and served by the emulator with
// slices derived per service and reads that page.
import * as assert from "node:assert/strict";
import { generateCluster, type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { call } from "./helpers";

describe("generateCluster", function () {
  // The first emulator in a process generates its CA, which takes seconds on a loaded machine.
  this.timeout(60_000);
  it("is deterministic for a seed and differs for another seed", () => {
    const a = generateCluster({ nodes: 20, services: 5, podsPerService: 8, seed: 42 });
    const b = generateCluster({ nodes: 20, services: 5, podsPerService: 8, seed: 42 });
    const c = generateCluster({ nodes: 20, services: 5, podsPerService: 8, seed: 43 });
    assert.deepEqual(a, b);
    const placement = (objs: typeof a) => objs.filter((o) => o.kind === "Pod").map((p) => p.spec.nodeName);
    assert.notDeepEqual(placement(a), placement(c));
  });

  it("places every pod inside its node's pod CIDR with unique addresses", () => {
    const objs = generateCluster({ nodes: 300, services: 10, pods: 3000, seed: 1 });
    const nodes = new Map(objs.filter((o) => o.kind === "Node").map((n) => [n.metadata.name, n]));
    assert.equal(nodes.size, 300);
    const pods = objs.filter((o) => o.kind === "Pod");
    assert.equal(pods.length, 3000);
    assert.equal(new Set(pods.map((p) => p.status.podIP)).size, 3000);
    assert.equal(new Set([...nodes.values()].map((n) => n.spec.podCIDR)).size, 300);
    for (const p of pods) {
      const cidr: string = nodes.get(p.spec.nodeName)?.spec.podCIDR;
      assert.ok(p.status.podIP.startsWith(cidr.replace(/0\/24$/, "")), `${p.status.podIP} in ${cidr}`);
      assert.equal(p.status.hostIP, nodes.get(p.spec.nodeName)?.status.addresses[0].address);
    }
  });

  it("emits Calico blocks or CiliumNodes instead of spec.podCIDRs when asked", () => {
    const calico = generateCluster({ nodes: 3, services: 1, pods: 30, cni: "calico", calicoBlocksPerNode: 3, seed: 2 });
    assert.equal(calico.filter((o) => o.kind === "BlockAffinity").length, 9);
    assert.ok(calico.filter((o) => o.kind === "Node").every((n) => n.spec.podCIDRs === undefined));
    const cilium = generateCluster({ nodes: 3, services: 1, pods: 3, cni: "cilium", seed: 2 });
    assert.deepEqual(
      cilium.filter((o) => o.kind === "CiliumNode").map((c) => c.spec.ipam.podCIDRs[0]),
      ["10.128.0.0/24", "10.128.1.0/24", "10.128.2.0/24"],
    );
  });

  it("refuses more pods than the nodes' CIDRs can hold", () => {
    assert.throws(() => generateCluster({ nodes: 1, services: 1, pods: 300 }), /300 pods do not fit in 1 nodes/);
  });

  describe("served by the emulator", () => {
    let kube: KubeEmulator;
    before(async () => {
      kube = await startKubeEmulator({
        objects: generateCluster({ nodes: 50, services: 40, podsPerService: 30, seed: 9, notReadyEvery: 10 }),
      });
    });
    after(async () => {
      await kube.stop();
    });

    it("derives each service's slice and finds it by the service-name label", async () => {
      const r = await call(
        kube,
        "GET",
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dsvc-00007",
      );
      assert.equal(r.body.items.length, 1);
      const eps = r.body.items[0].endpoints;
      assert.equal(eps.length, 30);
      const unready = kube
        .list("pods", "default")
        .filter((p) => p.metadata.labels?.app === "svc-00007" && p.status.conditions[0].status === "False")
        .map((p) => p.status.podIP)
        .sort();
      assert.equal(unready.length, 3, "every 10th of the service's 30 pods");
      const notReadyEndpoints = eps
        .filter((e: { conditions: { ready: boolean } }) => !e.conditions.ready)
        .map((e: { addresses: string[] }) => e.addresses[0])
        .sort();
      assert.deepEqual(notReadyEndpoints, unready);
      assert.ok(eps.every((e: { targetRef: { name: string } }) => e.targetRef.name.startsWith("svc-00007-")));
    });

    it("finds one service's slices across all namespaces too", async () => {
      const r = await call(
        kube,
        "GET",
        "/apis/discovery.k8s.io/v1/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dsvc-00012",
      );
      assert.deepEqual(
        r.body.items.map(
          (s: { metadata: { labels: Record<string, string> } }) => s.metadata.labels["kubernetes.io/service-name"],
        ),
        ["svc-00012"],
      );
      assert.equal(r.body.items[0].endpoints.length, 30);
    });

    it("pages 1,200 pods in chunks of 500 without losing or repeating one", async () => {
      const names: string[] = [];
      let token = "";
      do {
        const r = await call(
          kube,
          "GET",
          `/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
        );
        names.push(...r.body.items.map((p: { metadata: { name: string } }) => p.metadata.name));
        token = r.body.metadata.continue ?? "";
      } while (token);
      assert.equal(names.length, 1200);
      assert.equal(new Set(names).size, 1200);
      assert.deepEqual(names, [...names].sort());
    });

    it("answers a spec.nodeName field selector with exactly that node's pods", async () => {
      const r = await call(kube, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-00003");
      const expected = kube.list("pods", "default").filter((p) => p.spec.nodeName === "node-00003").length;
      assert.ok(expected > 0);
      assert.equal(r.body.items.length, expected);
    });
  });
});
