// How the demo finds and drives a Pulumi CLI, checked with a stand-in `pulumi` executable that records each call:
// detection (PATH first; the npm package only with internet access; else the harness, with the reason), and the
// command sequence with a local file backend, a throwaway passphrase, the password stored as a secret, and
// everything removed afterwards.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { detectEngine } from "../../examples/demo/detect";
import { startCliEngine } from "../../examples/demo/pulumiCli";

interface Call {
  argv: string[];
  backend?: string;
  passphrase?: string;
  cwd: string;
}

/** A `pulumi` that logs each call as a JSON line, prints a version, and fails `up` when FAKE_PULUMI_FAIL_UP is set. */
function fakePulumi(dir: string, log: string): string {
  const file = path.join(dir, "pulumi");
  fs.writeFileSync(
    file,
    `#!${process.execPath}
const fs = require("node:fs");
const argv = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv, backend: process.env.PULUMI_BACKEND_URL,
  passphrase: process.env.PULUMI_CONFIG_PASSPHRASE, cwd: process.cwd() }) + "\\n");
if (argv[0] === "version") { console.log("v3.999.0"); process.exit(0); }
if (argv[0] === "up" && process.env.FAKE_PULUMI_FAIL_UP) { console.error("error: update failed: boom"); process.exit(3); }
console.log("ran " + argv[0]);
`,
    { mode: 0o755 },
  );
  return file;
}

const calls = (log: string): Call[] =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Call)
    : [];

describe("demo: the Pulumi CLI", () => {
  let dir: string;
  let log: string;
  let savedPath: string | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-k8s-fake-pulumi-"));
    log = path.join(dir, "calls.jsonl");
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    delete process.env.FAKE_PULUMI_FAIL_UP;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("uses a pulumi on PATH, and otherwise falls back to the harness saying why, without going to the network", async () => {
    fakePulumi(dir, log);
    process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
    const found = detectEngine("auto");
    assert.equal(found.kind, "cli");
    assert.equal(found.kind === "cli" && found.cli.version, "v3.999.0");

    // Without a CLI on PATH, auto never runs npx (which would download one): the harness, with the way to get one.
    process.env.PATH = path.join(dir, "empty");
    const offline = detectEngine("auto");
    assert.equal(offline.kind, "harness");
    assert.match(offline.kind === "harness" ? offline.reason : "", /none on PATH \(`--engine cli` fetches one/);

    const asked = detectEngine("harness");
    assert.equal(asked.kind, "harness");
  });

  it("runs preview, up and destroy on a throwaway stack in a local backend, then removes the stack and its files", async () => {
    const bin = fakePulumi(dir, log);
    const project = path.join(dir, "project");
    fs.mkdirSync(project);
    const said: string[] = [];
    const engine = await startCliEngine({
      cli: { command: [bin], version: "v3.999.0", how: "on PATH" },
      root: project,
      config: { "avi-k8s:controller": "https://127.0.0.1:1" },
      secrets: { "avi-k8s:password": "throwaway-pw" },
      say: (l) => said.push(l),
    });
    await engine.preview();
    await engine.up();
    await engine.destroy();
    await engine.stop();
    await engine.stop();
    const seen = calls(log);
    const stack = seen[0]?.argv[2] ?? "";
    assert.match(stack, /^emulators-[0-9a-f]{6}$/);
    assert.deepEqual(
      seen.map((c) => c.argv.filter((a) => !a.includes("=")).join(" ")),
      [
        `stack init ${stack} --non-interactive`,
        `config set-all --stack ${stack} --plaintext --secret`,
        `preview --diff --stack ${stack} --non-interactive`,
        `up --yes --skip-preview --stack ${stack} --non-interactive`,
        `destroy --yes --skip-preview --stack ${stack} --non-interactive`,
        `stack rm ${stack} --yes --force --non-interactive`,
      ],
    );
    const setAll = seen[1]?.argv ?? [];
    assert.equal(setAll[setAll.indexOf("--secret") + 1], "avi-k8s:password=throwaway-pw", "the password is a secret");
    assert.equal(setAll[setAll.indexOf("--plaintext") + 1], "avi-k8s:controller=https://127.0.0.1:1");
    const backend = seen[0]?.backend ?? "";
    assert.match(backend, /^file:\/\//);
    assert.ok(seen.every((c) => c.backend === backend && c.cwd === project && (c.passphrase ?? "").length >= 20));
    assert.equal(fs.existsSync(backend.slice("file://".length)), false, "the local backend is removed");
    assert.ok(
      said.some((l) => l === "  | ran up"),
      "the CLI's output is shown",
    );
  });

  it("a failing command fails with the CLI's own last words, and stop still removes the stack", async () => {
    const bin = fakePulumi(dir, log);
    process.env.FAKE_PULUMI_FAIL_UP = "1";
    const engine = await startCliEngine({
      cli: { command: [bin], version: "v3.999.0", how: "on PATH" },
      root: dir,
      config: {},
      secrets: {},
      say: () => undefined,
    });
    await assert.rejects(engine.up(), /pulumi up failed \(exit 3\): .*update failed: boom/);
    await engine.stop();
    assert.equal(calls(log).at(-1)?.argv.slice(0, 2).join(" "), "stack rm");
  });
});
