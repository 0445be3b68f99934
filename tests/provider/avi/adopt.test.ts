// Adopting AKO 2.2.1's objects (provider/avi/adopt.ts and the reconciler's adopt mode), on the emulator loaded with
// the footprint AKO leaves for the seed cluster `demo` (and, in ako-foreign, cluster `other` and an unmarked VS).
import * as assert from "node:assert/strict";
import { akoRouteId, SEED_AKO_CLUSTER } from "../../../emulator/avi";
import {
  type AviError,
  applyRoutes,
  applyVirtualService,
  deleteVirtualService,
  findVirtualService,
  previewVirtualService,
} from "../../../provider/avi";
import { routeIdFor } from "../../../provider/plan";
import { type Rig, seedRoutes, seedSpec, startRig, vrfRoutes } from "./seed";

const WHO = { cluster: "demo", namespace: "default", service: "web" };
const writesOf = (rig: Rig) => rig.avi.writes().map((w) => `${w.method} ${w.path.split("/")[2]}`);

describe("provider/avi adopting AKO's objects", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ fixture: "ako-foreign" });
    rig.avi.clearLog();
  });
  afterEach(async () => {
    await rig.stop();
  });

  it("finds AKO's virtual service through its L4 policy set: pools, ports, VIP, origin; reads only", async () => {
    const found = await findVirtualService(rig.session, { tenant: "admin", name: "demo--default-web" });
    assert.ok(found);
    assert.equal(found.problem, undefined);
    assert.equal(found.origin, "ako");
    assert.deepEqual(found.identity, WHO);
    assert.deepEqual(found.vip, { address: "10.10.10.50", network: "vip-net", subnet: "10.10.10.0/24" });
    assert.equal(found.vipAddress, "10.10.10.50");
    assert.deepEqual(
      [found.vrf, found.cloud, found.seGroup, found.applicationProfile, found.networkProfile],
      ["global", "Default-Cloud", "Default-Group", "System-L4-Application", "System-TCP-Proxy"],
    );
    assert.deepEqual(
      found.pools.map((p) => [p.name, p.port, p.protocol, p.servers.length, p.healthMonitors.join()]),
      [["demo--default-web-TCP-80", 80, "TCP", 4, "System-TCP"]],
    );
    assert.deepEqual(
      found.l4PolicySets.map((p) => [p.name, p.ours]),
      [["demo--default-web", true]],
    );
    assert.deepEqual(writesOf(rig), [], "finding writes nothing");
  });

  it("refuses, naming why: another cluster's VS, a VS without markers; finds nothing where there is none", async () => {
    const other = await findVirtualService(rig.session, { tenant: "admin", name: "other--default-web" }, WHO);
    assert.match(String(other?.problem), /belongs to cluster other \(its clustername marker\), not cluster demo/);
    const bare = await findVirtualService(rig.session, { tenant: "admin", name: "demo--default-api" });
    assert.match(String(bare?.problem), /has no markers .* neither this package nor AKO made it/);
    const ownMarkers = await findVirtualService(rig.session, { tenant: "admin", name: "other--default-web" });
    assert.equal(ownMarkers?.problem, undefined, "by its own markers it is cluster other's, and adoptable for it");
    assert.deepEqual(ownMarkers?.identity, { cluster: "other", namespace: "default", service: "web" });
    assert.equal(await findVirtualService(rig.session, { tenant: "admin", name: "demo--default-nope" }), undefined);
  });

  it("without adopt, an apply refuses AKO's objects before writing; the plan's preview with adopt shows the rewrite", async () => {
    const spec = { ...seedSpec("demo"), vip: { address: "10.10.10.50" } };
    await assert.rejects(applyVirtualService(rig.session, spec), (e: AviError) => {
      assert.match(e.message, /virtualservice demo--default-web .*AKO made it \(created_by ako-demo\)/);
      return true;
    });
    assert.deepEqual(writesOf(rig), []);
    const preview = await previewVirtualService(rig.session, { ...spec, adopt: true });
    assert.deepEqual([preview.virtualService, preview.vsvip, preview.pools[0]?.action], ["update", "update", "update"]);
    assert.equal(preview.pools[0]?.add.length, 0, "the servers are AKO's: none to add");
  });

  it("an adopting apply rewrites the VS in our shape and deletes AKO's policy set, never dropping the pool", async () => {
    const spec = { ...seedSpec("demo"), vip: { address: "10.10.10.50" }, adopt: true };
    const vsBefore = rig.avi.objects("virtualservice").find((v) => v.name === "demo--default-web")!;
    const result = await applyVirtualService(rig.session, spec);
    assert.deepEqual(writesOf(rig), ["PUT vsvip", "PUT pool", "PUT virtualservice", "DELETE l4policyset"]);
    assert.match(result.warnings.join("\n"), /deleted l4policyset demo--default-web: AKO's port-to-pool rules/);
    const vs = rig.avi.objects("virtualservice").find((v) => v.name === "demo--default-web")!;
    assert.equal(vs.uuid, vsBefore.uuid, "the same virtual service, not a new one");
    assert.equal(vs.l4_policies, undefined);
    assert.match(String(vs.pool_ref), /pool-/);
    assert.equal(vs.created_by, "pulumi-avi-k8s-demo");
    assert.deepEqual(
      rig.avi.objects("l4policyset").map((p) => p.name),
      ["other--default-web"],
      "only the other cluster's policy set stays",
    );
    assert.equal(result.state.vipAddress, "10.10.10.50");
    const vsvip = rig.avi.objects("vsvip").find((v) => v.name === "demo--default-web")!;
    const vip = (vsvip.vip as Record<string, unknown>[])[0]!;
    assert.deepEqual(
      [vip.auto_allocate_ip, (vip.ip_address as { addr: string }).addr, !!vip.ipam_network_subnet],
      [true, "10.10.10.50", true],
      "AKO's allocation is sent back as held (rewriting it could move the VIP); only markers and created_by change",
    );
    assert.equal(vsvip.created_by, "pulumi-avi-k8s-demo");
    rig.avi.clearLog();
    const again = await applyVirtualService(rig.session, { ...spec, adopt: false });
    assert.equal(again.writes, 0, "once rewritten the objects are ours; a re-run writes nothing");
  });

  it("an adopting delete removes the VS, its policy set, AKO's VsVip and the pool; the other cluster's stay", async () => {
    const spec = { ...seedSpec("demo"), vip: { address: "10.10.10.50" }, adopt: true };
    const result = await deleteVirtualService(rig.session, spec);
    assert.deepEqual(result.left, []);
    assert.deepEqual(writesOf(rig), ["DELETE virtualservice", "DELETE l4policyset", "DELETE vsvip", "DELETE pool"]);
    assert.deepEqual(
      rig.avi
        .objects("virtualservice")
        .map((v) => v.name)
        .sort(),
      ["demo--default-api", "other--default-web"],
    );
  });

  it("routes: AKO's ids become ours in one PUT, in place, the foreign routes untouched", async () => {
    const before = vrfRoutes(rig.avi);
    const result = await applyRoutes(rig.session, { cluster: "demo" }, seedRoutes("demo"));
    assert.equal(result.writes, 1);
    const after = vrfRoutes(rig.avi);
    const idAt = (list: Record<string, unknown>[]) => list.map((r) => String(r.route_id));
    const expected = idAt(before).map((id) =>
      id === akoRouteId("demo", "node1", 0)
        ? routeIdFor("demo", "192.168.101.0/24")
        : id === akoRouteId("demo", "node2", 0)
          ? routeIdFor("demo", "192.168.102.0/24")
          : id,
    );
    assert.deepEqual(idAt(after), expected, "each route keeps its place; only the two ids of demo change");
    for (const [i, r] of after.entries()) {
      if (!String(r.route_id).startsWith("demo-")) assert.deepEqual(r, before[i], "foreign routes byte-identical");
    }
    assert.equal(SEED_AKO_CLUSTER.nodes.length, 2);
  });
});
