// Fault injection for client tests, deterministic from a seed: every request in scope draws the same number of
// pseudo-random values in arrival order, so a given seed and request sequence always meets the same faults.
// Scripted faults (`failNext`) hit the next N matching requests exactly, for tests that need certainty.

import { seededRandom } from "../common/random";

export interface FaultKnobs {
  /** Seed of the pseudo-random schedule (default 1). Setting knobs restarts the schedule from the seed. */
  seed?: number;
  /** Probability (0..1) of answering a request with a 5xx instead of serving it. */
  errorRate?: number;
  /** Status used for injected errors (default 503). 500 gets a body, 502/503 an empty one. */
  errorStatus?: number;
  /** Probability of destroying the connection without any response. */
  resetRate?: number;
  /** Delay before serving, in ms: a number, or [min, max] drawn from the schedule. */
  latencyMs?: number | [number, number];
  /** Probability of dropping the caller's session: 401 (or sessionDropStatus) and the session is gone. */
  sessionDropRate?: number;
  sessionDropStatus?: 401 | 419;
  /** Probability that a PUT/PATCH answers 412 `Need to reload object data <Model>` without writing. */
  conflictRate?: number;
  /** Limit faults to these methods (default: all). */
  methods?: string[];
  /** Limit faults to paths matching this pattern (default: everything except /api/cluster/status). */
  path?: RegExp;
}

export type ScriptedFault =
  | { kind: "status"; status: number; body?: string }
  | { kind: "reset" }
  | { kind: "sessionDrop"; status?: 401 | 419 }
  | { kind: "conflict" };

export interface ScriptedRule {
  fault: ScriptedFault;
  remaining: number;
  methods?: string[];
  path?: RegExp;
}

export type Decision =
  | { kind: "none" }
  | { kind: "status"; status: number; body?: string }
  | { kind: "reset" }
  | { kind: "sessionDrop"; status: 401 | 419 }
  | { kind: "conflict" }
  | { kind: "restarting" };

export interface FaultsHandle {
  /** Replace the random knobs (and restart the schedule from their seed). */
  set(knobs: FaultKnobs): void;
  /** Remove every knob, scripted fault and restart in progress. */
  clear(): void;
  /** The next `count` matching requests meet `fault`, regardless of the random knobs. */
  failNext(fault: ScriptedFault, count?: number, scope?: { methods?: string[]; path?: RegExp }): void;
  /** Act like a rebooting controller: 503 everywhere (cluster/status too), sessions dropped, for `ms`. */
  restart(ms: number): void;
  /** True while a restart is in progress. */
  restarting(): boolean;
}

export interface FaultEngine extends FaultsHandle {
  decide(method: string, path: string): Decision;
  latency(method: string, path: string): number;
  onRestart(listener: () => void): void;
}

function inScope(method: string, path: string, methods?: string[], pattern?: RegExp): boolean {
  if (methods && !methods.includes(method)) return false;
  if (pattern) return pattern.test(path);
  return path !== "/api/cluster/status";
}

export function createFaults(initial: FaultKnobs = {}): FaultEngine {
  let knobs: FaultKnobs = initial;
  let random = seededRandom(initial.seed ?? 1);
  let scripted: ScriptedRule[] = [];
  let restartUntil = 0;
  const restartListeners: (() => void)[] = [];
  return {
    set(next) {
      knobs = next;
      random = seededRandom(next.seed ?? 1);
    },
    clear() {
      knobs = {};
      scripted = [];
      restartUntil = 0;
    },
    failNext(fault, count = 1, scope = {}) {
      scripted.push({ fault, remaining: count, methods: scope.methods, path: scope.path });
    },
    restart(ms) {
      restartUntil = Date.now() + ms;
      for (const l of restartListeners) l();
    },
    restarting() {
      return Date.now() < restartUntil;
    },
    onRestart(listener) {
      restartListeners.push(listener);
    },
    latency(method, path) {
      const l = knobs.latencyMs;
      if (l === undefined || !inScope(method, path, knobs.methods, knobs.path)) return 0;
      if (typeof l === "number") return l;
      return Math.round(l[0] + random() * (l[1] - l[0]));
    },
    decide(method, path) {
      if (Date.now() < restartUntil) return { kind: "restarting" };
      const rule = scripted.find((r) => r.remaining > 0 && inScope(method, path, r.methods, r.path));
      if (rule) {
        rule.remaining--;
        scripted = scripted.filter((r) => r.remaining > 0);
        const f = rule.fault;
        if (f.kind === "sessionDrop") return { kind: "sessionDrop", status: f.status ?? 401 };
        if (f.kind === "conflict" && method !== "PUT" && method !== "PATCH") return { kind: "none" };
        return f;
      }
      if (!inScope(method, path, knobs.methods, knobs.path)) return { kind: "none" };
      // Always draw four values so one knob's presence does not shift another's schedule.
      const [r1, r2, r3, r4] = [random(), random(), random(), random()];
      if (r1 < (knobs.resetRate ?? 0)) return { kind: "reset" };
      if (r2 < (knobs.errorRate ?? 0)) return { kind: "status", status: knobs.errorStatus ?? 503 };
      if (r3 < (knobs.sessionDropRate ?? 0)) return { kind: "sessionDrop", status: knobs.sessionDropStatus ?? 401 };
      if ((method === "PUT" || method === "PATCH") && r4 < (knobs.conflictRate ?? 0)) return { kind: "conflict" };
      return { kind: "none" };
    },
  };
}
