// A minimal JSON client over node:http(s): GET one object, or list a collection page by page with
// limit/continue. No state outside the returned object, so readers are benchmarkable and parallel-safe.
import * as http from "node:http";
import * as https from "node:https";
import { type KubeConnection, resolveConnection } from "./connection";
import { describePermission, errorForStatus, KubeReadError, type Permission } from "./errors";
import { watchStream } from "./watch";

export interface RequestInfo {
  method: "GET" | "POST" | "PUT" | "PATCH";
  /** Path and query, e.g. /api/v1/nodes?limit=500. */
  path: string;
}

export interface ClientOptions {
  /** Called once per HTTP request: how benchmarks and tests count API calls. */
  onRequest?: (info: RequestInfo) => void;
  /** Per-request timeout; 30 s by default. */
  timeoutMs?: number;
}

export interface KubeClient {
  server: string;
  /** GET one object; undefined on 404 when allowMissing is set. */
  get(path: string, perm: Permission, allowMissing?: boolean): Promise<unknown>;
  /** Every item of a collection, read in pages of pageSize. */
  list(path: string, query: Record<string, string>, pageSize: number, perm: Permission): Promise<unknown[]>;
  /**
   * Every item of a collection, handed to `onItem` page by page (nothing kept, so a large collection costs one
   * page of memory); resolves with the list's resourceVersion, the point a watch continues from.
   */
  listEach(
    path: string,
    query: Record<string, string>,
    pageSize: number,
    perm: Permission,
    onItem: (item: unknown) => void,
  ): Promise<string>;
  /**
   * A watch (watch.ts): each event's parsed line goes to `onEvent` until the server ends the stream (resolves), the
   * signal aborts it (resolves) or it fails (rejects with a KubeReadError; status 410 when the resourceVersion is
   * too old, in the response or as an ERROR event).
   */
  watch(
    path: string,
    query: Record<string, string>,
    perm: Permission,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /**
   * One write with a JSON body (PATCH: a JSON merge patch): the status and the parsed answer; errors are the
   * caller's to read.
   */
  send(
    method: "POST" | "PUT" | "PATCH",
    path: string,
    body: unknown,
    perm: Permission,
  ): Promise<{ status: number; body: unknown }>;
  close(): void;
}

/** One line of a watch stream. */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: Record<string, unknown>;
}

/** kubectl's page size. */
export const DEFAULT_PAGE_SIZE = 500;

const MAX_RETRIES = 3;

interface Reply {
  status: number;
  retryAfter?: string;
  body: unknown;
  text: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

export async function openClient(conn: KubeConnection, opts: ClientOptions = {}): Promise<KubeClient> {
  const { server, options } = await resolveConnection(conn);
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new KubeReadError("invalid", `The kubeconfig's server '${server}' is not a URL.`);
  }
  const prefix = base.pathname.replace(/\/+$/, "");
  const transport = base.protocol === "http:" ? http : https;
  const timeoutMs = opts.timeoutMs ?? 30_000;

