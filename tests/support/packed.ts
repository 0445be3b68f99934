// The package as users get it: `npm pack` of this checkout (once per test process), fresh projects in the temp
// directory, and npm installs that never leave the machine (--offline: the npm cache of `npm ci` serves them).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const ROOT = path.resolve(__dirname, "../../..");

/** npm's settings for every call a test makes: offline, quiet, no audit or funding requests. */
export const NPM_FLAGS = ["--offline", "--no-audit", "--no-fund", "--loglevel=error"];

/** The environment for npm and npx in tests: offline too when a tool starts npm on its own. */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_offline: "true", npm_config_update_notifier: "false", ...extra };
}

const madeDirs: string[] = [];
process.once("exit", () => {
  for (const d of madeDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A temporary directory removed when the test process exits (or earlier with removeDir). */
export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(d);
  return d;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

let packed: Promise<string> | undefined;

/**
 * The tarball `npm pack` makes of this checkout. `npm test` has just built dist/, so the pack skips the
 * `prepare` build (a second tsc run while tests read dist/); the README test runs the real `prepare` on a clone.
 */
export function packedTarball(): Promise<string> {
  packed ??= (async () => {
    const dir = tempDir("avi-k8s-pack-");
    const out = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir, ROOT], {
      cwd: dir,
      env: npmEnv(),
    });
    const name = out.stdout.trim().split("\n").pop() ?? "";
    return path.join(dir, name);
  })();
  return packed;
}

/** A new directory holding a package.json, as `npm init -y` leaves it (plus `fields`). */
export function freshProject(prefix: string, fields: Record<string, unknown> = {}): string {
  const dir = tempDir(prefix);
  const pkg = { name: "my-program", version: "1.0.0", private: true, ...fields };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  return dir;
}

/** `npm <args>` in `cwd`, offline; rejects with npm's output on failure. */
export async function npm(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const r = await run("npm", [...args, ...NPM_FLAGS], { cwd, env: npmEnv(env), maxBuffer: 32 * 1024 * 1024 });
    return r.stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(" ")} failed in ${cwd}: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}
