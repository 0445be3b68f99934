// How big each campaign is, the seeded random numbers schedules are drawn from, and the one summary line per
// campaign. `npm test` runs the short form; `npm run test:reliability` loads tests/reliability/long/, which switches
// every campaign to its full size before any test runs. RELIABILITY_SCALE multiplies the full sizes (and, when set,
// applies to `npm test` too); REPLAY_SEED=<n> runs only schedule n of each seeded campaign.

import { seededRandom } from "../../../emulator/common/random";

let full = false;

/** Called at load time by tests/reliability/long/: every campaign then runs its full size. */
export function enableFullRun(): void {
  full = true;
}

export function isFullRun(): boolean {
  return full || process.env.RELIABILITY_SCALE !== undefined;
}

/** The number of schedules (or rounds) for a campaign: `short` under `npm test`, `full` x RELIABILITY_SCALE else. */
export function campaignSize(fullSize: number, shortSize: number): number {
  const raw = process.env.RELIABILITY_SCALE;
  const scale = raw === undefined ? 1 : Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`RELIABILITY_SCALE must be a positive number, got ${raw}`);
  return isFullRun() ? Math.max(1, Math.round(fullSize * scale)) : shortSize;
}

/** The seeds to run: 1..n, or just REPLAY_SEED when it is set. */
export function seeds(n: number): number[] {
  const replay = process.env.REPLAY_SEED;
  if (replay !== undefined && replay !== "") return [Number(replay)];
  return Array.from({ length: n }, (_, i) => i + 1);
}

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** The project's seeded PRNG; the seed is spread first so that neighbouring seeds start far apart. */
export function rng(seed: number): Rng {
  const next = seededRandom((seed * 0x9e3779b1) >>> 0);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

export interface Summary {
  campaign: string;
  /** What was counted: "schedules" unless a campaign counts kills, inputs or artifacts. */
  unit?: string;
  schedules: number;
  converged: number;
  /** Left out where a campaign has nothing to measure it on (printed as n/a). */
  orphans?: number;
  foreignChanges?: number;
  secretsFound?: number;
  /** Campaign-specific figures, printed after the common ones. */
  extra?: Record<string, number>;
}

const summaries: Summary[] = [];

export function figure(n: number | undefined): string {
  return n === undefined ? "n/a" : String(n);
}

/** The campaign's one line, e.g. `fault campaign: 500 schedules, 500 converged, 0 orphans, 0 foreign changes`. */
export function summaryLine(s: Summary): string {
  const extra = Object.entries(s.extra ?? {}).map(([k, v]) => `, ${v} ${k}`);
  return `${s.campaign}: ${s.schedules} ${s.unit ?? "schedules"}, ${s.converged} converged, ${figure(s.orphans)} orphans, ${figure(s.foreignChanges)} foreign changes, ${figure(s.secretsFound)} secrets found${extra.join("")}`;
}

export function report(s: Summary): void {
  summaries.push(s);
  console.log(`      ${summaryLine(s)}`);
}

export function allSummaries(): readonly Summary[] {
  return summaries;
}

/** Prints failing seeds so they can be replayed; returns the count. */
export function printFailures(campaign: string, failures: { seed: number; problem: string }[]): number {
  for (const f of failures.slice(0, 20)) {
    console.log(`      ${campaign} FAILED seed ${f.seed} (replay: REPLAY_SEED=${f.seed}): ${f.problem}`);
  }
  if (failures.length > 20) console.log(`      ... and ${failures.length - 20} more failing seeds`);
  return failures.length;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
