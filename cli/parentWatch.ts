// Stops `avi-k8s emulate` when the process that started it goes away. A script that runs
// `npx avi-k8s emulate &` and later `kill $!` signals npm, not us: npm exec (and npm run) start the command
// through `sh -c`, npm passes the signal to that shell only, and we are left re-parented to init, still serving.
// So the emulator watches its parent and, past such `sh -c` shims, the process that ran them (npm), and stops
// as soon as one of them ends. A pid is compared with its start time too, so a reused pid is not taken for it.
import * as fs from "node:fs";
import * as path from "node:path";

export interface WatchedProcess {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); absent where /proc is not available. */
  startTime?: string;
  /** argv[0] and argv[1], for the message. */
  command: string;
}

interface ProcStat {
  state: string;
  ppid: number;
  startTime: string;
}

/** Reads /proc/<pid>/stat; undefined when the process is gone or /proc does not exist (macOS, Windows). */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields that follow start after the last ')'.
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const [state, ppid] = rest;
  const startTime = rest[19];
  if (state === undefined || ppid === undefined || startTime === undefined) return undefined;
  return { state, ppid: Number(ppid), startTime };
}

function argv(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

const SHELLS = new Set(["sh", "dash", "bash", "ash", "zsh"]);

/** `sh -c <command>`: how npm exec and npm run start a package's bin. */
export function isShellShim(args: string[]): boolean {
  return args.length >= 3 && SHELLS.has(path.basename(args[0] ?? "")) && args[1] === "-c";
}

/** Our parent and, while it is a `sh -c` shim, its parent: the processes whose end stops the emulator. */
export function owners(startPid: number = process.ppid): WatchedProcess[] {
  const out: WatchedProcess[] = [];
  let pid = startPid;
  // pid 0: we are a container's first process; pid 1: init or a subreaper, which outlives us anyway.
  while (pid > 1 && out.length < 4) {
    const stat = procStat(pid);
    const args = argv(pid);
    out.push({
      pid,
      command: args.slice(0, 2).join(" ") || `process ${pid}`,
      ...(stat ? { startTime: stat.startTime } : {}),
    });
    if (!stat || !isShellShim(args)) break;
    pid = stat.ppid;
  }
  return out;
}

/** True when the process is gone, a zombie, or its pid now belongs to another process. */
export function isGone(p: WatchedProcess): boolean {
  if (p.startTime !== undefined) {
    const now = procStat(p.pid);
    return now === undefined || now.state === "Z" || now.state === "X" || now.startTime !== p.startTime;
  }
  try {
    process.kill(p.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Calls `onGone` once, with a sentence naming the process, when our parent changes or a watched owner ends.
 * Returns a function that stops watching. The timer does not keep the process alive.
 */
export function watchOwners(onGone: (why: string) => void, intervalMs = 500): () => void {
  const firstParent = process.ppid;
  const watched = owners(firstParent);
  if (watched.length === 0) return () => undefined;
  const timer = setInterval(() => {
    const gone = process.ppid !== firstParent ? watched[0] : watched.find(isGone);
    if (!gone) return;
    clearInterval(timer);
    onGone(`the process that started it (${gone.pid}, ${gone.command}) has ended`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
