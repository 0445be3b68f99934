// The HTTP(S) front of the emulator: bearer-token auth, fault knobs, discovery and OpenAPI, the REST paths of
// every served type (get, list, watch, create, update, patch, delete, deletecollection, /status), Table output
// and Status errors. Every request is appended to the request log.
import type * as http from "node:http";
import { discoveryDocument, openapiDocument, SERVER_VERSION } from "./discovery";
import { ApiError, methodNotAllowed, notFound, notFoundPath, statusBody, undecodable } from "./errors";
import { delay, injectFault, type KubeFaults, takeExpireContinue } from "./faults";
import { parseBody, type Route, readBody, route, send } from "./http";
import { createPaginator, listBody, listObjects } from "./list";
import type { ObjectApi } from "./objects";
import { queryFlag, wantsPretty } from "./params";
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from "./patch";
import type { Store } from "./store";
import { DecodeError } from "./times";
import { type IncludeObject, toTable } from "./tables";
import type { Json, KubeObject, ResourceType } from "./types";
import { serveWatch } from "./watch";

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  bytes: number;
  accept?: string;
  contentType?: string;
  watch?: boolean;
}

export interface ServerContext {
  store: Store;
  api: ObjectApi;
  token: string;
  faults: KubeFaults;
  requestLog: RequestLogEntry[];
  hostPort: () => string;
  bookmarkIntervalMs: number;
  openWatches: Set<() => void>;
}

const MAX_LOG = 100_000;
const VERSION_PATHS = new Set(["/version", "/version/"]);
const PUBLIC_PATHS = new Set([...VERSION_PATHS, "/healthz", "/livez", "/readyz"]);

const isWatch = (method: string, r: Route | undefined, q: URLSearchParams) =>
  method === "GET" && !r?.name && queryFlag(q, "watch");

const verbOf = (method: string, r: Route | undefined, q: URLSearchParams): string => {
  if (method === "GET") return isWatch(method, r, q) ? "watch" : r?.name ? "get" : "list";
  if (method === "POST") return "create";
  if (method === "PUT") return "update";
  if (method === "PATCH") return "patch";
  if (method === "DELETE") return r?.name ? "delete" : "deletecollection";
  return method.toLowerCase();
};

function patchObject(rt: ResourceType, cur: KubeObject, contentType: string, patch: Json): KubeObject {
  try {
    if (contentType === "application/merge-patch+json") return mergePatch(cur, patch);
    if (contentType === "application/json-patch+json") return jsonPatch(cur, patch);
    const strategicAllowed = !rt.crd;
    if (contentType === "application/strategic-merge-patch+json" && strategicAllowed)
      return strategicMergePatch(cur, patch);
    // Server-side apply is approximated by a merge of the applied configuration.
    if (contentType === "application/apply-patch+yaml") return strategicMergePatch(cur, patch);
  } catch (e) {
    if (e instanceof PatchError) throw new ApiError(422, "Invalid", e.message);
    throw e;
  }
  const accepted = rt.crd
    ? "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    : "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json";
  throw new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
  );
}

