// The read scenarios of the kubectl suite through @kubernetes/client-node 1.4, required from this compiled
// CommonJS test the way the placement reader loads it: typed deserialisation catches wrong field types
// (dates, IntOrString, null slices) that kubectl's printing would not.
import * as assert from "node:assert/strict";
import type * as K8s from "@kubernetes/client-node";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { seedWithCniObjects } from "./helpers";

const k8s = require("@kubernetes/client-node") as typeof K8s;

describe("Kubernetes emulator with @kubernetes/client-node 1.4", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  let kc: K8s.KubeConfig;

  before(async () => {
    kube = await startKubeEmulator({ objects: seedWithCniObjects(), bookmarkIntervalMs: 200 });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(kube.kubeconfig);
  });
  after(async () => {
    await kube?.stop();
  });

  it("lists nodes with their pod CIDRs and InternalIPs over HTTPS with the kubeconfig's CA and token", async () => {
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    const seen = nodes.items.map((n) => [
      n.metadata?.name,
      n.spec?.podCIDRs?.join(","),
      n.status?.addresses?.find((a) => a.type === "InternalIP")?.address,
    ]);
    assert.deepEqual(seen, [
      ["node1", "192.168.101.0/24", "10.100.1.101"],
      ["node2", "192.168.102.0/24", "10.100.1.102"],
    ]);
    assert.ok(nodes.items[0].metadata?.creationTimestamp instanceof Date);
  });

  it("lists pods by label and field selector, and all namespaces", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const web = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" });
    assert.deepEqual(
      web.items.map((p) => p.status?.podIP),
      ["192.168.101.13", "192.168.101.22", "192.168.102.17", "192.168.102.36"],
    );
    const onNode2 = await core.listPodForAllNamespaces({ fieldSelector: "spec.nodeName=node2,status.phase=Running" });
    assert.deepEqual(
      onNode2.items.map((p) => p.metadata?.name),
      ["web-c", "web-d"],
    );
  });

  it("reads the service with its named targetPort kept as a string", async () => {
    const svc = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedService({ name: "web", namespace: "default" });
    assert.equal(svc.spec?.ports?.[0].targetPort, "http");
    assert.deepEqual(svc.spec?.selector, { app: "web" });
  });

  it("finds the service's EndpointSlices by label, with resolved ports, conditions and node names", async () => {
    const slices = await kc
      .makeApiClient(k8s.DiscoveryV1Api)
      .listNamespacedEndpointSlice({ namespace: "default", labelSelector: "kubernetes.io/service-name=web" });
    assert.equal(slices.items.length, 1);
    const s = slices.items[0];
    assert.equal(s.addressType, "IPv4");
    assert.deepEqual(
      s.ports?.map((p) => ({ ...p })),
      [{ name: "http", port: 8080, protocol: "TCP" }],
    );
    assert.deepEqual(
      s.endpoints.map((e) => [e.addresses[0], e.nodeName, e.conditions?.ready, e.targetRef?.name]),
      [
        ["192.168.101.13", "node1", true, "web-a"],
        ["192.168.101.22", "node1", true, "web-b"],
        ["192.168.102.17", "node2", true, "web-c"],
        ["192.168.102.36", "node2", true, "web-d"],
      ],
    );
  });

  it("reads Calico BlockAffinities and CiliumNodes as custom objects", async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const blocks = (await custom.listClusterCustomObject({
      group: "crd.projectcalico.org",
      version: "v1",
      plural: "blockaffinities",
    })) as { items: { spec: { node: string; cidr: string; deleted: string } }[] };
    const deleted = blocks.items.filter((b) => b.spec.deleted === "true").map((b) => b.spec.cidr);
    assert.deepEqual(deleted, ["192.168.101.128/26"]);
    assert.equal(blocks.items.length, 5);
    const cn = (await custom.getClusterCustomObject({
      group: "cilium.io",
      version: "v2",
      plural: "ciliumnodes",
      name: "node2",
    })) as { spec: { ipam: { podCIDRs: string[] } } };
    assert.deepEqual(cn.spec.ipam.podCIDRs, ["10.244.2.0/24"]);
  });

  it("pages with limit and _continue and reports a stale token as 410", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedPod({ namespace: "default", limit: 3, _continue: token });
      names.push(...page.items.map((p) => p.metadata!.name!));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    assert.equal(pages, 2);
    assert.deepEqual(names, ["web-a", "web-b", "web-c", "web-d"]);

    const first = await core.listNamespacedPod({ namespace: "default", limit: 1 });
    kube.setFaults({ expireContinue: 1 });
    await assert.rejects(
      core.listNamespacedPod({ namespace: "default", limit: 1, _continue: first.metadata?._continue }),
      (e: K8s.ApiException<string>) => e.code === 410 && /Expired/.test(e.body),
    );
  });

  it("maps 404 to an ApiException with the Status body, and a wrong token to 401", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await assert.rejects(
      core.readNamespacedPod({ name: "nope", namespace: "default" }),
      (e: K8s.ApiException<string>) => e.code === 404 && JSON.parse(e.body).message === 'pods "nope" not found',
    );
    const bad = new k8s.KubeConfig();
    bad.loadFromString(kube.kubeconfigContent.replace(kube.token, "wrong-token"));
    await assert.rejects(bad.makeApiClient(k8s.CoreV1Api).listNode(), (e: K8s.ApiException<string>) => e.code === 401);
  });

  it("sees a moved pod through an informer (list + watch)", async () => {
    const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
    const informer = k8s.makeInformer(
      kc,
      "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
      () => discovery.listNamespacedEndpointSlice({ namespace: "default" }),
      "kubernetes.io/service-name=web",
    );
    const moved = new Promise<string[]>((resolve) => {
      informer.on("update", (s: K8s.V1EndpointSlice) => {
        const onNode2 = (s.endpoints ?? []).filter((e) => e.nodeName === "node2").map((e) => e.addresses[0]);
        if (onNode2.length === 3) resolve(onNode2);
      });
    });
    informer.on("error", () => {});
    await informer.start();
    try {
      kube.movePod("default", "web-a", "node2");
      const ips = await moved;
      const movedIp = ips.find((ip) => ip !== "192.168.102.17" && ip !== "192.168.102.36");
      assert.match(movedIp ?? "", /^192\.168\.102\.\d+$/);
    } finally {
      await informer.stop();
    }
  });
});
