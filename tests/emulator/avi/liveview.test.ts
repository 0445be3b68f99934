// The live view's server side: the page and its files, login required for its data, the state and change-log
// payloads, the server-sent events, and that no password (or token) reaches any of them.
import * as assert from "node:assert/strict";
import * as https from "node:https";
import type { AviEmulator } from "../../../emulator/avi";
import { login, type Session, send, useEmulator } from "./http";

interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk dynamic JSON.
  data: any;
}

interface SseStream {
  status: number;
  /** Every byte received so far, for leak checks. */
  raw(): string;
  next(event: string, timeoutMs?: number): Promise<SseEvent>;
  ended(timeoutMs?: number): Promise<void>;
  close(): void;
}

function openEvents(emu: AviEmulator, cookie?: string, agent?: string): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    if (cookie) headers.Cookie = cookie;
    if (agent) headers["User-Agent"] = agent;
    const req = https.request(new URL("/ui/events", emu.url), { headers, ca: emu.caCert, agent: false }, (res) => {
      let raw = "";
      let buffer = "";
      const queue: SseEvent[] = [];
      const waiters: (() => void)[] = [];
      let done = false;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let at = buffer.indexOf("\n\n");
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) queue.push({ event, data: JSON.parse(data) });
          at = buffer.indexOf("\n\n");
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on("end", () => {
        done = true;
        for (const w of waiters.splice(0)) w();
      });
      const wait = (ms: number) =>
        new Promise<void>((ok, fail) => {
          const t = setTimeout(() => fail(new Error(`no server-sent event within ${ms} ms; got: ${raw}`)), ms);
          waiters.push(() => {
            clearTimeout(t);
            ok();
          });
        });
      resolve({
        status: res.statusCode ?? 0,
        raw: () => raw,
        async next(event, timeoutMs = 2000) {
          for (;;) {
            const i = queue.findIndex((e) => e.event === event);
            if (i >= 0) return queue.splice(0, i + 1)[i] as SseEvent;
            if (done) throw new Error(`the stream ended before a '${event}' event; got: ${raw}`);
            await wait(timeoutMs);
          }
        },
        async ended(timeoutMs = 2000) {
          while (!done) await wait(timeoutMs);
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const cookieOf = (s: Session) => `csrftoken=${s.csrf}; sessionid=${s.sid}; avi-sessionid=${s.sid}`;

async function createPool(s: Session, name: string, ips: string[], extra: Record<string, unknown> = {}) {
  const r = await s.call("POST", "/api/pool", {
    name,
    default_server_port: 8080,
    servers: ips.map((ip, i) => ({ ip: { addr: ip, type: "V4" }, server_node: `node${(i % 2) + 1}` })),
    ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

describe("Avi emulator: the live view's page and data", () => {
  const emu = useEmulator({ uiHeartbeatMs: 100 });

  it("serves the page at / and its files, with no password in them and a strict content security policy", async () => {
    const page = await send(emu(), "GET", "/");
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(page.text, /<form id="login-form"/);
    assert.match(String(page.headers["content-security-policy"]), /default-src 'self'.*script-src 'self'/);
    const files = ["app.mjs", "dom.mjs", "view.mjs", "services.mjs", "panels.mjs", "topology.mjs", "addresses.mjs"];
    for (const file of [...files, "picture.mjs", "vlist.mjs", "style.css", "favicon.svg"]) {
      const r = await send(emu(), "GET", `/ui/${file}`);
      assert.equal(r.status, 200, file);
      assert.ok(!r.text.includes(emu().password), `${file} holds no password`);
      assert.ok(!/https?:\/\/(?!127\.0\.0\.1|www\.w3\.org)/.test(r.text), `${file} loads nothing from the internet`);
    }
    assert.match(String((await send(emu(), "GET", "/ui/app.mjs")).headers["content-type"]), /^text\/javascript/);
    assert.ok(!page.text.includes(emu().password));
  });

  it("serves nothing outside its directory and answers only GET", async () => {
    for (const p of ["/ui/..%2Fserver.js", "/ui/../index.ts", "/ui/%2e%2e/auth.js", "/ui/nope.js", "/ui/api/other"]) {
      const r = await send(emu(), "GET", p);
      assert.ok(r.status === 404 || r.status === 401, `${p}: ${r.status}`);
      assert.ok(!r.text.includes("import "), `${p} leaked source`);
    }
    assert.equal((await send(emu(), "POST", "/", { body: {} })).status, 405);
  });

  it("requires a session (or allowed basic auth) for the state, the change log and the events", async () => {
    for (const p of ["/ui/api/state", "/ui/api/changes", "/ui/events"]) {
      const r = await send(emu(), "GET", p);
      assert.equal(r.status, 401, p);
    }
    const anonymous = await send(emu(), "GET", "/ui/api/session");
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.json.user, null, "signed out: the page shows its login form");
    const s = await login(emu());
    const who = await send(emu(), "GET", "/ui/api/session", { headers: { Cookie: cookieOf(s) } });
    assert.equal(who.json.user, emu().username);
    const state = await send(emu(), "GET", "/ui/api/state", { headers: { Cookie: cookieOf(s) } });
    assert.equal(state.status, 200);
    const forged = await send(emu(), "GET", "/ui/api/state", { headers: { Cookie: "avi-sessionid=forged" } });
    assert.equal(forged.status, 401);
    await s.call("POST", "/logout");
    const after = await send(emu(), "GET", "/ui/api/state", { headers: { Cookie: cookieOf(s) } });
    assert.equal(after.status, 401, "a logged-out session reads nothing");
  });

  it("keeps the page's own calls out of the request log and away from injected faults", async () => {
    const s = await login(emu());
    emu().clearLog();
    emu().faults.set({ errorRate: 1, errorStatus: 503 });
    try {
      for (const p of ["/", "/ui/app.mjs", "/ui/api/state", "/ui/api/changes"]) {
        const r = await send(emu(), "GET", p, { headers: { Cookie: cookieOf(s) } });
        assert.equal(r.status, 200, p);
      }
    } finally {
      emu().faults.clear();
    }
    assert.deepEqual(emu().requestLog, [], "watching changes nothing tests or benchmarks count");
  });

  it("shows virtual services with VIP and pools, servers with node and pod, and routes with their labels", async () => {
    const s = await login(emu());
    const pool = await createPool(s, "lv-pool", ["192.168.101.13", "192.168.102.17"], {
      markers: [
        { key: "clustername", values: ["demo"] },
        { key: "Namespace", values: ["default"] },
        { key: "ServiceName", values: ["web"] },
      ],
    });
    const patched = await s.call("PATCH", `/api/pool/${pool.uuid}`, {
      add: {
        servers: [{ ip: { addr: "192.168.102.36", type: "V4" }, port: 9090, enabled: false, description: "web-d" }],
      },
    });
    assert.equal(patched.status, 200, patched.text);
    const vip = await s.call("POST", "/api/vsvip", {
      name: "lv-vip",
      vip: [{ vip_id: "0", ip_address: { addr: "10.10.10.50", type: "V4" } }],
    });
    const vs = await s.call("POST", "/api/virtualservice", {
      name: "lv-vs",
      vsvip_ref: vip.json.url,
      pool_ref: pool.url,
      services: [{ port: 80 }],
      markers: [{ key: "clustername", values: ["demo"] }],
    });
    assert.equal(vs.status, 201, vs.text);
    const vrf = (await s.call("GET", "/api/vrfcontext?name=global")).json.results[0];
    const put = await s.call("PUT", `/api/vrfcontext/${vrf.uuid}`, {
      ...vrf,
      static_routes: [
        {
          route_id: "demo-1",
          prefix: { ip_addr: { addr: "192.168.101.0", type: "V4" }, mask: 24 },
          next_hop: { addr: "10.100.1.101", type: "V4" },
          labels: [{ key: "clustername", value: "demo" }],
        },
        {
          route_id: "by-hand",
          prefix: { ip_addr: { addr: "10.200.0.0", type: "V4" }, mask: 16 },
          next_hop: { addr: "10.100.1.1", type: "V4" },
        },
      ],
    });
    assert.equal(put.status, 200, put.text);

    const state = (await send(emu(), "GET", "/ui/api/state", { headers: { Cookie: cookieOf(s) } })).json;
    const v = state.virtualServices.find((x: { name: string }) => x.name === "lv-vs");
    assert.deepEqual(
      { vips: v.vips, ports: v.ports, cluster: v.cluster, pools: v.pools, enabled: v.enabled },
      { vips: ["10.10.10.50"], ports: [80], cluster: "demo", pools: [pool.uuid], enabled: true },
    );
    const p = state.pools.find((x: { name: string }) => x.name === "lv-pool");
    assert.equal(p.cluster, "demo");
    assert.equal(p.service, "default/web");
    assert.deepEqual(p.servers, [
      { ip: "192.168.101.13", port: 8080, enabled: true, node: "node1" },
      { ip: "192.168.102.17", port: 8080, enabled: true, node: "node2" },
      { ip: "192.168.102.36", port: 9090, enabled: false, pod: "web-d" },
    ]);
    const global = state.vrfs.find((x: { name: string }) => x.name === "global");
    assert.equal(global.cloud, "Default-Cloud");
    assert.deepEqual(global.routes, [
      {
        id: "demo-1",
        prefix: "192.168.101.0/24",
        nextHop: "10.100.1.101",
        labels: [{ key: "clustername", value: "demo" }],
      },
      { id: "by-hand", prefix: "10.200.0.0/16", nextHop: "10.100.1.1", labels: [] },
    ]);
    assert.equal(state.version, emu().changeLog().at(-1)?.seq);
  });
});

describe("Avi emulator: the change log", () => {
  const emu = useEmulator({ changeLogSize: 50 });

  const last = () => emu().changeLog().at(-1);

  it("records each successful write with its method, object, summary, user and User-Agent", async () => {
    const s = await login(emu());
    const pool = await createPool(s, "cl-pool", ["10.0.0.1", "10.0.0.2"]);
    assert.deepEqual(
      { method: last()?.method, type: last()?.type, name: last()?.name, uuid: last()?.uuid, user: last()?.user },
      { method: "POST", type: "pool", name: "cl-pool", uuid: pool.uuid, user: emu().username },
    );
    assert.deepEqual(last()?.summary, ["created", "servers added (2): 10.0.0.1:8080, 10.0.0.2:8080"]);
    assert.equal(last()?.status, 201);

    await s.call(
      "PATCH",
      `/api/pool/${pool.uuid}`,
      { add: { servers: [{ ip: { addr: "10.0.0.3", type: "V4" } }] } },
      { "User-Agent": "avi-k8s-sync/0.1 (cluster demo)" },
    );
    assert.equal(last()?.agent, "avi-k8s-sync/0.1 (cluster demo)");
    assert.deepEqual(last()?.summary, ["servers added (1): 10.0.0.3:8080"]);

    const current = (await s.call("GET", `/api/pool/${pool.uuid}`)).json;
    const servers = current.servers
      .filter((x: { ip: { addr: string } }) => x.ip.addr !== "10.0.0.1")
      .map((x: { ip: { addr: string } }) => (x.ip.addr === "10.0.0.2" ? { ...x, enabled: false } : x));
    await s.call("PUT", `/api/pool/${pool.uuid}`, { ...current, servers, lb_algorithm: "LB_ALGORITHM_ROUND_ROBIN" });
    assert.deepEqual(last()?.summary, [
      "servers removed (1): 10.0.0.1:8080",
      "servers disabled (1): 10.0.0.2:8080",
      "fields changed (1): lb_algorithm",
    ]);

    const again = (await s.call("GET", `/api/pool/${pool.uuid}`)).json;
    await s.call("PUT", `/api/pool/${pool.uuid}`, again);
    assert.deepEqual(last()?.summary, ["no change"]);

    await s.call("DELETE", `/api/pool/${pool.uuid}`);
    assert.deepEqual(
      { method: last()?.method, name: last()?.name, summary: last()?.summary, status: last()?.status },
      { method: "DELETE", name: "cl-pool", summary: ["deleted (held 2 servers)"], status: 204 },
    );
  });

  it("summarises routes added, removed and changed in a VRF", async () => {
    const s = await login(emu());
    const vrf = (await s.call("GET", "/api/vrfcontext?name=global")).json.results[0];
    const route = (id: string, net: string, hop: string) => ({
      route_id: id,
      prefix: { ip_addr: { addr: net, type: "V4" }, mask: 24 },
      next_hop: { addr: hop, type: "V4" },
      labels: [{ key: "clustername", value: "c1" }],
    });
    await s.call("PATCH", `/api/vrfcontext/${vrf.uuid}`, {
      add: { static_routes: [route("r1", "192.168.1.0", "10.0.0.1"), route("r2", "192.168.2.0", "10.0.0.2")] },
    });
    assert.deepEqual(last()?.summary, ["routes added (2): 192.168.1.0/24 via 10.0.0.1, 192.168.2.0/24 via 10.0.0.2"]);
    await s.call("PATCH", `/api/vrfcontext/${vrf.uuid}`, {
      add: { static_routes: [route("r1", "192.168.1.0", "10.0.0.9")] },
    });
    assert.deepEqual(last()?.summary, [
      "routes changed (1): 192.168.1.0/24 via 10.0.0.1 → 192.168.1.0/24 via 10.0.0.9",
    ]);
    await s.call("PATCH", `/api/vrfcontext/${vrf.uuid}`, { delete: { static_routes: [{ route_id: "r2" }] } });
    assert.deepEqual(last()?.summary, ["routes removed (1): 192.168.2.0/24 via 10.0.0.2"]);
  });

  it("keeps long lists short and leaves out failed writes", async () => {
    const s = await login(emu());
    const ips = Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 1}`);
    await createPool(s, "cl-big", ips);
    const summary = last()?.summary ?? [];
    assert.match(summary[1] ?? "", /^servers added \(40\): 10\.1\.0\.1:8080, .*, … 34 more$/);
    const before = emu().changeLog().length;
    const dup = await s.call("POST", "/api/pool", { name: "cl-big" });
    assert.equal(dup.status, 409);
    const stale = await s.call(
      "PUT",
      `/api/pool/${(await s.call("GET", "/api/pool?name=cl-big")).json.results[0].uuid}`,
      {
        name: "cl-big",
        _last_modified: "1",
      },
    );
    assert.equal(stale.status, 412);
    assert.equal(emu().changeLog().length, before, "refused writes changed nothing and are not listed");
  });

  it("names the basic-auth user, and never records a password or a token", async () => {
    const s = await login(emu());
    const sys = (await s.call("GET", "/api/systemconfiguration")).json;
    await s.call("PUT", "/api/systemconfiguration", {
      ...sys,
      portal_configuration: { ...sys.portal_configuration, allow_basic_authentication: true },
    });
    assert.deepEqual(last()?.summary, ["fields changed (1): portal_configuration"]);
    const basic = Buffer.from(`${emu().username}:${emu().password}`).toString("base64");
    const r = await send(emu(), "POST", "/api/pool", {
      body: { name: "cl-basic" },
      headers: { Authorization: `Basic ${basic}`, "User-Agent": "curl/8.0" },
    });
    assert.equal(r.status, 201);
    assert.equal(last()?.user, emu().username);
    assert.equal(last()?.agent, "curl/8.0");
    const token = await s.call("POST", "/api/user-token", { hours: "1" });
    assert.equal(token.status, 200);
    await send(emu(), "POST", "/login", { body: { username: emu().username, password: "wrong-password-xyz" } });
    const log = JSON.stringify(emu().changeLog());
    assert.ok(!log.includes(emu().password), "no password");
    assert.ok(!log.includes(token.json.token), "no user token");
    assert.ok(!log.includes("wrong-password-xyz"), "no attempted password");
    assert.ok(!log.includes(basic), "no Authorization header");
    assert.ok(
      !emu()
        .changeLog()
        .some((e) => e.type === "user-token"),
      "issuing a token is not an object write",
    );
  });

  it("keeps only the last N writes, numbered on", async () => {
    const s = await login(emu());
    const first = emu().changeLog().at(-1)?.seq ?? 0;
    for (let i = 0; i < 60; i++)
      await s.call("POST", "/api/healthmonitor", { name: `cl-hm-${i}`, type: "HEALTH_MONITOR_TCP" });
    const log = emu().changeLog();
    assert.equal(log.length, 50);
    assert.equal(log.at(-1)?.seq, first + 60);
    assert.equal(log[0]?.seq, first + 11);
  });
});

describe("Avi emulator: the live view's server-sent events", () => {
  const emu = useEmulator({ uiHeartbeatMs: 100 });

  it("says hello with the version, then sends each write as it lands, with nothing secret in the stream", async () => {
    const s = await login(emu());
    const stream = await openEvents(emu(), cookieOf(s));
    try {
      assert.equal(stream.status, 200);
      const hello = await stream.next("hello");
      assert.equal(hello.data.version, emu().changeLog().at(-1)?.seq ?? 0);
      assert.equal(hello.data.user, emu().username);
      const pool = await createPool(s, "sse-pool", ["10.2.0.1"]);
      const change = await stream.next("change");
      assert.equal(change.data.version, hello.data.version + 1);
      assert.deepEqual(
        { type: change.data.entry.type, name: change.data.entry.name, method: change.data.entry.method },
        { type: "pool", name: "sse-pool", method: "POST" },
      );
      await s.call("PATCH", `/api/pool/${pool.uuid}`, { delete: { servers: [{ ip: { addr: "10.2.0.1" } }] } });
      const removed = await stream.next("change");
      assert.deepEqual(removed.data.entry.summary, ["servers removed (1): 10.2.0.1:8080"]);
      const token = (await s.call("POST", "/api/user-token", { hours: "1" })).json.token;
      await new Promise((r) => setTimeout(r, 250));
      assert.ok(!stream.raw().includes(emu().password) && !stream.raw().includes(token), "nothing secret streamed");
      assert.match(stream.raw(), /: ping/, "pings keep the stream and the session alive");
    } finally {
      stream.close();
    }
  });

  it("ends the stream with a logout event when the session goes away", async () => {
    const s = await login(emu());
    const stream = await openEvents(emu(), cookieOf(s));
    await stream.next("hello");
    await s.call("POST", "/logout");
    const bye = await stream.next("logout");
    assert.match(bye.data.reason, /session ended/);
    await stream.ended();
  });

  it("refuses a stream without a session", async () => {
    const stream = await openEvents(emu());
    assert.equal(stream.status, 401);
    stream.close();
  });
});
