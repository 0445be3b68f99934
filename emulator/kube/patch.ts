// Patch formats the API server accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and an approximation
// of strategic merge patch (lists of objects merge by their usual key; $patch/$setElementOrder directives).
import type { Json } from "./types";

const isObject = (x: unknown): x is Record<string, Json> => typeof x === "object" && x !== null && !Array.isArray(x);

export class PatchError extends Error {}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The merge keys of the list fields kubectl most often patches (from the Kubernetes API's patchMergeKey tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
  conditions: "type",
  addresses: "type",
  podIPs: "ip",
  hostIPs: "ip",
  containerStatuses: "name",
  ownerReferences: "uid",
  imagePullSecrets: "name",
  tolerations: "key",
  taints: "key",
};

function mergeList(field: string, cur: Json, patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (field === "ports")
    return mergeByKey(cur, patch, patch.some((p) => isObject(p) && "containerPort" in p) ? "containerPort" : "port");
  if (!key || !Array.isArray(cur)) return patch.filter((p) => !(isObject(p) && "$patch" in p));
  return mergeByKey(cur, patch, key);
}

function mergeByKey(cur: Json, patch: Json[], key: string): Json[] {
  if (!Array.isArray(cur)) return patch.filter((p) => !(isObject(p) && "$patch" in p));
  const out = [...cur];
  for (const p of patch) {
    if (!isObject(p)) continue;
    if (p.$patch === "replace") return patch.filter((x) => x !== p);
    const at = out.findIndex((x) => isObject(x) && x[key] === p[key]);
    if (p.$patch === "delete") {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMergePatch(out[at], p);
    else out.push(strategicMergePatch({}, p));
  }
  return out;
}

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$") || k.startsWith("$setElementOrder/") || k.startsWith("$deleteFromPrimitiveList/")) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else if (isObject(v)) out[k] = strategicMergePatch(out[k], v);
    else out[k] = v;
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: Json, path: string): { parent: Json; key: string } {
  const parts = pointer(path);
  if (parts.length === 0) throw new PatchError("the root cannot be patched in place");
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : cur?.[p];
    if (cur === undefined || cur === null) throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return { parent: cur, key: parts[parts.length - 1] };
}

function read(doc: Json, path: string): Json {
  let cur = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : cur?.[p];
    if (cur === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  const doc = JSON.parse(JSON.stringify(target));
  for (const op of ops) {
    const { parent, key } = op.op === "test" ? { parent: undefined, key: "" } : parentOf(doc, op.path);
    const value = op.op === "copy" || op.op === "move" ? JSON.parse(JSON.stringify(read(doc, op.from))) : op.value;
    if (op.op === "move") {
      const src = parentOf(doc, op.from);
      if (Array.isArray(src.parent)) src.parent.splice(Number(src.key), 1);
      else delete src.parent[src.key];
    }
    switch (op.op) {
      case "add":
      case "copy":
      case "move":
        if (Array.isArray(parent)) parent.splice(key === "-" ? parent.length : Number(key), 0, value);
        else parent[key] = value;
        break;
      case "replace":
        if (!(key in Object(parent)))
          throw new PatchError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        parent[key] = value;
        break;
      case "remove":
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else if (key in Object(parent)) delete parent[key];
        else throw new PatchError(`remove operation does not apply: doc is missing path: "${op.path}": missing value`);
        break;
      case "test":
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new PatchError(`testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
