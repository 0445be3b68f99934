// Coalescing: events for one key (a Service, or a cluster's routes) are collected until the key has been quiet
// for `quietMs`, but never held longer than `maxDelayMs` after the first of them; then the key runs once, whatever
// the number of events. A key never runs twice at once: an event during a run marks it dirty, and it runs again
// after. At most `concurrency` keys run at a time. A failed run is retried after a jittered backoff (0.5 s doubling
// to 10 s), and the key stays wanted until a run succeeds, so nothing waits for the next event to converge.
import { backoffMs } from "../kube/informer";

export interface SchedulerOptions {
  quietMs: number;
  maxDelayMs: number;
  concurrency: number;
  /** The work for one key; a rejection is a failure (retried with backoff). */
  run(key: string): Promise<void>;
  onFailure?(key: string, error: unknown, failures: number): void;
  random?: () => number;
}

export interface Scheduler {
  /** An event for `key`: run it once the events have settled. */
  touch(key: string): void;
  /** Run `key` as soon as a worker is free; resolves with whether that run succeeded. */
  runSoon(key: string): Promise<boolean>;
  /** Keys waiting, running or backing off. */
  pending(): number;
  stop(): void;
}

interface KeyState {
  timer?: NodeJS.Timeout;
  firstAt?: number;
  running: boolean;
  queued: boolean;
  dirty: boolean;
  failures: number;
  backingOff: boolean;
  waiters: ((ok: boolean) => void)[];
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const states = new Map<string, KeyState>();
  const queue: string[] = [];
  let active = 0;
  let stopped = false;

  const state = (key: string): KeyState => {
    let st = states.get(key);
    if (!st) {
      st = { running: false, queued: false, dirty: false, failures: 0, backingOff: false, waiters: [] };
      states.set(key, st);
    }
    return st;
  };

  function enqueue(key: string): void {
    const st = state(key);
    if (st.timer) clearTimeout(st.timer);
    st.timer = undefined;
    st.backingOff = false;
    if (st.queued || st.running || stopped) return;
    st.queued = true;
    queue.push(key);
    pump();
  }

  function pump(): void {
    while (!stopped && active < o.concurrency && queue.length > 0) {
      const key = queue.shift() as string;
      const st = state(key);
      st.queued = false;
      st.running = true;
      st.firstAt = undefined;
      st.dirty = false;
      const waiters = st.waiters.splice(0);
      active++;
      o.run(key).then(
        () => finish(key, st, true, waiters),
        (err) => {
          st.failures++;
          o.onFailure?.(key, err, st.failures);
          finish(key, st, false, waiters);
        },
      );
    }
  }

  function finish(key: string, st: KeyState, ok: boolean, waiters: ((ok: boolean) => void)[]): void {
    active--;
    st.running = false;
    for (const w of waiters) w(ok);
    if (stopped) return;
    if (ok) st.failures = 0;
    if (!ok) {
      st.backingOff = true;
      st.timer = setTimeout(() => enqueue(key), backoffMs(st.failures - 1, o.random, 10_000));
    } else if (st.waiters.length > 0) enqueue(key);
    else if (st.dirty) {
      st.dirty = false;
      touch(key);
    } else if (!st.timer) states.delete(key);
    pump();
  }

  function touch(key: string): void {
    if (stopped) return;
    const st = state(key);
    if (st.running) {
      st.dirty = true;
      return;
    }
    // A key backing off runs when its backoff ends (with whatever is current then); queued: it runs soon anyway.
    if (st.backingOff || st.queued) return;
    const now = Date.now();
    st.firstAt ??= now;
    const due = Math.min(now + o.quietMs, st.firstAt + o.maxDelayMs);
    if (st.timer) clearTimeout(st.timer);
    st.timer = setTimeout(() => enqueue(key), Math.max(0, due - now));
  }

  return {
    touch,
    runSoon(key) {
      return new Promise<boolean>((resolve) => {
        if (stopped) return resolve(false);
        const st = state(key);
        st.waiters.push(resolve);
        if (!st.running) enqueue(key);
      });
    },
    pending: () => states.size,
    stop() {
      stopped = true;
      for (const st of states.values()) {
        if (st.timer) clearTimeout(st.timer);
        for (const w of st.waiters.splice(0)) w(false);
      }
      states.clear();
      queue.length = 0;
    },
  };
}
