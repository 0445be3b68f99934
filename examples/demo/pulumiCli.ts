// The demo's program run by a real Pulumi CLI: a throwaway stack in a local file backend (no Pulumi account), its
// secrets encrypted with a random passphrase, its config pointing at the emulators. Everything it makes (the
// backend directory, the stack and its Pulumi.<stack>.yaml) is removed by stop().
import { type ChildProcess, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PulumiCli } from "./detect";
import type { DemoEngine, Say } from "./engine";

export interface CliOptions {
  cli: PulumiCli;
  /** The directory holding Pulumi.yaml. */
  root: string;
  /** Plain config values, namespaced. */
  config: Record<string, string>;
  /** Config values stored encrypted (the controller password). */
  secrets: Record<string, string>;
  say: Say;
}

/** The environment every CLI call gets: local state, a throwaway passphrase, no prompts or update checks. */
export function cliEnvironment(backendDir: string, passphrase: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
}

/** `config set-all` arguments: plain values with --plaintext, secrets with --secret. */
export function configArgs(config: Record<string, string>, secrets: Record<string, string>): string[] {
  return [
    ...Object.entries(config).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]),
    ...Object.entries(secrets).flatMap(([k, v]) => ["--secret", `${k}=${v}`]),
  ];
}

export async function startCliEngine(o: CliOptions): Promise<DemoEngine> {
  const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-k8s-demo-state-"));
  const stack = `emulators-${crypto.randomBytes(3).toString("hex")}`;
  const env = cliEnvironment(backendDir, crypto.randomBytes(24).toString("base64url"), process.env);
  const [bin = "pulumi", ...prefix] = o.cli.command;
  let child: ChildProcess | undefined;
  let created = false;
  let stopped = false;

  function run(args: string[], opts: { show?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const p = spawn(bin, [...prefix, ...args], { cwd: o.root, env, stdio: ["ignore", "pipe", "pipe"] });
      child = p;
      let tail = "";
      const onData = (d: Buffer) => {
        const text = d.toString();
        tail = (tail + text).slice(-4000);
        if (opts.show !== false) {
          for (const line of text.split("\n")) if (line.trim() !== "") o.say(`  | ${line}`);
        }
      };
      p.stdout?.on("data", onData);
      p.stderr?.on("data", onData);
      p.on("error", reject);
      p.on("exit", (code, signal) => {
        child = undefined;
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `pulumi ${args[0]} failed (${signal ?? `exit ${code}`}): ${tail.trim().split("\n").slice(-5).join(" / ")}`,
            ),
          );
      });
    });
  }
  const common = ["--stack", stack, "--non-interactive"];

  o.say(`  local state in ${backendDir}, stack ${stack}`);
  await run(["stack", "init", stack, "--non-interactive"], { show: false });
  created = true;
  await run(["config", "set-all", ...common.slice(0, 2), ...configArgs(o.config, o.secrets)], { show: false });

  return {
    label: `Pulumi CLI ${o.cli.version} (${o.cli.how}), local file backend, throwaway passphrase`,
    preview: () => run(["preview", "--diff", ...common]),
    up: () => run(["up", "--yes", "--skip-preview", ...common]),
    setMembership: (membership) => run(["config", "set", "membership", membership, ...common], { show: false }),
    setSetting: (key, value) => run(["config", "set", key, value, ...common], { show: false }),
    destroy: () => run(["destroy", "--yes", "--skip-preview", ...common]),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child && child.exitCode === null) {
        const c = child;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (created)
        await run(["stack", "rm", stack, "--yes", "--force", "--non-interactive"], { show: false }).catch(
          () => undefined,
        );
      fs.rmSync(path.join(o.root, `Pulumi.${stack}.yaml`), { force: true });
      fs.rmSync(backendDir, { recursive: true, force: true });
    },
  };
}
