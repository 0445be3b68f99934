import * as assert from "node:assert/strict";
import { diffRoutes, planRoutes, routeIdFor } from "../../../provider/plan";
import type { ActualRoute, DesiredRoute, NodePlacement } from "../../../provider/plan/types";
import { int, rng, shuffle } from "./random";

const label = (value?: string, key = "clustername") => [value === undefined ? { key } : { key, value }];

function actualOf(r: DesiredRoute, cluster = "c1"): ActualRoute {
  return { routeId: r.routeId, prefix: r.prefix, nextHop: r.nextHop, labels: label(cluster) };
}

const nodes: NodePlacement[] = [
  { name: "node1", podCidrs: ["192.168.101.0/24"], addresses: { ipv4: "10.100.1.101" }, source: "default" },
  { name: "node2", podCidrs: ["192.168.102.0/24"], addresses: { ipv4: "10.100.1.102" }, source: "default" },
  { name: "node3", podCidrs: ["192.168.103.0/24"], addresses: { ipv4: "10.100.1.103" }, source: "default" },
];

describe("diffRoutes", () => {
  it("adds everything to an empty VRF and changes nothing once applied", () => {
    const desired = planRoutes("c1", nodes).routes;
    const first = diffRoutes("c1", desired, []);
    assert.deepEqual(first.add, desired);
    assert.deepEqual([first.update, first.remove, first.unchanged, first.keepForeign], [[], [], [], []]);
    const again = diffRoutes(
      "c1",
      desired,
      desired.map((r) => actualOf(r)),
    );
    assert.deepEqual(again.unchanged, desired);
    assert.deepEqual([again.add, again.update, again.remove], [[], [], []]);
    assert.equal(again.conflicts, undefined);
  });

  it("updates a route whose next hop changed, removes a gone node's route, adds a new node's route", () => {
    const before = planRoutes("c1", nodes.slice(0, 2)).routes;
    const after = planRoutes("c1", [
      { ...(nodes[0] as NodePlacement), addresses: { ipv4: "10.100.1.201" } },
      nodes[2] as NodePlacement,
    ]).routes;
    const change = diffRoutes(
      "c1",
      after,
      before.map((r) => actualOf(r)),
    );
    assert.deepEqual(
      change.update.map((u) => [u.from.nextHop, u.to.nextHop, u.to.prefix]),
      [["10.100.1.101", "10.100.1.201", "192.168.101.0/24"]],
    );
    assert.deepEqual(
      change.remove.map((r) => r.prefix),
      ["192.168.102.0/24"],
    );
    assert.deepEqual(
      change.add.map((r) => r.prefix),
      ["192.168.103.0/24"],
    );
  });

  it("keeps routes without our exact label: none, another cluster, a cluster whose name extends ours, another key", () => {
    const foreign: ActualRoute[] = [
      { routeId: "1", prefix: "10.0.0.0/8", nextHop: "10.1.1.1", labels: [] },
      { routeId: "c2-192.168.101.0-24", prefix: "192.168.101.0/24", nextHop: "10.9.9.9", labels: label("c2") },
      { routeId: "c1-new-7", prefix: "172.16.0.0/24", nextHop: "10.9.9.8", labels: label("c1-new") },
      { routeId: "c1-172.17.0.0-24", prefix: "172.17.0.0/24", nextHop: "10.9.9.7", labels: label("c1", "owner") },
      { routeId: "c1-x", prefix: "172.18.0.0/24", nextHop: "10.9.9.6", labels: label(undefined) },
    ];
    const change = diffRoutes("c1", [], foreign);
    assert.deepEqual(change.keepForeign, foreign);
    assert.deepEqual(change.remove, []);
  });

  it("removes a route labelled ours under another id scheme and adds ours for its prefix (AKO migration)", () => {
    const desired = planRoutes("c1", nodes.slice(0, 1)).routes;
    const ako: ActualRoute = {
      routeId: "c1-0d7a7c1e-1111-4f1c-9c1e-2f1e1e1e1e1e-0",
      prefix: "192.168.101.0/24",
      nextHop: "10.100.1.101",
      labels: label("c1"),
    };
    const change = diffRoutes("c1", desired, [ako]);
    assert.deepEqual(change.remove, [ako]);
    assert.deepEqual(change.add, desired);
  });

  it("warns when a foreign route already holds a prefix we route, and keeps it", () => {
    const desired = planRoutes("c1", nodes.slice(0, 1)).routes;
    const manual: ActualRoute = { routeId: "7", prefix: "192.168.101.0/24", nextHop: "10.0.0.1", labels: [] };
    const change = diffRoutes("c1", desired, [manual]);
    assert.deepEqual(change.keepForeign, [manual]);
    assert.equal(change.conflicts?.length, 1);
    assert.match(change.conflicts?.[0]?.message ?? "", /192\.168\.101\.0\/24.*two routes/);
  });

  for (const s of [3, 11, 314, 2718]) {
    it(`never removes a foreign route and accounts for every actual route (seed ${s})`, () => {
      const r = rng(s);
      const clusters = ["c1", "c2", "c1-new", "c", "C1"];
      const actual: ActualRoute[] = [];
      for (let i = 0; i < 400; i++) {
        const cluster = clusters[int(r, 0, clusters.length - 1)] as string;
        const prefix = `10.${int(r, 0, 40)}.${int(r, 0, 255)}.0/24`;
        const kind = int(r, 0, 4);
        const labels =
          kind === 0 ? [] : kind === 1 ? label(cluster, "team") : kind === 2 ? label(undefined) : label(cluster);
        const routeId = r() < 0.7 ? routeIdFor(cluster, prefix) : `${cluster}-${i}`;
        actual.push({ routeId, prefix, nextHop: `10.200.0.${int(r, 1, 254)}`, labels });
      }
      const desiredNodes: NodePlacement[] = [];
      for (let i = 0; i < 100; i++) {
        desiredNodes.push({
          name: `n${i}`,
          podCidrs: [`10.${int(r, 0, 40)}.${int(r, 0, 255)}.0/24`],
          addresses: { ipv4: `10.200.1.${int(r, 1, 254)}` },
          source: "default",
        });
      }
      const desired = planRoutes("c1", desiredNodes).routes;
      const change = diffRoutes("c1", shuffle(r, desired), shuffle(r, actual));
      const mine = (a: ActualRoute) => a.labels.some((l) => l.key === "clustername" && l.value === "c1");
      assert.ok(change.remove.every(mine), "a foreign route is in the remove set");
      assert.ok(
        change.update.every((u) => mine(u.from)),
        "a foreign route is in the update set",
      );
      assert.deepEqual(new Set(change.keepForeign), new Set(actual.filter((a) => !mine(a))));
      const touched = change.remove.length + change.update.length + change.unchanged.length + change.keepForeign.length;
      assert.equal(touched, actual.length);
      assert.equal(change.add.length + change.update.length + change.unchanged.length, desired.length);
    });
  }
});
