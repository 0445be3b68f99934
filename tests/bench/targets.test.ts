// The benchmark's targets judged from rows: counts (calls, writes, sizes) fail on any miss, so tests/bench can fail
// the suite with them; timings are judged the same way but only `npm run bench` acts on them.
import * as assert from "node:assert/strict";
import { evaluateTargets } from "../../bench/targets";
import type { Report, Row } from "../../bench/types";

function row(resource: Row["resource"], step: Row["step"], extra: Partial<Row> = {}): Row {
  return {
    scenario: "10n default",
    nodes: 10,
    pods: 300,
    cni: "kubernetes",
    resource,
    step,
    ms: 50,
    cpuMs: 40,
    phases: {},
    baseRssMB: 90,
    peakRssMB: 110,
    info: {},
    kubeCalls: 2,
    kubeBytes: 1000,
    kubeListedPods: false,
    kubeAllSlices: false,
    aviReads: 1,
    aviWrites: 1,
    aviSession: 2,
    aviLogins: 1,
    aviSentBytes: 4000,
    aviReceivedBytes: 4000,
    ...extra,
  };
}

function good(): Pick<Report, "rows" | "providerSize"> {
  return {
    rows: [
      row("routes", "check", { aviReads: 0, aviWrites: 0 }),
      row("routes", "update-node"),
      row("routes", "update-pod", { aviWrites: 0 }),
      row("vs", "check", { services: 1 }),
      row("routes", "create", { info: { stateBytesPerRoute: 72, routes: 10 } }),
      row("vs", "create", { services: 100 }),
      row("vs-nodeport", "check", { services: 1, info: { servers: 10 } }),
    ],
    providerSize: {
      routes: 330,
      virtualService: 340,
      containsSecrets: false,
      checkout: { routes: 3000, virtualService: 3000 },
    },
  };
}

const failed = (r: Pick<Report, "rows" | "providerSize">) =>
  evaluateTargets(r)
    .filter((t) => !t.pass)
    .map((t) => `${t.kind}: ${t.name}`);

describe("bench targets", () => {
  it("pass on figures that meet them, and say which are counts and which are timings", () => {
    const targets = evaluateTargets(good());
    assert.deepEqual(failed(good()), []);
    assert.deepEqual(
      targets.filter((t) => t.kind === "timing").map((t) => t.name),
      [targets[0]?.name, targets.find((t) => t.name.startsWith("NodePort servers planned"))?.name],
      "only the planning time and memory targets (routes, NodePort) are timings",
    );
  });

  it("a second write for a node change, a pod list, a write on a no-change run or a large provider is a count miss", () => {
    const twoWrites = good();
    twoWrites.rows[1] = row("routes", "update-node", { aviWrites: 2 });
    assert.deepEqual(failed(twoWrites), [
      "count: a one-node change costs at most one read and one write to the controller",
    ]);

    const podList = good();
    podList.rows[3] = row("vs", "check", { services: 1, kubeListedPods: true });
    assert.deepEqual(failed(podList), ["count: reading one service's placement never lists every pod"]);

    const rewrite = good();
    rewrite.rows[2] = row("routes", "update-pod", { aviWrites: 1 });
    assert.deepEqual(failed(rewrite), ["count: a run with no route change writes no route"]);

    const logins = good();
    logins.rows[5] = row("vs", "create", { services: 100, aviLogins: 100 });
    assert.deepEqual(failed(logins), ["count: at most 2 controller logins per `up`, whatever the number of services"]);

    const fat = good();
    fat.rows[4] = row("routes", "create", { info: { stateBytesPerRoute: 81, routes: 10 } });
    assert.deepEqual(failed(fat), ["count: routes stored in at most 80 B each (checked inputs and outputs together)"]);

    const big = good();
    big.providerSize.virtualService = 5000;
    assert.deepEqual(failed(big), ["count: serialized provider 2 KB or less per resource"]);

    const missingNode = good();
    missingNode.rows[6] = row("vs-nodeport", "check", { services: 1, info: { servers: 9 } });
    assert.deepEqual(failed(missingNode), [
      "count: NodePort: one server per node and Service port, read without listing pods",
    ]);
  });

  it("a slow or large plan is a timing miss, which the suite leaves to npm run bench", () => {
    const slow = good();
    slow.rows[0] = row("routes", "check", { ms: 5000 });
    assert.equal(failed(slow).length, 1);
    assert.match(failed(slow)[0] ?? "", /^timing: routes planned/);
  });
});
