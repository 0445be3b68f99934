// Comparisons that survive the engine: state crosses it as protobuf Structs, which sort object keys, drop nothing
// but refuse undefined. Unknown values (an Output not yet resolved) arrive as a sentinel string at any depth.

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(isUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(isUnknown);
  return false;
}

/** JSON with sorted keys and without undefined members: equal values give equal strings. */
export function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x) =>
    typeof x === "object" && x !== null && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .filter((k) => x[k] !== undefined)
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

/** A copy the host can encode: no undefined (which would fail the call after the side effect), no Dates. */
export function jsonClean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The listed keys of `v` that are not undefined. */
export function pick<T extends object>(v: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = x;
  }
  return out as Partial<T>;
}

export interface InputDiff {
  changed: string[];
  replaces: string[];
}

/**
 * Which of `keys` differ between the old state and the new checked inputs, compared through `normalize` (which
 * puts both into the same order and shape). An unknown new value is a change but not a replacement: it is not
 * evidence that the value differs, and the engine diffs again once it is known.
 */
export function diffKeys(
  oldState: object,
  newInputs: object,
  keys: readonly string[],
  replaceKeys: readonly string[],
  normalize: (key: string, value: unknown) => unknown = (_k, v) => v,
): InputDiff {
  const olds = oldState as Record<string, unknown>;
  const news = newInputs as Record<string, unknown>;
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const k of keys) {
    const n = news[k];
    if (isUnknown(n)) {
      changed.push(k);
      continue;
    }
    if (canonical(normalize(k, olds[k])) === canonical(normalize(k, n))) continue;
    changed.push(k);
    if (replaceKeys.includes(k)) replaces.push(k);
  }
  return { changed, replaces };
}

/**
 * The engine's answer: any change is an update; a change of a replace key is a replacement, deleted first because
 * both of ours hold something unique on the controller (a route per prefix, a static VIP).
 */
export function deleteFirstDiff(d: InputDiff): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  return { changes: d.changed.length > 0, replaces: d.replaces, deleteBeforeReplace: d.replaces.length > 0 };
}
