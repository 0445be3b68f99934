import * as assert from "node:assert/strict";
import { akoFindVrf, akoModelRoutes, akoWriteRoutes, type AkoRouteIds } from "../../bench/baseline";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type AviSession, createAviSession } from "../../provider/avi";
import type { DesiredRoute } from "../../provider/plan";

type Json = Record<string, unknown>;

const route = (node: string, prefix: string, nextHop: string): DesiredRoute => ({
  routeId: `unused-${prefix}`,
  prefix,
  nextHop,
  node,
  family: "ipv4",
});

const ROUTES = [
  route("node1", "192.168.101.0/24", "10.100.1.101"),
  route("node2", "192.168.102.0/24", "10.100.1.102"),
  route("node2", "192.168.103.0/24", "10.100.1.102"),
];

const foreign = (id: string, labels: Json[]): Json => ({
  route_id: id,
  prefix: { ip_addr: { addr: "172.16.0.0", type: "V4" }, mask: 16 },
  next_hop: { addr: "10.0.0.1", type: "V4" },
  labels,
});

describe("bench: the AKO-style baseline writer", () => {
  let avi: AviEmulator;
  let s: AviSession;
  let vrf: string;

  before(async () => {
    avi = await startAviEmulator();
    s = createAviSession({ controller: avi.url, username: avi.username, password: avi.password, caCert: avi.caCert });
    vrf = await akoFindVrf(s, "global", "Default-Cloud");
    const obj = await s.get<Json>(`vrfcontext/${vrf}`);
    await s.put(`vrfcontext/${vrf}`, {
      ...obj,
      static_routes: [foreign("by-hand", []), foreign("c2-x-0", [{ key: "clustername", value: "c2" }])],
    });
  });

  after(async () => {
    await s.logout();
    await avi.stop();
  });

  const routesNow = async () => (await s.get<Json>(`vrfcontext/${vrf}`)).static_routes as Json[];

  it("gives routes AKO's ids (cluster, a uuid per node, the CIDR's index) and keeps them per node", () => {
    const ids: AkoRouteIds = {};
    const model = akoModelRoutes("c1", ROUTES, ids);
    assert.deepEqual(Object.keys(ids).sort(), ["node1", "node2"]);
    assert.deepEqual(
      model.map((r) => r.route_id),
      [`c1-${ids.node1}-0`, `c1-${ids.node2}-0`, `c1-${ids.node2}-1`],
    );
    assert.match(String(ids.node1), /^[0-9a-f-]{36}$/);
    assert.deepEqual(akoModelRoutes("c1", ROUTES, ids), model);
  });

  it("PUTs the whole list on each event: keeps what is not its own, replaces all of its own", async () => {
    const first = akoModelRoutes("c1", ROUTES, {});
    const before = avi.writes("vrfcontext").length;
    await akoWriteRoutes(s, vrf, "c1", first);
    await akoWriteRoutes(s, vrf, "c1", akoModelRoutes("c1", ROUTES, {})); // a restart: new uuids
    assert.equal(avi.writes("vrfcontext").length - before, 2);
    const now = await routesNow();
    assert.equal(now.length, 5);
    assert.deepEqual(
      now.slice(0, 2).map((r) => r.route_id),
      ["by-hand", "c2-x-0"],
    );
    const own = now.slice(2).map((r) => String(r.route_id));
    assert.equal(own.length, 3);
    for (const id of own) assert.ok(!first.some((r) => r.route_id === id), `${id} survived the restart`);
  });
});
