// The membership conventions on the Avi emulator: the routes record (a StringGroup of type SG_TYPE_KEYVAL with the
// clustername marker) written once, found, refused when someone else holds its name, removed; the StringGroup
// model's rules; and the sync's pool writer: only pools with the sync marker, 404 as gone, and a concurrent
// settings change (412) read and merged again so neither side's change is lost.
import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../../emulator/avi";
import {
  type AviSession,
  createAviSession,
  deleteRouteRecord,
  listRouteRecords,
  listSyncPools,
  markersFor,
  type RouteRecord,
  routeRecordExists,
  syncPoolMembers,
  withMembership,
  writeRouteRecord,
} from "../../../provider/avi";

type Json = Record<string, unknown>;
const RECORD: RouteRecord = {
  cluster: "c1",
  vrf: "global",
  cloud: "Default-Cloud",
  tenant: "admin",
  cni: "calico",
  nodeNetworks: ["10.100.1.0/24"],
};
const SCOPE = { cluster: "c1", namespace: "default", service: "web" };
const server = (ip: string, enabled = true) => ({ ip, port: 8080, enabled });

describe("provider/avi membership conventions", function () {
  this.timeout(30_000);
  let avi: AviEmulator;
  let s: AviSession;

  beforeEach(async () => {
    avi = await startAviEmulator();
    s = createAviSession({
      controller: avi.url,
      username: avi.username,
      password: avi.password,
      ...(avi.caCert ? { caCert: avi.caCert } : {}),
    });
  });
  afterEach(async () => {
    await s.logout();
    await avi.stop();
  });

  it("writes the routes record once, lists and parses it, refuses a foreign object of its name, deletes it", async () => {
    assert.equal(await writeRouteRecord(s, RECORD), 1);
    assert.equal(await writeRouteRecord(s, RECORD), 0, "nothing to write the second time");
    const [stored] = avi.objects("stringgroup");
    assert.equal(stored?.name, "c1--avi-k8s-routes-Default-Cloud-global");
    assert.equal(stored?.type, "SG_TYPE_KEYVAL");
    assert.deepEqual(stored?.markers, [{ key: "clustername", values: ["c1"] }]);
    const [found] = await listRouteRecords(s, "c1");
    assert.deepEqual({ ...found, uuid: undefined, name: undefined }, { ...RECORD, uuid: undefined, name: undefined });
    assert.deepEqual(await listRouteRecords(s, "c10"), [], "another cluster's name prefix does not match");
    assert.equal(await writeRouteRecord(s, { ...RECORD, nodeNetworks: [] }), 1, "a changed setting is written");
    assert.equal(await routeRecordExists(s, String(found?.uuid), "c1"), true);
    assert.equal(await deleteRouteRecord(s, RECORD), true);
    assert.equal(await routeRecordExists(s, String(found?.uuid), "c1"), false);
    assert.equal(await deleteRouteRecord(s, RECORD), false, "already gone");

    await s.post("stringgroup", {
      name: "c1--avi-k8s-routes-Default-Cloud-global",
      type: "SG_TYPE_STRING",
      kv: [{ key: "x" }],
    });
    await assert.rejects(writeRouteRecord(s, RECORD), /not cluster c1's routes record/);
    assert.deepEqual(await listRouteRecords(s, "c1"), []);
  });

  it("the emulator's StringGroup follows the model: type enum with its default, kv keys required, markers since 20.1.5", async () => {
    const plain = await s.post<Json>("stringgroup", { name: "sg-1", kv: [{ key: "a", value: "b" }] });
    assert.equal(plain.type, "SG_TYPE_STRING");
    assert.equal(plain.longest_match, false);
    await assert.rejects(
      s.post("stringgroup", { name: "sg-2", type: "SG_TYPE_LIST" }),
      /allowed values are SG_TYPE_STRING, SG_TYPE_KEYVAL/,
    );
    await assert.rejects(s.post("stringgroup", { name: "sg-3", kv: [{ value: "b" }] }), /kv\[0\]\.key is required/);
    const old = createAviSession({
      controller: avi.url,
      username: avi.username,
      password: avi.password,
      apiVersion: "18.2.6",
      ...(avi.caCert ? { caCert: avi.caCert } : {}),
    });
    try {
      await assert.rejects(
        old.post("stringgroup", { name: "sg-4", markers: [{ key: "k", values: ["v"] }] }),
        /introduced in later versions/,
      );
    } finally {
      await old.logout();
    }
  });

  it("writes members of sync pools only, treats 404 as gone, and merges a concurrent settings change on 412", async () => {
    const sync = await s.post<Json>("pool", {
      name: "c1--default-web-TCP-80",
      markers: withMembership(markersFor(SCOPE), "sync"),
      servers: [{ ip: { addr: "10.0.0.1", type: "V4" }, port: 8080 }],
    });
    const plain = await s.post<Json>("pool", {
      name: "c1--default-web-TCP-81",
      markers: markersFor(SCOPE),
      servers: [],
    });
    assert.deepEqual(
      (await listSyncPools(s, "c1")).map((p) => p.name),
      ["c1--default-web-TCP-80"],
    );

    const ref = (p: Json) => ({ uuid: String(p.uuid), name: String(p.name), ...SCOPE });
    const notOurs = await syncPoolMembers(s, ref(plain), [server("10.0.0.9")]);
    assert.equal(notOurs.written, false);
    assert.match(notOurs.notOurs ?? "", /no longer carries the markers/);
    assert.deepEqual(avi.objects("pool").find((p) => p.uuid === plain.uuid)?.servers ?? [], []);

    // Someone (a `pulumi up`) changes a setting between the sync's read and its write: the PUT meets 412.
    let once = true;
    const r = await syncPoolMembers(s, ref(sync), [server("10.0.0.1"), server("10.0.0.2", false)], {
      beforeWrite: async () => {
        if (!once) return;
        once = false;
        const cur = await s.get<Json>(`pool/${String(sync.uuid)}`);
        await s.put(`pool/${String(sync.uuid)}`, { ...cur, lb_algorithm: "LB_ALGORITHM_ROUND_ROBIN" });
      },
    });
    assert.deepEqual([r.written, r.conflicts], [true, 1]);
    const stored = avi.objects("pool").find((p) => p.uuid === sync.uuid) as Json;
    assert.equal(stored.lb_algorithm, "LB_ALGORITHM_ROUND_ROBIN", "the other writer's setting is kept");
    assert.deepEqual(
      ((stored.servers ?? []) as Json[]).map((x) => `${(x.ip as { addr: string }).addr}:${x.enabled}`),
      ["10.0.0.1:true", "10.0.0.2:false"],
      "and so are the sync's servers",
    );
    const again = await syncPoolMembers(s, ref(sync), [server("10.0.0.1"), server("10.0.0.2", false)]);
    assert.equal(again.written, false, "nothing to write when the servers match");

    await s.delete(`pool/${String(sync.uuid)}`);
    const gone = await syncPoolMembers(s, ref(sync), [server("10.0.0.3")]);
    assert.deepEqual([gone.gone, gone.written], [true, false]);
    assert.equal(avi.objects("pool").filter((p) => p.name === "c1--default-web-TCP-80").length, 0, "never recreated");
  });
});
