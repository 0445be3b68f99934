// The engine's wire conventions that a dynamic provider meets, as @pulumi/pulumi/runtime/rpc encodes them.
// Mocks see values in this form; the dynamic-provider host sees them after the engine has stripped secrets.

/** Marks an object as a special wire value (secret, asset, resource reference). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The SIG_KEY value of a secret envelope `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** How an unresolved Output (e.g. an id not yet created during preview) reaches check() and diff(). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isSecretEnvelope(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/**
 * What the host's provider receives for a value the program marked secret: the plain value. The host answers
 * Configure with acceptSecrets=false, so the engine unwraps envelopes at any depth before calling it.
 */
export function stripSecrets<T = unknown>(v: unknown): T {
  if (isSecretEnvelope(v)) return stripSecrets(v.value);
  if (Array.isArray(v)) return v.map((x) => stripSecrets(x)) as T;
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripSecrets(x)])) as T;
  }
  return v as T;
}

/** The top-level keys whose values are secret envelopes. */
export function secretKeys(v: Record<string, unknown>): string[] {
  return Object.entries(v)
    .filter(([, x]) => isSecretEnvelope(x))
    .map(([k]) => k)
    .sort();
}

export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
  return false;
}

/**
 * A protobuf Struct round trip, done locally: keys come back sorted, and values a Struct cannot carry are refused
 * the way Struct.fromJavaScript refuses them (the host would fail with "Unexpected struct type" after the side
 * effect; a Date becomes {}). Used by the mini-engine so that in-process runs see what the real host would return.
 */
export function structRoundTrip<T = Json>(v: unknown, path = "$"): T {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v as T;
  if (typeof v === "number") return (Number.isFinite(v) ? v : null) as T;
  if (Array.isArray(v)) return v.map((x, i) => structRoundTrip(x, `${path}[${i}]`)) as T;
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = structRoundTrip((v as Record<string, unknown>)[k], `${path}.${k}`);
    return out as T;
  }
  throw new Error(`Unexpected struct type at ${path}: ${v === undefined ? "undefined" : typeof v}`);
}
