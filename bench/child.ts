// Runs one step in a fresh Node process (dist/bench/step.js) and relays its "start counting" signal.
import { fork } from "node:child_process";
import * as path from "node:path";
import type { StepReport, StepTask } from "./types";

/** The environment without connection settings the providers would otherwise pick up (AVI_*, KUBECONFIG). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AVI_") && k !== "KUBECONFIG") env[k] = v;
  return env;
}

export function runStep(task: StepTask, onMark: () => void, execArgv: string[] = []): Promise<StepReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "step.js"), [], {
      env: cleanEnv(),
      execArgv,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString("utf8")).slice(-4000);
    });
    child.on("message", (m: { type?: string; report?: StepReport; message?: string }) => {
      if (m.type === "mark") {
        onMark();
        child.send({ type: "go" });
      } else if (m.type === "result" && m.report) {
        settled = true;
        resolve(m.report);
      } else if (m.type === "error") {
        settled = true;
        reject(new Error(`bench step ${task.kind} failed: ${m.message}`));
      }
    });
    child.on("error", (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    child.on("exit", (code, signal) => {
      if (!settled) {
        settled = true;
        reject(new Error(`bench step ${task.kind} exited (${signal ?? code}) without a result: ${stderr.trim()}`));
      }
    });
    child.send(task);
  });
}
