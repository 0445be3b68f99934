// The sync against both emulators, in this process: it follows pod and node changes within seconds, writes a
// rollout burst as a few pool writes, writes nothing for a kubelet heartbeat storm, never empties a pool or drops a
// route when Kubernetes reads fail, backs off while the controller is unreachable and converges after, leaves
// pools without the membership marker and everything foreign alone, and stops at a 404 or a removed record.
import * as assert from "node:assert/strict";
import { quantile } from "../../../provider/sync";
import { plantForeign } from "../../reliability/support/stack";
import { foreignChanges, routesOf, snapshotForeign } from "../../reliability/support/oracle";
import {
  CLUSTER,
  POOL,
  poolServers,
  poolWrites,
  type RunningSync,
  runSync,
  type SyncLab,
  sleep,
  startSyncLab,
  within,
} from "./support";

const SEED = [
  "192.168.101.13:8080:true",
  "192.168.101.22:8080:true",
  "192.168.102.17:8080:true",
  "192.168.102.36:8080:true",
];
type Json = Record<string, unknown>;

describe("provider/sync against the emulators", function () {
  this.timeout(60_000);
  let lab: SyncLab;
  let sync: RunningSync | undefined;

  beforeEach(async () => {
    lab = await startSyncLab();
  });
  afterEach(async () => {
    await sync?.stop();
    sync = undefined;
    await lab.stop();
  });

  async function started(extra: Parameters<typeof runSync>[1] = {}): Promise<RunningSync> {
    sync = await runSync(lab, extra);
    const s = sync;
    await within(10_000, "the first full resync", () => s.handle.ready());
    return s;
  }

  it("follows a deleted pod, a new Ready pod and a new node within 2 s each, with one log line per write", async () => {
    const s = await started();
    assert.deepEqual(poolServers(lab.avi), SEED);
    lab.kube.deletePod("default", "web-a");
    const removed = await within(
      2000,
      "web-a leaves the pool",
      () => !poolServers(lab.avi).some((x) => x.startsWith("192.168.101.13:")),
    );
    lab.kube.createPod({
      name: "web-e",
      node: "node2",
      labels: { app: "web" },
      ports: [{ name: "http", containerPort: 8080 }],
    });
    const added = await within(2000, "web-e joins the pool", () => poolServers(lab.avi).length === 4);
    assert.ok(
      poolServers(lab.avi).every((x) => x.endsWith(":true")),
      poolServers(lab.avi).join(),
    );
    lab.kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
    const routed = await within(2000, "node3's route", () =>
      routesOf(lab.avi, CLUSTER).includes("192.168.103.0/24 via 10.100.1.103"),
    );
    console.log(`      pod removed after ${removed} ms, added after ${added} ms, route after ${routed} ms`);
    // Each line is logged once the sync has the controller's answer, a moment after the controller holds the write.
    const writeLines = () => s.lines.filter((l) => /^(pool|routes) /.test(l));
    await within(2000, "the three write lines", () => writeLines().length >= 3);
    const writes = writeLines();
    assert.equal(writes.length, 3, writes.join("\n"));
    assert.match(
      writes[0] ?? "",
      /^pool demo--default-web-TCP-80 \(service default\/web\): \+0 added, -1 removed; 3 servers; event→ack \d+ ms \(\d+ events?\); read \d+ ms, write \d+ ms$/,
    );
    assert.match(writes[2] ?? "", /^routes of cluster demo in VRF global: \+1 added \[192\.168\.103\.0\/24\]/);
    // The pod's name rides along in the server's description (the live view's pod column).
    const pool = lab.avi.objects("pool").find((p) => p.name === POOL) as Json;
    assert.ok(((pool.servers ?? []) as Json[]).some((x) => x.description === "web-e"));
    const m = s.handle.metrics;
    assert.deepEqual([m.writes.pool, m.writes.routes, m.latency.count], [2, 1, 3]);
  });

  it("writes a rollout of every pod as a few pool writes, and the metrics say so", async () => {
    for (let i = 0; i < 16; i++) {
      lab.kube.addPod({
        name: `web-x${i}`,
        node: i % 2 ? "node1" : "node2",
        labels: { app: "web" },
        ports: [{ name: "http", containerPort: 8080 }],
      });
    }
    const s = await started();
    await within(3000, "20 servers", () => poolServers(lab.avi).length === 20);
    lab.avi.clearLog();
    await lab.kube.rollout({ service: "web" }, { batch: 20, readyAfterMs: 400, terminateAfterMs: 400 });
    await lab.kube.settled();
    await within(
      3000,
      "the new pods only",
      () =>
        poolServers(lab.avi).length === 20 &&
        poolServers(lab.avi).every((x) => x.endsWith(":true")) &&
        !poolServers(lab.avi).some((x) => x.startsWith("192.168.101.13:")),
    );
    await sleep(300);
    const writes = [...poolWrites(lab.avi).values()];
    assert.equal(writes.length, 1);
    assert.ok((writes[0] as number) <= 3, `${writes[0]} pool writes for a 20-pod rollout wave`);
    const p50 = quantile(s.handle.metrics.latency, 0.5) ?? Number.NaN;
    assert.ok(p50 <= 0.5, `p50 ${p50} s`);
    const text = await (await fetch(`${s.handle.url}/metrics`)).text();
    assert.match(text, /^avi_k8s_sync_writes_total\{kind="pool"\} \d+$/m);
    assert.match(text, /^avi_k8s_sync_event_to_write_seconds_bucket\{le="0.5"\} \d+$/m);
    assert.match(text, /^avi_k8s_sync_leader 1$/m);
    assert.match(text, /^avi_k8s_sync_last_full_resync_timestamp_seconds [1-9]\d+\.\d+$/m);
  });

  it("writes nothing for a kubelet heartbeat storm (every Node's status rewritten, again and again)", async () => {
    const s = await started();
    lab.avi.clearLog();
    for (let round = 0; round < 5; round++) {
      for (const n of lab.kube.list("nodes")) {
        const conditions = ((n.status?.conditions ?? []) as Json[]).map((c) => ({
          ...c,
          lastHeartbeatTime: new Date(Date.now() + round * 10_000).toISOString().replace(/\.\d+Z$/, "Z"),
        }));
        lab.kube.apply({ ...n, status: { ...n.status, conditions } });
      }
      await sleep(100);
    }
    await sleep(600);
    assert.equal(lab.avi.writes().length, 0, "no controller write");
    const nodeEvents = s.handle.metrics.events.node;
    assert.ok(nodeEvents && nodeEvents.dropped >= 10 && nodeEvents.passed === 0, JSON.stringify(nodeEvents));
  });

  it("keeps every server and route while Kubernetes fails, and converges once it answers again", async () => {
    const s = await started();
    const routes = routesOf(lab.avi, CLUSTER);
    lab.avi.clearLog();
    lab.kube.setFaults({ serverError: Number.POSITIVE_INFINITY });
    lab.kube.dropWatches();
    lab.kube.deletePod("default", "web-a");
    lab.kube.deletePod("default", "web-c");
    lab.kube.removeNode("node2");
    await sleep(2500);
    assert.equal(lab.avi.writes().length, 0, "nothing written on failed reads");
    assert.deepEqual(poolServers(lab.avi), SEED, "the pool keeps its servers");
    assert.deepEqual(routesOf(lab.avi, CLUSTER), routes, "the routes stay");
    assert.ok(
      (s.handle.metrics.errors.kubernetes ?? 0) > 0,
      `the failures are counted: ${s.lines.join("\n")}\n${lab.kube.requestLog
        .slice(-10)
        .map((e) => `${e.status} ${e.path}${e.query.slice(0, 50)}`)
        .join("\n")}`,
    );
    lab.kube.clearFaults();
    await within(
      10_000,
      "convergence",
      () => poolServers(lab.avi).length === 1 && routesOf(lab.avi, CLUSTER).length === 1,
    );
    assert.deepEqual(poolServers(lab.avi), ["192.168.101.22:8080:true"]);
  });

  it("backs off while the controller is unreachable, keeps what it wants, and converges when it returns", async () => {
    const s = await started();
    lab.avi.faults.set({ errorRate: 1, errorStatus: 503 });
    lab.kube.deletePod("default", "web-b");
    await sleep(1500);
    assert.deepEqual(poolServers(lab.avi), SEED);
    assert.ok((s.handle.metrics.errors.controller ?? 0) > 0);
    lab.avi.faults.clear();
    await within(35_000, "convergence after the outage", () => poolServers(lab.avi).length === 3);
    // The line is logged once the sync has the controller's answer, a moment after the controller holds the write.
    await within(5000, "the pool's log line", () => s.lines.some((l) => l.startsWith("pool ")));
    const line = s.lines.find((l) => l.startsWith("pool "));
    assert.match(line ?? "", /-1 removed/);
    assert.ok(s.handle.metrics.latency.sum > 1, "the latency counts from the event, through the outage");
  });

  it("touches nothing foreign, nor a pool without the membership marker; a deleted pool or record is left gone", async () => {
    await plantForeign(lab.session);
    const before = snapshotForeign(lab.avi, [CLUSTER]);
    // A pool of this cluster in "pulumi" mode: ours, but not the sync's.
    const other = await lab.session.post<Json>("pool", {
      name: "demo--default-api-TCP-80",
      markers: [
        { key: "clustername", values: [CLUSTER] },
        { key: "Namespace", values: ["default"] },
        { key: "ServiceName", values: ["web"] },
      ],
      servers: [{ ip: { addr: "192.168.101.99", type: "V4" }, port: 8080 }],
    });
    const s = await started();
    lab.kube.deletePod("default", "web-d");
    await within(2000, "web-d leaves", () => poolServers(lab.avi).length === 3);
    assert.deepEqual(poolServers(lab.avi, "demo--default-api-TCP-80"), ["192.168.101.99:8080:true"]);
    assert.deepEqual(foreignChanges(lab.avi, before, [CLUSTER]), []);

    // The resources go away: the pool and the routes record. The sync neither recreates nor touches them.
    const pool = lab.avi.objects("pool").find((p) => p.name === POOL) as Json;
    const vs = lab.avi.objects("virtualservice").find((v) => v.name === "demo--default-web") as Json;
    await lab.session.delete(`virtualservice/${String(vs.uuid)}`);
    await lab.session.delete(`pool/${String(pool.uuid)}`);
    const record = lab.avi.objects("stringgroup")[0] as Json;
    await lab.session.delete(`stringgroup/${String(record.uuid)}`);
    lab.kube.deletePod("default", "web-c");
    lab.kube.addNode({ name: "node4", internalIP: "10.100.1.104", podCIDRs: ["192.168.104.0/24"] });
    await sleep(1500);
    assert.equal(lab.avi.objects("pool").filter((p) => p.name === POOL).length, 0, "not recreated");
    assert.ok(!routesOf(lab.avi, CLUSTER).some((r) => r.startsWith("192.168.104.")), "no route without its record");
    assert.equal(lab.avi.objects("pool").find((p) => p.uuid === other.uuid)?.servers !== undefined, true);
    assert.deepEqual(foreignChanges(lab.avi, before, [CLUSTER]), []);
    assert.ok(
      s.lines.some((l) => /is gone/.test(l)),
      s.lines.join("\n"),
    );
  });
});
