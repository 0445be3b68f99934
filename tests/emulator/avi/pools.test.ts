import * as assert from "node:assert/strict";
import { login, type Session, useEmulator } from "./http";
import { assertRefused, creates, refuses } from "./rules";

const SERVER = { ip: { addr: "192.168.101.13", type: "V4" }, port: 8080 };

describe("Avi emulator: pool balancing, drain, monitor and server rules", () => {
  const emu = useEmulator();
  let s: Session;
  before(async () => {
    s = await login(emu(), { "X-Avi-Version": "30.2.1" });
  });

  it("accepts every lb_algorithm of the model for a regular pool except the GSLB-only ones", async () => {
    for (const algo of [
      "LEAST_CONNECTIONS",
      "ROUND_ROBIN",
      "FASTEST_RESPONSE",
      "CONSISTENT_HASH",
      "LEAST_LOAD",
      "FEWEST_SERVERS",
      "RANDOM",
      "FEWEST_TASKS",
      "CORE_AFFINITY",
    ]) {
      const p = await creates(s, "pool", { name: `algo-${algo}`, lb_algorithm: `LB_ALGORITHM_${algo}` });
      assert.equal(p.lb_algorithm, `LB_ALGORITHM_${algo}`);
    }
    for (const algo of ["NEAREST_SERVER", "TOPOLOGY"]) {
      await refuses(
        s,
        "pool",
        { name: `algo-${algo}`, lb_algorithm: `LB_ALGORITHM_${algo}` },
        new RegExp(`lb_algorithm LB_ALGORITHM_${algo} is only allowed for a GSLB pool`),
      );
    }
    await refuses(
      s,
      "pool",
      { name: "algo-weighted", lb_algorithm: "LB_ALGORITHM_WEIGHTED" },
      /Invalid value LB_ALGORITHM_WEIGHTED for field lb_algorithm: allowed values are LB_ALGORITHM_LEAST_CONNECTIONS, LB_ALGORITHM_ROUND_ROBIN, /,
    );
  });

  it("checks lb_algorithm_hash and needs the header name for a custom-header hash", async () => {
    const hashed = await creates(s, "pool", {
      name: "hash-port",
      lb_algorithm: "LB_ALGORITHM_CONSISTENT_HASH",
      lb_algorithm_hash: "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS_AND_PORT",
    });
    assert.equal(hashed.lb_algorithm_hash, "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS_AND_PORT");
    await refuses(
      s,
      "pool",
      { name: "hash-bad", lb_algorithm_hash: "LB_ALGORITHM_CONSISTENT_HASH_COOKIE" },
      /field lb_algorithm_hash: allowed values are LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS, /,
    );
    const custom = {
      lb_algorithm: "LB_ALGORITHM_CONSISTENT_HASH",
      lb_algorithm_hash: "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER",
    };
    await refuses(
      s,
      "pool",
      { name: "hash-hdr", ...custom },
      /lb_algorithm_consistent_hash_hdr is required with LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER/,
    );
    const withHdr = await creates(s, "pool", {
      name: "hash-hdr-ok",
      ...custom,
      lb_algorithm_consistent_hash_hdr: "X-User",
    });
    assert.equal(withHdr.lb_algorithm_consistent_hash_hdr, "X-User");
  });

  it("keeps graceful_disable_timeout in minutes: 1-7200, 0 immediate, -1 infinite, default 1", async () => {
    assert.equal((await creates(s, "pool", { name: "gdt-default" })).graceful_disable_timeout, 1);
    for (const v of [-1, 0, 7200]) {
      assert.equal(
        (await creates(s, "pool", { name: `gdt${v}`, graceful_disable_timeout: v })).graceful_disable_timeout,
        v,
      );
    }
    for (const v of [-2, 7201]) {
      await refuses(
        s,
        "pool",
        { name: `gdt${v}`, graceful_disable_timeout: v },
        /field graceful_disable_timeout: allowed values are 1-7200, special values 0, -1/,
      );
    }
    await refuses(
      s,
      "pool",
      { name: "ghm", graceful_hm_down_disable_timeout: 432001 },
      /field graceful_hm_down_disable_timeout: allowed values are 1-432000/,
    );
  });

  it("server_disable_type is a pool field (21.1.1+) with two values and is not filled in", async () => {
    const plain = await creates(s, "pool", { name: "sdt-none" });
    assert.equal(plain.server_disable_type, undefined, "recorded pools carry no server_disable_type unless sent");
    const p = await creates(s, "pool", {
      name: "sdt",
      server_disable_type: "ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT",
    });
    assert.equal(p.server_disable_type, "ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT");
    await refuses(
      s,
      "pool",
      { name: "sdt-bad", server_disable_type: "DRAIN" },
      /field server_disable_type: allowed values are DISALLOW_NEW_CONNECTION, ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT/,
    );
    const old = await s.call(
      "POST",
      "/api/pool",
      { name: "sdt-old", server_disable_type: "DISALLOW_NEW_CONNECTION" },
      { "X-Avi-Version": "20.1.5" },
    );
    assertRefused(old, /has field \(server_disable_type\) introduced in later versions\(v21_1_1\)/);
  });

  it("takes min_servers_up as a count and connection_ramp_duration 0-300", async () => {
    assert.equal((await creates(s, "pool", { name: "msu", min_servers_up: 2 })).min_servers_up, 2);
    await refuses(s, "pool", { name: "msu-neg", min_servers_up: -1 }, /Invalid value -1 for field min_servers_up/);
    await refuses(
      s,
      "pool",
      { name: "ramp", connection_ramp_duration: 301 },
      /field connection_ramp_duration: allowed values are 1-300, special values 0/,
    );
  });

  it("health_monitor_refs must name existing monitors of that type", async () => {
    await creates(s, "healthmonitor", {
      name: "web-http",
      type: "HEALTH_MONITOR_HTTP",
      http_monitor: { http_request: "GET /healthz HTTP/1.0" },
    });
    const p = await creates(s, "pool", {
      name: "hm-ok",
      health_monitor_refs: ["/api/healthmonitor?name=web-http", "/api/healthmonitor/?name=System-TCP"],
    });
    assert.match(p.health_monitor_refs[0], /\/api\/healthmonitor\/healthmonitor-.+#web-http$/);
    await refuses(
      s,
      "pool",
      { name: "hm-missing", health_monitor_refs: ["/api/healthmonitor?name=nope"] },
      /HealthMonitor object not found/,
    );
    await refuses(
      s,
      "pool",
      { name: "hm-wrongtype", health_monitor_refs: ["/api/pool?name=hm-ok"] },
      /HealthMonitor object not found/,
    );
    const hm = (await s.call("GET", "/api/healthmonitor?name=web-http")).json.results[0];
    assertRefused(
      await s.call("DELETE", `/api/healthmonitor/${hm.uuid}`),
      /Cannot delete, object is referred by: \['Pool hm-ok'\]/,
      403,
    );
  });

  it("application_persistence_profile_ref must name an existing persistence profile", async () => {
    const p = await creates(s, "pool", {
      name: "sticky",
      application_persistence_profile_ref: "/api/applicationpersistenceprofile?name=System-Persistence-Client-IP",
    });
    assert.match(
      p.application_persistence_profile_ref,
      /applicationpersistenceprofile-.+#System-Persistence-Client-IP$/,
    );
    await refuses(
      s,
      "pool",
      {
        name: "sticky-missing",
        application_persistence_profile_ref: "/api/applicationpersistenceprofile?name=nope",
      },
      /ApplicationPersistenceProfile object not found/,
    );
    const own = await creates(s, "applicationpersistenceprofile", {
      name: "own-ip",
      persistence_type: "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
    });
    await creates(s, "pool", { name: "sticky-own", application_persistence_profile_ref: own.url });
    assertRefused(
      await s.call("DELETE", `/api/applicationpersistenceprofile/${own.uuid}`),
      /referred by: \['Pool sticky-own'\]/,
      403,
    );
  });

  it("checks servers: port 1-65535 or 0 (the pool's port), ratio 1-20, enabled a boolean", async () => {
    const p = await creates(s, "pool", {
      name: "srv",
      servers: [
        { ...SERVER, enabled: false },
        { ip: { addr: "192.168.101.22", type: "V4" }, port: 0 },
      ],
    });
    assert.equal(p.servers[0].enabled, false, "a disabled (draining) server stays in the pool");
    assert.equal(p.servers[1].port, 0);
    await refuses(
      s,
      "pool",
      { name: "srv-port", servers: [{ ...SERVER, port: 65536 }] },
      /field servers\[0\].port: allowed values are 1-65535, special values 0/,
    );
    await refuses(
      s,
      "pool",
      { name: "srv-ratio", servers: [{ ...SERVER, ratio: 21 }] },
      /field servers\[0\].ratio: allowed values are 1-20/,
    );
    await refuses(
      s,
      "pool",
      { name: "srv-enabled", servers: [{ ...SERVER, enabled: "maybe" }] },
      /field servers\[0\].enabled: expected true or false/,
    );
    await refuses(s, "pool", { name: "srv-ip", servers: [{ port: 8080 }] }, /servers\[0\].ip: addr is required/);
  });

  it("use_service_port needs a monitor_port on every health monitor", async () => {
    await refuses(
      s,
      "pool",
      { name: "usp", use_service_port: true, health_monitor_refs: ["/api/healthmonitor?name=System-TCP"] },
      /use_service_port needs monitor_port on health monitor System-TCP/,
    );
    await creates(s, "healthmonitor", { name: "tcp-8080", type: "HEALTH_MONITOR_TCP", monitor_port: 8080 });
    await creates(s, "pool", {
      name: "usp-ok",
      use_service_port: true,
      health_monitor_refs: ["/api/healthmonitor?name=tcp-8080"],
    });
  });

  it("applies the same rules to PUT and PATCH and leaves the pool unchanged when refused", async () => {
    const p = await creates(s, "pool", { name: "edit", servers: [SERVER] });
    assertRefused(
      await s.call("PUT", `/api/pool/${p.uuid}`, { ...p, lb_algorithm: "LB_ALGORITHM_NONE" }),
      /field lb_algorithm/,
    );
    assertRefused(
      await s.call("PATCH", `/api/pool/${p.uuid}`, { replace: { graceful_disable_timeout: 9999 } }),
      /field graceful_disable_timeout/,
    );
    assertRefused(
      await s.call("PATCH", `/api/pool/${p.uuid}`, { add: { servers: [{ ...SERVER, port: 9090, ratio: 0 }] } }),
      /field servers\[1\].ratio/,
    );
    const after = (await s.call("GET", `/api/pool/${p.uuid}`)).json;
    assert.equal(after._last_modified, p._last_modified);
    assert.equal(after.servers.length, 1);
  });
});
