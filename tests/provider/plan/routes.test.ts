import * as assert from "node:assert/strict";
import { parseCidr, planRoutes, routeIdFor } from "../../../provider/plan";
import type { NodePlacement } from "../../../provider/plan/types";
import { int, rng, shuffle } from "./random";

const seed: NodePlacement[] = [
  { name: "node1", podCidrs: ["192.168.101.0/24"], addresses: { ipv4: "10.100.1.101" }, source: "default" },
  { name: "node2", podCidrs: ["192.168.102.0/24"], addresses: { ipv4: "10.100.1.102" }, source: "default" },
];

/** A random cluster: every node gets 1-4 distinct CIDRs (v4 /26 blocks, sometimes a v6 /64) and addresses. */
function randomNodes(seedValue: number, count: number): NodePlacement[] {
  const r = rng(seedValue);
  const nodes: NodePlacement[] = [];
  let block = 0;
  for (let i = 0; i < count; i++) {
    const podCidrs: string[] = [];
    const n = int(r, 1, 4);
    for (let k = 0; k < n; k++, block++)
      podCidrs.push(`10.${(block >> 10) & 255}.${(block >> 2) & 255}.${(block & 3) * 64}/26`);
    if (r() < 0.5) podCidrs.push(`fd00:10:244:${i.toString(16)}::/64`);
    nodes.push({
      name: `n-${i}-${int(r, 0, 9999)}`,
      podCidrs,
      addresses: { ipv4: `172.16.${i >> 8}.${i & 255}`, ipv6: `fd00::${i.toString(16)}:1` },
      source: "calico",
    });
  }
  return nodes;
}

