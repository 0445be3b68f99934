// Process helpers for tests that start commands the way a user's script does: read the JSON lines an emulator
// prints when ready, and check that a process is gone (tests must leave nothing running).
import * as fs from "node:fs";
import type { Readable } from "node:stream";

export interface ReadyLine {
  kind: "avi" | "kube";
  url: string;
  pid: number;
  caFile?: string;
  kubeconfig?: string;
  username?: string;
  password?: string;
}

/** Resolves with the first `count` JSON lines printed on `stream`; rejects after `timeoutMs` or on its end. */
export function readyLines(stream: Readable, count: number, timeoutMs = 30_000): Promise<ReadyLine[]> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const lines: ReadyLine[] = [];
    const timer = setTimeout(
      () => finish(new Error(`no ${count} ready line(s) after ${timeoutMs} ms: ${buf}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line.startsWith("{")) lines.push(JSON.parse(line) as ReadyLine);
        if (lines.length === count) return finish();
        nl = buf.indexOf("\n");
      }
    };
    const onEnd = () => finish(new Error(`the output ended after ${lines.length} of ${count} ready line(s): ${buf}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      if (err) reject(err);
      else resolve(lines);
    }
    stream.on("data", onData);
    stream.on("end", onEnd);
  });
}

/** Running (a zombie counts as gone: an orphan's exit is reaped by whatever init this machine has, if any). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    if (fs.existsSync("/proc/self/stat")) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Waits until `pid` is gone; false if it still runs after `timeoutMs` (the caller then kills it and fails). */
export async function waitGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

/** Last resort after a failed assertion: no test leaves a process behind. */
export function killIfAlive(pid: number | undefined): void {
  if (pid && alive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** An environment variable that marks the processes one test starts, so they can be found when pids are unknown. */
export const TAG_VARIABLE = "AVI_K8S_TEST_TAG";

/** Kills every process whose environment carries `${TAG_VARIABLE}=<tag>`; returns how many were still running. */
export function killTagged(tag: string): number {
  let killed = 0;
  for (const entry of fs.existsSync("/proc") ? fs.readdirSync("/proc") : []) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (env.includes(`${TAG_VARIABLE}=${tag}`) && alive(pid)) {
        process.kill(pid, "SIGKILL");
        killed++;
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return killed;
}
