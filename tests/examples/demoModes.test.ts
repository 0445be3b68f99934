// `npm run demo -- --mode nodeport|nodeportlocal` as a user runs it (the compiled driver in its own process, through
// the engine-protocol harness): the pool and the topology picture per mode, no routes of the cluster, and nothing
// left running.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const DEMO = path.join(ROOT, "dist/examples/demo/index.js");

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const k of ["AVI_K8S_DEMO_ENGINE", "AVI_K8S_DEMO_OUT", "AVI_K8S_DEMO_MODE", "AVI_K8S_MODE"]) delete env[k];
  const p = spawn(process.execPath, [DEMO, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  p.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => p.on("close", (code) => resolve({ code, stdout, stderr })));
}

function section(out: string, n: number): string {
  const lines = out.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`== ${n}.`));
  assert.ok(start >= 0, `section ${n} is printed:\n${out}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("== "));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm run demo -- --mode", function () {
  this.timeout(180_000);
  let out: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "avi-k8s-demo-modes-"));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("nodeport: node servers on 30080, no routes; Local takes node1 out and monitors the healthCheckNodePort", async () => {
    const run = await runDemo(["--engine", "harness", "--out", out, "--mode", "nodeport"]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const held = section(run.stdout, 5);
    assert.match(held, /nodePort -> 10\.100\.1\.101:30080 +on node1/);
    assert.match(held, /nodePort -> 10\.100\.1\.102:30080 +on node2/);
    assert.match(held, /routes of cluster demo: 0/);
    assert.doesNotMatch(run.stdout, /avi-k8s:ClusterIpRoutes/, "no routes resource in mode nodeport");
    const local = section(run.stdout, 6);
    assert.match(local, /- server \S+: nodePort -> 10\.100\.1\.101:30080 +on node1/);
    assert.match(local, /health monitor \S+-HTTP: HEALTH_MONITOR_HTTP GET \/healthz HTTP\/1\.0 on port 3\d{4}/);
    const svg = fs.readFileSync(path.join(out, "demo-topology-nodeport.svg"), "utf8");
    assert.match(svg, /10\.100\.1\.101:30080/);
    assert.match(fs.readFileSync(path.join(out, "demo-topology-nodeport.mmd"), "utf8"), /nodePort \(kube-proxy\)/);
    const pid = Number(/dynamic-provider host: process (\d+)/.exec(run.stdout)?.[1] ?? 0);
    assert.ok(pid > 0 && !alive(pid), "the provider host is gone");
  });

  it("nodeportlocal: 4 servers on the node addresses with Antrea's ports, annotation set by the resource and removed", async () => {
    const run = await runDemo(["--engine", "harness", "--out", out, "--mode", "nodeportlocal"]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const held = section(run.stdout, 5);
    const servers = [...held.matchAll(/(web-[abcd]) +-> (10\.100\.1\.10[12]):(6\d{4}) +on (node[12])/g)];
    assert.equal(servers.length, 4, held);
    assert.equal(new Set(servers.map((m) => `${m[2]}:${m[3]}`)).size, 4, "4 distinct node ports");
    assert.match(held, /routes of cluster demo: 0/);
    assert.match(section(run.stdout, 6), /the annotation the resource set on web: removed/);
    assert.match(
      fs.readFileSync(path.join(out, "demo-topology-nodeportlocal.mmd"), "utf8"),
      /web-a<br\/>10\.100\.1\.101:6/,
    );
  });

  it("refuses an unknown mode with its usage, before starting anything", async () => {
    const run = await runDemo(["--mode", "bgp"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--mode must be clusterip, nodeport or nodeportlocal, not 'bgp'/);
  });
});
