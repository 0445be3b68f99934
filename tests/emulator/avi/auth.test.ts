import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../../emulator/avi";
import { login, send, setCookies, useEmulator } from "./http";

describe("Avi emulator: authentication, sessions and headers", () => {
  const emu = useEmulator();

  it("§11.1 POST /login with JSON returns the session cookies and session_cookie_name", async () => {
    const r = await send(emu(), "POST", "/login", { body: { username: emu().username, password: emu().password } });
    assert.equal(r.status, 200);
    assert.equal(typeof r.json.version.Version, "string");
    assert.equal(r.json.user.username, emu().username);
    assert.ok(r.json.tenants.some((t: { name: string }) => t.name === "admin"));
    assert.equal(r.json.session_cookie_name, "avi-sessionid");
    const lines = r.headers["set-cookie"] ?? [];
    const csrf = lines.find((l) => l.startsWith("csrftoken="));
    const avi = lines.find((l) => l.startsWith("avi-sessionid="));
    const sid = lines.find((l) => l.startsWith("sessionid="));
    assert.ok(csrf && avi && sid, "three cookies are set");
    assert.doesNotMatch(csrf, /HttpOnly/);
    assert.match(avi, /HttpOnly/);
    assert.match(sid, /HttpOnly/);
    assert.match(avi, /Secure/);
    const c = setCookies(r);
    assert.equal(c.get("avi-sessionid"), c.get("sessionid"));
    assert.equal(c.get("csrftoken")?.length, 32);
  });

  it("§11.2 POST /login with a form-encoded body works like JSON", async () => {
    const form = `username=${encodeURIComponent(emu().username)}&password=${encodeURIComponent(emu().password)}`;
    const r = await send(emu(), "POST", "/login", { form });
    assert.equal(r.status, 200);
    assert.equal(r.json.session_cookie_name, "avi-sessionid");
    assert.ok(setCookies(r).get("avi-sessionid"));
  });

  it("§11.3 a user token from POST /api/user-token logs in with {username, token}", async () => {
    const s = await login(emu());
    const t = await s.call("POST", "/api/user-token", { hours: "2" });
    assert.equal(t.status, 200);
    assert.equal(typeof t.json.token, "string");
    const r = await send(emu(), "POST", "/login", { body: { username: emu().username, token: t.json.token } });
    assert.equal(r.status, 200);
    assert.ok(setCookies(r).get("avi-sessionid"));
    const asPassword = await send(emu(), "POST", "/login", {
      body: { username: emu().username, password: t.json.token },
    });
    assert.equal(asPassword.status, 200, "a token also works as the password");
    const forged = await send(emu(), "POST", "/login", { body: { username: emu().username, token: "forged" } });
    assert.equal(forged.status, 401);
  });

  it("§11.4 a Cookie header repeating names with old and new values uses the last ones", async () => {
    const old = await login(emu());
    const fresh = await login(emu());
    const cookie = `avi-sessionid=${old.sid}; csrftoken=${old.csrf}; sessionid=${old.sid}; avi-sessionid=${fresh.sid}; csrftoken=${fresh.csrf}; sessionid=${fresh.sid}`;
    const r = await send(emu(), "POST", "/api/pool", {
      body: { name: "dup-cookie-pool" },
      headers: { Cookie: cookie, "X-CSRFToken": fresh.csrf, Referer: emu().url },
    });
    assert.equal(r.status, 201);
  });

  it("§11.5 a wrong password gets 401 Invalid credentials", async () => {
    const r = await send(emu(), "POST", "/login", { body: { username: emu().username, password: "wrong" } });
    assert.equal(r.status, 401);
    assert.match(r.text, /Invalid credentials/);
    assert.equal(r.headers["set-cookie"], undefined);
  });

  it("§11.6 /api/* without a session or basic auth is 401", async () => {
    assert.equal((await send(emu(), "GET", "/api/pool")).status, 401);
    assert.equal((await send(emu(), "POST", "/api/pool", { body: { name: "x" } })).status, 401);
    const bogus = await send(emu(), "GET", "/api/pool", { headers: { Cookie: "avi-sessionid=nope; sessionid=nope" } });
    assert.equal(bogus.status, 401);
  });

  it("§11.7 GET works with the session cookie alone, without X-CSRFToken", async () => {
    const s = await login(emu());
    const r = await send(emu(), "GET", "/api/pool", { headers: { Cookie: `avi-sessionid=${s.sid}` } });
    assert.equal(r.status, 200);
    assert.equal(typeof r.json.count, "number");
  });

  it("§11.8 unsafe methods with a wrong or missing X-CSRFToken get 401 CSRF token missing or incorrect.", async () => {
    const s = await login(emu());
    const created = await s.call("POST", "/api/pool", { name: "csrf-target" });
    assert.equal(created.status, 201);
    const uuid = created.json.uuid;
    const cases: [string, string, unknown][] = [
      ["POST", "/api/pool", { name: "csrf-x" }],
      ["PUT", `/api/pool/${uuid}`, { name: "csrf-target" }],
      ["PATCH", `/api/pool/${uuid}`, { replace: { enabled: false } }],
      ["DELETE", `/api/pool/${uuid}`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const wrong = await s.call(method, path, body, {
        "X-CSRFToken": "invalid",
        Cookie: `csrftoken=invalid; avi-sessionid=${s.sid}`,
      });
      assert.equal(wrong.status, 401, `${method} with a wrong token`);
      assert.equal(wrong.text, "CSRF token missing or incorrect.");
      const missing = await send(emu(), method, path, {
        body,
        headers: { Cookie: `csrftoken=${s.csrf}; avi-sessionid=${s.sid}`, Referer: emu().url },
      });
      assert.equal(missing.status, 401, `${method} without a token`);
      assert.equal(missing.text, "CSRF token missing or incorrect.");
    }
    assert.equal(
      emu()
        .objects("pool")
        .filter((p) => p.name === "csrf-x").length,
      0,
      "nothing was created",
    );
    assert.equal((await s.call("GET", `/api/pool/${uuid}`)).json.enabled, true, "nothing was changed");
  });

  it("§11.8 an unsafe call over HTTPS without a same-origin Referer is refused", async () => {
    const s = await login(emu());
    const none = await send(emu(), "POST", "/api/pool", {
      body: { name: "no-referer" },
      headers: { Cookie: `csrftoken=${s.csrf}; avi-sessionid=${s.sid}`, "X-CSRFToken": s.csrf },
    });
    assert.equal(none.status, 401);
    assert.match(none.text, /Referer/);
    const other = await s.call("POST", "/api/pool", { name: "bad-referer" }, { Referer: "https://evil.example" });
    assert.equal(other.status, 401);
  });

  it("§11.9 after POST /logout the old session gets 401", async () => {
    const s = await login(emu());
    assert.equal((await s.call("GET", "/api/pool")).status, 200);
    const out = await s.call("POST", "/logout");
    assert.equal(out.status, 200);
    assert.equal((await s.call("GET", "/api/pool")).status, 401);
  });

  it("§11.12 responses re-set the session cookies and echo X-Avi-Version in AVI_API_VERSION", async () => {
    const s = await login(emu());
    const r = await s.call("GET", "/api/pool", undefined, { "X-Avi-Version": "20.1.1" });
    const c = setCookies(r);
    assert.equal(c.get("avi-sessionid"), s.sid);
    assert.equal(c.get("sessionid"), s.sid);
    assert.equal(c.get("csrftoken"), undefined);
    assert.equal(r.headers.avi_api_version, "20.1.1");
    const noVersion = await send(emu(), "GET", "/api/pool", { headers: { Cookie: `avi-sessionid=${s.sid}` } });
    assert.equal(noVersion.headers.avi_api_version, "16_4_2");
  });

  it("§11.13 a field newer than X-Avi-Version is rejected with the controller's message", async () => {
    const s = await login(emu());
    const r = await s.call(
      "POST",
      "/api/pool",
      { name: "too-new", markers: [{ key: "clustername", values: ["c1"] }] },
      { "X-Avi-Version": "18.2.6" },
    );
    assert.equal(r.status, 400);
    assert.equal(r.json.error, "Incoming request (v18_2_6) has field (markers) introduced in later versions(v20_1_5).");
    const nested = await s.call(
      "POST",
      "/api/vrfcontext",
      {
        name: "too-new-vrf",
        static_routes: [
          {
            route_id: "1",
            prefix: { ip_addr: { addr: "192.168.101.0", type: "V4" }, mask: 24 },
            next_hop: { addr: "10.100.1.101", type: "V4" },
            labels: [{ key: "clustername", value: "c1" }],
          },
        ],
      },
      { "X-Avi-Version": "18.2.6" },
    );
    assert.equal(nested.status, 400);
    assert.match(nested.json.error, /has field \(labels\) introduced in later versions\(v20_1_1\)/);
    const ok = await s.call(
      "POST",
      "/api/pool",
      { name: "new-enough", markers: [{ key: "k", values: ["v"] }] },
      { "X-Avi-Version": "20.1.5" },
    );
    assert.equal(ok.status, 201);
    const garbage = await s.call("GET", "/api/pool", undefined, { "X-Avi-Version": "banana" });
    assert.equal(garbage.status, 400);
    assert.match(garbage.text, /Invalid version/);
  });

  it("§11.14 GET /api/initial-data answers without authentication", async () => {
    const r = await send(emu(), "GET", "/api/initial-data");
    assert.equal(r.status, 200);
    assert.equal(r.json.version.Version, "30.2.1");
  });

  it("§11.37 an unknown X-Avi-Tenant gets 403 Tenant 'nosuch' does not exist!", async () => {
    const s = await login(emu());
    const r = await s.call("GET", "/api/pool", undefined, { "X-Avi-Tenant": "nosuch" });
    assert.equal(r.status, 403);
    assert.equal(r.json.error, "Tenant 'nosuch' does not exist!");
    const byUuid = await s.call("GET", "/api/pool", undefined, { "X-Avi-Tenant-UUID": "tenant-nosuch" });
    assert.equal(byUuid.status, 403);
  });
});

describe("Avi emulator: session expiry, basic auth and lock-out", () => {
  let emu: AviEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it("§11.10 an idle session expires with 401, or 419 in that mode", async () => {
    for (const status of [401, 419] as const) {
      emu = await startAviEmulator({ sessionIdleTimeoutMs: 800, sessionExpiredStatus: status });
      const s = await login(emu);
      assert.equal((await s.call("GET", "/api/pool")).status, 200);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal((await s.call("GET", "/api/pool")).status, status);
      assert.equal((await s.call("GET", "/api/pool")).status, 401, "the expired session is gone");
      const again = await login(emu);
      assert.equal((await again.call("GET", "/api/pool")).status, 200, "a new login works");
      await emu.stop();
      emu = undefined;
    }
  });

  it("§11.10 activity keeps a session alive past the idle timeout (sliding)", async () => {
    emu = await startAviEmulator({ sessionIdleTimeoutMs: 1500 });
    const s = await login(emu);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await s.call("GET", "/api/pool")).status, 200);
    }
  });

  it("§11.11 basic auth is refused until systemconfiguration allows it, then works without CSRF", async () => {
    emu = await startAviEmulator();
    const basic = { Authorization: `Basic ${Buffer.from(`${emu.username}:${emu.password}`).toString("base64")}` };
    const before = await send(emu, "POST", "/api/pool", { body: { name: "basic-pool" }, headers: basic });
    assert.equal(before.status, 401);
    const s = await login(emu);
    const conf = await s.call("GET", "/api/systemconfiguration");
    conf.json.portal_configuration.allow_basic_authentication = true;
    const put = await s.call("PUT", "/api/systemconfiguration", conf.json);
    assert.equal(put.status, 200);
    assert.equal(put.json.portal_configuration.allow_basic_authentication, true);
    const after = await send(emu, "POST", "/api/pool", { body: { name: "basic-pool" }, headers: basic });
    assert.equal(after.status, 201);
    const badPassword = { Authorization: `Basic ${Buffer.from(`${emu.username}:nope`).toString("base64")}` };
    assert.equal((await send(emu, "GET", "/api/pool", { headers: badPassword })).status, 401);
  });

  it("locks the account after repeated failed logins, even for the right password", async () => {
    emu = await startAviEmulator({ maxLoginFailures: 3, lockoutMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      const r = await send(emu, "POST", "/login", { body: { username: emu.username, password: "wrong" } });
      assert.equal(r.status, 401);
    }
    const right = await send(emu, "POST", "/login", { body: { username: emu.username, password: emu.password } });
    assert.equal(right.status, 401);
    assert.match(right.text, /locked/);
  });

  it("serves plain HTTP only when asked, without Secure cookies, on 127.0.0.1", async () => {
    emu = await startAviEmulator({ http: true });
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.caFile, undefined);
    const s = await login(emu);
    assert.doesNotMatch((s.login.headers["set-cookie"] ?? []).join("\n"), /Secure/);
    const r = await send(emu, "POST", "/api/pool", {
      body: { name: "http-pool" },
      headers: { Cookie: `avi-sessionid=${s.sid}`, "X-CSRFToken": s.csrf },
    });
    assert.equal(r.status, 201, "no Referer check over plain HTTP, as Django");
  });
});
