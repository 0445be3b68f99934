// HTTP(S) transport and routing: login/logout, the unauthenticated endpoints, authentication, CSRF and Referer
// checks, tenant and version headers, fault injection, the request log, and dispatch to objects.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type AuthConfig,
  type AuthState,
  csrfOk,
  identify,
  issueToken,
  login,
  refererProblem,
  type Session,
  sessionCookies,
} from "./auth";
import type { ChangeLog } from "./changelog";
import type { FaultEngine } from "./faults";
import { ApiError, isObj, type Obj } from "./json";
import { handleLiveView, isLiveViewPath } from "./liveview";
import type { Limits } from "./models";
import {
  createObject,
  deleteObject,
  getObject,
  listObjects,
  type OpContext,
  patchObject,
  type Reply,
  replaceObject,
  resolveTenant,
} from "./objects";
import { MODEL_NAMES } from "./refs";
import { find, type State } from "./store";
import { compareVersions, parseVersion } from "./versions";

export interface RequestLogEntry {
  method: string;
  /** Path without the query string, e.g. /api/pool/pool-1. */
  path: string;
  query: string;
  status: number;
  /** Tenant name the request ran in ("" before authentication). */
  tenant: string;
  time: number;
}

export interface ServerContext {
  state: State;
  auth: AuthState;
  authConfig: AuthConfig;
  faults: FaultEngine;
  limits: Limits;
  secure: boolean;
  controllerVersion: string;
  expiredStatus: 401 | 419;
  log: RequestLogEntry[];
  /** The last writes, for the live view (changelog.ts). */
  changes: ChangeLog;
  uiHeartbeatMs: number;
  commit(): void;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const DEFAULT_API_VERSION = "16_4_2";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, { error: "JSON parse error - request body is not valid JSON" });
  }
}

