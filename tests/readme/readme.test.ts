// The README's own commands, run the way a new user runs them: a fresh copy of the repository (the files git
// tracks or would track) in the temp directory, then every ```sh block marked `<!-- readme-test: run -->`, in the
// README's order, in one bash session (so `cd` and exported variables carry over, as in one terminal). npm runs
// offline from the cache `npm ci` filled; the emulators stand in for the controller and the cluster. Afterwards
// nothing may be left running, and the copy installs as a git dependency (the README's other install route).
import * as assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { npm, npmEnv, ROOT, removeDir, tempDir } from "../support/packed";

const run = promisify(execFile);
const MARK = /^<!--\s*readme-test:\s*(run|skip)\b.*-->$/;

interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
  marked: "run" | "skip" | undefined;
}

/** Every ```sh block of a Markdown text, with the readme-test marker on the line before its fence, if any. */
function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split("\n");
  const out: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== "```sh") continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === "```");
    assert.ok(end > i, `README line ${i + 1}: the block never closes`);
    const mark = MARK.exec(lines[i - 1]?.trim() ?? "")?.[1] as ShellBlock["marked"];
    out.push({ line: i + 1, text: lines.slice(i + 1, end).join("\n"), marked: mark });
    i = end;
  }
  return out;
}

/** The code of a TypeScript text without comments and blank lines, to compare two copies of a program. */
function code(ts: string): string[] {
  return ts
    .replace(/\/\/.*$/gm, "")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
}

/** Processes whose command line names `dir`: what a run left behind. */
function processesUnder(dir: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const zombie = /^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (!zombie && (cmd.includes(dir) || cwd.startsWith(dir))) out.push({ pid, cmd });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Copies what a clone would hold: tracked files and new files git does not ignore. */
async function freshCopy(to: string): Promise<void> {
  const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const rel of listed.stdout.split("\0").filter(Boolean)) {
    const from = path.join(ROOT, rel);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(to, rel));
    fs.chmodSync(path.join(to, rel), fs.statSync(from).mode);
  }
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=readme-test", "-c", "user.email=readme-test@127.0.0.1", ...args], { cwd: to });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", "a fresh clone");
}

describe("README: its commands, in order, on a fresh clone", function () {
  this.timeout(20 * 60_000);
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const blocks = shellBlocks(readme);
  let root: string;
  let clone: string;
  let output = "";
  let code0: number | null = null;

  before(async () => {
    root = tempDir("avi-k8s-readme-");
    clone = path.join(root, "pulumi-avi-k8s"); // the README's relative paths assume the clone's own name
    await freshCopy(clone);
  });

  after(() => {
    for (const p of processesUnder(root)) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (root) removeDir(root);
  });

  it("marks the blocks a reader runs, and the README's program is examples/starter's", () => {
    const runnable = blocks.filter((b) => b.marked === "run");
    assert.ok(runnable.length >= 4, `only ${runnable.length} blocks are marked to run`);
    const ts = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Your own program")))?.[1] ?? "";
    const starter = fs.readFileSync(path.join(ROOT, "examples", "starter", "index.ts"), "utf8");
    assert.deepEqual(code(ts), code(starter));
  });

  it("runs every marked block in one shell, each command succeeding", async () => {
    const script = ["set -euo pipefail"];
    for (const [i, b] of blocks.entries()) {
      if (b.marked !== "run") continue;
      script.push(`echo "### README block ${i + 1} (line ${b.line})"`, b.text);
    }
    fs.writeFileSync(path.join(root, "readme.sh"), `${script.join("\n")}\n`);
    const env = npmEnv({ CI: "true" });
    for (const key of Object.keys(env)) {
      if (/^(AVI_|PULUMI_|KUBECONFIG$|AVI_K8S_)/.test(key)) delete env[key];
    }
    const child = spawn("bash", [path.join(root, "readme.sh")], { cwd: clone, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    code0 = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    const last = output.split("\n").slice(-60).join("\n");
    assert.equal(code0, 0, `the README's commands failed:\n${last}`);
    assert.match(output, /Demo finished; the emulators and the engine are stopped\./);
    assert.ok(fs.existsSync(path.join(clone, "demo-output", "demo-topology-moved.svg")));
    assert.ok(fs.existsSync(path.join(clone, "pulumi-avi-k8s-0.1.0.tgz")), "npm pack wrote the tarball");
    assert.match(output, /pulumi-avi-k8s is installed/);
    assert.match(output, /192\.168\.101\.0\/24 +10\.100\.1\.101 +node1/, "avi-k8s plan read the Kubernetes emulator");
    assert.match(output, /routes: 2 to add, 0 to update, 0 to remove/, "and the Avi emulator");
  });

  it("leaves nothing running", async () => {
    assert.equal(code0, 0, "the README's commands ran");
    // The emulators stop within a second of npx going away.
    for (let i = 0; i < 50 && processesUnder(root).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesUnder(root), []);
  });

  it("installs as a git dependency: npm clones it, prepare builds it, and it loads", async () => {
    const project = path.join(root, "from-git");
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "package.json"),
      '{ "name": "from-git", "version": "1.0.0", "private": true }\n',
    );
    await npm(project, ["install", `git+file://${clone}`]);
    const installed = path.join(project, "node_modules", "pulumi-avi-k8s");
    assert.ok(fs.existsSync(path.join(installed, "dist", "sdk", "index.js")), "prepare built the package");
    assert.ok(!fs.existsSync(path.join(installed, "dist", "tests")), "only the published files");
    const r = await run(
      process.execPath,
      ["-e", 'console.log(typeof require("pulumi-avi-k8s").ClusterIpIntegration)'],
      { cwd: project },
    );
    assert.equal(r.stdout.trim(), "function");
    const help = await run("npx", ["avi-k8s", "--help"], { cwd: project, env: npmEnv() });
    assert.match(help.stdout, /emulate \[avi\|kube\]/);
  });
});
