// Object operations of the REST API: list, get, create, replace, patch, delete, with the controller's status
// codes and messages (research/avi-api.md §2-§5). Transport concerns (auth, faults, headers) live in server.ts.
import { createHash } from "node:crypto";
import { isSystemDefault } from "./defaults";
import { type ApiError, fail, isObj, type Obj } from "./json";
import { filterObjects, paginate, pickFields } from "./list";
import { type Limits, MODELS } from "./models";
import { applyPatch } from "./patch";
import { findByName, findVisible, modelName, refsIn, render, resolveRef, resolveRefs } from "./refs";
import { all, find, newUuid, nextStamp, remove, type State, save, tenantOf } from "./store";
import { checkFieldVersions, hideNewerFields } from "./versions";

export interface OpContext {
  state: State;
  tenant: string;
  tenantName: string;
  base: string;
  limits: Limits;
  apiVersion?: string;
  /** Called after every change, before the response is sent (durability). */
  commit(): void;
  /** Decides whether this write meets an injected 412. */
  injectConflict(): boolean;
}

export interface Reply {
  status: number;
  body?: Obj | string;
  headers?: Record<string, string>;
}

const READ_ONLY = new Set(["url", "uuid", "_last_modified", "vs_refs", "tenant_ref"]);
// Runtime fields a client may echo back from a GET (the SDK's clone sample does); the controller owns them.
const RUNTIME: Record<string, string[]> = {
  virtualservice: [
    "marked_for_delete",
    "redis_db",
    "redis_port",
    "self_se_election",
    "tls_ticket_key",
    "version",
    "vip_runtime",
  ],
  pool: ["server_count"],
};

/** Runtime fields a real controller adds to a VS it has placed; reads show them, write responses do not. */
function virtualServiceRuntime(obj: Obj): Obj {
  const digest = createHash("sha256").update(String(obj.uuid)).digest();
  const key = (i: number) => ({
    aes_key: digest.subarray(i, i + 16).toString("base64"),
    hmac_key: digest.subarray(16 - i, 32 - i).toString("base64"),
    name: `${obj.uuid}-tls-${i}`,
  });
  const vips = Array.isArray(obj.vip) ? obj.vip : [{ vip_id: "0" }];
  return {
    marked_for_delete: false,
    redis_db: 1 + (digest[0] % 16),
    redis_port: 5000 + (digest[1] % 100),
    self_se_election: true,
    tls_ticket_key: [key(0), key(1), key(2)],
    version: "1",
    vip_runtime: vips.map((v: Obj) => ({
      num_additional_se: 0,
      requested_resource: { num_se: 1, num_standby_se: 0 },
      vip_id: String(v.vip_id ?? "0"),
    })),
  };
}

