// The packed tarball installed the README's way (`npm install ./pulumi-avi-k8s-<version>.tgz`, production only)
// into a fresh project: the package loads, and `npx avi-k8s emulate` and `npx avi-k8s plan` work from it with
// none of this checkout's dev dependencies. Stopping npx the way a script does (`kill $!`) stops the emulators.
// The `pulumi-avi-k8s/sync` entry point loads only where @pulumi/kubernetes is installed, for Node and TypeScript.
import * as assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { killIfAlive, type ReadyLine, readyLines, waitGone } from "../support/processes";
import { freshProject, npm, npmEnv, packedTarball, ROOT } from "../support/packed";

const run = promisify(execFile);

describe("the packed package installed with --omit=dev into a fresh project", function () {
  this.timeout(180_000);
  let project: string;
  const started: ChildProcess[] = [];
  const pids: number[] = [];

  before(async () => {
    const tarball = await packedTarball();
    project = freshProject("avi-k8s-installed-");
    fs.copyFileSync(tarball, path.join(project, path.basename(tarball)));
    await npm(project, ["install", "--omit=dev", `./${path.basename(tarball)}`]);
  });

  after(() => {
    for (const c of started) killIfAlive(c.pid);
    for (const pid of pids) killIfAlive(pid);
  });

  it('require("pulumi-avi-k8s") gives the three resources', async () => {
    const script =
      'const m = require("pulumi-avi-k8s"); console.log(["ClusterIpRoutes","ClusterIpVirtualService","ClusterIpIntegration"].map((k) => k + ":" + typeof m[k]).join(" "))';
    const r = await run(process.execPath, ["-e", script], { cwd: project });
    assert.equal(
      r.stdout.trim(),
      "ClusterIpRoutes:function ClusterIpVirtualService:function ClusterIpIntegration:function",
    );
    const installed = path.join(project, "node_modules", "pulumi-avi-k8s");
    assert.equal(fs.existsSync(path.join(installed, "dist", "emulator", "engine")), false);
    assert.equal(fs.existsSync(path.join(installed, "node_modules", "mocha")), false, "no dev dependency came along");
  });

  it("`npx avi-k8s emulate` starts both emulators, `npx avi-k8s plan` reads them, and killing npx stops them", async () => {
    const npx = spawn("npx", ["avi-k8s", "emulate"], {
      cwd: project,
      env: npmEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(npx);
    let stderr = "";
    npx.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const lines = await readyLines(npx.stdout!, 2).catch((e: Error) => {
      throw new Error(`${e.message}\n${stderr}`);
    });
    const avi = lines.find((l) => l.kind === "avi") as ReadyLine;
    const kube = lines.find((l) => l.kind === "kube") as ReadyLine;
    assert.ok(avi && kube, JSON.stringify(lines));
    pids.push(avi.pid);
    assert.notEqual(avi.pid, npx.pid, "npx runs the emulator in a process of its own");

    const plan = await run(
      "npx",
      [
        "avi-k8s",
        "plan",
        "--cluster",
        "demo",
        "--kubeconfig",
        kube.kubeconfig as string,
        "--service",
        "default/web",
        "--avi-controller",
        avi.url,
        "--avi-username",
        avi.username as string,
      ],
      { cwd: project, env: npmEnv({ AVI_PASSWORD: avi.password, AVI_CA_BUNDLE: avi.caFile }) },
    );
    assert.match(plan.stdout, /192\.168\.101\.0\/24 +10\.100\.1\.101 +node1/);
    assert.match(plan.stdout, /192\.168\.102\.0\/24 +10\.100\.1\.102 +node2/);
    assert.match(plan.stdout, /4 servers, 4 enabled/);
    assert.match(plan.stdout, /routes: 2 to add, 0 to update, 0 to remove/);
    assert.ok(!plan.stdout.includes(avi.password as string), "the password is never printed");

    const dirs = [avi.caFile, kube.kubeconfig].map((f) => path.dirname(f as string));
    npx.kill("SIGTERM"); // what `kill $!` does after `npx avi-k8s emulate &`
    assert.ok(await waitGone(avi.pid, 5000), "the emulator outlived npx");
    for (const d of dirs) assert.equal(fs.existsSync(d), false, `${d} is left behind`);
  });

  it("`pulumi-avi-k8s/sync` alone needs @pulumi/kubernetes; with it installed, Node and TypeScript resolve it", async () => {
    const main = await run(
      process.execPath,
      ["-e", 'const m = require("pulumi-avi-k8s"); console.log(m.SYNC_PERMISSIONS.length, typeof m.ClusterIpRoutes)'],
      { cwd: project },
    );
    assert.match(main.stdout.trim(), /^\d+ function$/);
    const kubernetes = path.join(project, "node_modules", "@pulumi", "kubernetes");
    assert.equal(fs.existsSync(kubernetes), false, "an optional peer: --omit=dev leaves it out");
    const missing = await run(
      process.execPath,
      ["-e", 'try { require("pulumi-avi-k8s/sync"); } catch (e) { console.log(e.message.split("\\n")[0]); }'],
      { cwd: project },
    );
    assert.equal(missing.stdout.trim(), "Cannot find module '@pulumi/kubernetes'");

    // A user who deploys the sync installs it; this checkout's copy stands in (tests install offline).
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi", "kubernetes"), kubernetes, "dir");
    const loaded = await run(
      process.execPath,
      ["-e", 'console.log(typeof require("pulumi-avi-k8s/sync").AviK8sSync)'],
      { cwd: project },
    );
    assert.equal(loaded.stdout.trim(), "function");
    // The README's program, plus a line that must not compile.
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const from = readme.indexOf("### Running the sync in the cluster");
    const program = /```ts\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? "";
    assert.match(program, /from "pulumi-avi-k8s\/sync"/);
    fs.writeFileSync(
      path.join(project, "program.ts"),
      `${program}
// @ts-expect-error the username is required (this line fails to compile if the types were not found)
export const bad = new AviK8sSync("bad", { cluster: "demo", image: "i", avi: { controller: "https://a", password: "pw" } });
`,
    );
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    for (const [module, resolution] of [
      ["commonjs", "node10"],
      ["node16", "node16"],
    ]) {
      const args = ["--noEmit", "--strict", "--skipLibCheck", "--module", module, "--moduleResolution", resolution];
      await run(process.execPath, [tsc, ...args, "program.ts"], { cwd: project }).catch((e) => {
        throw new Error(`tsc --moduleResolution ${resolution}: ${e.stdout ?? e.message}`);
      });
    }
  });
});
