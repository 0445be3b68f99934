// The controller half of `avi-k8s plan`, run as a user would (a child process) against both emulators: it reads
// the controller and shows what an apply would change there, and it never writes.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import type { PlanReport } from "../../cli/plan";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { applyRoutes, applyVirtualService, createAviSession } from "../../provider/avi";
import { seedRoutes, seedSpec } from "../provider/avi/seed";

const CLI = path.resolve(__dirname, "../../cli/index.js");

function plan(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = { ...process.env, KUBECONFIG: "", AVI_CONTROLLER: "", AVI_PASSWORD: "", AVI_AUTH_TOKEN: "" };
    execFile(process.execPath, [CLI, "plan", ...args], { env: { ...clean, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("avi-k8s plan with a controller", function () {
  this.timeout(90000);
  let kube: KubeEmulator;
  let avi: AviEmulator;
  let base: string[];
  let env: Record<string, string>;
  before(async () => {
    kube = await startKubeEmulator();
    avi = await startAviEmulator();
    base = ["--kubeconfig", kube.kubeconfig, "--cluster", "c1", "--service", "default/web"];
    env = {
      AVI_CONTROLLER: avi.url,
      AVI_USERNAME: avi.username,
      AVI_PASSWORD: avi.password,
      AVI_CA_BUNDLE: avi.caFile!,
    };
  });
  after(async () => {
    await avi.stop();
    await kube.stop();
  });

  it("on an empty controller shows the routes and pool servers an apply would add, and writes nothing", async () => {
    const r = await plan([...base, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as PlanReport;
    const c = report.controller!;
    assert.deepEqual(
      c.routes.add.map((x) => x.prefix),
      ["192.168.101.0/24", "192.168.102.0/24"],
    );
    assert.equal(c.services[0]!.exists, false);
    assert.equal(c.services[0]!.pools[0]!.add.length, 4);
    assert.equal(avi.writes().length, 0);
  });

  it("shows drift made on the controller (a lost server, a changed route) and keeps foreign routes", async () => {
    const s = createAviSession({
      controller: avi.url,
      username: avi.username,
      password: avi.password,
      caCert: avi.caCert!,
    });
    await applyRoutes(s, { cluster: "c1" }, seedRoutes("c1"));
    await applyVirtualService(s, seedSpec("c1"));
    const vrf = avi.objects("vrfcontext").find((v) => v.name === "global")!;
    const routes = vrf.static_routes as Record<string, unknown>[];
    const foreign = {
      route_id: "dc-core",
      prefix: { ip_addr: { addr: "10.244.0.0", type: "V4" }, mask: 16 },
      next_hop: { addr: "10.52.2.23", type: "V4" },
      labels: [{ key: "clustername", value: "other" }],
    };
    const changed = { ...routes[1]!, next_hop: { addr: "10.100.1.250", type: "V4" } };
    await s.put(`vrfcontext/${String(vrf.uuid)}`, { ...vrf, static_routes: [routes[0], changed, foreign] });
    const pool = avi.objects("pool")[0]!;
    await s.put(`pool/${String(pool.uuid)}`, { ...pool, servers: (pool.servers as unknown[]).slice(0, 3) });
    await s.logout();
    const writes = avi.writes().length;

    const r = await plan([...base, "--cni", "default"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(avi.writes().length, writes);
    assert.match(r.stdout, /routes: 0 to add, 1 to update, 0 to remove, 1 unchanged, 1 foreign kept/);
    assert.match(r.stdout, /~ 192\.168\.102\.0\/24 via 10\.100\.1\.250 -> 10\.100\.1\.102/);
    assert.match(r.stdout, /= 10\.244\.0\.0\/16 via 10\.52\.2\.23 \[dc-core\] \(clustername=other\)/);
    assert.match(r.stdout, /virtual service c1--default-web: none/);
    assert.match(r.stdout, /pool c1--default-web-TCP-80: update; servers 1 to add/);
    assert.match(r.stdout, /\+ 192\.168\.102\.36:8080 on node2/);
  });

  it("asks for the password in the environment instead of guessing, and says what failed on a refused login", async () => {
    const missing = await plan(base, { ...env, AVI_PASSWORD: "" });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /AVI_PASSWORD/);
    const wrong = await plan(base, { ...env, AVI_PASSWORD: "not-the-password" });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /login of user admin .* failed with HTTP 401/);
    assert.ok(!wrong.stderr.includes("not-the-password"));
  });

  it("--mode nodeport shows a mode switch: the cluster's routes go away, the pool trades pod IPs for node ports", async () => {
    const s = createAviSession({
      controller: avi.url,
      username: avi.username,
      password: avi.password,
      caCert: avi.caCert!,
    });
    await applyRoutes(s, { cluster: "c1" }, seedRoutes("c1"));
    await applyVirtualService(s, seedSpec("c1"));
    await s.logout();
    const web = kube.get("services", "web", "default")!;
    kube.apply({
      ...web,
      spec: {
        ...web.spec,
        type: "LoadBalancer",
        ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }],
      },
    });
    const writes = avi.writes().length;
    const r = await plan([...base, "--mode", "nodeport"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(avi.writes().length, writes, "the plan writes nothing");
    assert.match(r.stdout, /^Cluster c1, mode nodeport/);
    assert.match(r.stdout, /routes: 0 to add, 0 to update, 2 to remove/);
    assert.match(r.stdout, /- 192\.168\.101\.0\/24 via 10\.100\.1\.101/);
    assert.match(r.stdout, /= 10\.244\.0\.0\/16 via 10\.52\.2\.23 \[dc-core\]/, "foreign routes stay");
    assert.match(r.stdout, /pool c1--default-web-TCP-80: update; servers 2 to add, 0 to update, 4 to remove/);
    assert.match(r.stdout, /\+ 10\.100\.1\.101:30080 on node1/);
    const bad = await plan([...base, "--mode", "nodeport", "--node-selector", "zone in a"], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--node-selector 'zone in a' is not a label selector/);
  });
});
