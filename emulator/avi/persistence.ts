// --state DIR: the whole configuration is written before a write is acknowledged, through a temp file that is
// fsynced and renamed over the old one (then the directory is fsynced), so a kill -9 at any instant leaves either
// the previous or the new state on disk, never a torn file, and nothing acknowledged is lost.
import * as fs from "node:fs";
import * as path from "node:path";
import type { State } from "./store";

const FILE = "avi-state.json";

export function loadState(dir: string): State | undefined {
  // A temp file left by a process killed mid-write was never acknowledged: drop it.
  if (fs.existsSync(dir)) {
    for (const name of fs.readdirSync(dir))
      if (name.startsWith(`.${FILE}.`)) fs.rmSync(path.join(dir, name), { force: true });
  }
  const file = path.join(dir, FILE);
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as State;
  if (typeof parsed !== "object" || parsed === null || typeof parsed.objects !== "object") {
    throw new Error(`loading the Avi emulator state from ${file} failed: not a state document`);
  }
  return parsed;
}

export function saveState(dir: string, state: State): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, FILE);
  const tmp = path.join(dir, `.${FILE}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, JSON.stringify(state));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dfd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}
