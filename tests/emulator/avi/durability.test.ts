import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AviEmulator } from "../../../emulator/avi";
import { seededRandom } from "../../../emulator/common/random";
import { login, send } from "./http";

const CLI = path.resolve(__dirname, "../../../cli/index.js");

interface Started {
  child: ChildProcess;
  emu: AviEmulator;
}

/** `avi-k8s emulate avi --state DIR --http` as a child process; resolves with its printed JSON line. */
function startChild(dir: string): Promise<Started> {
  const child = spawn(process.execPath, [CLI, "emulate", "avi", "--state", dir, "--http"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        const info = JSON.parse(line) as { kind: string; url: string; username: string; password: string };
        assert.equal(info.kind, "avi");
        const emu = { url: info.url, username: info.username, password: info.password } as AviEmulator;
        resolve({ child, emu });
      }
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited early with ${code}: ${err}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("Avi emulator: durable state (--state DIR)", function () {
  this.timeout(60_000);
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const c of children) await killHard(c);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const seed of [1, 7, 42]) {
    it(`keeps every acknowledged write across kill -9 in the middle of a burst (seed ${seed})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-state-"));
      dirs.push(dir);
      const random = seededRandom(seed);
      const first = await startChild(dir);
      children.push(first.child);
      const s = await login(first.emu);
      const vrf = await s.call("POST", "/api/vrfcontext", { name: `burst-vrf-${seed}` });
      assert.equal(vrf.status, 201);
      const killAfter = 15 + Math.floor(random() * 30);
      const acknowledgedPools: string[] = [];
      const acknowledgedRoutes: string[] = [];
      let acks = 0;
      let killed: Promise<void> | undefined;
      const worker = async (w: number) => {
        for (let i = 0; ; i++) {
          if (killed) return;
          const usePatch = random() < 0.4;
          try {
            if (usePatch) {
              const id = `w${w}-r${i}`;
              const r = await s.call("PATCH", `/api/vrfcontext/${vrf.json.uuid}`, {
                add: {
                  static_routes: [
                    {
                      route_id: id,
                      prefix: { ip_addr: { addr: `10.${w}.${i % 250}.0`, type: "V4" }, mask: 24 },
                      next_hop: { addr: "10.100.1.101", type: "V4" },
                    },
                  ],
                },
              });
              if (r.status === 200) acknowledgedRoutes.push(id);
            } else {
              const name = `burst-${seed}-w${w}-${i}`;
              const r = await s.call("POST", "/api/pool", {
                name,
                servers: [{ ip: { addr: "192.168.101.13", type: "V4" }, port: 8080 }],
              });
              if (r.status === 201) acknowledgedPools.push(name);
            }
          } catch {
            return; // the connection died with the process
          }
          acks++;
          if (acks >= killAfter && !killed) killed = killHard(first.child);
        }
      };
      await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
      await killed;
      assert.ok(acknowledgedPools.length + acknowledgedRoutes.length >= killAfter);

      const second = await startChild(dir);
      children.push(second.child);
      const s2 = await login(second.emu);
      const names = new Set<string>();
      for (let page = 1; ; page++) {
        const r = await s2.call("GET", `/api/pool?name.contains=burst-${seed}-&page_size=200&page=${page}`);
        for (const p of r.json.results) names.add(p.name);
        if (!r.json.next) break;
      }
      const lost = acknowledgedPools.filter((n) => !names.has(n));
      assert.deepEqual(lost, [], "acknowledged pools lost");
      const routes = (await s2.call("GET", `/api/vrfcontext/${vrf.json.uuid}`)).json.static_routes ?? [];
      const ids = new Set(routes.map((r: { route_id: string }) => r.route_id));
      assert.deepEqual(
        acknowledgedRoutes.filter((id) => !ids.has(id)),
        [],
        "acknowledged routes lost",
      );
      const writes = await s2.call("POST", "/api/pool", { name: `after-restart-${seed}` });
      assert.equal(writes.status, 201, "the restarted emulator takes writes");
      await killHard(second.child);
    });
  }

  it("starts from the fresh-controller defaults when DIR is empty and keeps them on restart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-state-"));
    dirs.push(dir);
    const a = await startChild(dir);
    children.push(a.child);
    const before = (await send(a.emu, "GET", "/api/initial-data")).status;
    assert.equal(before, 200);
    const s = await login(a.emu);
    const global = (await s.call("GET", "/api/vrfcontext?name=global")).json.results[0].uuid;
    a.child.kill("SIGTERM");
    await new Promise((r) => a.child.once("exit", r));
    const b = await startChild(dir);
    children.push(b.child);
    const s2 = await login(b.emu);
    assert.equal((await s2.call("GET", "/api/vrfcontext?name=global")).json.results[0].uuid, global);
    await killHard(b.child);
  });
});
