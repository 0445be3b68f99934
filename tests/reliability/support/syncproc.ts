// `avi-k8s sync` as a process of its own (the real command), for the campaigns that kill it with SIGKILL or run
// two replicas: short Lease timings, its output kept, its health server's address read from its first line.
import { type ChildProcess, spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type { SyncLab } from "../../provider/sync/support";

const CLI = path.resolve(__dirname, "../../../cli/index.js");

export interface SyncProcess {
  identity: string;
  pid: number;
  output(): string;
  /** The health server, once it printed it. */
  url(): string | undefined;
  ready(): Promise<boolean>;
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  exited(): boolean;
}

export function spawnSync(lab: SyncLab, identity: string, extra: string[] = []): SyncProcess {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: os.tmpdir(),
    AVI_CONTROLLER: lab.avi.url,
    AVI_USERNAME: lab.avi.username,
    AVI_PASSWORD: lab.avi.password,
    AVI_CA_BUNDLE: lab.avi.caFile ?? "",
    KUBECONFIG: lab.kube.kubeconfig,
  };
  const args = [
    CLI,
    "sync",
    "--cluster",
    "demo",
    "--listen",
    "127.0.0.1:0",
    "--lease-namespace",
    "default",
    "--identity",
    identity,
    "--lease-duration",
    "2s",
    "--renew-deadline",
    "1500ms",
    "--retry-period",
    "250ms",
    "--debounce",
    "100ms",
    "--max-delay",
    "500ms",
    "--discovery",
    "1s",
    ...extra,
  ];
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = () => /health on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  return {
    identity,
    pid: child.pid ?? 0,
    output: () => out,
    url,
    async ready() {
      const u = url();
      if (!u) return false;
      return fetch(`${u}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** Writes in the controller's change log made by this replica (its User-Agent names it). */
export function writesBy(lab: SyncLab, identity: string, since = 0): number {
  return lab.avi.changeLog().filter((c) => c.agent.endsWith(`(sync; ${identity})`) && c.time >= since).length;
}
