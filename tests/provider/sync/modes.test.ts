// The sync in the node-port modes (issue 14), against both emulators: a pool whose markers record mode nodeport
// follows node changes (a new node, a NotReady node, the exclude-from-external-load-balancers label, a node the
// selector stops matching); one of mode nodeportlocal follows Antrea's pod annotation (a new pod gets its port). The
// pools are written the way `up` writes them in membership "sync", so the sync plans them as their resource did.
import * as assert from "node:assert/strict";
import type { Mode } from "../../../provider/plan";
import { parseSyncArgs } from "../../../cli/sync";
import { nodeMeaning, nodePortNodeMeaning, nplPodMeaning, serviceMeaning } from "../../../provider/sync";
import { call } from "../../emulator/kube/helpers";
import { routesOf } from "../../reliability/support/oracle";
import {
  applyWebInMode,
  CLUSTER,
  POOL,
  poolServers,
  type RunningSync,
  runSync,
  type SyncLab,
  startSyncLab,
  within,
} from "./support";

const MERGE = "application/merge-patch+json";

describe("provider/sync's change filter for the node-port modes", () => {
  const node = (
    extra: { ready?: string; unschedulable?: boolean; labels?: Record<string, string>; beat?: string } = {},
  ) => ({
    metadata: { name: "node1", resourceVersion: extra.beat ?? "1", labels: extra.labels ?? { zone: "a" } },
    spec: { podCIDRs: ["192.168.101.0/24"], ...(extra.unschedulable ? { unschedulable: true } : {}) },
    status: {
      addresses: [{ type: "InternalIP", address: "10.100.1.101" }],
      conditions: [{ type: "Ready", status: extra.ready ?? "True", lastHeartbeatTime: extra.beat ?? "t0" }],
    },
  });

  it("a heartbeat is no NodePort change; readiness, a cordon or a label is (the routes' filter ignores them)", () => {
    const base = nodePortNodeMeaning(node());
    assert.equal(nodePortNodeMeaning(node({ beat: "t1" })), base);
    assert.notEqual(nodePortNodeMeaning(node({ ready: "False" })), base);
    assert.notEqual(nodePortNodeMeaning(node({ unschedulable: true })), base);
    assert.notEqual(nodePortNodeMeaning(node({ labels: { zone: "b" } })), base);
    assert.equal(nodeMeaning(node({ ready: "False", labels: { zone: "b" } })), nodeMeaning(node()));
  });

  it("sees Antrea's pod annotation, the traffic policy and the NodePortLocal opt-in", () => {
    const pod = (npl?: string) => ({
      metadata: {
        name: "web-a",
        resourceVersion: "1",
        labels: { app: "web" },
        annotations: npl ? { "nodeportlocal.antrea.io": npl } : {},
      },
    });
    assert.notEqual(nplPodMeaning(pod("[]")), nplPodMeaning(pod()));
    assert.equal(nplPodMeaning({ ...pod(), status: { phase: "Running" } }), nplPodMeaning(pod()));
    const svc = (spec: Record<string, unknown>, annotations: Record<string, string> = {}) => ({
      metadata: { annotations },
      spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 80, nodePort: 30080 }], ...spec },
    });
    assert.notEqual(serviceMeaning(svc({ externalTrafficPolicy: "Local" })), serviceMeaning(svc({})));
    assert.notEqual(serviceMeaning(svc({}, { "nodeportlocal.antrea.io/enabled": "true" })), serviceMeaning(svc({})));
  });

  it("avi-k8s sync refuses --mode and --node-selector: each pool carries its own", () => {
    const r = parseSyncArgs(["--cluster", "c1", "--mode", "nodeport"], {});
    assert.equal(r.kind, "error");
    assert.match(r.kind === "error" ? r.message : "", /--mode is not a sync option: each pool carries the mode/);
  });
});

