import * as assert from "node:assert/strict";
import { AviError, applyRoutes, readRoutes, removeRoutes } from "../../../provider/avi";
import type { DesiredRoute, NodePlacement } from "../../../provider/plan/types";
import { type Rig, SEED_NODES, seedRoutes, startRig, vrfRoutes } from "./seed";

/** Routes that are not ours in any of the ways a VRF holds them: no label, another cluster, another label key. */
const FOREIGN = [
  {
    route_id: "1",
    prefix: { ip_addr: { addr: "10.244.0.0", type: "V4" }, mask: 16 },
    next_hop: { addr: "10.52.2.23", type: "V4" },
  },
  {
    route_id: "other-uuid-0",
    prefix: { ip_addr: { addr: "172.16.1.0", type: "V4" }, mask: 24 },
    next_hop: { addr: "10.9.0.1", type: "V4" },
    labels: [{ key: "clustername", value: "other" }],
  },
  {
    route_id: "team-x",
    prefix: { ip_addr: { addr: "172.16.2.0", type: "V4" }, mask: 24 },
    next_hop: { addr: "10.9.0.2", type: "V4" },
    labels: [{ key: "owner", value: "c1" }],
    disable_gateway_monitor: true,
  },
];

async function seedForeign(rig: Rig): Promise<string[]> {
  const vrf = rig.avi.objects("vrfcontext").find((v) => v.name === "global")!;
  await rig.session.put(`vrfcontext/${String(vrf.uuid)}`, { ...vrf, static_routes: FOREIGN });
  return vrfRoutes(rig.avi).map((r) => JSON.stringify(r));
}

function nodesFor(cluster: number, round: number): NodePlacement[] {
  // Each cluster owns its own /24s (10.<cluster>.x.0/24); which nodes exist changes from round to round.
  const nodes: NodePlacement[] = [];
  for (let n = 0; n < 4; n++) {
    if ((round + n + cluster) % 5 === 0) continue;
    const hop = (round + n) % 3 === 0 ? 200 + n : 100 + n;
    nodes.push({
      name: `n${n}`,
      podCidrs: [`10.${cluster}.${n}.0/24`],
      addresses: { ipv4: `172.31.${cluster}.${hop}` },
      source: "default",
    });
  }
  return nodes;
}

function ownedKeys(routes: Record<string, unknown>[], cluster: string): string[] {
  return routes
    .filter((r) =>
      (r.labels as { key: string; value?: string }[] | undefined)?.some(
        (l) => l.key === "clustername" && l.value === cluster,
      ),
    )
    .map(
      (r) =>
        `${String(r.route_id)} ${(r.prefix as { ip_addr: { addr: string } }).ip_addr.addr} ${(r.next_hop as { addr: string }).addr}`,
    )
    .sort();
}

function desiredKeys(routes: DesiredRoute[]): string[] {
  return routes.map((r) => `${r.routeId} ${r.prefix.split("/")[0]} ${r.nextHop}`).sort();
}

