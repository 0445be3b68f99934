// The informer against the Kubernetes emulator: only changes that matter are reported, a dropped watch resumes
// from its resourceVersion without a list, a compacted history (410) lists again and reports what changed and
// what went meanwhile, and a failing list reports nothing (a failed read is never an empty cluster).
import * as assert from "node:assert/strict";
import { type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { type Informer, type InformerChange, type KubeClient, openClient, startInformer } from "../../../provider/kube";
import { nodeMeaning, sliceMeaning } from "../../../provider/sync";
import { sleep, within } from "../sync/support";

describe("provider/kube informer (list, then watch)", function () {
  this.timeout(30_000);
  let kube: KubeEmulator;
  let client: KubeClient;
  let informer: Informer | undefined;
  const requests: string[] = [];

  beforeEach(async () => {
    kube = await startKubeEmulator();
    requests.length = 0;
    client = await openClient(
      { kubeconfigContent: kube.kubeconfigContent },
      { onRequest: (r) => requests.push(r.path) },
    );
  });
  afterEach(async () => {
    informer?.stop();
    client.close();
    await kube.stop();
  });

  function nodes(changes: InformerChange[], dropped: { n: number }): Informer {
    return startInformer(
      client,
      {
        path: "/api/v1/nodes",
        perm: { verb: "list", resource: "nodes", group: "" },
        meaning: nodeMeaning,
        timeoutSeconds: 60,
      },
      { onChange: (c) => changes.push(c), onEvent: (_t, d) => void (d && dropped.n++) },
    );
  }

  it("reports a new pod CIDR and a new node, not status heartbeats", async () => {
    const changes: InformerChange[] = [];
    const dropped = { n: 0 };
    informer = nodes(changes, dropped);
    await within(3000, "synced", () => informer?.synced() === true);
    await sleep(100);
    for (let i = 0; i < 3; i++) {
      for (const n of kube.list("nodes"))
        kube.apply({
          ...n,
          status: {
            ...n.status,
            conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: `2026-01-01T00:00:0${i}Z` }],
          },
        });
    }
    kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
    await within(2000, "node3 reported", () => changes.some((c) => c.key === "node3"));
    assert.deepEqual(
      changes.map((c) => `${c.kind} ${c.key}`),
      ["added node3"],
    );
    assert.equal(dropped.n, 6, "six heartbeats dropped");
  });

  it("resumes a dropped watch from its resourceVersion, without listing again", async () => {
    const changes: InformerChange[] = [];
    informer = nodes(changes, { n: 0 });
    await within(3000, "synced", () => informer?.synced() === true);
    await sleep(100);
    kube.dropWatches();
    kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
    await within(3000, "node3 reported after the reconnect", () => changes.length === 1);
    assert.equal(requests.filter((p) => p.includes("limit=")).length, 1, "one list only");
    assert.ok(requests.filter((p) => p.includes("watch=1")).length >= 2, "the watch came back");
  });

  it("lists again after 410 Gone and reports what changed and what was deleted while nobody watched", async () => {
    const changes: InformerChange[] = [];
    informer = startInformer(
      client,
      {
        path: "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
        query: { labelSelector: "kubernetes.io/service-name in (web)" },
        perm: { verb: "list", resource: "endpointslices", group: "discovery.k8s.io", namespace: "default" },
        meaning: sliceMeaning,
        tag: (o) => String((o.metadata as { labels?: Record<string, string> }).labels?.["kubernetes.io/service-name"]),
      },
      { onChange: (c) => changes.push(c) },
    );
    await within(3000, "synced", () => informer?.synced() === true);
    await sleep(100);
    kube.setFaults({ serverError: Number.POSITIVE_INFINITY, pathPattern: /endpointslices/ });
    kube.dropWatches();
    kube.remove("v1", "Service", "web", "default");
    kube.compact();
    await sleep(700);
    assert.deepEqual(changes, [], "nothing reported while the server fails");
    kube.clearFaults();
    await within(5000, "the difference reported", () => changes.length > 0);
    assert.ok(requests.filter((p) => p.includes("limit=")).length >= 2, "listed again");
    const seen = changes as InformerChange[];
    assert.deepEqual([...new Set(seen.map((c) => `${c.kind} ${c.tag}`))], ["deleted web"]);
  });
});
