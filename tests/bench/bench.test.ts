import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Report, Row } from "../../bench/types";
import { findChromium } from "../support/chromium";

const BENCH = path.resolve(__dirname, "../../bench/index.js");

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BENCH, ...args], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("bench --quick", function () {
  // Each step is a child process of its own; on a shared two-core machine that takes a while.
  this.timeout(600_000);
  let dir: string;
  let out: { code: number; stdout: string; stderr: string };
  let report: Report;

  const row = (resource: string, step: string): Row => {
    const r = report.rows.find((x) => x.resource === resource && x.step === step);
    assert.ok(r, `no ${resource} ${step} row`);
    return r;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    out = await run(["--quick", "--out", path.join(dir, "latest.json")]);
    report = JSON.parse(fs.readFileSync(path.join(dir, "latest.json"), "utf8"));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finishes (exit 0, or 1 when only a timing target was missed) and writes the JSON report", () => {
    const missed = report.targets.filter((t) => !t.pass);
    assert.equal(out.code, missed.length === 0 ? 0 : 1, `exit ${out.code}: ${out.stderr}`);
    assert.deepEqual(
      missed.filter((t) => t.kind !== "timing").map((t) => t.name),
      [],
      "only a timing target may miss on a busy machine",
    );
    assert.equal(report.quick, true);
    assert.ok(report.machine.cpus > 0 && report.machine.memoryGB > 0 && report.machine.node.startsWith("v"));
    assert.ok(report.providerSize.routes > 0 && report.providerSize.virtualService > 0);
  });

  it("measures every step of ours and of the AKO-style baseline with time, memory and traffic", () => {
    const steps = report.rows.map((r) => `${r.resource}:${r.step}`).sort();
    assert.deepEqual(steps, [
      "ako-baseline:create",
      "ako-baseline:restart",
      "ako-baseline:update-node",
      "routes:check",
      "routes:create",
      "routes:diff",
      "routes:update-node",
      "routes:update-pod",
      "vs-nodeport:check",
      "vs:check",
      "vs:create",
      "vs:diff",
      "vs:update-pod",
    ]);
    for (const r of report.rows) {
      assert.ok(r.ms > 0 && r.cpuMs >= 0 && r.peakRssMB > 0, `${r.resource} ${r.step}: ${r.ms} ms ${r.peakRssMB} MB`);
    }
    const nodes = report.rows[0]?.nodes ?? 0;
    assert.equal(row("routes", "check").info.routes, nodes);
    assert.ok(row("routes", "check").kubeCalls > 0 && row("routes", "check").kubeBytes > 0);
    for (const [resource, step] of [
      ["routes", "create"],
      ["routes", "update-node"],
      ["ako-baseline", "create"],
      ["ako-baseline", "update-node"],
      ["ako-baseline", "restart"],
    ]) {
      const r = row(resource as string, step as string);
      assert.equal(r.aviWrites, 1, `${resource} ${step} writes`);
      assert.ok(r.aviSentBytes > 0, `${resource} ${step} bytes`);
    }
    assert.equal(row("routes", "update-node").info.routes, nodes + 1);
    assert.equal(row("ako-baseline", "update-node").info.routes, nodes + 1);
    assert.equal(row("routes", "update-pod").aviWrites, 0);
    assert.equal(row("vs", "update-pod").info.changed, 1);
    assert.ok(row("vs", "update-pod").aviWrites >= 1);
    // One shared controller session per step process (an `up`), and the state's size per route and server.
    for (const step of ["create", "update-pod"]) assert.equal(row("vs", step).aviLogins, 1, `vs ${step} logins`);
    assert.equal(row("routes", "create").aviLogins, 1);
    const perRoute = Number(row("routes", "create").info.stateBytesPerRoute);
    assert.ok(perRoute > 0 && perRoute <= 80, `${perRoute} B per route`);
    assert.ok(Number(row("vs", "create").info.stateBytesPerServer) > 0);
  });

  it("meets every count target (calls, writes, sizes): a miss fails the suite, whatever the machine", () => {
    const counts = report.targets.filter((t) => t.kind === "count");
    assert.ok(counts.length >= 4, "the deterministic targets are judged");
    for (const t of counts) assert.ok(t.pass, `${t.name}: ${t.detail}`);
  });

  it("compares bytes and calls per change with the baseline", () => {
    assert.equal(report.comparisons.length, 3);
    const join = report.comparisons.find((c) => c.change === "one node joins");
    assert.ok(join && join.bytesRatio !== null && join.bytesRatio > 0 && join.baseline.apiCalls === 2);
  });

  it("renders a markdown summary of the JSON report for the README", async () => {
    const summary = await run(["--summary", path.join(dir, "latest.json")]);
    assert.equal(summary.code, 0, summary.stderr);
    assert.match(summary.stdout, /^\| cluster \| routes \| check ms /m);
    assert.match(summary.stdout, /^\| 10n default, 300 pods \| 10 \| /m);
    assert.match(summary.stdout, /^\| 10n default, 300 pods \| 2 \| /m);
    for (const t of report.targets) assert.ok(summary.stdout.includes(`| ${t.name} | ${t.pass ? "PASS" : "FAIL"} |`));
  });

  it("prints the table as it goes and PASS or FAIL for each target", () => {
    assert.match(out.stdout, /^scenario +resource +svc +step +ms /m);
    const lines = out.stdout.split("\n").filter((l) => /^10n default +(routes|ako-baseline|vs|vs-nodeport) /.test(l));
    assert.equal(lines.length, report.rows.length);
    for (const t of report.targets) {
      assert.ok(t.kind === "count" || t.kind === "timing", `${t.name}: kind ${t.kind}`);
      assert.ok(out.stdout.includes(`${t.pass ? "PASS" : "FAIL"}  ${t.name}`), t.name);
    }
  });

  it("runs avi-k8s sync at size: a rollout wave, a heartbeat storm, readiness churn, and prints its figures", () => {
    const [sync] = report.sync ?? [];
    assert.ok(sync, "the report has the sync's figures");
    assert.deepEqual([sync.nodes, sync.services, sync.rollout.services], [20, 10, 3]);
    assert.equal(sync.rollout.writesPerService.length, 3, "every rolled-out service was written");
    assert.ok(
      sync.rollout.writesPerService.every((n) => n >= 1 && n <= 3),
      sync.rollout.writesPerService.join(),
    );
    assert.ok(sync.rollout.events >= sync.rollout.pods, `${sync.rollout.events} events for ${sync.rollout.pods} pods`);
    assert.ok(sync.rollout.p50 > 0 && sync.rollout.p95 >= sync.rollout.p50);
    assert.equal(sync.heartbeat?.writes, 0);
    assert.equal(sync.heartbeat?.dropped, 40, "20 nodes x 2 rounds, all dropped by the change filter");
    assert.ok(sync.churn.events >= 40 && sync.churn.cpuMs > 0 && sync.peakRssMB > 0);
    assert.match(out.stdout, /^ {2}rollout wave: 18 pods of 3 services replaced; event→ack p50 \d+ ms, p95 \d+ ms/m);
    assert.match(out.stdout, /^ {2}readiness churn: .* ms per 1,000 events/m);
  });

  it("opens the live view at size in headless Chromium and prints the time to first paint", () => {
    const lv = report.liveView;
    assert.ok(lv, "the report has a live view entry");
    if ("skipped" in lv) {
      assert.equal(findChromium().ok, false, "skipped only without a browser");
      assert.match(out.stdout, /^live view: SKIPPED \(no browser\): /m);
      return;
    }
    assert.deepEqual([lv.servers, lv.routes, lv.virtualServices], [40, 100, 3]);
    assert.ok(lv.firstContentfulPaintMs > 0 && lv.dataPaintedMs > 0, JSON.stringify(lv));
    assert.ok(lv.stateBytes > 0 && lv.domElements > 0 && lv.writeShownMs > 0);
    assert.match(
      out.stdout,
      /^live view at 40 servers \/ 100 routes \/ 3 virtual services: first contentful paint \d+ ms/m,
    );
  });
});
