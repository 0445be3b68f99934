// The Dockerfile that builds AviK8sSync's image. No Docker daemon runs here, so the build is checked in parts: the
// pack stage copies every source `npm pack` needs (and .dockerignore keeps none of them out), the install stage's
// command, run here on the packed tarball, gives an `avi-k8s` on the PATH the ENTRYPOINT uses, with no Pulumi in
// the image, and the ENTRYPOINT itself, given `--help` as a pod's args would be, exits 0 with the sync's usage, both
// from that installed tree and from this checkout's build (node dist/cli/index.js sync --help).
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { LISTEN_PORT } from "../../sdk/syncCommand";
import { npmEnv, packedTarball, ROOT, tempDir } from "../support/packed";

const run = promisify(execFile);

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

/** Dockerfile instructions by stage: comments dropped, continuation lines joined. */
function stages(text: string): Stage[] {
  const lines = text.split("\n").filter((l) => !/^\s*#/.test(l));
  const joined = lines.join("\n").replace(/\\\n/g, " ");
  const out: Stage[] = [];
  for (const line of joined.split("\n").map((l) => l.trim())) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = (m[1] as string).toUpperCase();
    const args = (m[2] as string).trim();
    if (op === "FROM") {
      const [from, , name] = args.split(/\s+/);
      out.push({ name: name ?? String(out.length), from: from as string, steps: [] });
    } else out[out.length - 1]?.steps.push({ op, args });
  }
  return out;
}

const step = (s: Stage, op: string) => s.steps.filter((x) => x.op === op);

/** The final stage's ENTRYPOINT (exec form) and ENV, as the container starts: argv and environment. */
function entrypoint(final: Stage): { argv: string[]; env: Record<string, string> } {
  const argv = JSON.parse(step(final, "ENTRYPOINT")[0]?.args ?? "null") as string[];
  const env: Record<string, string> = {};
  for (const e of step(final, "ENV")) {
    for (const m of e.args.matchAll(/(\w+)=(\S+)/g)) env[m[1] as string] = m[2] as string;
  }
  return { argv, env };
}

/** Runs a command and resolves with its exit code and output, whatever the code. */
function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return run(file, args, { cwd: "/", env }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: Number(e.code ?? 1), stdout: e.stdout ?? "" }),
  );
}

const SYNC_USAGE = /^usage: avi-k8s sync --cluster NAME/;

/** Whether a .dockerignore pattern (no negations here) matches a context path or one of its parents. */
function ignored(patterns: string[], file: string): boolean {
  const parts = file.split("/");
  return patterns.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    return parts.some((_, i) => re.test(parts.slice(0, i + 1).join("/")));
  });
}

