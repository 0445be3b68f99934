// What `npm publish` would upload: exactly the compiled SDK, provider, CLI and the two emulators (their
// JavaScript and type declarations), the Kubernetes fixtures, the `pulumi-avi-k8s/sync` entry point, the README
// and package.json; nothing whose imports
// a user's install cannot satisfy; and a dry run without a warning.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";
import { npmEnv, packedTarball, ROOT, tempDir } from "../support/packed";

const run = promisify(execFile);

interface Manifest {
  name: string;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  main: string;
  types: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Manifest;
/** The folders whose compiled output is published (emulator/engine, the test harness, is not). */
const PUBLISHED = ["sdk", "provider", "cli", "emulator/avi", "emulator/common", "emulator/kube"];
/** Files read at run time, shipped as they are: the Kubernetes fixtures and the Avi emulator's live-view page. */
const DATA = ["emulator/kube/fixtures", "emulator/avi/ui"];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** "@scope/name/x" -> "@scope/name", "name/x" -> "name"; undefined for relative paths and Node built-ins. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:")) return undefined;
  const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] as string);
  return builtinModules.includes(name) ? undefined : name;
}

/** Every module specifier a file names in a literal import or require. */
function specifiers(text: string): string[] {
  const found = [
    ...text.matchAll(/(?<![.\w])require\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/^\s*(?:import|export)\s+[\w*{}\s,$]*?\sfrom\s+"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
  ];
  return found.map((m) => m[1] as string);
}

describe("the published package (npm pack)", function () {
  this.timeout(120_000);
  let files: string[];
  let unpacked: string;

  before(async () => {
    const tarball = await packedTarball();
    unpacked = tempDir("avi-k8s-unpacked-");
    await run("tar", ["-xzf", tarball, "-C", unpacked]);
    files = walk(path.join(unpacked, "package"))
      .map((f) => path.relative(path.join(unpacked, "package"), f))
      .sort();
  });

  it("holds exactly the compiled SDK, provider, CLI and emulators, their data files, README and package.json", () => {
    const expected = new Set(["README.md", "package.json", "sync/package.json"]);
    for (const dir of PUBLISHED) {
      for (const src of walk(path.join(ROOT, dir))) {
        if (DATA.some((d) => src.startsWith(path.join(ROOT, d) + path.sep))) {
          expected.add(path.relative(ROOT, src));
          continue;
        }
        if (!src.endsWith(".ts") || src.endsWith(".d.ts")) continue;
        const base = path.join("dist", path.relative(ROOT, src)).replace(/\.ts$/, "");
        expected.add(`${base}.js`).add(`${base}.d.ts`);
      }
    }
    const extra = files.filter((f) => !expected.has(f));
    const missing = [...expected].filter((f) => !files.includes(f));
    assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
    assert.ok(!files.some((f) => f.startsWith("dist/emulator/engine/")), "the engine harness is a test tool");
    for (const entry of [manifest.main, manifest.types, ...Object.values(manifest.bin)]) {
      assert.ok(files.includes(path.normalize(entry)), `${entry} (main, types or bin) is in the package`);
    }
    assert.match(fs.readFileSync(path.join(unpacked, "package", manifest.bin["avi-k8s"] as string), "utf8"), /^#!/);
  });

  it("the `pulumi-avi-k8s/sync` entry point names compiled files, and only it needs the optional @pulumi/kubernetes", () => {
    const entry = JSON.parse(fs.readFileSync(path.join(unpacked, "package", "sync", "package.json"), "utf8"));
    for (const f of [entry.main, entry.types]) {
      assert.ok(files.includes(path.join("sync", f)), `${f} is in the package`);
    }
    assert.deepEqual(manifest.peerDependenciesMeta, { "@pulumi/kubernetes": { optional: true } });
    const users = files.filter(
      (f) =>
        f.endsWith(".js") &&
        specifiers(fs.readFileSync(path.join(unpacked, "package", f), "utf8")).some(
          (s) => packageOf(s) === "@pulumi/kubernetes",
        ),
    );
    assert.deepEqual(users, ["dist/sdk/syncDeployment.js"]);
  });

  it("requires at run time only Node built-ins, its own files and its dependencies", () => {
    const allowed = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".js"))) {
      const abs = path.join(unpacked, "package", file);
      for (const spec of specifiers(fs.readFileSync(abs, "utf8"))) {
        if (spec.startsWith(".")) {
          const target = path.resolve(path.dirname(abs), spec);
          const found = [target, `${target}.js`, path.join(target, "index.js")].some((t) => fs.existsSync(t));
          if (!found) problems.push(`${file}: ${spec} is not in the package`);
          continue;
        }
        const pkg = packageOf(spec);
        if (pkg && !allowed.has(pkg)) problems.push(`${file}: ${spec} is not a dependency or peer dependency`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("every package the source imports is declared in package.json", () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.devDependencies),
      ...Object.keys(manifest.peerDependencies),
      manifest.name, // the standalone example project imports the package itself
    ]);
    const problems: string[] = [];
    for (const dir of ["sdk", "provider", "cli", "emulator", "examples", "tests", "bench"]) {
      for (const file of walk(path.join(ROOT, dir)).filter(
        (f) => /\.(ts|js)$/.test(f) && !f.includes("node_modules"),
      )) {
        for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
          const pkg = packageOf(spec);
          if (pkg && !declared.has(pkg)) problems.push(`${path.relative(ROOT, file)}: ${spec}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it("npm publish --dry-run succeeds without a warning (against a registry on 127.0.0.1 that is never reached)", async () => {
    const registry = "http://127.0.0.1:9/";
    const r = await run(
      "npm",
      ["publish", "--dry-run", "--ignore-scripts", `--registry=${registry}`, "--//127.0.0.1:9/:_authToken=dry-run"],
      { cwd: ROOT, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 },
    );
    const output = `${r.stdout}\n${r.stderr}`;
    assert.match(output, /\+ pulumi-avi-k8s@\d+\.\d+\.\d+/);
    assert.deepEqual(
      output.split("\n").filter((l) => /npm (warn|error|ERR)/i.test(l)),
      [],
    );
    const total = Number(/total files:\s+(\d+)/.exec(output)?.[1]);
    assert.equal(total, files.length, "publish uploads what pack packs");
  });

  it("builds on install from git: prepare compiles the published folders with their dependencies only", () => {
    assert.equal(manifest.scripts.prepare, "npm run build:package");
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.package.json"), "utf8"));
    assert.deepEqual([...config.include].sort(), [...PUBLISHED].sort());
  });
});
