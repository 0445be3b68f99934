// References between objects. Stored host-less (/api/<type>/<uuid>); accepted in every form clients send
// (full URL with or without #name, /api/<type>/<uuid>, /api/<type>?name=x, /api/<type>/?name=x, a bare uuid);
// rendered as https://<Host>/api/<type>/<uuid>, with #<name> on writes and with ?include_name=true.
import { fail, isObj, type Obj } from "./json";
import { all, find, type State, tenantOf, typeOfRef, uuidOfRef } from "./store";

export const MODEL_NAMES: Record<string, string> = {
  tenant: "Tenant",
  cloud: "Cloud",
  serviceenginegroup: "ServiceEngineGroup",
  vrfcontext: "VrfContext",
  pool: "Pool",
  vsvip: "VsVip",
  virtualservice: "VirtualService",
  healthmonitor: "HealthMonitor",
  applicationprofile: "ApplicationProfile",
  networkprofile: "NetworkProfile",
  analyticsprofile: "AnalyticsProfile",
  applicationpersistenceprofile: "ApplicationPersistenceProfile",
  networksecuritypolicy: "NetworkSecurityPolicy",
  l4policyset: "L4PolicySet",
  stringgroup: "StringGroup",
  network: "Network",
  systemconfiguration: "SystemConfiguration",
};

/**
 * The type a ref field points at wherever it appears (nested ones included), so a ref of the wrong type is
 * refused like a missing one. Top-level fields of each model are declared with the model.
 */
const FIELD_TYPES: Record<string, string> = {
  override_network_profile_ref: "networkprofile",
  override_application_profile_ref: "applicationprofile",
  service_pool_ref: "pool",
  l4_policy_set_ref: "l4policyset",
  pool_ref: "pool",
  network_ref: "network",
  vrf_context_ref: "vrfcontext",
};

/** Types whose admin-tenant objects every tenant can see and refer to (clouds, VRFs, System-* profiles). */
export const SHARED_TYPES = new Set([
  "cloud",
  "serviceenginegroup",
  "vrfcontext",
  "healthmonitor",
  "applicationprofile",
  "networkprofile",
  "analyticsprofile",
  "applicationpersistenceprofile",
  "network",
]);

export function modelName(type: string): string {
  return MODEL_NAMES[type] ?? type;
}

export function visible(type: string, obj: Obj, tenant: string): boolean {
  if (type === "tenant" || type === "systemconfiguration") return true;
  const owner = tenantOf(obj);
  return owner === tenant || (owner === "admin" && SHARED_TYPES.has(type));
}

export function findVisible(state: State, type: string, uuid: string, tenant: string): Obj | undefined {
  const obj = find(state, type, uuid);
  return obj && visible(type, obj, tenant) ? obj : undefined;
}

/** Name lookup in the request tenant first, then among the shared admin objects. */
export function findByName(state: State, type: string, name: string, tenant: string): Obj | undefined {
  const candidates = all(state, type).filter((o) => o.name === name && visible(type, o, tenant));
  return candidates.find((o) => tenantOf(o) === tenant) ?? candidates[0];
}

function typeFromUuid(uuid: string): string | undefined {
  const m = /^([a-z]+)-/.exec(uuid);
  return m && MODEL_NAMES[m[1]] ? m[1] : undefined;
}

