// Emulator durability campaign: the Avi emulator runs as `avi-k8s emulate avi --state DIR` in its own process and
// is killed with SIGKILL in the middle of seeded bursts of creates, updates, deletes and VRF route PATCHes from
// several concurrent clients, several times per seed on the same DIR. After each restart every acknowledged write
// must be there (a write in flight at the kill may have landed or not, nothing else).
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type AviSession, createAviSession } from "../../provider/avi";
import { campaignSize, printFailures, type Rng, report, rng, seeds } from "./support/campaign";

const CLI = path.resolve(__dirname, "../../cli/index.js");
const WORKERS = 5;
const KILLS_PER_SEED = 3;

interface Running {
  child: ChildProcess;
  session: AviSession;
  password: string;
}

function start(dir: string): Promise<Running> {
  const child = spawn(process.execPath, [CLI, "emulate", "avi", "--state", dir, "--http"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      const info = JSON.parse(out.slice(0, nl)) as { url: string; username: string; password: string };
      const session = createAviSession({
        controller: info.url,
        username: info.username,
        password: info.password,
        maxRetries: 0,
        timeoutMs: 5000,
      });
      resolve({ child, session, password: info.password });
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited before it was ready (${code})`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** What the clients know: per pool, the acknowledged state and, while a write is in flight, its possible result. */
interface Known {
  uuid?: string;
  confirmed: string | null;
  pending?: string | null;
}

type Json = Record<string, unknown>;

async function burst(
  run: Running,
  r: Rng,
  tag: string,
  pools: Map<string, Known>,
  routes: Map<string, Known>,
  vrf: string,
) {
  const killAfter = r.int(10, 60);
  let acks = 0;
  let killing: Promise<void> | undefined;
  const acked = () => {
    acks++;
    if (acks >= killAfter && !killing) killing = kill(run.child);
  };
  const worker = async (w: number) => {
    const wr = rng(r.int(1, 1e9));
    for (let i = 0; !killing; i++) {
      const mine = [...pools.entries()].filter(([n, k]) => n.startsWith(`${tag}-w${w}-`) && k.confirmed !== null);
      const op = mine.length === 0 ? "create" : wr.pick(["create", "update", "update", "delete", "route"] as const);
      try {
        if (op === "create") {
          const name = `${tag}-w${w}-${i}`;
          const k: Known = { confirmed: null, pending: "v0" };
          pools.set(name, k);
          const o = await run.session.post<Json>("pool", { name, description: "v0" });
          Object.assign(k, { uuid: String(o.uuid), confirmed: "v0", pending: undefined });
        } else if (op === "update" || op === "delete") {
          const [name, k] = wr.pick(mine);
          if (op === "update") {
            const next = `v${i}`;
            k.pending = next;
            await run.session.put(`pool/${k.uuid}`, { name, description: next });
            Object.assign(k, { confirmed: next, pending: undefined });
          } else {
            k.pending = null;
            await run.session.delete(`pool/${k.uuid}`);
            Object.assign(k, { confirmed: null, pending: undefined });
          }
        } else {
          const id = `${tag}-w${w}-r${i}`;
          const k: Known = { confirmed: null, pending: id };
          routes.set(id, k);
          const third = (i * WORKERS + w) % 250;
          await run.session.patch(`vrfcontext/${vrf}`, {
            add: {
              static_routes: [
                {
                  route_id: id,
                  prefix: { ip_addr: { addr: `10.${w}.${third}.0`, type: "V4" }, mask: 24 },
                  next_hop: { addr: "10.100.1.101", type: "V4" },
                },
              ],
            },
          });
          Object.assign(k, { confirmed: id, pending: undefined });
        }
        acked();
      } catch {
        return; // the process died under this request: its outcome stays pending
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await killing;
  return acks;
}

async function verify(run: Running, pools: Map<string, Known>, routes: Map<string, Known>, vrf: string) {
  const lost: string[] = [];
  const stored = new Map((await run.session.list<Json>("pool")).map((p) => [String(p.name), p]));
  for (const [name, k] of pools) {
    const p = stored.get(name);
    const actual = p ? String(p.description) : null;
    if (actual !== k.confirmed && (k.pending === undefined || actual !== k.pending)) {
      lost.push(`pool ${name}: acknowledged ${k.confirmed ?? "deleted"}, found ${actual ?? "nothing"}`);
    }
    // Settle in-flight outcomes: what is on disk now is the truth from here on.
    Object.assign(k, { confirmed: actual, pending: undefined, ...(p ? { uuid: String(p.uuid) } : {}) });
  }
  const ctx = await run.session.get<Json>(`vrfcontext/${vrf}`);
  const ids = new Set(((ctx.static_routes as Json[]) ?? []).map((x) => String(x.route_id)));
  for (const [id, k] of routes) {
    if (k.confirmed && !ids.has(id)) lost.push(`route ${id}: acknowledged, not found`);
    Object.assign(k, { confirmed: ids.has(id) ? id : null, pending: undefined });
  }
  return lost;
}

describe("reliability: emulator durability campaign (kill -9 during write bursts)", function () {
  this.timeout(0);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) await kill(c);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("loses no acknowledged write across repeated SIGKILLs", async () => {
    const list = seeds(campaignSize(40, 2));
    const failures: { seed: number; problem: string }[] = [];
    let acks = 0;
    let kills = 0;
    let cleanKills = 0;
    let lostWrites = 0;
    for (const seed of list) {
      const r = rng(seed);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-durability-"));
      dirs.push(dir);
      const pools = new Map<string, Known>();
      const routes = new Map<string, Known>();
      let run = await start(dir);
      children.push(run.child);
      const vrf = String((await run.session.post<Json>("vrfcontext", { name: `durable-${seed}` })).uuid);
      const lost: string[] = [];
      for (let k = 0; k < KILLS_PER_SEED; k++) {
        acks += await burst(run, r, `d${seed}k${k}`, pools, routes, vrf);
        kills++;
        run = await start(dir);
        children.push(run.child);
        const missing = await verify(run, pools, routes, vrf);
        if (missing.length === 0) cleanKills++;
        lostWrites += missing.length;
        lost.push(...missing);
      }
      await run.session.logout();
      await kill(run.child);
      fs.rmSync(dir, { recursive: true, force: true });
      if (lost.length > 0) failures.push({ seed, problem: lost.slice(0, 5).join("; ") });
    }
    report({
      campaign: "durability campaign",
      unit: "kills",
      schedules: kills,
      converged: cleanKills,
      extra: { "acknowledged writes": acks, "lost writes": lostWrites },
    });
    printFailures("durability campaign", failures);
    assert.deepEqual(failures, []);
    assert.ok(acks >= kills * 10);
  });
});
