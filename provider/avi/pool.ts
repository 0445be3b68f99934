// One controller session per (controller, user, tenant, credentials, TLS settings) for a whole process: a Pulumi
// `up` runs every operation of every resource in one provider host, so 100 services cost one login instead of
// 200 (a login and a logout each). The session is shared by concurrent operations (AviSession already shares one
// login between concurrent calls and logs in again once when the controller expires it) and closed:
// - after `idleMs` without use, by an unref'd timer, so a long-lived process does not hold controller sessions and
//   the timer never keeps a process alive;
// - when the process is told to stop: the engine ends a provider host with SIGINT (and SIGKILL 5 s later), so
//   SIGINT/SIGTERM log every session out (bounded by `exitGraceMs`) and then re-raise the signal, which ends the
//   process as it would have ended without us; and on `beforeExit` when the event loop runs dry.
// Hooks are installed while sessions are open and removed when none are, so an idle process carries none.
import { createHash } from "node:crypto";
import { type AviConnection, type AviSession, type CallOptions, createAviSession } from "./session";

export interface SessionPoolOptions {
  /** Log a session out after this long unused; default 30 s (a controller's own idle expiry is 15 min). */
  idleMs?: number;
  /** Log out on SIGINT / SIGTERM / beforeExit; default true. */
  exitHooks?: boolean;
  /** How long a signal waits for logouts before the process ends anyway; default 2 s. */
  exitGraceMs?: number;
  /** How sessions are made (tests count them). */
  create?: (conn: AviConnection) => AviSession;
}

export interface SessionPool {
  /** Runs `work` with the shared session for `conn`; the session stays open for the next caller. */
  use<T>(conn: AviConnection, work: (s: AviSession) => Promise<T>): Promise<T>;
  /** Open sessions. */
  size(): number;
  /** Logs every session out now. */
  closeAll(): Promise<void>;
}

const digest = (v: string | undefined) => (v === undefined ? "" : createHash("sha256").update(v).digest("hex"));

/** What makes two connections the same session; secrets only as digests, so the key can be kept in memory. */
export function sessionKey(conn: AviConnection): string {
  let controller = conn.controller;
  try {
    controller = new URL(conn.controller).origin;
  } catch {
    // left as given; createAviSession reports the bad URL
  }
  return JSON.stringify([
    controller,
    conn.username,
    conn.tenant ?? "admin",
    digest(conn.token ? `token:${conn.token}` : `password:${conn.password ?? ""}`),
    digest(conn.caCert),
    conn.insecure === true,
    conn.apiVersion ?? "",
    conn.timeoutMs ?? 0,
    conn.maxRetries ?? -1,
    conn.userAgentDetail ?? "",
  ]);
}

interface Entry {
  session: AviSession;
  users: number;
  timer?: NodeJS.Timeout;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export function createSessionPool(options: SessionPoolOptions = {}): SessionPool {
  const idleMs = options.idleMs ?? 30_000;
  const graceMs = options.exitGraceMs ?? 2_000;
  const create = options.create ?? createAviSession;
  const entries = new Map<string, Entry>();
  let hooked = false;

  const close = async (key: string, entry: Entry) => {
    if (entries.get(key) === entry) entries.delete(key);
    if (entry.timer) clearTimeout(entry.timer);
    unhookIfEmpty();
    await entry.session.logout().catch(() => undefined);
  };

  const closeAll = async () => {
    await Promise.all([...entries].map(([key, entry]) => close(key, entry)));
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    void Promise.race([closeAll(), grace]).finally(() => {
      unhook();
      // Without other listeners the signal would have ended the process: end it the same way.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = () => {
    void closeAll();
  };

  function hook(): void {
    if (hooked || options.exitHooks === false) return;
    hooked = true;
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on("beforeExit", onBeforeExit);
  }
  function unhook(): void {
    if (!hooked) return;
    hooked = false;
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off("beforeExit", onBeforeExit);
  }
  function unhookIfEmpty(): void {
    if (entries.size === 0) unhook();
  }

  return {
    async use(conn, work) {
      const key = sessionKey(conn);
      let entry = entries.get(key);
      if (!entry) {
        entry = { session: create(conn), users: 0 };
        entries.set(key, entry);
        hook();
      }
      const e = entry;
      if (e.timer) clearTimeout(e.timer);
      e.timer = undefined;
      e.users++;
      try {
        return await work(e.session);
      } finally {
        e.users--;
        if (e.users === 0 && entries.get(key) === e) {
          e.timer = setTimeout(() => void close(key, e), idleMs);
          e.timer.unref();
        }
      }
    },
    size: () => entries.size,
    closeAll,
  };
}

/** A view of a session that counts the writes (POST/PUT/PATCH/DELETE) sent through it, for one operation. */
export function countingWrites(s: AviSession): AviSession & { written(): number } {
  let writes = 0;
  return {
    ...s,
    post<T>(path: string, body: unknown, opts?: CallOptions) {
      writes++;
      return s.post<T>(path, body, opts);
    },
    put<T>(path: string, body: unknown, opts?: CallOptions) {
      writes++;
      return s.put<T>(path, body, opts);
    },
    patch<T>(path: string, body: unknown, opts?: CallOptions) {
      writes++;
      return s.patch<T>(path, body, opts);
    },
    delete(path: string, opts?: CallOptions) {
      writes++;
      return s.delete(path, opts);
    },
    written: () => writes,
  };
}
