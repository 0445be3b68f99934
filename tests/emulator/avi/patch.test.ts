import * as assert from "node:assert/strict";
import { login, type Session, useEmulator } from "./http";

function route(id: string, prefix: string, mask: number, nextHop: string, cluster = "c1") {
  return {
    route_id: id,
    prefix: { ip_addr: { addr: prefix, type: "V4" }, mask },
    next_hop: { addr: nextHop, type: "V4" },
    labels: [{ key: "clustername", value: cluster }],
  };
}

describe("Avi emulator: PATCH semantics, static routes and limits", () => {
  const emu = useEmulator({ serversPerPool: 5, routesPerVrf: 3 });
  let s: Session;
  let vrf: string;
  before(async () => {
    s = await login(emu());
    const r = await s.call("POST", "/api/vrfcontext", { name: "patch-vrf" });
    vrf = `/api/vrfcontext/${r.json.uuid}`;
  });

  it("§11.31 PATCH add appends a route, and the same route_id again updates it in place", async () => {
    const a = await s.call("PATCH", vrf, {
      add: { static_routes: [route("r1", "192.168.101.0", 24, "10.100.1.101")] },
    });
    assert.equal(a.status, 200);
    assert.equal(a.json.static_routes.length, 1);
    const b = await s.call("PATCH", vrf, {
      add: { static_routes: [route("r1", "192.168.101.0", 24, "10.100.1.199")] },
    });
    assert.equal(b.status, 200);
    assert.equal(b.json.static_routes.length, 1, "no duplicate");
    assert.equal(b.json.static_routes[0].next_hop.addr, "10.100.1.199");
    assert.notEqual(b.json._last_modified, a.json._last_modified);
  });

  it("§11.32 PATCH delete removes only the route with that route_id", async () => {
    await s.call("PATCH", vrf, { add: { static_routes: [route("r2", "192.168.102.0", 24, "10.100.1.102")] } });
    const r = await s.call("PATCH", vrf, { delete: { static_routes: [{ route_id: "r1" }] } });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.static_routes.map((x: { route_id: string }) => x.route_id),
      ["r2"],
    );
    assert.equal(r.json.static_routes[0].next_hop.addr, "10.100.1.102");
  });

  it("§11.33 PATCH replace swaps the whole list", async () => {
    const r = await s.call("PATCH", vrf, {
      replace: {
        static_routes: [route("r9", "10.9.0.0", 16, "10.100.1.9"), route("r8", "10.8.0.0", 16, "10.100.1.8")],
      },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.static_routes.map((x: { route_id: string }) => x.route_id),
      ["r9", "r8"],
    );
  });

  it("§11.34 duplicate route_id, missing prefix or next_hop, two labels, bad mask or type are 400", async () => {
    const bad: [string, unknown][] = [
      ["duplicate route_id", [route("d", "10.1.0.0", 16, "10.0.0.1"), route("d", "10.2.0.0", 16, "10.0.0.2")]],
      ["missing prefix", [{ route_id: "x", next_hop: { addr: "10.0.0.1", type: "V4" } }]],
      ["missing next_hop", [{ route_id: "x", prefix: { ip_addr: { addr: "10.1.0.0", type: "V4" }, mask: 16 } }]],
      [
        "missing route_id",
        [
          {
            prefix: { ip_addr: { addr: "10.1.0.0", type: "V4" }, mask: 16 },
            next_hop: { addr: "10.0.0.1", type: "V4" },
          },
        ],
      ],
      [
        "two labels",
        [
          {
            ...route("x", "10.1.0.0", 16, "10.0.0.1"),
            labels: [
              { key: "a", value: "1" },
              { key: "b", value: "2" },
            ],
          },
        ],
      ],
      ["mask 33", [route("x", "10.1.0.0", 33, "10.0.0.1")]],
      ["bad type", [{ ...route("x", "10.1.0.0", 16, "10.0.0.1"), next_hop: { addr: "10.0.0.1", type: "V5" } }]],
      ["not an address", [route("x", "10.1.0.300", 16, "10.0.0.1")]],
    ];
    const before = (await s.call("GET", vrf)).json;
    for (const [why, routes] of bad) {
      const r = await s.call("PATCH", vrf, { replace: { static_routes: routes } });
      assert.equal(r.status, 400, why);
      assert.equal(typeof r.json.error, "string");
      const put = await s.call("PUT", vrf, { ...before, _last_modified: undefined, static_routes: routes });
      assert.equal(put.status, 400, `${why} via PUT`);
    }
    const add = await s.call("PATCH", vrf, {
      add: { static_routes: [{ route_id: "rz", next_hop: { addr: "10.0.0.1", type: "V4" } }] },
    });
    assert.equal(add.status, 400, "a new route added by PATCH must be complete");
    const after = (await s.call("GET", vrf)).json;
    assert.deepEqual(after.static_routes, before.static_routes, "failed writes change nothing");
  });

  it("answers 404 for PATCH on a missing uuid and 400 for an unknown operation", async () => {
    assert.equal(
      (await s.call("PATCH", "/api/vrfcontext/vrfcontext-missing", { add: { static_routes: [] } })).status,
      404,
    );
    const bad = await s.call("PATCH", vrf, { merge: { static_routes: [] } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /add, replace, delete/);
  });

  it("enforces the configured routes-per-VRF limit", async () => {
    const r = await s.call("PATCH", vrf, {
      replace: {
        static_routes: [1, 2, 3, 4].map((i) => route(`l${i}`, `10.${i}.0.0`, 16, "10.0.0.1")),
      },
    });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /limit of 3/);
  });

  it("§11.35 PATCH add on an existing ip+port updates ratio; delete of a scalar resets it", async () => {
    const pool = await s.call("POST", "/api/pool", {
      name: "patch-pool",
      default_server_port: 8080,
      servers: [
        { ip: { addr: "192.168.101.13", type: "V4" }, port: 8080 },
        { ip: { addr: "192.168.101.22", type: "V4" }, port: 8080 },
      ],
    });
    const path = `/api/pool/${pool.json.uuid}`;
    const r = await s.call("PATCH", path, {
      add: { servers: [{ ip: { addr: "192.168.101.13", type: "V4" }, port: 8080, ratio: 10 }] },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.servers.length, 2);
    assert.equal(r.json.servers[0].ratio, 10);
    assert.equal(r.json.servers[1].ratio, 1);
    const other = await s.call("PATCH", path, {
      add: { servers: [{ ip: { addr: "192.168.101.13", type: "V4" }, port: 9090 }] },
    });
    assert.equal(other.json.servers.length, 3, "another port is another server");
    const del = await s.call("PATCH", path, {
      delete: { default_server_port: 8080, servers: [{ ip: { addr: "192.168.101.13", type: "V4" }, port: 9090 }] },
    });
    assert.equal(del.status, 200);
    assert.equal(del.json.default_server_port, 80);
    assert.equal(del.json.servers.length, 2);
  });

  it("enforces the configured servers-per-pool limit and server port ranges", async () => {
    const servers = [1, 2, 3, 4, 5, 6].map((i) => ({ ip: { addr: `10.0.1.${i}`, type: "V4" }, port: 80 }));
    const tooMany = await s.call("POST", "/api/pool", { name: "big", servers });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.json.error, /limit of 5/);
    const badPort = await s.call("POST", "/api/pool", {
      name: "bad-port",
      servers: [{ ip: { addr: "10.0.0.1", type: "V4" }, port: 70000 }],
    });
    assert.equal(badPort.status, 400);
    const zero = await s.call("POST", "/api/pool", { name: "bad-default", default_server_port: 0 });
    assert.equal(zero.status, 400);
    assert.equal((await s.call("GET", "/api/pool?name=big")).json.count, 0);
  });

  it("rejects a pool without a name and a health monitor without a type", async () => {
    assert.equal((await s.call("POST", "/api/pool", { servers: [] })).status, 400);
    assert.equal((await s.call("POST", "/api/healthmonitor", { name: "hm" })).status, 400);
    assert.equal((await s.call("POST", "/api/healthmonitor", { name: "hm", type: "HEALTH_MONITOR_TCP" })).status, 201);
  });

  it("keeps serviceenginegroup labels", async () => {
    const r = await s.call("POST", "/api/serviceenginegroup", {
      name: "seg-c1",
      labels: [{ key: "clustername", value: "c1" }],
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json.labels, [{ key: "clustername", value: "c1" }]);
    assert.match(r.json.cloud_ref, /#Default-Cloud$/);
  });
});
