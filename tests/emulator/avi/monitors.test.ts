import * as assert from "node:assert/strict";
import { login, type Session, useEmulator } from "./http";
import { assertRefused, creates, refuses } from "./rules";

describe("Avi emulator: health monitors and persistence profiles as the controller models them", () => {
  const emu = useEmulator();
  let s: Session;
  before(async () => {
    s = await login(emu(), { "X-Avi-Version": "30.2.1" });
  });

  it("creates TCP, UDP, HTTP, HTTPS and PING monitors with the model's timer and check defaults", async () => {
    for (const type of ["TCP", "UDP", "HTTP", "HTTPS", "PING"]) {
      const hm = await creates(s, "healthmonitor", { name: `hm-${type}`, type: `HEALTH_MONITOR_${type}` });
      assert.deepEqual(
        [hm.send_interval, hm.receive_timeout, hm.successful_checks, hm.failed_checks],
        [10, 4, 2, 2],
        type,
      );
    }
  });

  it("refuses a missing or unknown type, naming the field and the allowed values", async () => {
    await refuses(s, "healthmonitor", { name: "no-type" }, /type is required .*HEALTH_MONITOR_TCP/);
    await refuses(
      s,
      "healthmonitor",
      { name: "bad-type", type: "HEALTH_MONITOR_GRPC" },
      /Invalid value HEALTH_MONITOR_GRPC for field type: allowed values are HEALTH_MONITOR_PING, .*HEALTH_MONITOR_SCTP/,
    );
  });

  it("keeps send_interval 1-3600, receive_timeout 1-2400 and the check counts 1-50", async () => {
    const cases: [string, number, RegExp][] = [
      ["send_interval", 0, /Invalid value 0 for field send_interval: allowed values are 1-3600/],
      ["send_interval", 3601, /field send_interval: allowed values are 1-3600/],
      ["receive_timeout", 0, /field receive_timeout: allowed values are 1-2400/],
      ["failed_checks", 0, /Invalid value 0 for field failed_checks: allowed values are 1-50/],
      ["failed_checks", 51, /field failed_checks: allowed values are 1-50/],
      ["successful_checks", 51, /field successful_checks: allowed values are 1-50/],
      ["send_interval", 2.5, /Invalid value 2.5 for field send_interval/],
    ];
    for (const [field, value, pattern] of cases) {
      await refuses(
        s,
        "healthmonitor",
        { name: `r-${field}-${value}`, type: "HEALTH_MONITOR_TCP", [field]: value },
        pattern,
      );
    }
    const edge = await creates(s, "healthmonitor", {
      name: "edges",
      type: "HEALTH_MONITOR_TCP",
      send_interval: 3600,
      receive_timeout: 2400,
      failed_checks: 50,
      successful_checks: 1,
    });
    assert.equal(edge.failed_checks, 50);
  });

  it("refuses a receive_timeout that is not less than send_interval, including against the default timeout", async () => {
    const rule = /receive_timeout \((\d+)\) must be less than send_interval \((\d+)\)/;
    await refuses(
      s,
      "healthmonitor",
      { name: "eq", type: "HEALTH_MONITOR_TCP", send_interval: 5, receive_timeout: 5 },
      rule,
    );
    await refuses(
      s,
      "healthmonitor",
      { name: "short", type: "HEALTH_MONITOR_TCP", send_interval: 3 },
      /receive_timeout \(4\) must be less than send_interval \(3\)/,
    );
    const ok = await creates(s, "healthmonitor", {
      name: "fast",
      type: "HEALTH_MONITOR_TCP",
      send_interval: 5,
      receive_timeout: 4,
    });
    const put = await s.call("PUT", `/api/healthmonitor/${ok.uuid}`, { ...ok, send_interval: 4 });
    assertRefused(put, rule);
    assert.equal(
      (await s.call("GET", `/api/healthmonitor/${ok.uuid}`)).json.send_interval,
      5,
      "a refused PUT changes nothing",
    );
  });

  it("takes monitor_port 1-65535 or 0 (the server's port) and refuses others", async () => {
    assert.equal(
      (await creates(s, "healthmonitor", { name: "mp0", type: "HEALTH_MONITOR_TCP", monitor_port: 0 })).monitor_port,
      0,
    );
    await creates(s, "healthmonitor", { name: "mp-max", type: "HEALTH_MONITOR_TCP", monitor_port: 65535 });
    for (const port of [65536, -1]) {
      await refuses(
        s,
        "healthmonitor",
        { name: `mp${port}`, type: "HEALTH_MONITOR_TCP", monitor_port: port },
        /field monitor_port: allowed values are 1-65535, special values 0/,
      );
    }
  });

  it("checks http_monitor and https_monitor: default request, response-code enum, maintenance codes, response size", async () => {
    const hm = await creates(s, "healthmonitor", {
      name: "http-ok",
      type: "HEALTH_MONITOR_HTTP",
      monitor_port: 10256,
      http_monitor: { http_response_code: ["HTTP_2XX", "HTTP_3XX"] },
    });
    assert.equal(hm.http_monitor.http_request, "GET / HTTP/1.0");
    assert.deepEqual(hm.http_monitor.http_response_code, ["HTTP_2XX", "HTTP_3XX"]);
    const bad: [string, object, RegExp][] = [
      [
        "code",
        { http_response_code: ["HTTP_200"] },
        /Invalid value HTTP_200 for field http_monitor.http_response_code\[0\]: allowed values are HTTP_ANY, HTTP_1XX, HTTP_2XX, HTTP_3XX, HTTP_4XX, HTTP_5XX/,
      ],
      [
        "maint-many",
        { maintenance_code: [501, 502, 503, 504, 505] },
        /Field http_monitor.maintenance_code allows at most 4 items, got 5/,
      ],
      [
        "maint-range",
        { maintenance_code: [600] },
        /field http_monitor.maintenance_code\[0\]: allowed values are 101-599/,
      ],
      ["size", { response_size: 100 }, /field http_monitor.response_size: allowed values are 2048-16384/],
      ["request", { http_request: 7 }, /Invalid value 7 for field http_monitor.http_request: expected a string/],
    ];
    for (const [name, http, pattern] of bad) {
      await refuses(
        s,
        "healthmonitor",
        { name: `http-${name}`, type: "HEALTH_MONITOR_HTTP", http_monitor: http },
        pattern,
      );
    }
    await refuses(
      s,
      "healthmonitor",
      {
        name: "https-code",
        type: "HEALTH_MONITOR_HTTPS",
        https_monitor: { http_response_code: ["HTTP_6XX"] },
      },
      /field https_monitor.http_response_code\[0\]/,
    );
  });

  it("checks tcp_monitor, udp_monitor and dns_monitor shapes", async () => {
    const tcp = await creates(s, "healthmonitor", {
      name: "tcp-half",
      type: "HEALTH_MONITOR_TCP",
      tcp_monitor: { tcp_half_open: true },
    });
    assert.equal(tcp.tcp_monitor.tcp_half_open, true);
    const udp = await creates(s, "healthmonitor", {
      name: "udp-req",
      type: "HEALTH_MONITOR_UDP",
      udp_monitor: { udp_request: "ping", udp_response: "pong" },
    });
    assert.equal(udp.udp_monitor.udp_response, "pong");
    await refuses(
      s,
      "healthmonitor",
      { name: "tcp-bad", type: "HEALTH_MONITOR_TCP", tcp_monitor: { tcp_half_open: "yes" } },
      /field tcp_monitor.tcp_half_open: expected true or false/,
    );
    await refuses(
      s,
      "healthmonitor",
      { name: "udp-bad", type: "HEALTH_MONITOR_UDP", udp_monitor: "ping" },
      /field udp_monitor: expected an object/,
    );
    await refuses(
      s,
      "healthmonitor",
      { name: "dns-bad", type: "HEALTH_MONITOR_DNS", dns_monitor: {} },
      /Field dns_monitor.query_name is required/,
    );
  });

  it("ships the System-* monitors and refuses to delete them", async () => {
    const expected: [string, string][] = [
      ["System-TCP", "HEALTH_MONITOR_TCP"],
      ["System-UDP", "HEALTH_MONITOR_UDP"],
      ["System-HTTP", "HEALTH_MONITOR_HTTP"],
      ["System-HTTPS", "HEALTH_MONITOR_HTTPS"],
      ["System-Ping", "HEALTH_MONITOR_PING"],
      ["System-DNS", "HEALTH_MONITOR_DNS"],
      ["System-SCTP", "HEALTH_MONITOR_SCTP"],
    ];
    for (const [name, type] of expected) {
      const hm = (await s.call("GET", `/api/healthmonitor?name=${name}`)).json.results[0];
      assert.equal(hm?.type, type, name);
      assertRefused(
        await s.call("DELETE", `/api/healthmonitor/${hm.uuid}`),
        /Cannot delete system default object/,
        403,
      );
    }
  });

  it("refuses a monitor field newer than the request's API version", async () => {
    const old = await s.call(
      "POST",
      "/api/healthmonitor",
      { name: "sctp-old", type: "HEALTH_MONITOR_SCTP", sctp_monitor: { sctp_request: "x" } },
      { "X-Avi-Version": "22.1.2" },
    );
    assertRefused(
      old,
      /Incoming request \(v22_1_2\) has field \(sctp_monitor\) introduced in later versions\(v22_1_3\)\./,
    );
  });

  describe("application persistence profiles", () => {
    it("ships the System-Persistence-* profiles; client IP keeps 5 minutes", async () => {
      const types: Record<string, string> = {
        "System-Persistence-Client-IP": "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
        "System-Persistence-Http-Cookie": "PERSISTENCE_TYPE_HTTP_COOKIE",
        "System-Persistence-TLS": "PERSISTENCE_TYPE_TLS",
        "System-Persistence-App-Cookie": "PERSISTENCE_TYPE_APP_COOKIE",
      };
      for (const [name, type] of Object.entries(types)) {
        const p = (await s.call("GET", `/api/applicationpersistenceprofile?name=${name}`)).json.results[0];
        assert.equal(p?.persistence_type, type, name);
      }
      const ip = (await s.call("GET", "/api/applicationpersistenceprofile?name=System-Persistence-Client-IP")).json
        .results[0];
      assert.equal(ip.ip_persistence_profile.ip_persistent_timeout, 5);
    });

    it("creates a client-IP profile with its timeout in minutes (1-720) and the recovery default", async () => {
      const p = await creates(s, "applicationpersistenceprofile", {
        name: "web-affinity",
        persistence_type: "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
        ip_persistence_profile: { ip_persistent_timeout: 180 },
      });
      assert.equal(p.ip_persistence_profile.ip_persistent_timeout, 180);
      assert.equal(p.server_hm_down_recovery, "HM_DOWN_PICK_NEW_SERVER");
      assert.match(p.url, /\/api\/applicationpersistenceprofile\/applicationpersistenceprofile-/);
      const dflt = await creates(s, "applicationpersistenceprofile", {
        name: "web-affinity-default",
        persistence_type: "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
        ip_persistence_profile: {},
      });
      assert.equal(dflt.ip_persistence_profile.ip_persistent_timeout, 5);
    });

    it("refuses a missing or unknown type, a timeout outside 1-720, an app cookie without its name", async () => {
      const p = "applicationpersistenceprofile";
      await refuses(s, p, { name: "pp-none" }, /Field persistence_type is required/);
      await refuses(
        s,
        p,
        { name: "pp-bad", persistence_type: "PERSISTENCE_TYPE_SOURCE_IP" },
        /Invalid value PERSISTENCE_TYPE_SOURCE_IP for field persistence_type: allowed values are PERSISTENCE_TYPE_CLIENT_IP_ADDRESS, /,
      );
      for (const timeout of [0, 721, 1440]) {
        await refuses(
          s,
          p,
          {
            name: `pp-${timeout}`,
            persistence_type: "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS",
            ip_persistence_profile: { ip_persistent_timeout: timeout },
          },
          /field ip_persistence_profile.ip_persistent_timeout: allowed values are 1-720/,
        );
      }
      await refuses(
        s,
        p,
        { name: "pp-rec", persistence_type: "PERSISTENCE_TYPE_TLS", server_hm_down_recovery: "RETRY" },
        /field server_hm_down_recovery/,
      );
      await refuses(
        s,
        p,
        {
          name: "pp-app",
          persistence_type: "PERSISTENCE_TYPE_APP_COOKIE",
          app_cookie_persistence_profile: {},
        },
        /Field app_cookie_persistence_profile.prst_hdr_name is required/,
      );
    });
  });
});
