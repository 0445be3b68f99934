// Concurrency campaign: 8 clusters (8 stacks, each with its own Kubernetes emulator) reconcile into one shared VRF
// at the same time, round after round, while pods move, turn unready, come and go and nodes join and leave. The
// VRF also holds routes nobody owns and routes labelled with other keys. After every round each cluster holds
// exactly its routes and pool servers, nothing is duplicated, and every foreign route is byte-identical.
import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { type AviSession, createAviSession, type VirtualServiceSpec } from "../../provider/avi";
import { campaignSize, type Rng, report, rng } from "./support/campaign";
import { compare, expectedPool, expectedRoutes, foreignChanges, snapshotForeign } from "./support/oracle";
import { applyStack, connectionTo, deleteStack, plantForeign, type StackTarget, withSession } from "./support/stack";

const CLUSTERS = 8;

interface Cluster {
  name: string;
  index: number;
  kube: KubeEmulator;
  session: AviSession;
  target: StackTarget;
  nextNode: number;
  spec?: VirtualServiceSpec;
}

/** Cluster i owns 10.(20+i).n.0/24 on node n, reached via 10.100.(20+i).n: disjoint from every other cluster. */
function addNode(c: Cluster): string {
  const n = c.nextNode++;
  const name = `c${c.index}-n${n}`;
  c.kube.addNode({ name, internalIP: `10.100.${20 + c.index}.${n}`, podCIDRs: [`10.${20 + c.index}.${n}.0/24`] });
  return name;
}

function pods(c: Cluster): string[] {
  return c.kube
    .list("pods", "default")
    .filter((p) => p.metadata.labels?.app === "web")
    .map((p) => p.metadata.name as string);
}

function addPod(c: Cluster, r: Rng): void {
  const nodes = c.kube.list("nodes").map((n) => n.metadata.name as string);
  c.kube.addPod({
    name: `web-${c.index}-${c.nextNode}-${r.int(0, 1e9)}`,
    node: r.pick(nodes),
    labels: { app: "web" },
    ports: [{ name: "http", containerPort: 8080 }],
  });
}

function setUp(c: Cluster, r: Rng): void {
  for (const n of ["node1", "node2"]) c.kube.removeNode(n);
  for (let i = 0; i < 3; i++) addNode(c);
  for (let i = 0; i < 4; i++) addPod(c, r);
}

/** Random churn: at least one change per cluster per round. */
function churn(c: Cluster, r: Rng): void {
  for (let k = r.int(1, 3); k > 0; k--) {
    const nodes = c.kube.list("nodes").map((n) => n.metadata.name as string);
    const ps = pods(c);
    const kind = r.pick(["move", "ready", "addPod", "deletePod", "addNode", "removeNode"] as const);
    if (kind === "move" && ps.length > 0) c.kube.movePod("default", r.pick(ps), r.pick(nodes));
    else if (kind === "ready" && ps.length > 0) c.kube.setPodReady("default", r.pick(ps), r.chance(0.5));
    else if (kind === "addPod" || ps.length < 2) addPod(c, r);
    else if (kind === "deletePod") c.kube.deletePod("default", r.pick(ps));
    else if (kind === "addNode" && nodes.length < 6) addNode(c);
    else if (kind === "removeNode" && nodes.length > 2) c.kube.removeNode(r.pick(nodes));
  }
  if (pods(c).length === 0) addPod(c, r);
}

describe("reliability: concurrency campaign (8 clusters, one shared VRF)", function () {
  this.timeout(0);
  let avi: AviEmulator;
  const clusters: Cluster[] = [];

  before(async () => {
    avi = await startAviEmulator();
    await withSession(connectionTo(avi), plantForeign);
    const kubes = await Promise.all(Array.from({ length: CLUSTERS }, () => startKubeEmulator()));
    kubes.forEach((kube, index) => {
      const name = `cc${index}`;
      const c: Cluster = {
        name,
        index,
        kube,
        session: createAviSession(connectionTo(avi)),
        target: { cluster: name, kube, vip: `10.100.8.${index + 1}`, pageSize: 2 },
        nextNode: 1,
      };
      setUp(c, rng(1000 + index));
      clusters.push(c);
    });
  });
  after(async () => {
    for (const c of clusters) {
      await c.session.logout().catch(() => undefined);
      await c.kube.stop();
    }
    await avi?.stop();
  });

  it("none of any cluster's routes or servers is lost, duplicated or changed, and no foreign route is touched", async () => {
    const rounds = campaignSize(100, 10);
    const seed = Number(process.env.REPLAY_SEED ?? 1);
    const r = rng(seed);
    const names = clusters.map((c) => c.name);
    const before = snapshotForeign(avi, names);
    const problems: string[] = [];
    let converged = 0;
    let orphans = 0;
    let foreign = 0;
    let errors = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const c of clusters) churn(c, r);
      const results = await Promise.allSettled(
        clusters.map(async (c) => {
          c.spec = (await applyStack(c.session, c.target)).spec;
        }),
      );
      for (const [i, res] of results.entries()) {
        if (res.status === "rejected") {
          errors++;
          problems.push(`round ${round} ${clusters[i]!.name}: ${(res.reason as Error).message}`);
        }
      }
      for (const c of clusters) {
        const cmp = compare(avi, {
          cluster: c.name,
          namespace: "default",
          service: "web",
          pool: expectedPool(c.kube, "default", "web"),
          routes: expectedRoutes(c.kube),
        });
        orphans += cmp.orphans.length;
        if (cmp.orphans.length + cmp.problems.length === 0) converged++;
        else problems.push(`round ${round} ${c.name}: ${[...cmp.orphans, ...cmp.problems].join("; ")}`);
      }
      const changed = foreignChanges(avi, before, names);
      foreign += changed.length;
      if (changed.length > 0) problems.push(`round ${round}: foreign changed: ${changed.join("; ")}`);
    }
    await Promise.all(clusters.map((c) => deleteStack(c.session, c.spec!)));
    for (const c of clusters) {
      const cmp = compare(avi, { cluster: c.name, namespace: "default", service: "web", routes: [] });
      orphans += cmp.orphans.length;
      problems.push(...cmp.orphans.map((o) => `after delete ${c.name}: orphan ${o}`));
    }
    foreign += foreignChanges(avi, before, names).length;
    report({
      campaign: "concurrency campaign",
      unit: "cluster-rounds",
      schedules: rounds * CLUSTERS,
      converged,
      orphans,
      foreignChanges: foreign,
      secretsFound: problems.filter((p) => p.includes(avi.password)).length,
      extra: {
        "failed reconciles": errors,
        "412 conflicts met": avi.requestLog.filter((e) => e.status === 412).length,
      },
    });
    for (const p of problems.slice(0, 20)) console.log(`      concurrency FAILED (REPLAY_SEED=${seed}) ${p}`);
    assert.deepEqual(problems, []);
  });
});