describe("provider/sync in modes nodeport and nodeportlocal", function () {
  this.timeout(60_000);
  let lab: SyncLab;
  let sync: RunningSync | undefined;

  beforeEach(async () => {
    lab = await startSyncLab({ stack: false });
  });
  afterEach(async () => {
    await sync?.stop();
    sync = undefined;
    await lab.stop();
  });

  const upInMode = (mode: Mode, nodeSelector?: string) => applyWebInMode(lab, mode, nodeSelector);

  const patchWeb = async (body: unknown) => {
    const r = await call(lab.kube, "PATCH", "/api/v1/namespaces/default/services/web", { body, contentType: MERGE });
    assert.equal(r.status, 200);
  };

  it("nodeport: follows a new node, a NotReady node, the exclude label and the node selector", async () => {
    await patchWeb({
      spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }] },
    });
    await upInMode("nodeport", "!edge-only");
    const pool = lab.avi.objects("pool").find((p) => p.name === POOL) as { markers: unknown[] };
    assert.deepEqual(pool.markers.slice(-2), [
      { key: "mode", values: ["nodeport"] },
      { key: "nodeselector", values: ["!edge-only"] },
    ]);
    sync = await runSync(lab);
    const s = sync;
    await within(10_000, "the first full resync", () => s.handle.ready());
    assert.deepEqual(poolServers(lab.avi), ["10.100.1.101:30080:true", "10.100.1.102:30080:true"]);
    lab.kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
    await within(3000, "node3 joins", () => poolServers(lab.avi).includes("10.100.1.103:30080:true"));
    lab.kube.setNodeReady("node2", false);
    await within(3000, "node2 disabled", () => poolServers(lab.avi).includes("10.100.1.102:30080:false"));
    const node3 = lab.kube.get("nodes", "node3")!;
    lab.kube.apply({
      ...node3,
      metadata: {
        ...node3.metadata,
        labels: { ...node3.metadata.labels, "node.kubernetes.io/exclude-from-external-load-balancers": "true" },
      },
    });
    await within(3000, "node3 excluded", () => !poolServers(lab.avi).some((x) => x.startsWith("10.100.1.103:")));
    const node1 = lab.kube.get("nodes", "node1")!;
    lab.kube.apply({
      ...node1,
      metadata: { ...node1.metadata, labels: { ...node1.metadata.labels, "edge-only": "" } },
    });
    await within(
      3000,
      "node1 no longer selected",
      () => !poolServers(lab.avi).some((x) => x.startsWith("10.100.1.101:")),
    );
    assert.deepEqual(poolServers(lab.avi), ["10.100.1.102:30080:false"]);
    assert.deepEqual(routesOf(lab.avi, CLUSTER), [], "no routes in mode nodeport");
  });

  it("nodeport: a Service made ClusterIP keeps its pool's servers, and a Refused Event on it says why", async () => {
    await patchWeb({
      spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }] },
    });
    await upInMode("nodeport");
    sync = await runSync(lab);
    const s = sync;
    await within(10_000, "the first full resync", () => s.handle.ready());
    const before = poolServers(lab.avi);
    await patchWeb({ spec: { type: "ClusterIP" } });
    const refused = () =>
      lab.kube
        .list("events", "default")
        .filter((e) => e.reason === "Refused" && (e.involvedObject as { name?: string } | undefined)?.name === "web");
    await within(5000, "a Refused Event on web", () => refused().length === 1);
    assert.equal(refused()[0]?.type, "Warning");
    assert.match(String(refused()[0]?.message), /ClusterIP, which has no node ports.*Its pools keep their servers\.$/);
    assert.deepEqual(poolServers(lab.avi), before);
  });

  it("nodeportlocal: a new pod's Antrea port joins the pool, a deleted pod's leaves", async () => {
    await patchWeb({ metadata: { annotations: { "nodeportlocal.antrea.io/enabled": "true" } } });
    await lab.kube.waitFor(
      "pods",
      "web-d",
      "default",
      (p) => typeof p?.metadata.annotations?.["nodeportlocal.antrea.io"] === "string",
    );
    await upInMode("nodeportlocal");
    sync = await runSync(lab);
    const s = sync;
    await within(10_000, "the first full resync", () => s.handle.ready());
    assert.equal(poolServers(lab.avi).length, 4);
    lab.kube.createPod({
      name: "web-e",
      node: "node2",
      labels: { app: "web" },
      ports: [{ name: "http", containerPort: 8080 }],
    });
    await within(3000, "web-e's NPL port joins", () => poolServers(lab.avi).length === 5);
    const e = lab.kube.get("pods", "web-e", "default")!;
    const mapping = JSON.parse(e.metadata.annotations?.["nodeportlocal.antrea.io"] ?? "[]") as { nodePort: number }[];
    assert.ok(poolServers(lab.avi).includes(`10.100.1.102:${mapping[0]?.nodePort}:true`), poolServers(lab.avi).join());
    lab.kube.deletePod("default", "web-a");
    await within(3000, "web-a leaves", () => poolServers(lab.avi).length === 4);
  });
});
