// Which engine runs the demo's program: a Pulumi CLI when one can be had (on PATH; or, when asked for, through the
// official `pulumi` npm package, which fetches the CLI on first use), else the engine-protocol harness.
import { spawnSync } from "node:child_process";

export type EngineChoice = "auto" | "cli" | "harness";

export interface PulumiCli {
  /** argv prefix: ["pulumi"] or ["npx", "--yes", "pulumi@3"]. */
  command: string[];
  version: string;
  how: string;
}

export type Detection = { kind: "cli"; cli: PulumiCli } | { kind: "harness"; reason: string };

/** The npm package that fetches the official CLI (same version numbers as the CLI). */
export const PULUMI_NPM = "pulumi@3";

function version(command: string[], timeoutMs: number): string | undefined {
  const [bin, ...args] = command;
  if (!bin) return undefined;
  const r = spawnSync(bin, [...args, "version"], { encoding: "utf8", timeout: timeoutMs, stdio: "pipe" });
  if (r.status !== 0) return undefined;
  const v = r.stdout.trim().split("\n").pop()?.trim();
  return v && /^v?\d+\.\d+/.test(v) ? v : undefined;
}

/**
 * `auto` looks only on PATH: the demo talks to nothing but 127.0.0.1 unless told otherwise. Fetching the CLI through
 * the npm package (a download of about 100 MB from outside) happens only when the user asks for it with `cli`.
 */
export function detectEngine(choice: EngineChoice): Detection {
  if (choice === "harness") return { kind: "harness", reason: "the engine-protocol harness was asked for" };
  const onPath = version(["pulumi"], 20_000);
  if (onPath) return { kind: "cli", cli: { command: ["pulumi"], version: onPath, how: "on PATH" } };
  if (choice === "auto") {
    return {
      kind: "harness",
      reason: `none on PATH (\`--engine cli\` fetches one through the npm package ${PULUMI_NPM}, with internet access)`,
    };
  }
  const npx = ["npx", "--yes", PULUMI_NPM];
  // The first call downloads the CLI into ~/.pulumi/versions; later runs reuse it.
  const v = version(npx, 300_000);
  if (v) return { kind: "cli", cli: { command: npx, version: v, how: `through the npm package ${PULUMI_NPM}` } };
  return { kind: "harness", reason: `none on PATH, and \`npx ${PULUMI_NPM} version\` could not fetch one` };
}
