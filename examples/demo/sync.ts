// The demo's membership-sync step: `avi-k8s sync` started the way a user starts it beside the cluster (the real
// command, a process of its own, connection from AVI_* and KUBECONFIG), its change lines relayed, then a rollout
// that replaces every pod of the Service while the demo watches the pool follow, with no `pulumi up`.
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import type { KubeEmulator } from "../../emulator/kube";
import type { Say } from "./engine";
import type { RestClient } from "./rest";
import { readControllerView } from "./view";

export interface RunningSync {
  pid: number;
  /** The health server (/healthz, /readyz, /metrics). */
  url: string;
  stop(): Promise<number | null>;
}

export interface SyncConnection {
  root: string;
  cluster: string;
  controller: string;
  username: string;
  password: string;
  caFile: string;
  kubeconfig: string;
}

/** Starts `avi-k8s sync --cluster <c>` alone (no Lease), resolving once it answers /readyz. */
export async function startSyncProcess(c: SyncConnection, say: Say): Promise<RunningSync> {
  const cli = path.join(c.root, "dist", "cli", "index.js");
  const args = [cli, "sync", "--cluster", c.cluster, "--no-leader-elect", "--listen", "127.0.0.1:0"];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AVI_CONTROLLER: c.controller,
    AVI_USERNAME: c.username,
    AVI_PASSWORD: c.password,
    AVI_CA_BUNDLE: c.caFile,
    KUBECONFIG: c.kubeconfig,
  };
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  say(`  $ avi-k8s sync --cluster ${c.cluster} --no-leader-elect --listen 127.0.0.1:0   (process ${child.pid})`);
  let url = "";
  let buffer = "";
  const onLine = (line: string) => {
    const text = line.replace(/^\S+Z /, "");
    const m = /health on (http:\/\/\S+)/.exec(text);
    if (m) url = m[1] as string;
    if (/^(pool|routes|full resync|warning|avi-k8s sync)/.test(text)) say(`  sync | ${text}`);
  };
  child.stdout?.on("data", (b: Buffer) => {
    buffer += b.toString("utf8");
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      onLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
    }
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString("utf8")).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`avi-k8s sync exited ${child.exitCode}: ${stderr.trim()}`);
    if (url) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return { pid: child.pid ?? 0, url, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`avi-k8s sync did not become ready in 30 s: ${stderr.trim()}`);
}

/** The servers of the cluster's pools as the controller holds them: "ip:port", with " disabled" when drained. */
async function poolServers(session: RestClient, cluster: string): Promise<string[]> {
  const view = await readControllerView(session);
  return view.virtualServices
    .filter((v) => v.cluster === cluster)
    .flatMap((v) => v.pools.flatMap((p) => p.servers))
    .map((s) => `${s.ip}:${s.port}${s.enabled ? "" : " disabled"}`)
    .sort();
}

/**
 * Replaces every pod of the Service as a Deployment rollout does and waits until the pool holds exactly the new
 * pods, enabled; says how long that took after the rollout's last change.
 */
export async function rolloutFollowed(
  kube: KubeEmulator,
  session: RestClient,
  o: { cluster: string; namespace: string; service: string },
  say: Say,
): Promise<{ afterLastChangeMs: number; rolloutMs: number }> {
  // The pool's servers are pod IP : target port; the new pods keep the target port.
  const port = (await poolServers(session, o.cluster))[0]?.split(" ")[0]?.split(":").pop();
  const started = Date.now();
  const result = await kube.rollout(
    { namespace: o.namespace, service: o.service },
    { batch: 4, readyAfterMs: 500, terminateAfterMs: 500 },
  );
  // The rollout's last change: the last old pod is gone from the API (after its termination grace).
  while (result.replaced.some((r) => kube.get("pods", r.old, o.namespace) !== undefined)) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const lastChange = Date.now();
  for (const r of result.replaced) say(`  ${r.old} -> ${r.new} on ${r.node} (${r.ips.join(", ")})`);
  const want = result.replaced
    .flatMap((r) => r.ips)
    .map((ip) => `${ip}:${port}`)
    .sort();
  for (;;) {
    const now = await poolServers(session, o.cluster);
    if (JSON.stringify(now) === JSON.stringify(want)) break;
    if (Date.now() - lastChange > 15_000) {
      throw new Error(`the pool did not follow the rollout within 15 s: it holds ${now.join(", ")}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { afterLastChangeMs: Date.now() - lastChange, rolloutMs: lastChange - started };
}
