// Real controllers mark every cookie `Secure` and are HTTPS-only; a cookie jar would silently drop those cookies over
// plain HTTP (the emulator in tests) and keep stale duplicates. Like the official SDKs, we copy the three values we
// need out of Set-Cookie and build the Cookie header ourselves.

export interface SessionCookies {
  csrftoken?: string;
  /** The authoritative session id (the cookie named by the login body's `session_cookie_name`). */
  session?: string;
}

const SESSION_NAMES = new Set(["avi-sessionid", "sessionid"]);

/** Reads `name=value` pairs from Set-Cookie header lines; attributes (Path, Secure, ...) are ignored. */
export function parseSetCookie(lines: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines === undefined ? [] : Array.isArray(lines) ? lines : [lines]) {
    const first = line.split(";")[0] ?? "";
    const eq = first.indexOf("=");
    if (eq <= 0) continue;
    out.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Folds a response's Set-Cookie into the session's cookies. Controllers re-set the session cookie on every answer
 * (a sliding expiry); with basic auth they send `avi-sessionid=None`, which must not replace a real id.
 */
export function updateCookies(
  current: SessionCookies,
  setCookie: string | string[] | undefined,
  sessionCookieName = "avi-sessionid",
): SessionCookies {
  const seen = parseSetCookie(setCookie);
  if (seen.size === 0) return current;
  const next: SessionCookies = { ...current };
  const csrf = seen.get("csrftoken");
  if (csrf) next.csrftoken = csrf;
  const preferred = seen.get(sessionCookieName);
  const anySession = [...seen.entries()].find(([k]) => SESSION_NAMES.has(k))?.[1];
  const session = preferred ?? anySession;
  if (session && session !== "None" && session !== '""') next.session = session;
  return next;
}

/** Sends the session id under both names: controllers before and after the rename accept one or the other. */
export function cookieHeader(c: SessionCookies): string | undefined {
  const parts: string[] = [];
  if (c.csrftoken) parts.push(`csrftoken=${c.csrftoken}`);
  if (c.session) parts.push(`sessionid=${c.session}`, `avi-sessionid=${c.session}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}
