// examples/starter, the smallest project of the README's "Your own program", set up the README's way: its four
// files copied into a fresh directory and the packed tarball installed there with npm. It compiles with the
// project's own tsc; `node` alone runs it to no effect (exit 0, nothing contacted), as the README warns; under
// Pulumi's own TypeScript support (ts-node, registered as Pulumi's language host does) it declares the resources
// with small stored providers that `require` the installed package; and the project's own dynamic-provider host
// runs those against both emulators.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { type ProviderHost, startProviderHost } from "../../emulator/engine";
import { npm, packedTarball, ROOT, tempDir } from "../support/packed";
import { clusterRoutes, poolServers, type Sites, startSites } from "./support";

const run = promisify(execFile);
const STARTER = path.join(ROOT, "examples", "starter");
const FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"];

// Run in the project: registers ts-node exactly as @pulumi/pulumi's cmd/run does for a TypeScript program (same
// typescript and ts-node lookup, same options), runs the program under mocks and prints what it registered.
const UNDER_PULUMI_TS = `
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const [major, minor] = require(typescriptRequire).version.split(".").map(Number);
const nodeNext = major > 4 || (major === 4 && minor >= 7);
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: undefined,
  project: "tsconfig.json",
  skipProject: !require("fs").existsSync("tsconfig.json"),
  compilerOptions: {
    target: "ES2020",
    module: nodeNext ? "nodenext" : "commonjs",
    moduleResolution: nodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json"),
  },
});
const seen = [];
pulumi.runtime.setMocks(
  { newResource: (a) => { seen.push(a); return { id: a.name + "-id", state: a.inputs }; }, call: (a) => a.inputs },
  "avi-k8s-starter",
  "dev",
);
require(path.resolve(require("./package.json").main));
setTimeout(() => {
  const out = seen.filter((a) => a.custom).map((a) => ({ type: a.type, name: a.name, inputs: a.inputs }));
  process.stdout.write(JSON.stringify(out));
}, 500);
`;

interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

describe("examples/starter: your own program, installed from the tarball", function () {
  this.timeout(300_000);
  let project: string;
  let sites: Sites;
  let host: ProviderHost | undefined;
  let declared: Declared[] = [];

  before(async () => {
    project = tempDir("avi-k8s-starter-");
    for (const f of FILES) fs.copyFileSync(path.join(STARTER, f), path.join(project, f));
    const tarball = await packedTarball();
    fs.copyFileSync(tarball, path.join(project, path.basename(tarball)));
    await npm(project, ["install", `./${path.basename(tarball)}`]);
    sites = await startSites();
  });

  after(async () => {
    await host?.stop();
    await sites?.stop();
  });

  it("is the four files the README lists, and the tarball install adds the package to its dependencies", () => {
    assert.deepEqual(fs.readdirSync(STARTER).sort(), [...FILES].sort());
    const pkg = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
    assert.match(pkg.dependencies["pulumi-avi-k8s"], /^file:pulumi-avi-k8s-\d+\.\d+\.\d+\.tgz$/);
  });

  it("compiles with the project's tsc, strict and without skipLibCheck", async () => {
    await run("npx", ["tsc"], { cwd: project });
    assert.ok(fs.existsSync(path.join(project, "bin", "index.js")));
  });

  it("run with plain node it exits 0 and does nothing: a program needs the Pulumi CLI", async () => {
    const before = sites.avi.requestLog.length + sites.kube.requestLog.length;
    const r = await run(process.execPath, ["bin/index.js"], {
      cwd: project,
      env: { ...process.env, AVI_CONTROLLER: sites.avi.url, KUBECONFIG: sites.kube.kubeconfig },
    });
    assert.equal(`${r.stdout}${r.stderr}`, "");
    assert.equal(sites.avi.requestLog.length + sites.kube.requestLog.length, before, "nothing was contacted");
  });

  it("under Pulumi's own TypeScript support it declares the routes and the virtual service, with stored providers that require the installed package", async () => {
    fs.writeFileSync(path.join(project, "under-pulumi-ts.js"), UNDER_PULUMI_TS);
    const r = await run(process.execPath, ["under-pulumi-ts.js"], { cwd: project, maxBuffer: 8 * 1024 * 1024 });
    declared = JSON.parse(r.stdout) as Declared[];
    assert.deepEqual(
      declared.map((d) => `${d.type} ${d.name}`),
      [
        "pulumi-nodejs:dynamic/avi-k8s:ClusterIpRoutes prod-east-routes",
        "pulumi-nodejs:dynamic/avi-k8s:ClusterIpVirtualService prod-east-web",
      ],
    );
    for (const d of declared) {
      const stored = d.inputs.__provider as string;
      assert.match(stored, /require\("pulumi-avi-k8s\/dist\/sdk\/providers\/\w+Methods\.js"\)/);
      assert.ok(stored.length < 2048, `${d.name}: ${stored.length} bytes`);
      assert.ok(!stored.includes(project), "no path of this machine in the stored provider");
    }
  });

  it("the project's own dynamic-provider host creates them on the emulators from stack config, and deletes them", async () => {
    assert.equal(declared.length, 2, "the previous test captured the program's resources");
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [project] });
    host = await startProviderHost({ cwd: project, hostScript, cleanEnv: true, config: sites.config() });
    await host.configure();
    const created: { d: Declared; id: string; properties: Record<string, unknown> }[] = [];
    for (const d of declared) {
      const checked = await host.check({ type: d.type, name: d.name, news: d.inputs });
      assert.deepEqual(checked.failures, []);
      const c = await host.create({ type: d.type, name: d.name, properties: checked.inputs });
      created.push({ d, id: c.id, properties: c.properties });
    }
    assert.deepEqual(clusterRoutes(sites.avi, "prod-east"), [
      "192.168.101.0/24 via 10.100.1.101",
      "192.168.102.0/24 via 10.100.1.102",
    ]);
    assert.deepEqual(poolServers(sites.avi), [
      "192.168.101.13:8080",
      "192.168.101.22:8080",
      "192.168.102.17:8080",
      "192.168.102.36:8080",
    ]);
    assert.equal(created[1]?.properties.vipAddress, "10.10.10.50");
    for (const c of created.reverse()) {
      await host.delete({ type: c.d.type, name: c.d.name, id: c.id, properties: c.properties });
    }
    assert.deepEqual(clusterRoutes(sites.avi, "prod-east"), []);
    assert.deepEqual(sites.avi.objects("virtualservice"), []);
  });
});
