// `npm run demo` end to end, as a user runs it (the compiled driver in its own process), with the engine-protocol
// harness so that no Pulumi CLI or network is needed: it must exit 0 having shown the seed's pool and routes, the
// moved pod, and a destroy that leaves the foreign route; and it must leave nothing running, Ctrl-C included.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const DEMO = path.join(ROOT, "dist/examples/demo/index.js");

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo; `onOutput` sees the output so far and may signal the process. */
function runDemo(
  args: string[],
  onOutput?: (out: string, send: (s: NodeJS.Signals) => void) => void,
  nodeArgs: string[] = [],
): Promise<Finished> {
  const env = { ...process.env };
  delete env.AVI_K8S_DEMO_ENGINE;
  delete env.AVI_K8S_DEMO_OUT;
  const p = spawn(process.execPath, [...nodeArgs, DEMO, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    onOutput?.(stdout, (s) => p.kill(s));
  });
  p.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => p.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The lines of one numbered section ("== 4. ...") of the demo's output. */
function section(out: string, n: number): string[] {
  const lines = out.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`== ${n}.`));
  assert.ok(start >= 0, `section ${n} is printed`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("== "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname);
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(true));
  });
}

/** Logs in to the kept controller as a browser would and reads the live view's state. */
async function liveState(k: { ui: string; username: string; password: string; ca: string }) {
  const ca = fs.readFileSync(k.ca, "utf8");
  const call = (method: string, p: string, body?: string, cookie?: string) =>
    new Promise<{ status: number; cookies: string[]; text: string }>((resolve, reject) => {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (cookie) headers.Cookie = cookie;
      const req = https.request(new URL(p, k.ui), { method, headers, ca, agent: false }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, cookies: res.headers["set-cookie"] ?? [], text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  const page = await call("GET", "/");
  assert.equal(page.status, 200);
  const login = await call("POST", "/login", JSON.stringify({ username: k.username, password: k.password }));
  assert.equal(login.status, 200, login.text);
  const cookie = login.cookies.map((c) => c.split(";")[0]).join("; ");
  const state = await call("GET", "/ui/api/state", undefined, cookie);
  assert.equal(state.status, 200, state.text);
  return JSON.parse(state.text);
}

/** What the demo started: the emulators' URLs and the provider host's process id. */
function started(out: string): { urls: string[]; hostPid: number } {
  const urls = [...out.matchAll(/emulator: (https:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1] as string);
  const pid = Number(/dynamic-provider host: process (\d+)/.exec(out)?.[1] ?? 0);
  return { urls, hostPid: pid };
}

describe("npm run demo", function () {
  this.timeout(180_000);
  let out: string;

  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "avi-k8s-demo-test-"));
  });
  after(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("runs the seed scenario end to end through the harness and exits 0 with nothing left running", async () => {
    const run = await runDemo(["--engine", "harness", "--out", out]);
    assert.equal(run.code, 0, `the demo failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /engine-protocol harness/);

    const seeded = section(run.stdout, 4);
    const servers = seeded.filter((l) => / -> 192\.168\.\d+\.\d+:8080 +on node\d/.test(l));
    assert.equal(servers.length, 4, seeded.join("\n"));
    for (const [pod, ip, node] of [
      ["web-a", "192.168.101.13", "node1"],
      ["web-b", "192.168.101.22", "node1"],
      ["web-c", "192.168.102.17", "node2"],
      ["web-d", "192.168.102.36", "node2"],
    ]) {
      assert.ok(
        servers.some((l) => l.includes(pod) && l.includes(`${ip}:8080`) && l.includes(node)),
        `${pod} on ${node}`,
      );
    }
    const ours = seeded.filter((l) => l.includes("clustername=demo"));
    assert.equal(ours.length, 2, seeded.join("\n"));
    assert.match(ours.join("\n"), /192\.168\.101\.0\/24 +-> 10\.100\.1\.101/);
    assert.match(ours.join("\n"), /192\.168\.102\.0\/24 +-> 10\.100\.1\.102/);

    const moved = section(run.stdout, 5).join("\n");
    assert.match(moved, /unchanged avi-k8s:ClusterIpRoutes/, "a pod move changes no route");
    assert.match(moved, /- server \S+: web-a 192\.168\.101\.13:8080 on node1/, "preview shows the old server going");
    assert.match(moved, /\+ server \S+: web-a 192\.168\.102\.\d+:8080 on node2/, "and the new one coming");
    const changed = moved.slice(moved.indexOf("changed on the controller:"));
    assert.match(changed, /- server .*web-a +-> 192\.168\.101\.13:8080 +on node1/);
    assert.match(changed, /\+ server .*web-a +-> 192\.168\.102\.\d+:8080 +on node2/);
    assert.equal(changed.split("\n").filter((l) => /^ {2}[-+] /.test(l)).length, 2, "only web-a changed");

    const synced = section(run.stdout, 6).join("\n");
    assert.match(synced, /~ membership: "pulumi" -> "sync"/, "preview shows the switch, not the members");
    assert.doesNotMatch(synced, /^ +- (route|server) /m, "and no member leaving");
    assert.match(synced, /sync \| full resync: 1 pool of 1 service, 1 routes record; all converged/);
    assert.match(synced, /sync \| pool demo--default-web-TCP-80 \(service default\/web\): \+4 added/);
    assert.match(
      synced,
      /sync \| pool demo--default-web-TCP-80 \(service default\/web\): \+0 added, -4 removed; 4 servers/,
    );
    const followed = /the pool followed with no `pulumi up`: it held exactly the new pods (\d+) ms after/.exec(synced);
    assert.ok(followed, synced);
    assert.match(synced, /stopping avi-k8s sync \(SIGTERM\): exit 0/);
    const syncPid = Number(/avi-k8s sync --cluster demo .*\(process (\d+)\)/.exec(synced)?.[1]);
    assert.ok(syncPid > 0 && !alive(syncPid), "the sync process is gone");

    const destroyed = section(run.stdout, 7).join("\n");
    assert.match(
      destroyed,
      /after: +0 virtual service\(s\), 0 pool\(s\), 0 VsVip\(s\); VRF global: 0 route\(s\) of cluster demo, 1 other/,
    );
    assert.match(destroyed, /removed \(5\):\n {4}- virtual service demo--default-web \(VIP 10\.10\.10\.50\)/);
    for (const gone of ["VsVip demo--default-web", "pool demo--default-web-TCP-80 (4 servers)"]) {
      assert.ok(destroyed.includes(`- ${gone}`), gone);
    }
    assert.match(destroyed, /- route 192\.168\.101\.0\/24 via 10\.100\.1\.101 in VRF global \(clustername=demo\)/);
    assert.match(
      destroyed,
      /still on the controller \(1\):\n {4}= route 10\.200\.0\.0\/16 via 10\.100\.1\.1 .*not ours/,
    );

    const mermaid = fs.readFileSync(path.join(out, "demo-topology.mmd"), "utf8");
    assert.match(mermaid, /^flowchart LR/);
    for (const name of ["web-a", "web-d", "node1", "node2", "192.168.102.0/24"])
      assert.ok(mermaid.includes(name), name);
    assert.match(
      fs.readFileSync(path.join(out, "demo-topology.svg"), "utf8"),
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    const movedPicture = fs.readFileSync(path.join(out, "demo-topology-moved.mmd"), "utf8");
    assert.match(
      movedPicture,
      /web-a \(new\)<br\/>192\.168\.102\./,
      "the moved pod is marked in the picture after the move",
    );
    assert.match(movedPicture, /web-a \(gone\)<br\/>192\.168\.101\.13:8080/);
    assert.match(movedPicture, /10\.200\.0\.0\/16<br\/>via 10\.100\.1\.1<br\/>not ours/, "the foreign route is drawn");

    const { urls, hostPid } = started(run.stdout);
    assert.equal(urls.length, 2);
    assert.ok(hostPid > 0);
    assert.equal(alive(hostPid), false, "the dynamic-provider host is gone");
    for (const url of urls) assert.equal(await refused(url), true, `${url} is closed`);
  });

  it("Ctrl-C stops the emulators and the provider host and exits 130", async () => {
    let sent = false;
    const run = await runDemo(["--engine", "harness", "--out", out], (text, send) => {
      if (!sent && text.includes("== 3.")) {
        sent = true;
        send("SIGINT");
      }
    });
    assert.ok(sent, `the demo never reached its first engine step:\n${run.stdout}\n${run.stderr}`);
    assert.equal(run.code, 130, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /interrupted \(SIGINT\)/);
    const { urls, hostPid } = started(run.stdout);
    assert.equal(alive(hostPid), false, "the dynamic-provider host is gone");
    for (const url of urls) assert.equal(await refused(url), true, `${url} is closed`);
  });

  it("an error thrown outside the demo's own steps still stops everything and exits 1", async () => {
    // Preloaded into the demo's process: once the engine runs, throw from a callback nobody awaits, as a failing
    // Pulumi Output callback would.
    const inject = path.join(out, "inject-crash.js");
    fs.writeFileSync(
      inject,
      `const write = process.stdout.write.bind(process.stdout);
let fired = false;
process.stdout.write = (chunk, ...rest) => {
  if (!fired && String(chunk).includes("== 3.")) {
    fired = true;
    setImmediate(() => { throw new Error("injected crash"); });
  }
  return write(chunk, ...rest);
};
`,
    );
    const run = await runDemo(["--engine", "harness", "--out", out], undefined, ["-r", inject]);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /demo failed: injected crash/);
    const { urls, hostPid } = started(run.stdout);
    assert.ok(hostPid > 0);
    assert.equal(alive(hostPid), false, "the dynamic-provider host is gone");
    for (const url of urls) assert.equal(await refused(url), true, `${url} is closed`);
  });

  it("--keep prints the live view's address and keeps it showing the stack until Ctrl-C", async () => {
    let kept: { ui: string; username: string; password: string; ca: string } | undefined;
    let state: { virtualServices: { name: string }[]; pools: { servers: unknown[] }[] } | undefined;
    let failure: unknown;
    const run = await runDemo(["--engine", "harness", "--out", out, "--keep"], (text, send) => {
      const m = /live view: (\S+)\n\s+log in as (\S+) with password (\S+) .*\n.*CA \(([^)]+)\)/.exec(text);
      if (!m || kept) return;
      kept = { ui: m[1] as string, username: m[2] as string, password: m[3] as string, ca: m[4] as string };
      liveState(kept)
        .then(
          (s) => {
            state = s;
          },
          (e) => {
            failure = e;
          },
        )
        .finally(() => send("SIGINT"));
    });
    assert.ok(kept, `no live view address printed:\n${run.stdout}\n${run.stderr}`);
    assert.equal(failure, undefined, String(failure));
    assert.equal(state?.virtualServices.length, 1, "the stack is still there: no destroy with --keep");
    assert.equal(state?.pools[0]?.servers.length, 4);
    assert.doesNotMatch(run.stdout, /== 7\. destroy/);
    assert.equal(run.code, 130, `${run.stdout}\n${run.stderr}`);
    const { urls, hostPid } = started(run.stdout);
    assert.equal(alive(hostPid), false, "the dynamic-provider host is gone");
    for (const url of urls) assert.equal(await refused(url), true, `${url} is closed`);
  });

  it("refuses an unknown engine with its usage, before starting anything", async () => {
    const run = await runDemo(["--engine", "terraform"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--engine must be auto, cli or harness/);
    assert.equal(run.stdout, "");
  });
});
