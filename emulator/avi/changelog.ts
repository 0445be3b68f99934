// The change log behind the live view: the last N successful writes (time, method, object, a short summary of what
// changed, and who: the session's user and the User-Agent), and listeners that hear each one as it lands.
// Summaries name fields and list servers and routes; they never copy other field values, so nothing secret a
// client sends (a password, a token) can reach the log.
import { isObj, type Obj } from "./json";
import { MODEL_NAMES } from "./refs";
import { find, type State } from "./store";

export interface ChangeEntry {
  /** 1, 2, 3, ... in write order; the live view's state version. */
  seq: number;
  time: number;
  method: string;
  type: string;
  uuid: string;
  name: string;
  tenant: string;
  status: number;
  summary: string[];
  /** The session's (or basic auth's) user name. */
  user: string;
  /** The client's User-Agent header ("" when it sent none). */
  agent: string;
}

export interface Caller {
  user: string;
  agent: string;
  tenant: string;
}

export interface PendingWrite {
  /** Records the write if it succeeded; failed writes changed nothing. */
  end(status: number, body: unknown, who: Caller): ChangeEntry | undefined;
}

export interface ChangeLog {
  entries(): ChangeEntry[];
  /** seq of the newest entry (0 before the first write). */
  version(): number;
  subscribe(listener: (e: ChangeEntry) => void): () => void;
  /** Call before a write runs: keeps the object as it was (writes replace stored objects, never mutate them). */
  begin(state: State, method: string, path: string): PendingWrite | undefined;
}

const LIST_LIMIT = 6;

export function createChangeLog(limit = 200): ChangeLog {
  const ring: ChangeEntry[] = [];
  const listeners = new Set<(e: ChangeEntry) => void>();
  let seq = 0;
  const record = (e: Omit<ChangeEntry, "seq">): ChangeEntry => {
    const entry = { seq: ++seq, ...e };
    ring.push(entry);
    if (ring.length > limit) ring.splice(0, ring.length - limit);
    for (const l of listeners) l(entry);
    return entry;
  };
  return {
    entries: () => ring.slice(),
    version: () => seq,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    begin(state, method, path) {
      const segs = path.split("/").filter(Boolean);
      const type = segs[1] ?? "";
      if (segs[0] !== "api" || !MODEL_NAMES[type]) return undefined;
      const target = type === "systemconfiguration" ? "default" : segs[2] && decodeURIComponent(segs[2]);
      const before = target ? find(state, type, target) : undefined;
      return {
        end(status, body, who) {
          if (status >= 300) return undefined;
          const uuid = target || (isObj(body) && typeof body.uuid === "string" ? body.uuid : "");
          const after = method === "DELETE" ? undefined : find(state, type, uuid);
          return record({
            time: Date.now(),
            method,
            type,
            uuid,
            name: String(after?.name ?? before?.name ?? uuid),
            tenant: who.tenant,
            status,
            summary: summarize(type, before, after),
            user: who.user,
            agent: who.agent,
          });
        },
      };
    },
  };
}

function listed(what: string, items: string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(", ");
  const more = items.length > LIST_LIMIT ? `, … ${items.length - LIST_LIMIT} more` : "";
  return `${what} (${items.length}): ${shown}${more}`;
}

const addr = (x: unknown): string => (isObj(x) && typeof x.addr === "string" ? x.addr : "?");

function serverKey(s: Obj, defaultPort: unknown): string {
  return `${addr(s.ip)}:${s.port ?? defaultPort ?? "?"}`;
}

function routeText(r: Obj): string {
  const p = isObj(r.prefix) ? r.prefix : {};
  return `${addr(p.ip_addr)}/${p.mask ?? "?"} via ${addr(r.next_hop)}`;
}

/** Added, removed and changed entries of a keyed list field. */
function keyedDiff(before: Obj[], after: Obj[], key: (x: Obj) => string) {
  const old = new Map(before.map((x) => [key(x), x]));
  const now = new Map(after.map((x) => [key(x), x]));
  const added = [...now.keys()].filter((k) => !old.has(k));
  const removed = [...old.keys()].filter((k) => !now.has(k));
  const kept = [...now.keys()].filter((k) => old.has(k)).map((k) => [old.get(k) as Obj, now.get(k) as Obj] as const);
  return { added, removed, kept, old, now };
}

const list = (o: Obj | undefined, field: string): Obj[] =>
  Array.isArray(o?.[field]) ? (o[field] as unknown[]).filter(isObj) : [];

function serverChanges(before: Obj | undefined, after: Obj | undefined): string[] {
  const d = keyedDiff(list(before, "servers"), list(after, "servers"), (s) =>
    serverKey(s, after?.default_server_port ?? before?.default_server_port),
  );
  const out: string[] = [];
  if (d.added.length) out.push(listed("servers added", d.added));
  if (d.removed.length) out.push(listed("servers removed", d.removed));
  const disabled = d.kept.filter(([a, b]) => a.enabled !== false && b.enabled === false);
  const enabled = d.kept.filter(([a, b]) => a.enabled === false && b.enabled !== false);
  const key = ([, b]: readonly [Obj, Obj]) => serverKey(b, after?.default_server_port);
  if (disabled.length) out.push(listed("servers disabled", disabled.map(key)));
  if (enabled.length) out.push(listed("servers enabled", enabled.map(key)));
  return out;
}

function routeChanges(before: Obj | undefined, after: Obj | undefined): string[] {
  const d = keyedDiff(list(before, "static_routes"), list(after, "static_routes"), (r) => String(r.route_id));
  const out: string[] = [];
  const text = (m: Map<string, Obj>) => (k: string) => routeText(m.get(k) as Obj);
  if (d.added.length) out.push(listed("routes added", d.added.map(text(d.now))));
  if (d.removed.length) out.push(listed("routes removed", d.removed.map(text(d.old))));
  const changed = d.kept.filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b));
  if (changed.length)
    out.push(
      listed(
        "routes changed",
        changed.map(([a, b]) => `${routeText(a)} → ${routeText(b)}`),
      ),
    );
  return out;
}

const MEMBER_FIELDS: Record<string, string> = { pool: "servers", vrfcontext: "static_routes" };
const IGNORED = new Set(["_last_modified", "uuid", "url"]);

/** What a write changed, in a few short lines. */
export function summarize(type: string, before: Obj | undefined, after: Obj | undefined): string[] {
  const members = type === "pool" ? serverChanges : type === "vrfcontext" ? routeChanges : undefined;
  const memberLines = members ? members(before, after) : [];
  if (!before) return ["created", ...memberLines];
  if (!after) {
    const held = members ? list(before, MEMBER_FIELDS[type] as string).length : 0;
    return [held > 0 ? `deleted (held ${held} ${type === "pool" ? "servers" : "routes"})` : "deleted"];
  }
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !IGNORED.has(k) && k !== MEMBER_FIELDS[type])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
  const out = [...memberLines];
  if (fields.length) out.push(listed("fields changed", fields));
  return out.length ? out : ["no change"];
}
