// `avi-k8s plan` run as a user would, against the Kubernetes emulator. The command runs in a child process
// started asynchronously: the emulator lives in this process and must keep answering.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { fixturePath, type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import type { PlanReport } from "../../cli/plan";

const CLI = path.resolve(__dirname, "../../cli/index.js");

function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, "plan", ...args],
      { env: { ...process.env, KUBECONFIG: "" } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("avi-k8s plan", function () {
  this.timeout(30000);
  let kube: KubeEmulator;
  before(async () => {
    kube = await startKubeEmulator();
  });
  after(async () => {
    await kube.stop();
  });

  it("prints the seed routes and pool servers as JSON", async () => {
    const r = await plan(["--kubeconfig", kube.kubeconfig, "--cluster", "c1", "--service", "default/web", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as PlanReport;
    assert.equal(report.cniSource, "default");
    assert.deepEqual(
      report.routes.map((x) => [x.prefix, x.nextHop, x.node, x.routeId]),
      [
        ["192.168.101.0/24", "10.100.1.101", "node1", "c1-192.168.101.0-24"],
        ["192.168.102.0/24", "10.100.1.102", "node2", "c1-192.168.102.0-24"],
      ],
    );
    const svc = report.services[0];
    assert.equal(svc?.virtualService, "c1--default-web");
    assert.equal(svc?.pools[0]?.name, "c1--default-web-TCP-80");
    assert.deepEqual(
      svc?.pools[0]?.servers.map((s) => `${s.ip}:${s.port}`),
      ["192.168.101.13:8080", "192.168.101.22:8080", "192.168.102.17:8080", "192.168.102.36:8080"],
    );
    assert.deepEqual(report.conflicts, []);
  });

  it("prints a readable table with routes, servers and conflicts", async () => {
    const r = await plan([
      "--kubeconfig",
      kube.kubeconfig,
      "--cluster",
      "c1",
      "--cni",
      "default",
      "--service",
      "default/web",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /192\.168\.101\.0\/24 +10\.100\.1\.101 +node1 +c1-192\.168\.101\.0-24/);
    assert.match(r.stdout, /Pool c1--default-web-TCP-80: port 80\/TCP, 4 servers, 4 enabled/);
    assert.match(r.stdout, /192\.168\.102\.36:8080 +yes +node2/);
    assert.match(r.stdout, /Conflicts \(0\):\n {2}none/);
  });

  it("lists conflicts: a node network no node address is in leaves routes without a next hop", async () => {
    const r = await plan([
      "--kubeconfig",
      kube.kubeconfig,
      "--cluster",
      "c1",
      "--node-networks",
      "172.16.0.0/16",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as PlanReport;
    assert.deepEqual(report.routes, []);
    assert.deepEqual(
      report.conflicts.map((c) => [c.kind, c.node]),
      [
        ["no-address-for-family", "node1"],
        ["no-address-for-family", "node2"],
      ],
    );
    assert.ok(report.notes.some((n) => /node1 has no IPv4 address inside the node networks 172\.16\.0\.0\/16/.test(n)));
  });

  it("reads a dual-stack cluster given a context", async () => {
    const ds = await startKubeEmulator({ topology: fixturePath("dualstack.yaml") });
    try {
      const r = await plan(["--kubeconfig", ds.kubeconfig, "--context", "emulator", "--cluster", "c1", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as PlanReport;
      assert.deepEqual(report.routes.map((x) => x.family).sort(), ["ipv4", "ipv4", "ipv6", "ipv6"]);
    } finally {
      await ds.stop();
    }
  });

  it("fails with exit 1 and one clear sentence for a missing service or a forbidden list", async () => {
    const missing = await plan(["--kubeconfig", kube.kubeconfig, "--cluster", "c1", "--service", "default/nope"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Service default\/nope was not found/);
    kube.setFaults({ forbidden: 1, pathPattern: /^\/api\/v1\/nodes/ });
    const forbidden = await plan(["--kubeconfig", kube.kubeconfig, "--cluster", "c1"]);
    kube.clearFaults();
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /may not list nodes/);
  });

  it("rejects bad options with exit 2 naming the value", async () => {
    const cases: [string[], RegExp][] = [
      [["--cni", "weave"], /--cni 'weave' is not one of/],
      [["--node-networks", "10.0.0.1/8"], /host bits/],
      [["--service", "web"], /--service 'web' must be NAMESPACE\/NAME/],
    ];
    for (const [extra, message] of cases) {
      const r = await plan(["--kubeconfig", kube.kubeconfig, "--cluster", "c1", ...extra]);
      assert.equal(r.code, 2, extra.join(" "));
      assert.match(r.stderr, message);
    }
    const noCluster = await plan(["--kubeconfig", kube.kubeconfig]);
    assert.equal(noCluster.code, 2);
    assert.match(noCluster.stderr, /--cluster NAME is required/);
    const badCluster = await plan(["--cluster", "prod.east"]);
    assert.match(badCluster.stderr, /'prod\.east'/);
  });
});
