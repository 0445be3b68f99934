// PATCH {"add"|"replace"|"delete": {...}} with the controller's key semantics (research/avi-api.md §2.2):
// scalars: add = replace = set, delete = back to default; lists of structs: add appends or updates the entry
// with the same key, replace swaps the whole list, delete removes entries with matching keys.
import { fail, isObj, type Obj } from "./json";

/** The key that identifies an entry of a list field; undefined means "the whole entry". */
function keyOf(field: string, item: unknown): string | undefined {
  if (!isObj(item)) return JSON.stringify(item);
  switch (field) {
    case "servers":
      return isObj(item.ip) ? `${item.ip.addr}|${item.port ?? ""}` : undefined;
    case "static_routes":
      return item.route_id === undefined ? undefined : String(item.route_id);
    case "vip":
      return item.vip_id === undefined ? undefined : String(item.vip_id);
    case "services":
      return item.port === undefined ? undefined : String(item.port);
    case "markers":
    case "labels":
      return item.key === undefined ? undefined : String(item.key);
    default:
      return JSON.stringify(item);
  }
}

export function applyPatch(current: Obj, patch: unknown, readOnly: Set<string>): Obj {
  if (!isObj(patch)) fail(400, "PATCH body must be an object with add, replace or delete");
  const ops = Object.keys(patch);
  if (ops.length === 0 || ops.some((op) => !["add", "replace", "delete"].includes(op))) {
    fail(400, "PATCH body must have exactly one of add, replace, delete");
  }
  const next: Obj = JSON.parse(JSON.stringify(current));
  for (const op of ops) {
    const fields = patch[op];
    if (!isObj(fields)) fail(400, `PATCH ${op} must be an object of fields`);
    for (const [field, value] of Object.entries(fields)) {
      if (readOnly.has(field)) continue;
      if (op === "replace") next[field] = value;
      else if (op === "add") next[field] = Array.isArray(value) ? addItems(field, next[field], value) : value;
      else if (Array.isArray(value) && Array.isArray(next[field])) next[field] = deleteItems(field, next[field], value);
      // Deleting a scalar resets it: the create defaults are filled in again after the patch.
      else delete next[field];
    }
  }
  return next;
}

function addItems(field: string, existing: unknown, added: unknown[]): unknown[] {
  const out = Array.isArray(existing) ? [...existing] : [];
  for (const item of added) {
    const key = keyOf(field, item);
    const at = key === undefined ? -1 : out.findIndex((e) => keyOf(field, e) === key);
    if (at >= 0) out[at] = isObj(item) && isObj(out[at]) ? { ...out[at], ...item } : item;
    else out.push(item);
  }
  return out;
}

function deleteItems(field: string, existing: unknown[], removed: unknown[]): unknown[] {
  const keys = new Set(removed.map((r) => keyOf(field, r)).filter((k): k is string => k !== undefined));
  return existing.filter((e) => {
    const key = keyOf(field, e);
    return key === undefined || !keys.has(key);
  });
}