export function createHandler(ctx: ServerContext): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const pager = createPaginator();
  return (req, res) => {
    void handle(req, res);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    const method = req.method ?? "GET";
    const accept = req.headers.accept ?? "";
    const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim();
    const pretty = wantsPretty(q, req.headers["user-agent"]);
    const entry: RequestLogEntry = { method, path: url.pathname, query: url.search, status: 0, bytes: 0, accept };
    if (contentType) entry.contentType = contentType;
    if (ctx.requestLog.length >= MAX_LOG) ctx.requestLog.splice(0, MAX_LOG / 10);
    ctx.requestLog.push(entry);
    const r = route(url.pathname);
    const reply = (code: number, body: Json) => {
      entry.bytes = send(res, code, body, {}, pretty);
      entry.status = code;
    };
    try {
      await delay(ctx.faults, url.pathname);
      if (!PUBLIC_PATHS.has(url.pathname) && req.headers.authorization !== `Bearer ${ctx.token}`) {
        throw new ApiError(401, "Unauthorized", "Unauthorized");
      }
      injectFault(ctx.faults, {
        path: url.pathname,
        verb: verbOf(method, r, q),
        resource: r?.rt.resource,
        group: r?.rt.group || undefined,
        namespace: r?.ns,
      });
      if (method === "GET" && VERSION_PATHS.has(url.pathname)) return reply(200, SERVER_VERSION);
      if (method === "GET" && PUBLIC_PATHS.has(url.pathname)) {
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("ok");
        entry.status = 200;
        entry.bytes = 2;
        return;
      }
      if (method === "GET") {
        const doc = discoveryDocument(url.pathname, ctx.hostPort());
        if (doc) return reply(200, doc);
        if (url.pathname.startsWith("/openapi/v3")) return reply(200, openapiDocument(url.pathname));
      }
      if (!r) throw notFoundPath();
      if (r.sub && !r.rt.subresources?.includes(r.sub)) throw notFoundPath();
      const { code, body } = await serve(r, req, res, q, method, accept, contentType, entry);
      if (code === 0) return; // a watch answered on its own
      reply(code, body);
    } catch (err) {
      const e =
        err instanceof ApiError
          ? err
          : new ApiError(500, "InternalError", `Internal error occurred: ${(err as Error).message}`);
      entry.status = e.code;
      if (!res.headersSent)
        entry.bytes = send(res, e.code, statusBody(e.code, e.reason, e.message, e.details), e.headers, pretty);
      else res.end();
    }
  }

  async function serve(
    r: Route,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    q: URLSearchParams,
    method: string,
    accept: string,
    contentType: string,
    entry: RequestLogEntry,
  ): Promise<{ code: number; body?: Json }> {
    const { rt, ns, name, sub } = r;
    const table = /as=Table/.test(accept);
    const includeObject = (q.get("includeObject") ?? "Metadata") as IncludeObject;
    const { store, api } = ctx;
    // A type served over another's storage converts on the way in and out (events.k8s.io/v1 over core/v1).
    const out = (o: KubeObject): Json => (rt.view ? rt.view.fromStored(o) : o);
    const into = (o: Json): KubeObject => {
      try {
        return rt.view ? rt.view.toStored(o) : o;
      } catch (e) {
        throw e instanceof DecodeError ? undecodable(rt, e.message) : e;
      }
    };
    switch (method) {
      case "GET": {
        if (isWatch(method, r, q)) {
          entry.watch = true;
          entry.status = 200;
          serveWatch(store, rt, ns, q, req, res, {
            table,
            includeObject,
            bookmarkIntervalMs: ctx.bookmarkIntervalMs,
            track: (close) => {
              ctx.openWatches.add(close);
              return () => ctx.openWatches.delete(close);
            },
          });
          return { code: 0 };
        }
        if (name) {
          const obj = store.get(rt.resource, ns, name);
          if (!obj) throw notFound(rt, name);
          return {
            code: 200,
            body: table
              ? toTable(rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, includeObject)
              : out(obj),
          };
        }
        const result = listObjects(store, pager, rt, ns, q, () => takeExpireContinue(ctx.faults, req.url ?? ""));
        return {
          code: 200,
          body: table
            ? toTable(rt, result.items, result.metadata, includeObject)
            : listBody(rt, { ...result, items: result.items.map(out) }),
        };
      }
      case "POST": {
        if (name) throw methodNotAllowed();
        const obj = parseBody(await readBody(req), contentType);
        if (q.getAll("dryRun").includes("All")) return { code: 201, body: obj };
        return { code: 201, body: out(api.create(rt, into(obj), ns)) };
      }
      case "PUT": {
        if (!name) throw methodNotAllowed();
        const obj = parseBody(await readBody(req), contentType);
        return { code: 200, body: out(api.update(rt, ns, name, into(obj), sub)) };
      }
      case "PATCH": {
        if (!name) throw methodNotAllowed();
        const patch = parseBody(await readBody(req), contentType);
        const cur = store.get(rt.resource, ns, name);
        if (!cur) {
          if (contentType !== "application/apply-patch+yaml") throw notFound(rt, name);
          const created = api.create(rt, into({ ...patch, metadata: { ...patch.metadata, name } }), ns);
          return { code: 201, body: out(created) };
        }
        const next = into(patchObject(rt, out(cur), contentType, patch));
        if (next?.metadata) delete next.metadata.resourceVersion;
        if (q.getAll("dryRun").includes("All")) return { code: 200, body: out(next) };
        return { code: 200, body: out(api.update(rt, ns, name, next, sub)) };
      }
      case "DELETE": {
        const text = await readBody(req);
        const options = text ? parseBody(text, contentType) : {};
        if (q.get("gracePeriodSeconds")) options.gracePeriodSeconds = Number(q.get("gracePeriodSeconds"));
        if (name) return { code: 200, body: out(api.remove(rt, ns, name, options)) };
        const all = listObjects(store, pager, rt, ns, q, () => false);
        const items = all.items.map((x) => api.remove(rt, x.metadata.namespace, x.metadata.name, options));
        return { code: 200, body: listBody(rt, { items: items.map(out), metadata: all.metadata }) };
      }
      default:
        throw methodNotAllowed();
    }
  }
}
