// The pure parts of importing (sdk/providers/import.ts): the id forms, and diff's view of an imported state, which
// must leave every other state exactly as it is.
import * as assert from "node:assert/strict";
import {
  importedMembers,
  importedView,
  importMismatch,
  parseRoutesId,
  parseVirtualServiceId,
} from "../../sdk/providers/import";

describe("sdk import: ids and the imported state's view", () => {
  it("parses the documented id forms and refuses others in one sentence", () => {
    assert.deepEqual(parseVirtualServiceId("admin/demo--default-web"), { tenant: "admin", name: "demo--default-web" });
    assert.deepEqual(parseVirtualServiceId("demo--default-web"), { name: "demo--default-web" });
    assert.deepEqual(parseRoutesId("t1/Default-Cloud/global/demo"), {
      tenant: "t1",
      cloud: "Default-Cloud",
      vrf: "global",
      cluster: "demo",
    });
    assert.deepEqual(parseRoutesId("global/demo"), { vrf: "global", cluster: "demo" });
    for (const bad of ["", "a//b", "x/y/z"]) {
      assert.throws(() => parseRoutesId(bad), /^Error: Import refused: id '.*' is not .*; nothing was imported\.$/);
    }
    assert.throws(() => parseVirtualServiceId("a/b/c"), /Import refused: id 'a\/b\/c'/);
  });

  it("leaves a state that was not imported as it is; fills what an import cannot see; a VIP is equal when held", () => {
    const created = { cluster: "c1", vip: { network: "n" }, pools: {} };
    assert.equal(importedView(created, { vip: { address: "10.0.0.1" }, ports: [80] }), created);
    const imported = {
      importId: "admin/c1--default-web",
      service: "web",
      vip: { address: "10.0.0.1", network: "n", subnet: "10.0.0.0/24" },
      pools: { p: { protocol: "UDP" } },
    };
    const view = importedView(imported, {
      vip: { network: "n" },
      ports: [53],
      networkProfile: "System-UDP-Fast-Path",
      seGroup: "other-seg",
    }) as Record<string, unknown>;
    assert.deepEqual(view.vip, { network: "n" });
    assert.deepEqual(view.ports, [53]);
    assert.equal(view.networkProfile, "System-UDP-Fast-Path", "the default for the pools' protocol");
    assert.equal(view.seGroup, undefined, "a non-default SE group is a difference");
    const other = importedView(imported, { vip: { address: "10.0.0.2" } }) as Record<string, unknown>;
    assert.deepEqual(other.vip, imported.vip, "an address the VsVip does not hold is a difference");
  });

  it("an import's check takes the held members, spelled as the cluster spells those that mean the same", () => {
    const olds = { importId: "x", routes: { "10.1.0.0/24": "10.0.0.1", "10.2.0.0/24": "10.0.0.2" } };
    const desired = { "10.1.0.0/24": "10.0.0.1 n1", "10.2.0.0/24": "10.0.0.9 n2", "10.3.0.0/24": "10.0.0.3 n3" };
    assert.deepEqual(importedMembers(olds, "routes", desired), {
      "10.1.0.0/24": "10.0.0.1 n1",
      "10.2.0.0/24": "10.0.0.2",
    });
    assert.equal(importedMembers({ routes: olds.routes }, "routes", desired), undefined, "only in an import");
    const mismatch = importMismatch({ importId: "t/v", service: "web", cluster: "other" }, { cluster: "demo" }, [
      "cluster",
    ]);
    assert.match(String(mismatch[0]?.reason), /virtual service t\/v belongs to cluster other .* declares cluster demo/);
    assert.deepEqual(importMismatch({ cluster: "other" }, { cluster: "demo" }, ["cluster"]), [], "only in an import");
  });
});
