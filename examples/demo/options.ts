// The demo's command line: `npm run demo -- [--engine auto|cli|harness] [--out DIR] [--keep]`, or the same through
// the environment (AVI_K8S_DEMO_ENGINE, AVI_K8S_DEMO_OUT, AVI_K8S_DEMO_KEEP=1).
import * as path from "node:path";
import type { EngineChoice } from "./detect";

export interface DemoOptions {
  help?: boolean;
  engine: EngineChoice;
  /** Where the topology picture is written. */
  outDir: string;
  /** Stop before destroy and keep the emulators up (live view) until Ctrl-C. */
  keep?: boolean;
  /** The cluster's mode; clusterip (the full tour) when absent. */
  mode?: "nodeport" | "nodeportlocal";
}

export const USAGE = `usage: npm run demo -- [--engine auto|cli|harness] [--out DIR] [--keep] [--mode M]
  --engine  auto (default): a Pulumi CLI on PATH, else the engine-protocol harness (no network beyond 127.0.0.1)
            cli: require a Pulumi CLI; without one on PATH, fetch it with \`npx pulumi@3\` (needs internet access)
            harness: never look for one
  --out     where demo-topology.mmd and .svg are written (default ./demo-output)
  --keep    stop before destroy and keep the emulators running, so the controller's live view (its URL is
            printed) keeps showing the stack; Ctrl-C stops everything
  --mode    clusterip (default: the full tour), nodeport (web as LoadBalancer, nodePort 30080: node servers, no
            routes, then externalTrafficPolicy Local) or nodeportlocal (Antrea's per-pod ports, no routes)`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, cwd: string): DemoOptions {
  let engine = (env.AVI_K8S_DEMO_ENGINE ?? "auto") as string;
  let out = env.AVI_K8S_DEMO_OUT ?? "demo-output";
  let keep = env.AVI_K8S_DEMO_KEEP === "1" || env.AVI_K8S_DEMO_KEEP === "true";
  let mode = env.AVI_K8S_DEMO_MODE ?? "clusterip";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value.\n${USAGE}`);
      return v;
    };
    if (a === "--help" || a === "-h") return { help: true, engine: "auto", outDir: path.resolve(cwd, out) };
    if (a === "--engine") engine = value();
    else if (a?.startsWith("--engine=")) engine = a.slice("--engine=".length);
    else if (a === "--out") out = value();
    else if (a?.startsWith("--out=")) out = a.slice("--out=".length);
    else if (a === "--keep") keep = true;
    else if (a === "--mode") mode = value();
    else if (a?.startsWith("--mode=")) mode = a.slice("--mode=".length);
    else throw new Error(`Unknown argument '${a}'.\n${USAGE}`);
  }
  if (engine !== "auto" && engine !== "cli" && engine !== "harness") {
    throw new Error(`--engine must be auto, cli or harness, not '${engine}'.\n${USAGE}`);
  }
  if (mode !== "clusterip" && mode !== "nodeport" && mode !== "nodeportlocal") {
    throw new Error(`--mode must be clusterip, nodeport or nodeportlocal, not '${mode}'.\n${USAGE}`);
  }
  return {
    engine,
    outDir: path.resolve(cwd, out),
    ...(keep ? { keep } : {}),
    ...(mode !== "clusterip" ? { mode } : {}),
  };
}
