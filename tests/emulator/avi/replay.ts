// Replays the requests of a recorded controller session (VCR cassette) against the emulator, rewriting what
// differs between the two controllers (host, uuids, session ids, CSRF tokens), and reports every difference in
// status code or response keys.
import * as fs from "node:fs";
import type { AviEmulator } from "../../../emulator/avi";
import { type Resp, send, setCookies } from "./http";

interface Recorded {
  request: { method: string; uri: string; body: string | null; headers: Record<string, string[]> };
  response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } };
}

const FORWARDED = [
  "Content-Type",
  "X-CSRFToken",
  "X-Avi-Version",
  "X-Avi-Tenant",
  "X-Avi-Tenant-UUID",
  "Slug",
  "Referer",
  "Cookie",
  "Authorization",
  "timeout",
];
const UUID = /\b[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const RECORDED_HOST = "https://avi-controller";

export function readCassette(file: string): Recorded[] {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { interactions: Recorded[] }).interactions;
}

function parse(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** Keys of a body, of the first list result, and of the first item of nested lists of objects. */
export function shape(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string, depth: number) => {
    if (Array.isArray(v)) {
      if (v.length > 0) walk(v[0], `${at}[0]`, depth);
    } else if (typeof v === "object" && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        out.push(`${at}.${k}`);
        if (depth < 2 && Array.isArray(child)) walk(child, `${at}.${k}`, depth + 1);
        if (depth < 1 && k === "results") walk(child, `${at}.${k}`, depth + 1);
      }
    } else out.push(`${at}:${typeof v}`);
  };
  walk(body, "", 0);
  return [...new Set(out)].sort();
}

export interface Step {
  label: string;
  expected: number;
  actual: number;
  missingKeys: string[];
  extraKeys: string[];
}

export async function replay(emu: AviEmulator, interactions: Recorded[]): Promise<Step[]> {
  const map = new Map<string, string>();
  const named = new Map<string, { type: string; name: string }>();
  for (const i of interactions) {
    for (const m of (i.response.body.string ?? "").matchAll(/\/api\/(\w+)\/([\w-]+)#([^"]+)"/g)) {
      named.set(m[2], { type: m[1], name: m[3] });
    }
  }
  const sub = (text: string): string => {
    let out = text.split(RECORDED_HOST).join(emu.url);
    for (const uuid of out.match(UUID) ?? []) {
      if (map.has(uuid)) continue;
      const known = named.get(uuid);
      const existing = known && emu.objects(known.type).find((o) => o.name === known.name);
      if (existing) map.set(uuid, existing.uuid);
    }
    for (const [from, to] of map) out = out.split(from).join(to);
    return out;
  };
  const learnLogin = (recorded: Recorded, actual: Resp) => {
    const got = setCookies(actual);
    for (const line of recorded.response.headers["Set-Cookie"] ?? []) {
      const [pair] = line.split(";");
      const [name, value] = pair.split("=");
      const mine = got.get(name);
      if (mine && value) map.set(value, mine);
    }
  };
  const ensureSession = async (headers: Record<string, string>) => {
    if (headers.Authorization || !headers.Cookie) return;
    const ids = [...headers.Cookie.matchAll(/avi-sessionid=([^;\s]+)/g)].map((m) => m[1]);
    const sid = ids[ids.length - 1];
    if (!sid || sid === "None" || map.has(sid)) return;
    // A session opened before this recording started: open one of our own in its place.
    const r = await send(emu, "POST", "/login", { body: { username: emu.username, password: emu.password } });
    const c = setCookies(r);
    map.set(sid, c.get("avi-sessionid") ?? "");
    const token = headers["X-CSRFToken"];
    if (token && token !== "invalid" && !map.has(token)) map.set(token, c.get("csrftoken") ?? "");
    const cookieTokens = [...headers.Cookie.matchAll(/csrftoken=([^;\s]+)/g)].map((m) => m[1]);
    const last = cookieTokens[cookieTokens.length - 1];
    if (last && last !== "invalid" && !map.has(last)) map.set(last, c.get("csrftoken") ?? "");
  };

  const steps: Step[] = [];
  for (const [n, rec] of interactions.entries()) {
    const url = new URL(rec.request.uri);
    const raw: Record<string, string> = {};
    for (const name of FORWARDED) {
      const v = rec.request.headers[name];
      if (v?.[0] !== undefined) raw[name] = v[0];
    }
    await ensureSession(raw);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) headers[k] = sub(v);
    const body = rec.request.body ? sub(rec.request.body) : undefined;
    const isForm = (headers["Content-Type"] ?? "").includes("form-urlencoded");
    const actual = await send(emu, rec.request.method, sub(`${url.pathname}${url.search}`), {
      form: body,
      headers: { ...headers, ...(body !== undefined && !isForm ? { "Content-Type": "application/json" } : {}) },
    });
    if (url.pathname === "/login" && actual.status === 200) learnLogin(rec, actual);
    const recordedBody = parse(rec.response.body.string ?? "");
    const actualBody = parse(actual.text);
    if (rec.response.status.code === 201 && actual.status === 201) {
      const from = (recordedBody as { uuid?: string }).uuid;
      const to = (actualBody as { uuid?: string }).uuid;
      if (from && to) map.set(from, to);
    }
    const want = shape(recordedBody);
    const got = shape(actualBody);
    steps.push({
      label: `#${n} ${rec.request.method} ${url.pathname}${url.search}`,
      expected: rec.response.status.code,
      actual: actual.status,
      missingKeys: want.filter((k) => !got.includes(k)),
      extraKeys: got.filter((k) => !want.includes(k)),
    });
  }
  return steps;
}