function present(ctx: OpContext, type: string, obj: Obj, includeName: boolean, isRead = !includeName): Obj {
  const out = render(ctx.state, type, obj, { base: ctx.base, includeName });
  hideNewerFields(type, out, ctx.apiVersion);
  if (type === "virtualservice" && isRead) Object.assign(out, virtualServiceRuntime(obj));
  if (type === "vsvip") {
    const me = `/api/vsvip/${obj.uuid}`;
    const users = all(ctx.state, "virtualservice").filter((vs) => vs.vsvip_ref === me);
    if (users.length > 0) {
      out.vs_refs = users.map((vs) => `${ctx.base}/api/virtualservice/${vs.uuid}${includeName ? `#${vs.name}` : ""}`);
    }
  }
  return out;
}

export function listObjects(ctx: OpContext, type: string, q: URLSearchParams, requestUrl: URL): Reply {
  const page = paginate(filterObjects(ctx.state, type, q, ctx.tenant), q);
  const includeName = q.get("include_name") === "true";
  const results = page.items.map((o) => pickFields(present(ctx, type, o, includeName, true), q.get("fields")));
  const body: Obj = { count: page.count, results };
  if (page.nextPage !== undefined) {
    const next = new URLSearchParams(q);
    next.set("page", String(page.nextPage));
    body.next = `${ctx.base}${requestUrl.pathname}?${next.toString()}`;
  }
  return { status: 200, body };
}

function mustFind(ctx: OpContext, type: string, uuid: string): Obj {
  const obj = findVisible(ctx.state, type, uuid, ctx.tenant);
  if (!obj) fail(404, `${modelName(type)} object not found!`);
  return obj;
}

export function getObject(ctx: OpContext, type: string, uuid: string, q: URLSearchParams): Reply {
  const obj = mustFind(ctx, type, uuid);
  const body = present(ctx, type, obj, q.get("include_name") === "true", true);
  return { status: 200, body: pickFields(body, q.get("fields")) };
}

/** Turn a client body into stored form: version check, read-only fields dropped, refs resolved. */
function intake(ctx: OpContext, type: string, body: unknown): Obj {
  if (!isObj(body)) fail(400, "Request body must be a JSON object");
  if (ctx.apiVersion) checkFieldVersions(type, body, ctx.apiVersion);
  const spec = MODELS[type];
  const obj: Obj = JSON.parse(JSON.stringify(body));
  for (const k of [...READ_ONLY, ...(RUNTIME[type] ?? [])]) delete obj[k];
  // Convenience inputs like application_profile_name (sent by the Python SDK's clone sample) name a ref.
  for (const [field, target] of Object.entries(spec.refs)) {
    const byName = `${field.replace(/_ref$/, "")}_name`;
    if (field.endsWith("_ref") && typeof obj[byName] === "string") {
      if (obj[field] === undefined)
        obj[field] = resolveRef(ctx.state, `/api/${target}?name=${obj[byName]}`, target, ctx.tenant);
      delete obj[byName];
    }
  }
  resolveRefs(ctx.state, obj, spec.refs, ctx.tenant);
  return obj;
}

function checkName(ctx: OpContext, type: string, obj: Obj, selfUuid?: string): void {
  if (typeof obj.name !== "string" || obj.name === "") fail(400, `${modelName(type)}: name is required`);
  if (obj.name.length > 255) fail(400, `${modelName(type)}: name is longer than 255 characters`);
  const clash = all(ctx.state, type).find(
    (o) => o.name === obj.name && o.uuid !== selfUuid && (type === "tenant" || tenantOf(o) === ctx.tenant),
  );
  if (clash) fail(409, `${modelName(type)} object with this name already exists in tenant ${ctx.tenantName}`);
}

function finish(ctx: OpContext, type: string, obj: Obj, self?: string): void {
  const spec = MODELS[type];
  if (type !== "tenant") obj.tenant_ref = `/api/tenant/${ctx.tenant}`;
  const model = { state: ctx.state, tenant: ctx.tenant, limits: ctx.limits, self };
  spec.fill(obj, model);
  spec.validate(obj, model);
}

function ordered(uuid: string, obj: Obj, stamp: string): Obj {
  const { name, ...rest } = obj;
  return { uuid, name, ...rest, _last_modified: stamp };
}

export function createObject(ctx: OpContext, type: string, body: unknown, slug?: string): Reply {
  const obj = intake(ctx, type, body);
  finish(ctx, type, obj);
  checkName(ctx, type, obj);
  const uuid = slug && slug !== "" ? slug : newUuid(type);
  if (find(ctx.state, type, uuid)) fail(409, `${modelName(type)} object with uuid ${uuid} already exists`);
  const stored = ordered(uuid, obj, nextStamp(ctx.state));
  save(ctx.state, type, stored);
  ctx.commit();
  const out = present(ctx, type, stored, true);
  return { status: 201, body: out, headers: { Location: String(out.url) } };
}

function checkWritable(ctx: OpContext, type: string, obj: Obj): void {
  if (type !== "tenant" && type !== "systemconfiguration" && tenantOf(obj) !== ctx.tenant) {
    fail(400, `Cannot modify ${modelName(type)} ${obj.name}: it belongs to another tenant`);
  }
}

function checkFresh(ctx: OpContext, type: string, current: Obj, sent: unknown): void {
  if (ctx.injectConflict() || (sent !== undefined && String(sent) !== current._last_modified)) {
    fail(412, `Need to reload object data ${modelName(type)}: it was modified after you read it`);
  }
}

export function replaceObject(ctx: OpContext, type: string, uuid: string, body: unknown): Reply {
  const current = mustFind(ctx, type, uuid);
  checkWritable(ctx, type, current);
  checkFresh(ctx, type, current, isObj(body) ? body._last_modified : undefined);
  const obj = intake(ctx, type, body);
  if (type === "tenant" || type === "systemconfiguration") delete obj.tenant_ref;
  if (type !== "systemconfiguration") finish(ctx, type, obj, uuid);
  else MODELS.systemconfiguration.fill(obj, { state: ctx.state, tenant: ctx.tenant, limits: ctx.limits });
  if (type !== "systemconfiguration") checkName(ctx, type, obj, uuid);
  const stored = ordered(uuid, obj, nextStamp(ctx.state));
  if (type === "systemconfiguration") delete stored.name;
  save(ctx.state, type, stored);
  ctx.commit();
  return { status: 200, body: present(ctx, type, stored, true) };
}

export function patchObject(ctx: OpContext, type: string, uuid: string, body: unknown): Reply {
  const current = mustFind(ctx, type, uuid);
  checkWritable(ctx, type, current);
  if (!isObj(body)) fail(400, "PATCH body must be an object with add, replace or delete");
  checkFresh(ctx, type, current, undefined);
  const spec = MODELS[type];
  const resolved: Obj = {};
  for (const [op, fields] of Object.entries(body)) {
    if (!isObj(fields)) fail(400, `PATCH ${op} must be an object of fields`);
    if (ctx.apiVersion) checkFieldVersions(type, fields, ctx.apiVersion);
    const copy: Obj = JSON.parse(JSON.stringify(fields));
    // Entries to delete are matched by key only, so their refs need not resolve.
    if (op !== "delete") resolveRefs(ctx.state, copy, spec.refs, ctx.tenant);
    resolved[op] = copy;
  }
  const { uuid: _u, _last_modified: _l, ...base } = current;
  const next = applyPatch(base, resolved, READ_ONLY);
  if (type !== "systemconfiguration") {
    finish(ctx, type, next, uuid);
    checkName(ctx, type, next, uuid);
  } else spec.fill(next, { state: ctx.state, tenant: ctx.tenant, limits: ctx.limits });
  const stored = ordered(uuid, next, nextStamp(ctx.state));
  if (type === "systemconfiguration") delete stored.name;
  save(ctx.state, type, stored);
  ctx.commit();
  return { status: 200, body: present(ctx, type, stored, true) };
}

export function deleteObject(ctx: OpContext, type: string, uuid: string): Reply {
  const current = mustFind(ctx, type, uuid);
  if (isSystemDefault(type, current)) fail(403, `Cannot delete system default object ${current.name}`);
  checkWritable(ctx, type, current);
  const me = `/api/${type}/${uuid}`;
  const referrers: string[] = [];
  for (const [otherType, byUuid] of Object.entries(ctx.state.objects)) {
    for (const other of Object.values(byUuid)) {
      if (other.uuid === uuid && otherType === type) continue;
      if (refsIn(other).includes(me)) referrers.push(`'${modelName(otherType)} ${other.name}'`);
    }
  }
  if (referrers.length > 0) fail(403, `Cannot delete, object is referred by: [${referrers.join(", ")}]`);
  remove(ctx.state, type, uuid);
  ctx.commit();
  return { status: 204 };
}

export function resolveTenant(state: State, name?: string, uuid?: string): Obj | undefined {
  if (uuid !== undefined) return find(state, "tenant", uuid);
  if (name !== undefined) return findByName(state, "tenant", name, "admin");
  return find(state, "tenant", "admin");
}

export type { ApiError };
