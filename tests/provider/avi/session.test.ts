import * as assert from "node:assert/strict";
import { generateTls } from "../../../emulator/common/tls";
import { AviError, type AviSession, createAviSession, DEFAULT_API_VERSION } from "../../../provider/avi";
import {
  CSRF,
  loginReply,
  type Reply,
  SESSION,
  type SeenRequest,
  startTiny,
  type TinyController,
} from "./tiny-controller";

const PASSWORD = "Sup3r-S3cret-Pa55";

function authed(r: SeenRequest, session = SESSION): boolean {
  const cookie = String(r.headers.cookie ?? "");
  return cookie.includes(`avi-sessionid=${session}`) && cookie.includes(`sessionid=${session}`);
}

describe("provider/avi session", () => {
  let tiny: TinyController | undefined;
  let session: AviSession | undefined;
  afterEach(async () => {
    await session?.logout();
    await tiny?.stop();
    tiny = undefined;
    session = undefined;
  });

  const open = (extra: Partial<Parameters<typeof createAviSession>[0]> = {}) => {
    session = createAviSession({
      controller: tiny!.url,
      username: "admin",
      password: PASSWORD,
      retryBaseMs: 1,
      ...extra,
    });
    return session;
  };

  it("logs in with JSON and sends Secure cookies, CSRF, Referer, version and tenant headers over plain HTTP", async () => {
    tiny = await startTiny((r) => {
      if (r.url === "/login") return loginReply();
      if (!authed(r)) return { status: 401, body: { error: "no session" } };
      if (r.method === "POST" && r.headers["x-csrftoken"] !== CSRF)
        return { status: 401, body: "CSRF token missing or incorrect." };
      return { status: r.method === "POST" ? 201 : 200, body: { uuid: "pool-1", name: "p" } };
    });
    const s = open({ tenant: "t1" });
    await s.get("pool/pool-1");
    const created = await s.post<{ uuid: string }>("pool", { name: "p" }, { tenant: "t2" });
    assert.equal(created.uuid, "pool-1");
    const [login, get, post] = tiny.seen;
    assert.equal(login!.method, "POST");
    assert.deepEqual(JSON.parse(login!.body), { username: "admin", password: PASSWORD });
    assert.match(String(login!.headers["content-type"]), /application\/json/);
    assert.equal(get!.headers["x-avi-version"], DEFAULT_API_VERSION);
    assert.equal(get!.headers["x-avi-tenant"], "t1");
    assert.equal(post!.headers["x-avi-tenant"], "t2");
    assert.equal(post!.headers.referer, `${tiny.url}/`);
    assert.equal(post!.headers["x-csrftoken"], CSRF);
    assert.deepEqual(s.counts(), { reads: 1, writes: 1, logins: 1, retries: 0 });
  });

  it("logs in again once on 401 or 419 and replays the call", async () => {
    let logins = 0;
    let expired = false;
    tiny = await startTiny((r) => {
      if (r.url === "/login") {
        logins++;
        return loginReply(`sess${logins}`.padEnd(32, "x"));
      }
      if (!expired && r.url.startsWith("/api/pool")) {
        expired = true;
        return { status: 419, body: { error: "session invalidated" } };
      }
      return authed(r, "sess2".padEnd(32, "x")) ? { status: 200, body: { name: "ok" } } : { status: 401 };
    });
    const s = open();
    const got = await s.get<{ name: string }>("pool/x");
    assert.equal(got.name, "ok");
    assert.equal(logins, 2);
  });

  it("never loops on a refused login: one attempt, then every call fails fast with a clear error", async () => {
    tiny = await startTiny((r) =>
      r.url === "/login" ? { status: 401, body: { error: "Invalid credentials" } } : { status: 401 },
    );
    const s = open();
    const first = await s.get("pool").catch((e: unknown) => e);
    const second = await s.list("pool").catch((e: unknown) => e);
    assert.ok(first instanceof AviError);
    assert.equal(first.status, 401);
    assert.match(first.message, /Invalid credentials/);
    assert.match(first.message, /not retrying/);
    assert.ok(second instanceof AviError);
    assert.equal(tiny.seen.filter((r) => r.url === "/login").length, 1);
    assert.ok(!first.message.includes(PASSWORD));
  });

  it("replays at most once when the session keeps being rejected", async () => {
    tiny = await startTiny((r) => (r.url === "/login" ? loginReply() : { status: 401, body: { error: "expired" } }));
    const err = await open()
      .get("vrfcontext")
      .catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 401);
    assert.equal(tiny.seen.filter((r) => r.url === "/login").length, 2);
  });

  it("retries a 5xx burst on idempotent calls with bounded retries, and never replays a POST that got a 500", async () => {
    let failures = 2;
    tiny = await startTiny((r) => {
      if (r.url === "/login") return loginReply();
      if (r.method === "GET" && failures-- > 0) return { status: 503, body: { error: "busy" } };
      if (r.method === "GET") return { status: 200, body: { name: "p" } };
      return { status: 500, body: { error: "Bad pb: boom" } };
    });
    const s = open({ maxRetries: 3 });
    assert.equal((await s.get<{ name: string }>("pool/x")).name, "p");
    const err = await s.post("pool", { name: "p" }).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 500);
    assert.equal(tiny.seen.filter((r) => r.method === "POST" && r.url === "/api/pool").length, 1);
    assert.equal(s.counts().retries, 2);
  });

  it("gives up after maxRetries on a persistent 5xx and says what failed", async () => {
    tiny = await startTiny((r) => (r.url === "/login" ? loginReply() : { status: 502, body: "" }));
    const err = await open({ maxRetries: 2 })
      .put("pool/pool-9", { name: "web" }, { object: "pool web" })
      .catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 502);
    assert.equal(err.operation, "PUT pool");
    assert.equal(err.object, "pool web");
    assert.equal(tiny.seen.filter((r) => r.method === "PUT").length, 3);
  });

  it("follows next on every list, even when it names another host", async () => {
    tiny = await startTiny((r) => {
      if (r.url === "/login") return loginReply();
      const page = Number(new URL(r.url, "http://x").searchParams.get("page") ?? "1");
      const reply: Reply = { status: 200, body: { count: 5, results: [{ name: `p${page}a` }, { name: `p${page}b` }] } };
      if (page < 3)
        (reply.body as Record<string, unknown>).next = `https://10.0.0.1/api/pool?name.contains=p&page=${page + 1}`;
      return reply;
    });
    const all = await open().list<{ name: string }>("pool", { params: { "name.contains": "p" } });
    assert.deepEqual(
      all.map((p) => p.name),
      ["p1a", "p1b", "p2a", "p2b", "p3a", "p3b"],
    );
    assert.ok(tiny.seen.slice(1).every((r) => r.url.split("name.contains=p").length === 2));
  });

  it("states errors as one sentence with operation, object, status and the controller's words, and no secrets", async () => {
    tiny = await startTiny((r) =>
      r.url === "/login"
        ? loginReply()
        : { status: 400, body: { error: `VrfContext object not found (csrftoken=${CSRF} sessionid=${SESSION})` } },
    );
    const err = await open()
      .post("pool", { name: "web" }, { object: "pool web" })
      .catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.controllerMessage.includes("VrfContext object not found"), true);
    assert.match(err.message, /^Avi POST pool of pool web failed with HTTP 400: VrfContext object not found/);
    for (const secret of [PASSWORD, CSRF, SESSION]) assert.ok(!err.message.includes(secret), secret);
    assert.equal(err.message.split(". ").length, 1);
  });

  it("reads the controller version from /api/initial-data without logging in, and uses it with apiVersion auto", async () => {
    tiny = await startTiny((r) => {
      if (r.url === "/api/initial-data") return { status: 200, body: { version: { Version: "30.2.1" } } };
      if (r.url === "/login") return loginReply();
      return { status: 200, body: {} };
    });
    const s = open({ apiVersion: "auto" });
    assert.equal(await s.controllerVersion(), "30.2.1");
    assert.equal(tiny.seen.filter((r) => r.url === "/login").length, 0);
    await s.get("cloud");
    assert.equal(tiny.seen.at(-1)!.headers["x-avi-version"], "30.2.1");
  });

  it("times out a call that gets no answer", async () => {
    tiny = await startTiny((r) => (r.url === "/login" ? loginReply() : { status: 0 }));
    const err = await open({ timeoutMs: 300, maxRetries: 0 })
      .get("pool")
      .catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.match(err.message, /timeout/);
  });

  it("verifies TLS by default, trusts a given CA bundle, and skips verification only when insecure is set", async () => {
    const tls = await generateTls("avi-test");
    tiny = await startTiny((r) => (r.url === "/login" ? loginReply() : { status: 200, body: { ok: true } }), tls);
    const strict = createAviSession({ controller: tiny.url, username: "admin", password: PASSWORD, maxRetries: 0 });
    const err = await strict.get("cloud").catch((e: unknown) => e);
    await strict.logout();
    assert.ok(err instanceof AviError);
    assert.match(err.message, /TLS verification failed/);
    const trusting = createAviSession({
      controller: tiny.url,
      username: "admin",
      password: PASSWORD,
      caCert: tls.caCert,
    });
    assert.deepEqual(await trusting.get("cloud"), { ok: true });
    await trusting.logout();
    session = open({ insecure: true });
    assert.deepEqual(await session.get("cloud"), { ok: true });
  });
});
