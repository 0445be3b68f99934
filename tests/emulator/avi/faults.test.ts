import * as assert from "node:assert/strict";
import { type AviEmulator, type FaultKnobs, startAviEmulator } from "../../../emulator/avi";
import { login, send } from "./http";

async function statuses(emu: AviEmulator, knobs: FaultKnobs, n: number): Promise<number[]> {
  const s = await login(emu);
  emu.faults.set(knobs);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    try {
      out.push((await s.call("GET", "/api/pool")).status);
    } catch {
      out.push(-1);
    }
  }
  emu.faults.clear();
  return out;
}

describe("Avi emulator: fault injection", () => {
  let emu: AviEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it("§11.40 scripted 5xx: the next N matching requests fail, then service resumes", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    emu.faults.failNext({ kind: "status", status: 502 }, 2, { methods: ["POST"] });
    assert.equal((await s.call("GET", "/api/pool")).status, 200, "GET is out of scope");
    assert.equal((await s.call("POST", "/api/pool", { name: "f1" })).status, 502);
    assert.equal((await s.call("POST", "/api/pool", { name: "f1" })).status, 502);
    assert.equal((await s.call("POST", "/api/pool", { name: "f1" })).status, 201);
    assert.equal(emu.objects("pool").filter((p) => p.name === "f1").length, 1, "failed requests wrote nothing");
    emu.faults.failNext({ kind: "status", status: 500 });
    const r = await s.call("GET", "/api/pool");
    assert.equal(r.status, 500);
    assert.equal(typeof r.json.error, "string");
  });

  it("§11.40 scripted session drop answers 419 and the session must log in again", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    emu.faults.failNext({ kind: "sessionDrop", status: 419 });
    assert.equal((await s.call("GET", "/api/pool")).status, 419);
    assert.equal((await s.call("GET", "/api/pool")).status, 401);
    const again = await login(emu);
    assert.equal((await again.call("GET", "/api/pool")).status, 200);
  });

  it("§11.40 scripted 412 refuses a PUT without writing; the retry succeeds", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    const pool = await s.call("POST", "/api/pool", { name: "c412" });
    emu.faults.failNext({ kind: "conflict" }, 1, { path: /^\/api\/pool\// });
    const first = await s.call("PUT", `/api/pool/${pool.json.uuid}`, { ...pool.json, default_server_port: 81 });
    assert.equal(first.status, 412);
    assert.match(first.json.error, /Need to reload object data Pool/);
    assert.equal(emu.object("pool", pool.json.uuid)?.default_server_port, 80);
    const retry = await s.call("PUT", `/api/pool/${pool.json.uuid}`, { ...pool.json, default_server_port: 81 });
    assert.equal(retry.status, 200);
  });

  it("§11.40 a restarting controller answers 503 (cluster/status too) and drops sessions, then recovers", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    emu.faults.restart(2000);
    assert.equal((await send(emu, "GET", "/api/cluster/status")).status, 503);
    assert.equal((await s.call("GET", "/api/pool")).status, 503);
    assert.equal(
      (await send(emu, "POST", "/login", { body: { username: emu.username, password: emu.password } })).status,
      503,
    );
    let up = 503;
    for (let i = 0; i < 200 && up !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      up = (await send(emu, "GET", "/api/cluster/status")).status;
    }
    assert.equal(up, 200);
    assert.equal((await s.call("GET", "/api/pool")).status, 401, "sessions did not survive the restart");
    assert.equal((await (await login(emu)).call("GET", "/api/pool")).status, 200);
  });

  it("§11.40 connection resets close the socket without a response", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    emu.faults.failNext({ kind: "reset" });
    await assert.rejects(s.call("GET", "/api/pool"), /socket hang up|ECONNRESET/);
    assert.equal((await s.call("GET", "/api/pool")).status, 200);
  });

  it("§11.40 random knobs are deterministic from the seed and each kind occurs", async () => {
    const knobs: FaultKnobs = { seed: 42, errorRate: 0.2, errorStatus: 503, resetRate: 0.1, latencyMs: [0, 3] };
    emu = await startAviEmulator();
    const a = await statuses(emu, knobs, 60);
    await emu.stop();
    emu = await startAviEmulator();
    const b = await statuses(emu, knobs, 60);
    assert.deepEqual(a, b);
    assert.ok(a.includes(503) && a.includes(-1) && a.includes(200), `mix of outcomes: ${a.join(",")}`);
    const c = await statuses(emu, { ...knobs, seed: 43 }, 60);
    assert.notDeepEqual(a, c, "another seed, another schedule");
  });

  it("§11.40 random session drops use 401 by default and random 412s hit only writes", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    const pool = await s.call("POST", "/api/pool", { name: "rand" });
    emu.faults.set({ seed: 3, conflictRate: 1 });
    assert.equal((await s.call("GET", `/api/pool/${pool.json.uuid}`)).status, 200);
    assert.equal((await s.call("PATCH", `/api/pool/${pool.json.uuid}`, { replace: { enabled: false } })).status, 412);
    emu.faults.set({ seed: 3, sessionDropRate: 1 });
    assert.equal((await s.call("GET", "/api/pool")).status, 401);
    assert.equal(emu.sessionCount(), 0);
  });

  it("records method, path, status and tenant of every request in the log", async () => {
    emu = await startAviEmulator();
    const s = await login(emu);
    emu.clearLog();
    await s.call("POST", "/api/pool", { name: "logged" });
    await s.call("GET", "/api/pool?name=logged");
    await s.call("GET", "/api/pool", undefined, { "X-Avi-Tenant": "nosuch" });
    assert.deepEqual(
      emu.requestLog.map((e) => [e.method, e.path, e.status, e.tenant]),
      [
        ["POST", "/api/pool", 201, "admin"],
        ["GET", "/api/pool", 200, "admin"],
        ["GET", "/api/pool", 403, ""],
      ],
    );
    assert.equal(emu.requestLog[1].query, "?name=logged");
    assert.equal(emu.writes("pool").length, 1);
  });
});
