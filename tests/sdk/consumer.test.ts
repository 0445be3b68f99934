// What users get: `npm pack` this package, install the tarball with npm into a fresh project next to the
// @pulumi/pulumi version tested here, capture the serialized providers there under mocks, and run them through
// that project's own dynamic-provider host (cwd = the project, as the engine starts it) against both emulators.
import * as assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { type ProviderHost, startProviderHost } from "../../emulator/engine";
import { controllerRoutes, controllerServers, type Lab, ROUTES_TYPE, startLab, VS_TYPE } from "./support";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../../..");
const PULUMI_VERSION = (require("@pulumi/pulumi/package.json") as { version: string }).version;

// Runs in the user's project with the user's @pulumi/pulumi: prints each resource's __provider.
const CAPTURE = `
const pulumi = require("@pulumi/pulumi");
const seen = [];
pulumi.runtime.setMocks({ newResource: (a) => (seen.push(a), { id: a.name + "-id", state: a.inputs }), call: (a) => a.inputs }, "user-program", "dev");
const { ClusterIpRoutes, ClusterIpVirtualService } = require("pulumi-avi-k8s");
const r = new ClusterIpRoutes("routes", { cluster: "c1" });
const v = new ClusterIpVirtualService("web", { cluster: "c1", service: { name: "web" }, vip: { address: "10.10.10.50" } });
pulumi.all([r.urn, v.urn]).apply(() => setTimeout(() => {
  const out = {};
  for (const a of seen) out[a.name] = a.inputs.__provider;
  process.stdout.write(JSON.stringify(out));
}, 50));
`;

describe("the packed package, installed with npm into a fresh project", function () {
  this.timeout(300_000);
  let project: string;
  let lab: Lab;
  let host: ProviderHost | undefined;
  let stored: { routes: string; web: string };

  before(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "avi-k8s-consumer-"));
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "user-program", version: "1.0.0", private: true }),
    );
    fs.writeFileSync(path.join(project, "capture.js"), CAPTURE);
    // `npm test` has just built dist/: skip `prepare`, which would rebuild it under the running tests.
    const packed = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project, ROOT], {
      cwd: project,
    });
    const tarball = packed.stdout.trim().split("\n").pop() ?? "";
    await run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--loglevel=error",
        `./${tarball}`,
        `@pulumi/pulumi@${PULUMI_VERSION}`,
      ],
      { cwd: project, maxBuffer: 16 * 1024 * 1024 },
    );
    stored = JSON.parse((await run(process.execPath, ["capture.js"], { cwd: project })).stdout);
    lab = await startLab();
  });

  after(async () => {
    await host?.stop();
    await lab?.stop();
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it("stores small providers that require the installed package by name, not a path on this machine", () => {
    for (const [name, text] of Object.entries(stored)) {
      const bytes = Buffer.byteLength(text);
      console.log(`      serialized provider of ${name} (installed package): ${bytes} bytes`);
      assert.match(text, /Object\.create\(require\("pulumi-avi-k8s\/dist\/sdk\/providers\/\w+Methods\.js"\)\)/);
      assert.ok(!text.includes(project) && !text.includes(ROOT), "no absolute path in the stored provider");
      // The target is 2 KB per resource; a by-value copy of the implementation would be ~100 KB.
      assert.ok(bytes <= 2048, `${name}: ${bytes} bytes`);
    }
    const installed = JSON.parse(
      fs.readFileSync(path.join(project, "node_modules/pulumi-avi-k8s/package.json"), "utf8"),
    );
    assert.equal(installed.exports, undefined, "an exports map would hide dist/* from the stored providers");
  });

  it("the project's own host runs them: create, read and delete against both emulators", async () => {
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [project] });
    assert.ok(hostScript.startsWith(fs.realpathSync(project)) || hostScript.startsWith(project));
    host = await startProviderHost({ cwd: project, hostScript, cleanEnv: true, config: lab.config() });
    await host.configure();

    const routes = { type: ROUTES_TYPE, name: "routes" };
    const rc = await host.check({ ...routes, news: { __provider: stored.routes, cluster: "c1" } });
    assert.deepEqual(rc.failures, []);
    const rcreated = await host.create({ ...routes, properties: rc.inputs });
    assert.equal(controllerRoutes(lab).length, 2);

    const web = { type: VS_TYPE, name: "web" };
    const news = { __provider: stored.web, cluster: "c1", service: "web", vip: { address: "10.10.10.50" } };
    const vc = await host.check({ ...web, news });
    assert.deepEqual(vc.failures, []);
    const vcreated = await host.create({ ...web, properties: vc.inputs });
    assert.equal(vcreated.properties.vipAddress, "10.10.10.50");
    assert.equal(controllerServers(lab, "c1--default-web-TCP-80").length, 4);
    const read = await host.read({ ...web, id: vcreated.id, properties: vcreated.properties });
    assert.equal(read.id, vcreated.id);

    await host.delete({ ...web, id: vcreated.id, properties: vcreated.properties });
    await host.delete({ ...routes, id: rcreated.id, properties: rcreated.properties });
    assert.deepEqual(lab.avi.objects("virtualservice"), []);
    assert.deepEqual(controllerRoutes(lab), []);
  });

  it("its `avi-k8s emulate avi` serves the live view from the installed files (not compiled by tsc)", async () => {
    const cli = path.join(project, "node_modules/pulumi-avi-k8s/dist/cli/index.js");
    const child = spawn(process.execPath, [cli, "emulate", "avi", "--http"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf("\n");
          if (nl >= 0) resolve(out.slice(0, nl));
        });
        child.on("exit", (code) => reject(new Error(`avi-k8s emulate exited ${code}`)));
      });
      const ready = JSON.parse(line) as { url: string; ui: string };
      assert.equal(ready.ui, `${ready.url}/`);
      const page = await fetch(ready.ui);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /id="login-form"/);
      for (const file of ["app.mjs", "topology.mjs", "vlist.mjs", "style.css"]) {
        const r = await fetch(`${ready.url}/ui/${file}`);
        assert.equal(r.status, 200, `${file} is shipped in the package`);
      }
    } finally {
      child.kill("SIGTERM");
    }
  });
});
