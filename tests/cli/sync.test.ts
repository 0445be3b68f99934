// `avi-k8s sync` as a user runs it: a process of its own, Kubernetes flags as `avi-k8s plan` has them, the
// controller from AVI_*. The acceptance: the seed program applied with membership "sync" (examples/clusterip through
// Pulumi's dynamic-provider host), the sync running; `kubectl delete pod web-a` takes 192.168.101.13 out of the
// pool, a new Ready pod of app=web on node2 comes in, a third node gets its route, each within 2 s, no `up`.
// Then SIGTERM: it releases its Lease and exits 0.
import * as assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDuration, parseSyncArgs } from "../../cli/sync";
import { defaultLeaseName } from "../../sdk/syncCommand";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import type { DemoEngine } from "../../examples/demo/engine";
import { startHarnessEngine } from "../../examples/demo/harness";
import { KUBECTLS, kubectlRunner } from "../emulator/kube/kubectl-support";
import { routesOf } from "../reliability/support/oracle";
import { poolServers, within } from "../provider/sync/support";

const ROOT = path.resolve(__dirname, "../../..");
const CLI = path.resolve(__dirname, "../../cli/index.js");

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), ...env };
    execFile(process.execPath, [CLI, ...args], { env: clean }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("avi-k8s sync (the command)", function () {
  this.timeout(120_000);

  it("parses its flags: durations, defaults, the Lease, and clear errors", async () => {
    assert.deepEqual(
      [parseDuration("10m"), parseDuration("1m30s"), parseDuration("500ms"), parseDuration("10")],
      [600_000, 90_000, 500, undefined],
    );
    const env = {
      AVI_CONTROLLER: "https://ctrl.example",
      AVI_USERNAME: "admin",
      AVI_PASSWORD: "pw",
      POD_NAME: "sync-0",
    };
    const ok = parseSyncArgs(["--cluster", "c1", "--kubeconfig", "/k"], env);
    assert.equal(ok.kind, "args");
    if (ok.kind === "args") {
      const o = ok.options;
      assert.deepEqual(
        [o.resyncMs, o.listen, o.kube.kubeconfigPath, o.avi.password],
        [600_000, "127.0.0.1:8080", "/k", "pw"],
      );
      assert.deepEqual(
        o.leaderElection && [o.leaderElection.name, o.leaderElection.identity, o.leaderElection.leaseDurationMs],
        ["avi-k8s-sync-c1", "sync-0", 15_000],
      );
    }
    const alone = parseSyncArgs(
      ["--cluster", "c1", "--no-leader-elect", "--listen", "0.0.0.0:8080", "--resync", "1h"],
      env,
    );
    assert.equal(alone.kind === "args" && alone.options.leaderElection, false);
    assert.equal(alone.kind === "args" && alone.options.resyncMs, 3_600_000);
    const errors = [
      parseSyncArgs([], env),
      parseSyncArgs(["--cluster", "c1", "--resync", "soon"], env),
      parseSyncArgs(["--cluster", "c1", "--listen", "8080"], env),
      parseSyncArgs(["--cluster", "c1"], { AVI_USERNAME: "admin", AVI_PASSWORD: "pw" }),
      parseSyncArgs(["--cluster", "c1", "--lease-duration", "5s", "--renew-deadline", "6s"], env),
    ];
    assert.deepEqual(
      errors.map((e) => (e.kind === "error" ? e.message : e.kind)),
      [
        "--cluster NAME is required",
        "--resync 'soon' is not a duration such as 30s, 10m or 500ms",
        "--listen '8080' must be HOST:PORT, e.g. 0.0.0.0:8080 or 127.0.0.1:8080.",
        "No Avi Controller URL: set --avi-controller or AVI_CONTROLLER.",
        "--renew-deadline must be shorter than --lease-duration",
      ],
    );
    const help = await cli(["sync", "--help"]);
    assert.equal(help.code, 0);
    for (const flag of [
      "--cluster",
      "--kubeconfig",
      "--context",
      "--in-cluster",
      "--resync",
      "--lease-namespace",
      "--lease-name",
      "--identity",
      "--listen",
      "--no-leader-elect",
      "--avi-controller",
    ]) {
      assert.ok(help.stdout.includes(flag), flag);
    }
    // A usage error is one sentence and the pointer to --help, as for plan: never the whole help again.
    for (const [args, said] of [
      [["sync"], /--cluster NAME is required/],
      [["sync", "--cluster"], /--cluster needs a value \(for example --cluster prod-east\)/],
      [["sync", "--cluster", "c1", "--avi-password", "hunter2secret"], /the password goes in .*AVI_PASSWORD/],
      [["sync", "--cluster", "c1", "--leese-name", "x"], /unknown option --leese-name \(did you mean --lease-name\?\)/],
    ] as const) {
      const bad = await cli([...args]);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, said);
      assert.match(bad.stderr.trim(), /^avi-k8s sync: [^\n]*; see avi-k8s sync --help\.$/);
      assert.doesNotMatch(bad.stderr, /usage:|hunter2secret/);
    }
  });

  it("defaults the Lease name to a valid object name for every cluster name, distinct per cluster", () => {
    const env = { AVI_CONTROLLER: "https://ctrl.example", AVI_USERNAME: "admin", AVI_PASSWORD: "pw" };
    const leaseOf = (cluster: string) => {
      const p = parseSyncArgs(["--cluster", cluster, "--kubeconfig", "/k"], env);
      assert.equal(p.kind, "args", cluster);
      return p.kind === "args" && p.options.leaderElection ? p.options.leaderElection.name : "";
    };
    const clusters = [
      "demo",
      "prod-east",
      "Prod",
      "prod",
      "prod_",
      "prod-",
      "PROD_EU_1",
      "a_b",
      "a-b",
      "X".repeat(115),
    ];
    const names = clusters.map(leaseOf);
    assert.equal(names[0], "avi-k8s-sync-demo", "a name that is already valid stays as it is");
    assert.equal(names[1], "avi-k8s-sync-prod-east");
    for (const [i, n] of names.entries()) {
      assert.match(n, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${clusters[i]}: ${n}`);
      assert.ok(n.length <= 253, n);
    }
    assert.equal(new Set(names).size, names.length, names.join(" "));
    // The component defaults to the same function (tests/sdk/syncDeployment.test.ts renders it).
    assert.equal(leaseOf("PROD_EU_1"), defaultLeaseName("PROD_EU_1"));
  });

  describe('on the emulators, with the seed program in membership "sync"', () => {
    let avi: AviEmulator;
    let kube: KubeEmulator;
    let engine: DemoEngine;
    let child: ChildProcess | undefined;
    let output = "";
    let cacheDir: string;

    before(async () => {
      [avi, kube] = await Promise.all([startAviEmulator(), startKubeEmulator()]);
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "sync-kubectl-"));
      engine = await startHarnessEngine({
        root: ROOT,
        project: "avi-k8s-demo",
        config: {
          "avi-k8s:controller": avi.url,
          "avi-k8s:username": avi.username,
          "avi-k8s:password": avi.password,
          "avi-k8s:caBundle": avi.caFile ?? "",
          "avi-k8s:kubeconfigPath": kube.kubeconfig,
        },
        say: () => undefined,
      });
      await engine.setMembership("sync");
      await engine.up();
    });
    after(async () => {
      if (child && child.exitCode === null) child.kill("SIGKILL");
      await engine?.stop();
      await avi?.stop();
      await kube?.stop();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    });

    it("follows kubectl's changes within 2 s each, serves health and metrics, and exits 0 on SIGTERM", async function () {
      const kubectlBin = KUBECTLS[0];
      if (!kubectlBin) this.skip();
      const kubectl = kubectlRunner(kubectlBin as string, kube.kubeconfig, cacheDir);
      assert.equal(poolServers(avi).length, 4, "the first up wrote the servers it resolved");
      const env = {
        AVI_CONTROLLER: avi.url,
        AVI_USERNAME: avi.username,
        AVI_PASSWORD: avi.password,
        AVI_CA_BUNDLE: avi.caFile ?? "",
      };
      const args = [CLI, "sync", "--cluster", "demo", "--kubeconfig", kube.kubeconfig, "--listen", "127.0.0.1:0"];
      child = spawn(process.execPath, [...args, "--lease-namespace", "default", "--identity", "cli-test"], {
        env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout?.on("data", (b: Buffer) => {
        output += b.toString();
      });
      child.stderr?.on("data", (b: Buffer) => {
        output += b.toString();
      });
      await within(15_000, "the health server's line", () => /health on http:\/\/127\.0\.0\.1:\d+/.test(output));
      const url = /health on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] as string;
      await within(15_000, "ready", () => /full resync: 1 pool of 1 service, 1 routes record/.test(output));
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);

      await kubectl(["delete", "pod", "web-a"]);
      const removed = await within(
        2000,
        "192.168.101.13 leaves the pool",
        () => !poolServers(avi).some((s) => s.startsWith("192.168.101.13:")),
      );

      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web-e", labels: { app: "web" } },
        spec: {
          nodeName: "node2",
          containers: [{ name: "web", image: "nginx", ports: [{ name: "http", containerPort: 8080 }] }],
        },
      };
      const node = {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "node3" },
        spec: { podCIDR: "192.168.103.0/24", podCIDRs: ["192.168.103.0/24"] },
        status: { addresses: [{ type: "InternalIP", address: "10.100.1.103" }] },
      };
      fs.writeFileSync(path.join(cacheDir, "pod.json"), JSON.stringify(pod));
      fs.writeFileSync(path.join(cacheDir, "node.json"), JSON.stringify(node));
      await kubectl(["create", "-f", path.join(cacheDir, "pod.json")]);
      const added = await within(
        2000,
        "web-e's server comes in, enabled",
        () => poolServers(avi).length === 4 && poolServers(avi).every((s) => s.endsWith(":true")),
      );
      const ip = kube.get("pods", "web-e", "default")?.status?.podIP as string;
      assert.ok(ip?.startsWith("192.168.102.") && poolServers(avi).includes(`${ip}:8080:true`), ip);

      await kubectl(["create", "-f", path.join(cacheDir, "node.json")]);
      const routed = await within(2000, "node3's route", () =>
        routesOf(avi, "demo").includes("192.168.103.0/24 via 10.100.1.103"),
      );
      console.log(`      after kubectl: removed in ${removed} ms, added in ${added} ms, routed in ${routed} ms`);

      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^avi_k8s_sync_writes_total\{kind="pool"\} 2$/m);
      assert.match(metrics, /^avi_k8s_sync_writes_total\{kind="routes"\} 1$/m);
      assert.match(metrics, /^avi_k8s_sync_leader 1$/m);
      assert.match(
        output,
        /pool demo--default-web-TCP-80 \(service default\/web\): \+0 added, -1 removed; 3 servers; event→ack \d+ ms/,
      );
      assert.equal(kube.get("leases", "avi-k8s-sync-demo", "default")?.spec?.holderIdentity, "cli-test");

      const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      assert.equal(await exited, 0, output);
      assert.equal(
        kube.get("leases", "avi-k8s-sync-demo", "default")?.spec?.holderIdentity,
        "",
        "the Lease is released",
      );
      // The controller's audit trail names the writer.
      assert.ok(
        avi.changeLog().some((c) => /^pulumi-avi-k8s\/\S+ \(sync; cli-test\)$/.test(c.agent)),
        JSON.stringify(avi.changeLog().map((c) => c.agent)),
      );
    });
  });
});