/** Resolve one ref input to its stored form, or fail 400 `<Model> object not found`. */
export function resolveRef(state: State, input: unknown, expectedType: string | undefined, tenant: string): string {
  const notFound = (type: string | undefined) =>
    fail(400, `${modelName(type ?? expectedType ?? "Object")} object not found`);
  if (typeof input !== "string" || input === "") return notFound(expectedType);
  let rest = input.replace(/#.*$/, "");
  const url = /^https?:\/\/[^/]+(\/.*)$/.exec(rest);
  if (url) rest = url[1];
  if (rest.startsWith("/api/")) {
    const [pathPart, query] = rest.split("?", 2);
    const segs = pathPart.split("/").filter((s) => s !== "");
    const type = segs[1];
    if (!MODEL_NAMES[type] || (expectedType && type !== expectedType)) return notFound(expectedType ?? type);
    if (segs[2]) {
      const obj = findVisible(state, type, decodeURIComponent(segs[2]), tenant);
      return obj ? `/api/${type}/${obj.uuid}` : notFound(type);
    }
    const name = new URLSearchParams(query ?? "").get("name");
    const obj = name === null ? undefined : findByName(state, type, name, tenant);
    return obj ? `/api/${type}/${obj.uuid}` : notFound(type);
  }
  if (!rest.includes("/")) {
    const type = expectedType ?? typeFromUuid(rest);
    const obj = type ? findVisible(state, type, rest, tenant) : undefined;
    return obj && type ? `/api/${type}/${obj.uuid}` : notFound(type);
  }
  return notFound(expectedType);
}

function refTypeOfKey(key: string, known: Record<string, string>, depth: number): string | undefined {
  return depth === 0 ? (known[key] ?? FIELD_TYPES[key]) : FIELD_TYPES[key];
}

/**
 * Normalise every *_ref / *_refs in a body (any depth). Known fields get their expected type; other refs take the
 * type from the ref itself. An empty ref is an unset field: AKO sends `"error_page_profile_ref": ""` on every
 * virtual service (a Go *string to "") and real controllers accept it.
 */
export function resolveRefs(state: State, body: Obj, known: Record<string, string>, tenant: string, depth = 0): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === "tenant_ref" || key === "vs_refs" || key === "url") continue;
    const expected = refTypeOfKey(key, known, depth);
    if (key.endsWith("_ref") && value === "") {
      delete body[key];
    } else if (key.endsWith("_ref") && value !== null && value !== undefined) {
      body[key] = resolveRef(state, value, expected, tenant);
    } else if (key.endsWith("_refs") && Array.isArray(value)) {
      body[key] = value.map((v) => resolveRef(state, v, expected, tenant));
    } else if (Array.isArray(value)) {
      for (const item of value) if (isObj(item)) resolveRefs(state, item, known, tenant, depth + 1);
    } else if (isObj(value)) {
      resolveRefs(state, value, known, tenant, depth + 1);
    }
  }
}

export interface RenderOptions {
  base: string;
  includeName: boolean;
}

function renderOne(state: State, ref: string, opts: RenderOptions): string {
  if (!ref.startsWith("/api/")) return ref;
  const target = find(state, typeOfRef(ref), uuidOfRef(ref));
  const suffix = opts.includeName && target?.name !== undefined ? `#${target.name}` : "";
  return `${opts.base}${ref}${suffix}`;
}

/** A deep copy of a stored object with refs and url rendered for the client. */
export function render(state: State, type: string, obj: Obj, opts: RenderOptions): Obj {
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === "string" && (key.endsWith("_ref") || key === "url")) return renderOne(state, value, opts);
    if (Array.isArray(value)) {
      return value.map((v) =>
        typeof v === "string" && key.endsWith("_refs") ? renderOne(state, v, opts) : walk(v, ""),
      );
    }
    if (isObj(value)) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
      return out;
    }
    return value;
  };
  const url = type === "systemconfiguration" ? "/api/systemconfiguration" : `/api/${type}/${obj.uuid}`;
  const out = walk({ url, ...obj }, "") as Obj;
  if (type === "systemconfiguration") out.url = url;
  return out;
}

/** Every stored ref inside an object, for integrity checks and refers_to/referred_by. */
export function refsIn(obj: Obj): string[] {
  const out: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === "string" && key.endsWith("_ref") && value.startsWith("/api/")) out.push(value);
    else if (Array.isArray(value)) {
      for (const v of value) {
        if (typeof v === "string" && key.endsWith("_refs") && v.startsWith("/api/")) out.push(v);
        else walk(v, "");
      }
    } else if (isObj(value)) for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(obj, "");
  return out;
}
