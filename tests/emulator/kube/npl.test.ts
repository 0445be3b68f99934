// The Antrea NodePortLocal agent imitation: pods of a Service annotated nodeportlocal.antrea.io/enabled get the
// nodeportlocal.antrea.io annotation with ports from 61000-62000, distinct per node, in the format of the chosen
// Antrea version; removed when the Service annotation goes; kept from a fixture as the agent keeps them on restart.
import * as assert from "node:assert/strict";
import { fixturePath, type KubeEmulator, NPL_ANNOTATION, startKubeEmulator } from "../../../emulator/kube";
import { call } from "./helpers";

// biome-ignore lint/suspicious/noExplicitAny: objects are open-ended JSON.
type Json = any;
const SVC = "/api/v1/namespaces/default/services";
const MERGE = "application/merge-patch+json";
const npl = (kube: KubeEmulator, pod: string): Json[] | undefined => {
  const v = kube.get("pods", pod, "default")?.metadata.annotations?.[NPL_ANNOTATION];
  return v === undefined ? undefined : JSON.parse(v);
};
const enable = (kube: KubeEmulator, svc: string, on: boolean) =>
  call(kube, "PATCH", `${SVC}/${svc}`, {
    body: { metadata: { annotations: { "nodeportlocal.antrea.io/enabled": on ? "true" : null } } },
    contentType: MERGE,
  });

describe("Kubernetes emulator NodePortLocal agent", function () {
  this.timeout(60_000);
  let kube: KubeEmulator;
  afterEach(async () => {
    await kube?.stop();
  });

  it("annotates the pods of an enabled Service with distinct ports per node, and removes them when disabled", async () => {
    kube = await startKubeEmulator();
    assert.equal(npl(kube, "web-a"), undefined);
    await enable(kube, "web", true);
    const all = ["web-a", "web-b", "web-c", "web-d"].map((p) => [p, npl(kube, p)] as const);
    for (const [pod, entries] of all) {
      assert.equal(entries?.length, 1, pod);
      const e = entries![0];
      assert.deepEqual(Object.keys(e), ["podPort", "nodeIP", "nodePort", "protocol"]);
      assert.deepEqual([e.podPort, e.protocol], [8080, "tcp"]);
      assert.ok(e.nodePort >= 61000 && e.nodePort <= 62000, String(e.nodePort));
    }
    const node1 = all.slice(0, 2).map(([, e]) => e![0]);
    const node2 = all.slice(2).map(([, e]) => e![0]);
    assert.deepEqual(
      [...node1, ...node2].map((e) => e.nodeIP),
      ["10.100.1.101", "10.100.1.101", "10.100.1.102", "10.100.1.102"],
    );
    assert.notEqual(node1[0].nodePort, node1[1].nodePort);
    assert.notEqual(node2[0].nodePort, node2[1].nodePort);
    // A new pod of the app gets its own port; a rollout moves the mapping to the new pods.
    kube.addPod({ name: "web-e", node: "node1", labels: { app: "web" } });
    const e = npl(kube, "web-e")![0].nodePort;
    assert.ok(!node1.some((x) => x.nodePort === e));
    await enable(kube, "web", false);
    assert.deepEqual(
      ["web-a", "web-b", "web-c", "web-d", "web-e"].map((p) => npl(kube, p)),
      [undefined, undefined, undefined, undefined, undefined],
    );
  });

  it("maps each target port and protocol, skips NodePort Services, and follows a rollout", async () => {
    kube = await startKubeEmulator();
    kube.addPod({
      name: "dns-1",
      node: "node2",
      labels: { app: "dns" },
      ports: [
        { name: "dns", containerPort: 5353, protocol: "UDP" },
        { name: "dns-tcp", containerPort: 5353 },
      ],
    });
    const svc = (name: string, type: string) => ({
      metadata: { name, annotations: { "nodeportlocal.antrea.io/enabled": "true" } },
      spec: {
        type,
        selector: { app: "dns" },
        ports: [
          { name: "udp", port: 53, protocol: "UDP", targetPort: "dns" },
          { name: "tcp", port: 53, protocol: "TCP", targetPort: 5353 },
        ],
      },
    });
    await call(kube, "POST", SVC, { body: svc("dns-np", "NodePort") });
    assert.equal(npl(kube, "dns-1"), undefined, "NodePort Services do not enable NPL");
    await call(kube, "POST", SVC, { body: svc("dns", "ClusterIP") });
    const entries = npl(kube, "dns-1")!;
    assert.deepEqual(
      entries.map((x) => [x.podPort, x.protocol, x.nodeIP]),
      [
        [5353, "tcp", "10.100.1.102"],
        [5353, "udp", "10.100.1.102"],
      ],
    );
    assert.notEqual(entries[0].nodePort, entries[1].nodePort);
    const result = await kube.rollout({ selector: { app: "dns" } });
    assert.equal(npl(kube, result.replaced[0].new)?.length, 2);
  });

  it("writes the older formats when asked: v1.7 adds protocols, v1.4 lists protocols per pod port", async () => {
    for (const [format, expected] of [
      ["v1.7", [{ podPort: 8080, nodeIP: "10.100.1.101", protocol: "tcp", protocols: ["tcp"] }]],
      ["v1.4", [{ podPort: 8080, nodeIP: "10.100.1.101", protocols: ["tcp"] }]],
    ] as const) {
      kube = await startKubeEmulator({ nodePortLocal: { format } });
      await enable(kube, "web", true);
      const got = npl(kube, "web-a")!.map(({ nodePort, ...rest }) => rest);
      assert.deepEqual(got, expected, format);
      await kube.stop();
    }
  });

  it("keeps the ports a fixture's pods already carry, and uses the configured range for new ones", async () => {
    kube = await startKubeEmulator({
      topology: fixturePath("antrea.yaml"),
      nodePortLocal: { portRange: [40000, 40010] },
    });
    // The antrea fixture's ports (61001...) are outside this range: the agent re-allocates them, as Antrea does.
    for (const p of ["web-a", "web-b", "web-c"]) {
      const port = npl(kube, p)![0].nodePort;
      assert.ok(port >= 40000 && port <= 40010, `${p}: ${port}`);
    }
    await kube.stop();
    kube = await startKubeEmulator({ topology: fixturePath("antrea.yaml") });
    assert.deepEqual(
      ["web-a", "web-b", "web-c"].map((p) => npl(kube, p)![0].nodePort),
      [61001, 61002, 61001],
    );
  });
});