function parseLoginBody(req: IncomingMessage, text: string): Record<string, string> {
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  const parsed = parseJson(text);
  return isObj(parsed) ? (parsed as Record<string, string>) : {};
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function versionInfo(version: string): Obj {
  return {
    build: 9046,
    Tag: `${version}-9046-emulator`,
    ProductName: "Avi Cloud Controller",
    min_version: 15.2,
    Version: version,
    Product: "controller",
  };
}

export function createHandler(ctx: ServerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://emulator");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (isLiveViewPath(path)) return handleLiveView(ctx, req, res, path);
    const entry: RequestLogEntry = { method, path, query: url.search, status: 0, tenant: "", time: Date.now() };
    ctx.log.push(entry);
    const requested = header(req, "x-avi-version");
    const headers: Record<string, string | string[]> = {
      "Content-Type": "application/json",
      AVI_API_VERSION: requested ?? DEFAULT_API_VERSION,
    };
    const send = (status: number, body?: Obj | string) => {
      entry.status = status;
      const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const text = await readBody(req);
      const delay = ctx.faults.latency(method, path);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const decision = ctx.faults.decide(method, path);
      if (decision.kind === "restarting") return send(503);
      if (decision.kind === "reset") {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (decision.kind === "status") {
        const body = decision.body ?? (decision.status === 500 ? { error: "Internal server error" } : undefined);
        return send(decision.status, body);
      }
      if (path === "/api/cluster/status" && method === "GET") {
        return send(200, {
          cluster_state: { state: "CLUSTER_UP_NO_HA", progress: 100 },
          node_states: [{ name: "127.0.0.1", role: "CLUSTER_LEADER", state: "CLUSTER_ACTIVE" }],
        });
      }
      if (path === "/api/initial-data" && method === "GET") {
        return send(200, { version: versionInfo(ctx.controllerVersion), user_initialized: true });
      }
      if (path === "/login") return handleLogin(ctx, req, text, headers, send);
      if (path !== "/logout" && !path.startsWith("/api/")) return send(404, { detail: "Not found." });

      const now = Date.now();
      const sysconf = find(ctx.state, "systemconfiguration", "default");
      const basicAllowed = sysconf?.portal_configuration?.allow_basic_authentication === true;
      const caller = identify(ctx.auth, ctx.authConfig, req.headers, basicAllowed, now);
      if (caller.kind === "none") {
        if (caller.reason === "expired") return send(ctx.expiredStatus, { detail: "Session expired. Log in again." });
        return send(401, { detail: "Authentication credentials were not provided." });
      }
      const session: Session | undefined = caller.kind === "session" ? caller.session : undefined;
      if (session) headers["Set-Cookie"] = sessionCookies(session, now, false, ctx.secure);
      if (decision.kind === "sessionDrop") {
        if (session) ctx.auth.sessions.delete(session.id);
        return send(decision.status, { detail: "Session expired. Log in again." });
      }
      if (session && UNSAFE.has(method)) {
        if (!csrfOk(session, req.headers)) return send(401, "CSRF token missing or incorrect.");
        const problem = ctx.secure ? refererProblem(req.headers) : undefined;
        if (problem) return send(401, problem);
      }
      if (path === "/logout") {
        if (method !== "POST") return send(405, { detail: `Method '${method}' not allowed.` });
        if (session) ctx.auth.sessions.delete(session.id);
        delete headers["Set-Cookie"];
        return send(200, { detail: "Logged out" });
      }
      const tenantName = header(req, "x-avi-tenant");
      const tenantUuid = header(req, "x-avi-tenant-uuid");
      const tenant = resolveTenant(ctx.state, tenantName, tenantName === undefined ? tenantUuid : undefined);
      if (!tenant) return send(403, { error: `Tenant '${tenantName ?? tenantUuid}' does not exist!` });
      entry.tenant = String(tenant.name);
      if (requested !== undefined) {
        const v = parseVersion(requested);
        const max = parseVersion(ctx.controllerVersion);
        if (!v || (max && compareVersions(v, max) > 0)) {
          return send(400, {
            error: `Invalid version ${requested}: this controller supports up to ${ctx.controllerVersion}`,
          });
        }
      }
      let conflictUsed = false;
      const op: OpContext = {
        state: ctx.state,
        tenant: String(tenant.uuid),
        tenantName: String(tenant.name),
        base: `${ctx.secure ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`,
        limits: ctx.limits,
        apiVersion: requested,
        commit: ctx.commit,
        injectConflict: () => {
          const hit = decision.kind === "conflict" && !conflictUsed;
          conflictUsed = true;
          return hit;
        },
      };
      const write = UNSAFE.has(method) ? ctx.changes.begin(ctx.state, method, path) : undefined;
      const reply = route(ctx, op, method, path, url, text, header(req, "slug"));
      const user = session?.username ?? ctx.authConfig.username;
      write?.end(reply.status, reply.body, { user, agent: header(req, "user-agent") ?? "", tenant: entry.tenant });
      if (reply.headers) Object.assign(headers, reply.headers);
      return send(reply.status, reply.body);
    } catch (err) {
      if (err instanceof ApiError) return send(err.status, err.body);
      return send(500, {
        error: `Internal error in the emulator: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  };
}

function handleLogin(
  ctx: ServerContext,
  req: IncomingMessage,
  text: string,
  headers: Record<string, string | string[]>,
  send: (status: number, body?: Obj | string) => void,
): void {
  if (req.method !== "POST") {
    send(405, { detail: `Method '${req.method}' not allowed.` });
    return;
  }
  const now = Date.now();
  const result = login(ctx.auth, ctx.authConfig, parseLoginBody(req, text), now);
  if (!result.ok) {
    const error = result.locked
      ? "Invalid credentials: the account is locked after too many failed logins; try again later"
      : "Invalid credentials";
    send(401, { error });
    return;
  }
  headers["Set-Cookie"] = sessionCookies(result.session, now, true, ctx.secure);
  const base = `${ctx.secure ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`;
  const sysconf = find(ctx.state, "systemconfiguration", "default") ?? {};
  const tenants = Object.values(ctx.state.objects.tenant ?? {}).map((t) => ({
    url: `${base}/api/tenant/${t.uuid}`,
    uuid: t.uuid,
    name: t.name,
    local: t.local ?? true,
  }));
  send(200, {
    user_initialized: true,
    version: versionInfo(ctx.controllerVersion),
    user: {
      is_superuser: true,
      default_tenant_ref: `${base}/api/tenant/admin`,
      name: ctx.authConfig.username,
      username: ctx.authConfig.username,
      full_name: "System Administrator",
      email: "",
      local: true,
      uuid: "user-1",
    },
    tenants,
    system_config: { url: "/api/systemconfiguration", uuid: "default", ...sysconf },
    controller: { api_idle_timeout: Math.max(1, Math.round(ctx.authConfig.idleTimeoutMs / 60000)) },
    session_cookie_name: "avi-sessionid",
  });
}

function route(
  ctx: ServerContext,
  op: OpContext,
  method: string,
  path: string,
  url: URL,
  text: string,
  slug: string | undefined,
): Reply {
  const segs = path.split("/").filter((s) => s !== "");
  const type = segs[1];
  const q = url.searchParams;
  const notAllowed = (): Reply => ({ status: 405, body: { detail: `Method '${method}' not allowed.` } });
  if (type === "user-token") {
    if (method !== "POST" && method !== "GET") return notAllowed();
    const body = method === "POST" ? parseJson(text) : {};
    const hours = Number((isObj(body) ? body.hours : undefined) ?? 24);
    if (!Number.isFinite(hours) || hours <= 0)
      return { status: 400, body: { error: "hours must be a positive number" } };
    return { status: 200, body: { token: issueToken(ctx.auth, hours, Date.now()) } };
  }
  if (type === "systemlimits" && segs.length === 2) {
    if (method !== "GET") return notAllowed();
    return {
      status: 200,
      body: {
        controller_limits: {
          routes_per_vrfcontext: ctx.limits.routesPerVrf,
          servers_per_pool: ctx.limits.serversPerPool,
          default_routes_per_vrfcontext: ctx.limits.routesPerVrf,
        },
      },
    };
  }
  if (type === "cluster" && segs.length === 2) {
    if (method !== "GET") return notAllowed();
    return { status: 200, body: { name: "cluster-0-1", uuid: "cluster-0", nodes: [{ name: "127.0.0.1" }] } };
  }
  if (type === "systemconfiguration" && segs.length === 2) {
    if (method === "GET") return getObject(op, type, "default", q);
    if (method === "PUT") return replaceObject(op, type, "default", parseJson(text));
    if (method === "PATCH") return patchObject(op, type, "default", parseJson(text));
    return notAllowed();
  }
  if (!type || !MODEL_NAMES[type] || type === "systemconfiguration" || segs.length > 3) {
    return { status: 404, body: { detail: "Not found." } };
  }
  if (segs.length === 2) {
    if (method === "GET") return listObjects(op, type, q, url);
    if (method === "POST") return createObject(op, type, parseJson(text), slug);
    return notAllowed();
  }
  const uuid = decodeURIComponent(segs[2]);
  if (method === "GET") return getObject(op, type, uuid, q);
  if (method === "PUT") return replaceObject(op, type, uuid, parseJson(text));
  if (method === "PATCH") return patchObject(op, type, uuid, parseJson(text));
  if (method === "DELETE") return deleteObject(op, type, uuid);
  return notAllowed();
}