  function request(
    pathAndQuery: string,
    perm: Permission,
    method: RequestInfo["method"] = "GET",
    body?: unknown,
  ): Promise<Reply> {
    opts.onRequest?.({ method, path: pathAndQuery });
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<Reply>((resolve, reject) => {
      const req = transport.request(
        {
          ...options,
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ""),
          port: base.port || undefined,
          method,
          path: prefix + pathAndQuery,
          headers: {
            ...(options.headers as http.OutgoingHttpHeaders),
            Accept: "application/json",
            ...(payload
              ? {
                  "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json",
                  "Content-Length": payload.length,
                }
              : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            const retryAfter = res.headers["retry-after"];
            resolve({ status: res.statusCode ?? 0, body, text, ...(retryAfter ? { retryAfter } : {}) });
          });
        },
      );
      req.on("timeout", () =>
        req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })),
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        const code = err.code ?? "";
        const detail = err.message.replace(/\s+/g, " ");
        const reason =
          NETWORK_CODES.has(code) || /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code) ? "unreachable" : "other";
        reject(
          new KubeReadError(
            reason,
            `Could not reach the Kubernetes API server at ${server} to ${describePermission(perm)}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ""}.`,
          ),
        );
      });
      req.end(payload);
    });
  }

  function statusMessage(r: Reply): string | undefined {
    const m = (r.body as { message?: unknown } | undefined)?.message;
    return typeof m === "string" ? m : r.text.slice(0, 200) || undefined;
  }

  /**
   * 429 (API priority and fairness) and 5xx are passing states of a healthy server: up to three more tries,
   * waiting Retry-After (capped at 5 s) or a short backoff, before the error reaches the user.
   */
  async function requestWithRetry(pathAndQuery: string, perm: Permission): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const r = await request(pathAndQuery, perm);
      const retryable =
        r.status === 429 || r.status === 500 || r.status === 502 || r.status === 503 || r.status === 504;
      if (!retryable || attempt >= MAX_RETRIES) return r;
      const after = Number(r.retryAfter);
      const waitMs = Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, 5000) : 200 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  async function getJson(pathAndQuery: string, perm: Permission, allowMissing: boolean): Promise<unknown> {
    const r = await requestWithRetry(pathAndQuery, perm);
    if (r.status === 404 && allowMissing) return undefined;
    if (r.status < 200 || r.status >= 300) throw errorForStatus(server, perm, r.status, statusMessage(r));
    if (r.body === undefined || typeof r.body !== "object") {
      throw new KubeReadError(
        "other",
        `The Kubernetes API server at ${server} sent no JSON object when asked to ${describePermission(perm)}.`,
      );
    }
    return r.body;
  }

  /** One page after another (each page retried on its own), each handed over as it arrives. */
  async function pages(
    path: string,
    query: Record<string, string>,
    pageSize: number,
    perm: Permission,
    onPage: (items: unknown[]) => void,
    restartable: boolean,
  ): Promise<{ expired: boolean; resourceVersion: string }> {
    const limit = Math.max(1, Math.floor(pageSize));
    let token: string | undefined;
    let resourceVersion = "";
    do {
      const q = new URLSearchParams({ ...query, limit: String(limit) });
      if (token) q.set("continue", token);
      const r = await requestWithRetry(`${path}?${q.toString()}`, perm);
      if (r.status === 410 && token && restartable) return { expired: true, resourceVersion };
      if (r.status < 200 || r.status >= 300) throw errorForStatus(server, perm, r.status, statusMessage(r));
      const body = r.body as
        | { items?: unknown[] | null; metadata?: { continue?: string; resourceVersion?: string } }
        | undefined;
      if (!body || typeof body !== "object") {
        throw new KubeReadError(
          "other",
          `The Kubernetes API server at ${server} sent no JSON list when asked to ${describePermission(perm)}.`,
        );
      }
      onPage(body.items ?? []);
      // The first page's resourceVersion is the snapshot every later page continues.
      if (!token) resourceVersion = body.metadata?.resourceVersion ?? "";
      token = body.metadata?.continue || undefined;
    } while (token);
    return { expired: false, resourceVersion };
  }

  return {
    server,
    get: (path, perm, allowMissing = false) => getJson(path, perm, allowMissing),
    async listEach(path, query, pageSize, perm, onItem) {
      // An expired continue token restarts the listing once; items already handed over are handed over again,
      // which a consumer keyed by object (what listEach is for) absorbs.
      for (let attempt = 0; ; attempt++) {
        const r = await pages(
          path,
          query,
          pageSize,
          perm,
          (items) => {
            for (const item of items) onItem(item);
          },
          attempt === 0,
        );
        if (!r.expired) return r.resourceVersion;
      }
    },
    watch: (path, query, perm, onEvent, signal) =>
      watchStream(
        { transport, base, prefix, options, server, onRequest: opts.onRequest },
        path,
        query,
        perm,
        onEvent,
        signal,
      ),
    async send(method, path, body, perm) {
      const r = await request(path, perm, method, body);
      return { status: r.status, body: r.body };
    },
    async list(path, query, pageSize, perm) {
      // A continue token expires (410 Gone) when a long listing outlives the server's compaction window; the
      // listing then starts over once, which is what kubectl does, rather than mixing two snapshots.
      for (let attempt = 0; ; attempt++) {
        const items: unknown[] = [];
        const r = await pages(
          path,
          query,
          pageSize,
          perm,
          (page) => {
            for (const item of page) items.push(item);
          },
          attempt === 0,
        );
        if (!r.expired) return items;
      }
    },
    close() {
      const agent = options.agent;
      if (agent && typeof agent === "object" && "destroy" in agent) (agent as http.Agent).destroy();
    },
  };
}
