// The shared session pool: one session per connection, separate sessions for separate credentials, logout when
// idle, one re-login when the controller expires the session, and never a process kept alive by it.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { type AviEmulator, startAviEmulator } from "../../../emulator/avi";
import { type AviConnection, createSessionPool } from "../../../provider/avi";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("provider/avi session pool", function () {
  this.timeout(30_000);
  let avi: AviEmulator;
  let conn: AviConnection;
  const logins = () => avi.requestLog.filter((e) => e.path === "/login").length;
  const logouts = () => avi.requestLog.filter((e) => e.path === "/logout").length;

  beforeEach(async () => {
    avi = await startAviEmulator({ http: true, sessionIdleTimeoutMs: 300 });
    conn = { controller: avi.url, username: avi.username, password: avi.password };
  });
  afterEach(async () => {
    await avi.stop();
  });

  it("shares one session between concurrent and later users of the same connection", async () => {
    const pool = createSessionPool({ exitHooks: false });
    await Promise.all(Array.from({ length: 20 }, () => pool.use(conn, (s) => s.list("vrfcontext"))));
    await pool.use({ ...conn, controller: `${avi.url}/` }, (s) => s.list("cloud"));
    assert.equal(logins(), 1);
    assert.equal(pool.size(), 1);
    await pool.closeAll();
    assert.equal(logouts(), 1);
    assert.equal(avi.sessionCount(), 0);
  });

  it("keeps separate sessions for another user, tenant or password, and never mixes them", async () => {
    const pool = createSessionPool({ exitHooks: false });
    await pool.use(conn, (s) => s.list("vrfcontext"));
    await pool.use({ ...conn, tenant: "admin" }, (s) => s.list("vrfcontext"));
    const wrong = await pool.use({ ...conn, password: "wrong" }, (s) => s.list("vrfcontext")).catch((e) => e);
    assert.ok(wrong instanceof Error);
    assert.equal(pool.size(), 2, "tenant admin is the default tenant: the same session");
    await pool.closeAll();
  });

  it("logs out after the idle time, and logs in again once when the controller expired the session", async () => {
    const pool = createSessionPool({ exitHooks: false, idleMs: 100 });
    await pool.use(conn, (s) => s.list("vrfcontext"));
    await sleep(300);
    assert.equal(logouts(), 1, "idle: logged out");
    assert.equal(pool.size(), 0);
    const long = createSessionPool({ exitHooks: false, idleMs: 60_000 });
    await long.use(conn, (s) => s.list("vrfcontext"));
    await sleep(500); // the emulator's session idle expiry is 300 ms
    await long.use(conn, (s) => s.list("vrfcontext"));
    assert.equal(logins(), 3, "one login, one after the idle logout, one after the controller's expiry");
    await long.closeAll();
  });

  it("never keeps a process alive: a program that used it exits on its own and logs out", async () => {
    const dist = path.resolve(__dirname, "../../../provider/avi");
    const script = `
      const { createSessionPool } = require(${JSON.stringify(dist)});
      const pool = createSessionPool();
      pool.use(${JSON.stringify(conn)}, (s) => s.list("vrfcontext")).then(() => console.log("used"));
    `;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0);
    assert.match(out, /used/);
    assert.equal(logouts(), 1, "logged out at beforeExit");
    assert.equal(avi.sessionCount(), 0);
  });
});
