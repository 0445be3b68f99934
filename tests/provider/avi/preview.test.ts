import * as assert from "node:assert/strict";
import { applyRoutes, applyVirtualService, formatControllerPreview, previewController } from "../../../provider/avi";
import { type Rig, seedRoutes, seedSpec, startRig, vrfRoutes } from "./seed";

describe("provider/avi controller preview (the plan command's controller half)", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.stop();
  });

  it("shows drift made by hand on the controller, keeps foreign routes, and writes nothing", async () => {
    const { avi, session } = rig;
    await applyRoutes(session, { cluster: "c1" }, seedRoutes("c1"));
    await applyVirtualService(session, seedSpec("c1"));
    // Drift: someone deletes one of our routes, adds a foreign one, and drops a server from the pool.
    const vrf = avi.objects("vrfcontext").find((v) => v.name === "global")!;
    const kept = vrfRoutes(avi).slice(1);
    const foreign = {
      route_id: "manual",
      prefix: { ip_addr: { addr: "10.244.0.0", type: "V4" }, mask: 16 },
      next_hop: { addr: "10.52.2.23", type: "V4" },
    };
    await session.put(`vrfcontext/${String(vrf.uuid)}`, { ...vrf, static_routes: [...kept, foreign] });
    const pool = avi.objects("pool")[0]!;
    await session.put(`pool/${String(pool.uuid)}`, { ...pool, servers: (pool.servers as unknown[]).slice(1) });
    const writes = avi.writes().length;

    const p = await previewController(session, { cluster: "c1" }, seedRoutes("c1"), [seedSpec("c1")]);
    assert.equal(avi.writes().length, writes);
    assert.deepEqual(
      p.routes.add.map((r) => r.prefix),
      ["192.168.101.0/24"],
    );
    assert.deepEqual(
      p.routes.keepForeign.map((r) => r.routeId),
      ["manual"],
    );
    assert.equal(p.services[0]!.virtualService, "none");
    assert.equal(p.services[0]!.pools[0]!.action, "update");
    assert.deepEqual(
      p.services[0]!.pools[0]!.add.map((s) => s.ip),
      ["192.168.101.13"],
    );
    const text = formatControllerPreview(p).join("\n");
    assert.match(text, /routes: 1 to add, 0 to update, 0 to remove, 1 unchanged, 1 foreign kept/);
    assert.match(text, /\+ 192\.168\.101\.0\/24 via 10\.100\.1\.101 \(node1\)/);
    assert.match(text, /= 10\.244\.0\.0\/16 via 10\.52\.2\.23 \[manual\] \(no label\)/);
    assert.match(text, /\+ 192\.168\.101\.13:8080 on node1/);
  });
});