describe("planRoutes", () => {
  it("plans one route per node CIDR via the node address for the seed topology", () => {
    const plan = planRoutes("c1", seed);
    assert.deepEqual(
      plan.routes.map((r) => [r.prefix, r.nextHop, r.node, r.family]),
      [
        ["192.168.101.0/24", "10.100.1.101", "node1", "ipv4"],
        ["192.168.102.0/24", "10.100.1.102", "node2", "ipv4"],
      ],
    );
    assert.deepEqual(plan.conflicts, []);
    assert.equal(plan.cluster, "c1");
    assert.equal(plan.routes[0]?.routeId, routeIdFor("c1", "192.168.101.0/24"));
  });

  it("gives dual-stack nodes a v4 route via the v4 address and a v6 route via the v6 address", () => {
    const plan = planRoutes("c1", [
      {
        name: "ds1",
        podCidrs: ["10.244.1.0/24", "FD00:10:244:1:0::/64"],
        addresses: { ipv4: "10.0.0.11", ipv6: "fd00::11" },
        source: "default",
      },
    ]);
    assert.deepEqual(
      plan.routes.map((r) => [r.family, r.prefix, r.nextHop]),
      [
        ["ipv4", "10.244.1.0/24", "10.0.0.11"],
        ["ipv6", "fd00:10:244:1::/64", "fd00::11"],
      ],
    );
  });

  it("reports a malformed CIDR, host bits, a missing family address and a node without CIDRs as conflicts", () => {
    const plan = planRoutes("c1", [
      {
        name: "a",
        podCidrs: ["10.1.0.0/33", "10.2.0.5/24", "fd00:1::/64", "10.3.0.0/24"],
        addresses: { ipv4: "10.0.0.1" },
        source: "default",
      },
      { name: "b", podCidrs: [], addresses: { ipv4: "10.0.0.2" }, source: "default" },
    ]);
    assert.deepEqual(
      plan.routes.map((r) => r.prefix),
      ["10.3.0.0/24"],
    );
    const kinds = plan.conflicts.map((c) => [c.kind, c.node, c.prefix]);
    assert.deepEqual(kinds, [
      ["malformed-cidr", "a", "10.1.0.0/33"],
      ["malformed-cidr", "a", "10.2.0.5/24"],
      ["no-address-for-family", "a", "fd00:1::/64"],
      ["no-pod-cidr", "b", undefined],
    ]);
    assert.match(plan.conflicts[1]?.message ?? "", /10\.2\.0\.0\/24/);
    assert.match(plan.conflicts[2]?.message ?? "", /IPv6/);
  });

  it("reports two nodes claiming one CIDR and keeps the route of the first node by name, whatever the order", () => {
    const nodes: NodePlacement[] = [
      { name: "zeta", podCidrs: ["10.9.0.0/24"], addresses: { ipv4: "10.0.0.9" }, source: "default" },
      { name: "alpha", podCidrs: ["10.9.0.0/24"], addresses: { ipv4: "10.0.0.1" }, source: "default" },
    ];
    for (const order of [nodes, [...nodes].reverse()]) {
      const plan = planRoutes("c1", order);
      assert.deepEqual(
        plan.routes.map((r) => [r.prefix, r.node]),
        [["10.9.0.0/24", "alpha"]],
      );
      assert.equal(plan.conflicts.length, 1);
      assert.equal(plan.conflicts[0]?.kind, "duplicate-cidr");
      assert.match(plan.conflicts[0]?.message ?? "", /alpha and zeta/);
    }
  });

  it("reports a CIDR nested inside another node's CIDR, and keeps both routes", () => {
    const plan = planRoutes("c1", [
      { name: "a", podCidrs: ["10.0.0.0/24", "10.0.0.0/26"], addresses: { ipv4: "10.9.0.1" }, source: "default" },
      { name: "b", podCidrs: ["10.0.0.128/25", "10.0.1.0/24"], addresses: { ipv4: "10.9.0.2" }, source: "default" },
    ]);
    assert.equal(plan.routes.length, 4);
    assert.deepEqual(
      plan.conflicts.map((c) => [c.kind, c.node, c.prefix]),
      [["other", "b", "10.0.0.128/25"]],
    );
    assert.match(plan.conflicts[0]?.message ?? "", /inside 10\.0\.0\.0\/24 of node a/);
  });

  it("derives ids from cluster and prefix only: readable, Avi-safe, the same on any node", () => {
    assert.equal(routeIdFor("c1", "192.168.101.0/24"), "c1-192.168.101.0-24");
    assert.equal(routeIdFor("c1", "FD00:10:244:1::/64"), routeIdFor("c1", "fd00:10:244:1:0:0:0:0/64"));
    assert.match(routeIdFor("c1", "fd00:10:244:1::/64"), /^[A-Za-z0-9_.-]+$/);
    assert.notEqual(routeIdFor("orange", "10.0.0.0/24"), routeIdFor("orange-new", "10.0.0.0/24"));
    const moved = planRoutes("c1", [
      { ...seed[0], name: "node9", addresses: { ipv4: "10.100.1.109" } } as NodePlacement,
    ]);
    assert.equal(moved.routes[0]?.routeId, planRoutes("c1", seed).routes[0]?.routeId);
  });

  for (const s of [1, 7, 42, 2024, 99991]) {
    it(`keeps ids and routes stable under reordering of nodes and CIDRs, without duplicates (seed ${s})`, () => {
      const nodes = randomNodes(s, 300);
      const base = planRoutes("prod-east", nodes);
      const r = rng(s + 1);
      for (let round = 0; round < 5; round++) {
        const reordered = shuffle(r, nodes).map((n) => ({ ...n, podCidrs: shuffle(r, n.podCidrs) }));
        assert.deepEqual(planRoutes("prod-east", reordered), base);
      }
      const ids = base.routes.map((x) => x.routeId);
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(
        ids.length,
        nodes.reduce((sum, n) => sum + n.podCidrs.length, 0),
      );
      assert.deepEqual(base.conflicts, []);
    });
  }

  it("never gives two different prefixes the same id, across clusters too (seeded)", () => {
    const r = rng(5);
    const seen = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const cluster = ["a", "a-1", "a-10", "b_2"][int(r, 0, 3)] as string;
      const v6 = r() < 0.5;
      const prefix = v6
        ? `fd${int(r, 0, 255).toString(16)}:${int(r, 0, 65535).toString(16)}::/${int(r, 16, 64)}`
        : `${int(r, 0, 255)}.${int(r, 0, 255)}.0.0/16`;
      const id = routeIdFor(cluster, prefix);
      const key = `${cluster}|${parseCidr(prefix)?.prefix}`;
      const prior = seen.get(id);
      assert.ok(prior === undefined || prior === key, `${id} for ${key} and ${prior}`);
      seen.set(id, key);
    }
  });
});