describe("provider/avi static routes against the Avi emulator", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.stop();
  });

  it("writes only our labelled routes and keeps every foreign route byte-identical, in place", async () => {
    const foreign = await seedForeign(rig);
    const res = await applyRoutes(rig.session, { cluster: "c1" }, seedRoutes("c1"));
    assert.equal(res.change.keepForeign.length, 3);
    const after = vrfRoutes(rig.avi).map((r) => JSON.stringify(r));
    assert.deepEqual(after.slice(0, 3), foreign);
    assert.deepEqual(ownedKeys(vrfRoutes(rig.avi), "c1"), desiredKeys(seedRoutes("c1")));
    // A node's address changes: one update, foreign routes still untouched.
    const moved = SEED_NODES.map((n) => (n.name === "node2" ? { ...n, addresses: { ipv4: "10.100.1.222" } } : n));
    const upd = await applyRoutes(rig.session, { cluster: "c1" }, seedRoutes("c1", moved));
    assert.equal(upd.change.update.length, 1);
    assert.equal(upd.writes, 1);
    assert.deepEqual(
      vrfRoutes(rig.avi)
        .map((r) => JSON.stringify(r))
        .slice(0, 3),
      foreign,
    );
    const removed = await removeRoutes(rig.session, { cluster: "c1" });
    assert.equal(removed.removed, 2);
    assert.deepEqual(
      vrfRoutes(rig.avi).map((r) => JSON.stringify(r)),
      foreign,
    );
    assert.equal((await readRoutes(rig.session, { cluster: "c1" })).length, 3);
  });

  it("refuses to write a route id a foreign route already uses", async () => {
    const vrf = rig.avi.objects("vrfcontext").find((v) => v.name === "global")!;
    const [mine] = seedRoutes("c1");
    const squatter = { ...FOREIGN[0], route_id: mine!.routeId };
    await rig.session.put(`vrfcontext/${String(vrf.uuid)}`, { ...vrf, static_routes: [squatter] });
    const err = await applyRoutes(rig.session, { cluster: "c1" }, seedRoutes("c1")).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.match(err.message, new RegExp(`route id ${mine!.routeId}`));
    assert.equal(vrfRoutes(rig.avi).length, 1);
  });

  it("checks the SE group when one is named: refuses one labelled for another cluster before writing", async () => {
    const seg = rig.avi.objects("serviceenginegroup").find((g) => g.name === "Default-Group")!;
    await rig.session.put(`serviceenginegroup/${String(seg.uuid)}`, {
      ...seg,
      labels: [{ key: "clustername", value: "c9" }],
    });
    const t = { cluster: "c1", seGroup: "Default-Group" };
    const err = await applyRoutes(rig.session, t, seedRoutes("c1")).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.match(err.message, /labelled clustername=c9/);
    assert.equal(vrfRoutes(rig.avi).length, 0);
    const warned = await applyRoutes(rig.session, { ...t, seGroupPolicy: "warn" }, seedRoutes("c1"));
    assert.equal(warned.warnings.length, 1);
    assert.equal(vrfRoutes(rig.avi).length, 2);
  });

  it("names a VRF that does not exist", async () => {
    const err = await applyRoutes(rig.session, { cluster: "c1", vrf: "blue" }, seedRoutes("c1")).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof AviError);
    assert.match(err.message, /vrfcontext blue/);
  });

  for (const clusters of [2, 8]) {
    it(`${clusters} clusters reconcile one VRF concurrently for 100 rounds: nothing lost, duplicated or changed`, async function () {
      this.timeout(240_000);
      const foreign = await seedForeign(rig);
      const names = Array.from({ length: clusters }, (_, i) => `k${i}`);
      const sessions = names.map(() => rig.open());
      let conflicts = 0;
      for (let round = 0; round < 100; round++) {
        const desired = names.map((c, i) => seedRoutes(c, nodesFor(i, round)));
        const results = await Promise.all(
          names.map((c, i) => applyRoutes(sessions[i]!, { cluster: c, maxConflictRetries: 40 }, desired[i]!)),
        );
        conflicts += results.reduce((n, r) => n + Math.max(0, r.writes - 1), 0);
        const routes = vrfRoutes(rig.avi);
        assert.deepEqual(
          routes.slice(0, 3).map((r) => JSON.stringify(r)),
          foreign,
          `round ${round}: foreign routes`,
        );
        names.forEach((c, i) => {
          assert.deepEqual(ownedKeys(routes, c), desiredKeys(desired[i]!), `round ${round}: routes of ${c}`);
        });
        const ids = routes.map((r) => String(r.route_id));
        assert.equal(new Set(ids).size, ids.length, `round ${round}: duplicate route ids`);
        assert.equal(routes.length, 3 + desired.reduce((n, d) => n + d.length, 0), `round ${round}: extra routes`);
      }
      // The point of the run: writers did collide, and every collision was resolved by a re-read, not a loss.
      if (clusters > 2) assert.ok(conflicts > 0, "expected some 412s between concurrent writers");
    });
  }
});