describe("the Dockerfile of the sync's image", function () {
  this.timeout(180_000);
  const all = stages(fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
  const byName = (n: string) => {
    const s = all.find((x) => x.name === n);
    assert.ok(s, `stage ${n}`);
    return s;
  };
  const workdirOf = () => step(byName("install"), "WORKDIR")[0]?.args as string;
  const dockerignore = fs
    .readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

  it("packs from sources that exist, that .dockerignore keeps in, and that hold everything npm pack builds from", () => {
    const pack = byName("pack");
    const sources = step(pack, "COPY")
      .filter((c) => !c.args.startsWith("--from"))
      .flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    for (const s of sources) {
      assert.ok(fs.existsSync(path.join(ROOT, s)), `${s} exists`);
      assert.ok(!ignored(dockerignore, s), `.dockerignore keeps ${s} out of the build context`);
    }
    const covered = (p: string) => sources.some((s) => p === s || p.startsWith(`${s}/`));
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.package.json"), "utf8"));
    const needed = [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.package.json",
      ...tsconfig.include,
      // Published files that tsc does not make (data, the sync entry point, README): their literal prefix.
      ...(manifest.files as string[]).filter((f) => !f.startsWith("dist/")).map((f) => f.split("*")[0] as string),
    ];
    assert.deepEqual(
      needed.filter((n) => !covered(n.replace(/\/$/, ""))),
      [],
    );
    const runs = step(pack, "RUN").map((r) => r.args);
    assert.ok(
      runs.some((r) => /npm pack(?![^&]*--ignore-scripts)/.test(r)),
      "npm pack runs prepare (the compile)",
    );
    for (const heavy of ["node_modules", "dist", ".git"]) assert.ok(ignored(dockerignore, heavy), heavy);
  });

  it("installs the tarball without dev or peer dependencies and runs `avi-k8s sync` as a numeric non-root user", () => {
    const install = byName("install");
    const workdir = step(install, "WORKDIR")[0]?.args as string;
    assert.ok(step(install, "COPY").some((c) => c.args.startsWith("--from=pack")));
    const npmInstall = step(install, "RUN").find((r) => /npm install/.test(r.args))?.args ?? "";
    assert.match(npmInstall, /--omit=dev/);
    assert.match(npmInstall, /--omit=peer/);
    const final = all[all.length - 1] as Stage;
    assert.ok(step(final, "COPY").some((c) => c.args === `--from=install ${workdir} ${workdir}`));
    assert.ok(step(final, "ENV").some((e) => e.args.includes(`PATH=${workdir}/node_modules/.bin:`)));
    const user = step(final, "USER")[0]?.args ?? "";
    assert.match(user, /^[1-9]\d*(:\d+)?$/, "a numeric uid, so Kubernetes can check runAsNonRoot");
    assert.deepEqual(JSON.parse(step(final, "ENTRYPOINT")[0]?.args ?? "null"), ["avi-k8s", "sync"]);
    assert.equal(step(final, "EXPOSE")[0]?.args, String(LISTEN_PORT));
  });

  it("its ENTRYPOINT with --help, run as node runs this checkout's build, exits 0 and prints the sync's usage", async () => {
    const { argv, env } = entrypoint(all[all.length - 1] as Stage);
    assert.equal(argv[0], "avi-k8s", "the package's bin");
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const bin = path.join(ROOT, manifest.bin[argv[0] as string]);
    // The image's environment, not this machine's: no KUBECONFIG, no AVI_*, NODE_ENV=production.
    const r = await exec(process.execPath, [bin, ...argv.slice(1), "--help"], {
      NODE_ENV: env.NODE_ENV ?? "",
      PATH: process.env.PATH ?? "",
    });
    assert.equal(r.code, 0);
    assert.match(r.stdout, SYNC_USAGE);
    assert.match(r.stdout, /--in-cluster/);
  });

  it("the install stage's RUN, run here on the packed tarball, gives a working avi-k8s on that PATH", async () => {
    const tarball = await packedTarball();
    const root = tempDir("avi-k8s-image-");
    fs.mkdirSync(path.join(root, "pack"));
    fs.copyFileSync(tarball, path.join(root, "pack", path.basename(tarball)));
    const dir = path.join(root, "opt");
    fs.mkdirSync(dir);
    const script = step(byName("install"), "RUN")
      .map((r) => r.args)
      .join(" && ")
      .replaceAll("/pack/", `${path.join(root, "pack")}/`);
    await run("sh", ["-c", script], { cwd: dir, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
    const bin = path.join(dir, "node_modules", ".bin");
    assert.ok(fs.existsSync(path.join(bin, "avi-k8s")), "node_modules/.bin/avi-k8s");
    assert.equal(fs.existsSync(path.join(dir, "node_modules", "@pulumi")), false, "no Pulumi in the image");
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const help = await run("avi-k8s", ["--help"], { cwd: "/", env });
    assert.match(help.stdout, /^usage: avi-k8s <command>/);
    // plan loads the Kubernetes reader, the planner and the Avi client: all of it runs without Pulumi installed.
    const plan = await run("avi-k8s", ["plan", "--help"], { cwd: "/", env });
    assert.match(plan.stdout, /--in-cluster/);
    // The container's own command: the ENTRYPOINT on the image's PATH, a pod's args after it.
    const image = entrypoint(all[all.length - 1] as Stage);
    const imageEnv = {
      ...image.env,
      PATH: (image.env.PATH ?? "")
        .replace(`${workdirOf()}/node_modules/.bin`, bin)
        .replace("$PATH", process.env.PATH ?? ""),
    };
    const [cmd, ...args] = image.argv as [string, ...string[]];
    const sync = await exec(cmd, [...args, "--help"], imageEnv);
    assert.equal(sync.code, 0, sync.stdout);
    assert.match(sync.stdout, SYNC_USAGE);
    const kb = Number(
      (await run("du", ["-sk", "--apparent-size", path.join(dir, "node_modules")])).stdout.split(/\s/)[0],
    );
    console.log(`      installed tree of the image (apparent size): ${(kb / 1024).toFixed(1)} MB`);
    assert.equal((await run("find", [dir, "-name", "*.map"])).stdout, "", "source maps are pruned");
  });
});
