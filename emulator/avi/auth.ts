// Who is calling: session login (JSON or form body, password or user token), the three cookies, CSRF bound to
// the session (a token that merely equals the csrftoken cookie is not enough: the recorded controller refused
// X-CSRFToken=invalid with cookie csrftoken=invalid), idle expiry, logout, basic auth when the system
// configuration allows it, and lock-out after repeated failed logins.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface Session {
  id: string;
  csrf: string;
  username: string;
  lastUsed: number;
}

export interface AuthConfig {
  username: string;
  password: string;
  idleTimeoutMs: number;
  maxLoginFailures: number;
  lockoutMs: number;
}

export interface AuthState {
  sessions: Map<string, Session>;
  tokens: Map<string, number>;
  failures: number;
  lockedUntil: number;
}

export function newAuthState(): AuthState {
  return { sessions: new Map(), tokens: new Map(), failures: 0, lockedUntil: 0 };
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const CSRF_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomToken(alphabet = ALPHABET, length = 32): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Cookie header parsed "last one wins", as Django does with repeated names. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type LoginResult = { ok: true; session: Session } | { ok: false; locked: boolean };

export function login(auth: AuthState, cfg: AuthConfig, body: Record<string, string>, now: number): LoginResult {
  if (now < auth.lockedUntil) return { ok: false, locked: true };
  const userOk = typeof body.username === "string" && same(body.username, cfg.username);
  const secret = body.password ?? body.token;
  const passwordOk = typeof secret === "string" && same(secret, cfg.password);
  const tokenExpiry = typeof secret === "string" ? auth.tokens.get(secret) : undefined;
  const tokenOk = tokenExpiry !== undefined && tokenExpiry > now;
  if (!userOk || !(passwordOk || tokenOk)) {
    auth.failures++;
    if (auth.failures >= cfg.maxLoginFailures) {
      auth.lockedUntil = now + cfg.lockoutMs;
      auth.failures = 0;
    }
    return { ok: false, locked: false };
  }
  auth.failures = 0;
  const session: Session = {
    id: randomToken(),
    csrf: randomToken(CSRF_ALPHABET),
    username: cfg.username,
    lastUsed: now,
  };
  auth.sessions.set(session.id, session);
  return { ok: true, session };
}

export type Caller =
  | { kind: "session"; session: Session }
  | { kind: "basic" }
  | { kind: "none"; reason: "missing" | "expired" | "basic-disabled" | "bad-basic" };

export function identify(
  auth: AuthState,
  cfg: AuthConfig,
  headers: IncomingHttpHeaders,
  basicAllowed: boolean,
  now: number,
): Caller {
  const authz = headers.authorization;
  if (typeof authz === "string" && authz.toLowerCase().startsWith("basic ")) {
    if (!basicAllowed) return { kind: "none", reason: "basic-disabled" };
    const decoded = Buffer.from(authz.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const ok = colon > 0 && same(decoded.slice(0, colon), cfg.username) && same(decoded.slice(colon + 1), cfg.password);
    return ok ? { kind: "basic" } : { kind: "none", reason: "bad-basic" };
  }
  const cookies = parseCookies(headers.cookie);
  const id = cookies.get("avi-sessionid") ?? cookies.get("sessionid");
  const session = id ? auth.sessions.get(id) : undefined;
  if (!session) return { kind: "none", reason: "missing" };
  if (now - session.lastUsed > cfg.idleTimeoutMs) {
    auth.sessions.delete(session.id);
    return { kind: "none", reason: "expired" };
  }
  session.lastUsed = now;
  return { kind: "session", session };
}

export function csrfOk(session: Session, headers: IncomingHttpHeaders): boolean {
  const token = headers["x-csrftoken"];
  return typeof token === "string" && same(token, session.csrf);
}

/** Django's HTTPS referer check: present and same origin as the Host the client addressed. */
export function refererProblem(headers: IncomingHttpHeaders): string | undefined {
  const referer = headers.referer;
  if (typeof referer !== "string" || referer === "") return "Referer checking failed - no Referer.";
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return "Referer checking failed - Referer is malformed.";
  }
  if (url.protocol !== "https:") return "Referer checking failed - Referer is insecure while host is secure.";
  if (url.host !== headers.host) return `Referer checking failed - ${referer} does not match any trusted origins.`;
  return undefined;
}

export function sessionCookies(session: Session, now: number, withCsrf: boolean, secure: boolean): string[] {
  const flag = secure ? "; Secure" : "";
  const day = new Date(now + 86400_000).toUTCString();
  const out = [
    `avi-sessionid=${session.id}; expires=${day}; HttpOnly; Max-Age=86400; Path=/${flag}`,
    `sessionid=${session.id}; expires=${day}; HttpOnly; Max-Age=86400; Path=/${flag}`,
  ];
  if (withCsrf) {
    const year = new Date(now + 31449600_000).toUTCString();
    out.unshift(`csrftoken=${session.csrf}; expires=${year}; Max-Age=31449600; Path=/${flag}`);
  }
  return out;
}

export function issueToken(auth: AuthState, hours: number, now: number): string {
  const token = randomToken(CSRF_ALPHABET, 40);
  auth.tokens.set(token, now + hours * 3600_000);
  return token;
}
