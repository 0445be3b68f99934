// Avi refs come back as `https://<host>/api/<type>/<uuid>[#name]`; we send them as `/api/<type>?name=<name>` (resolved
// by the controller) or `/api/<type>/<uuid>`. Comparing the two forms is what makes a no-change apply write nothing.

export function nameRef(type: string, name: string): string {
  return `/api/${type}?name=${encodeURIComponent(name)}`;
}

export function uuidRef(type: string, uuid: string): string {
  return `/api/${type}/${uuid}`;
}

/** The uuid inside any ref form that carries one, else undefined. */
export function uuidOfRef(ref: unknown): string | undefined {
  if (typeof ref !== "string") return undefined;
  const m = /\/api\/[a-z0-9-]+\/([^/?#]+)/i.exec(ref);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** The name a ref carries: `#name` on controller output, `?name=` on our input. */
export function nameOfRef(ref: unknown): string | undefined {
  if (typeof ref !== "string") return undefined;
  const hash = ref.indexOf("#");
  if (hash >= 0) return decodeURIComponent(ref.slice(hash + 1));
  const m = /[?&]name=([^&#]*)/.exec(ref);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** Whether the controller's ref points where our desired ref does (by uuid, or by name when we asked by name). */
export function refMatches(actual: unknown, desired: string): boolean {
  if (typeof actual !== "string") return false;
  if (/[?&]name=/.test(desired)) return nameOfRef(actual) === nameOfRef(desired);
  return uuidOfRef(actual) === uuidOfRef(desired);
}

/**
 * True when every field we set in `desired` already has that value in `actual` (controller defaults and fields we
 * do not manage are ignored). Arrays must match element by element; keys ending in `_ref` compare as refs.
 */
export function covers(actual: unknown, desired: unknown, key = ""): boolean {
  if (typeof desired === "string" && (key.endsWith("_ref") || key.endsWith("_refs"))) {
    return refMatches(actual, desired);
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) return false;
    return desired.every((d, i) => covers(actual[i], d, key));
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => v === undefined || covers(a[k], v, k));
  }
  return actual === desired;
}
