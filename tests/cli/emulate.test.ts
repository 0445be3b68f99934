// `avi-k8s emulate` in scripts: it stops on SIGTERM, SIGINT and SIGHUP and when the process that started it ends
// (killed with SIGKILL too, and through the `sh -c` shim npm exec puts in between), and no exit path leaves its
// temporary directories behind.
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isShellShim, owners, procStat } from "../../cli/parentWatch";
import { killIfAlive, killTagged, type ReadyLine, readyLines, TAG_VARIABLE, waitGone } from "../support/processes";

const CLI = path.resolve(__dirname, "../../cli/index.js");

function emulate(args: string[]): { child: ChildProcess; ready: Promise<ReadyLine[]> } {
  const child = spawn(process.execPath, [CLI, "emulate", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const count = args[0] === "avi" || args[0] === "kube" ? 1 : 2;
  return { child, ready: readyLines(child.stdout!, count) };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

/** The temporary directories an emulator announced (its CA file's and its kubeconfig's). */
function tempDirs(lines: ReadyLine[]): string[] {
  return lines
    .flatMap((l) => [l.caFile, l.kubeconfig])
    .filter((f): f is string => !!f)
    .map((f) => path.dirname(f));
}

/**
 * A parent that starts the emulator (through `sh -c` when `shim`, as npm exec does) and then just waits; it prints
 * the emulator's ready lines on its own stdout.
 */
function startedBy(args: string[], shim: boolean, tag: string): ChildProcess {
  const command = shim
    ? `spawn("sh", ["-c", ${JSON.stringify(`"${process.execPath}" "${CLI}" emulate ${args.join(" ")}`)}], { stdio: "inherit" })`
    : `spawn(process.execPath, ${JSON.stringify([CLI, "emulate", ...args])}, { stdio: "inherit" })`;
  return spawn(
    process.execPath,
    ["-e", `const { spawn } = require("node:child_process"); ${command}; setInterval(() => {}, 1000);`],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, [TAG_VARIABLE]: tag } },
  );
}

describe("avi-k8s emulate: stopping", function () {
  this.timeout(60_000);

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`both emulators stop on ${signal}, exit 0 and remove their temporary directories`, async () => {
      const { child, ready } = emulate([]);
      try {
        const lines = await ready;
        assert.deepEqual(lines.map((l) => l.kind).sort(), ["avi", "kube"]);
        for (const l of lines) assert.equal(l.pid, child.pid, "the ready line names the process to stop");
        const dirs = tempDirs(lines);
        assert.equal(dirs.length, 3, "the Avi CA, the Kubernetes CA and kubeconfig");
        for (const d of dirs) assert.ok(fs.existsSync(d), d);
        child.kill(signal);
        assert.equal(await exited(child), 0);
        for (const d of dirs) assert.equal(fs.existsSync(d), false, `${d} is left after ${signal}`);
      } finally {
        killIfAlive(child.pid);
      }
    });
  }

  it("the Avi emulator's TLS directory is gone after SIGTERM", async () => {
    const { child, ready } = emulate(["avi"]);
    try {
      const [line] = await ready;
      assert.ok(line?.caFile && fs.existsSync(line.caFile));
      assert.match(path.basename(path.dirname(line.caFile)), /^avi-emulator-tls-/);
      child.kill("SIGTERM");
      assert.equal(await exited(child), 0);
      assert.equal(fs.existsSync(path.dirname(line.caFile)), false);
    } finally {
      killIfAlive(child.pid);
    }
  });

  for (const shim of [false, true]) {
    it(`stops when the process that started it is killed with SIGKILL${shim ? ", past a `sh -c` shim as npm exec starts it" : ""}`, async () => {
      const tag = `emulate-${process.pid}-${shim}`;
      const parent = startedBy(["kube"], shim, tag);
      let emulatorPid: number | undefined;
      try {
        const [line] = await readyLines(parent.stdout!, 1);
        assert.ok(line);
        emulatorPid = line.pid;
        assert.notEqual(emulatorPid, parent.pid);
        parent.kill("SIGKILL");
        assert.ok(await waitGone(emulatorPid, 5000), "the emulator outlived the process that started it");
        for (const d of tempDirs([line])) assert.equal(fs.existsSync(d), false, `${d} is left`);
      } finally {
        killIfAlive(emulatorPid);
        killIfAlive(parent.pid);
        killTagged(tag); // an emulator that never said its pid
      }
    });
  }
});

describe("avi-k8s emulate: whom it watches", () => {
  it("recognizes the `sh -c` shim of npm exec and npm run, and nothing else", () => {
    assert.ok(isShellShim(["sh", "-c", "avi-k8s emulate kube"]));
    assert.ok(isShellShim(["/bin/bash", "-c", "avi-k8s emulate"]));
    assert.ok(!isShellShim(["bash", "script.sh"]));
    assert.ok(!isShellShim(["node", "-c", "x"]));
    assert.ok(!isShellShim(["sh", "-c"]));
  });

  it("watches this process's parent by pid and start time", function () {
    if (!procStat(process.pid)) this.skip(); // no /proc: only the parent pid is watched
    const [first] = owners(process.ppid);
    assert.equal(first?.pid, process.ppid);
    assert.equal(first?.startTime, procStat(process.ppid)?.startTime);
  });
});
