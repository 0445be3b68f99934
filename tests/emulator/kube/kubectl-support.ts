// The kubectl builds on this machine and a runner for them: the conformance suites run each build against the
// emulator through a generated kubeconfig.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const versioned = (minors: string[]) =>
  minors.flatMap((m) => [`/usr/bin/kubectl.1.${m}`, `/usr/lib/google-cloud-sdk/bin/kubectl.1.${m}`]);

export const CANDIDATES = ["/usr/bin/kubectl", ...versioned(["29", "30", "31", "32", "33"])];

/** One build per version: /usr/bin/kubectl.1.N and the SDK's kubectl.1.N are the same program. */
function found(candidates: string[]): string[] {
  const present = candidates.filter((p) => fs.existsSync(p));
  return present.filter((p, i) => present.findIndex((q) => path.basename(q) === path.basename(p)) === i);
}

/** kubectl 1.29 and later (server-side validation for create/apply works with the emulator's OpenAPI v3). */
export const KUBECTLS = found(CANDIDATES);

/** Every build from 1.27 on: 1.27 and 1.28 need --validate=false for create/apply, so use them for reads. */
export const ALL_KUBECTLS = found(["/usr/bin/kubectl", ...versioned(["27", "28", "29", "30", "31", "32", "33"])]);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlRunner(bin: string, kubeconfig: string, cacheDir: string) {
  return (args: string[], allowFail = false): Promise<Run> =>
    new Promise((resolve, reject) => {
      execFile(
        bin,
        ["--cache-dir", cacheDir, ...args],
        { timeout: 20_000, env: { ...process.env, KUBECONFIG: kubeconfig, HOME: cacheDir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          if (err && !allowFail) reject(new Error(`${bin} ${args.join(" ")} exited ${code}: ${stderr}`));
          else resolve({ code, stdout, stderr });
        },
      );
    });
}
