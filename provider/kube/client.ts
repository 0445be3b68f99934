// A minimal JSON client over node:http(s): GET one object, or list a collection page by page with
// limit/continue. No state outside the returned object, so readers are benchmarkable and parallel-safe.
import * as http from "node:http";
import * as https from "node:https";
import { type KubeConnection, resolveConnection } from "./connection";
import { describePermission, errorForStatus, KubeReadError, type Permission } from "./errors";

export interface RequestInfo {
  method: "GET";
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
  close(): void;
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

  function request(pathAndQuery: string, perm: Permission): Promise<Reply> {
    opts.onRequest?.({ method: "GET", path: pathAndQuery });
    return new Promise<Reply>((resolve, reject) => {
      const req = transport.request(
        {
          ...options,
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ""),
          port: base.port || undefined,
          method: "GET",
          path: prefix + pathAndQuery,
          headers: { ...(options.headers as http.OutgoingHttpHeaders), Accept: "application/json" },
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
      req.end();
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

  return {
    server,
    get: (path, perm, allowMissing = false) => getJson(path, perm, allowMissing),
    async list(path, query, pageSize, perm) {
      const limit = Math.max(1, Math.floor(pageSize));
      // A continue token expires (410 Gone) when a long listing outlives the server's compaction window; the
      // listing then starts over once, which is what kubectl does, rather than mixing two snapshots.
      for (let attempt = 0; ; attempt++) {
        const items: unknown[] = [];
        let token: string | undefined;
        let expired = false;
        do {
          const q = new URLSearchParams({ ...query, limit: String(limit) });
          if (token) q.set("continue", token);
          const r = await requestWithRetry(`${path}?${q.toString()}`, perm);
          if (r.status === 410 && token && attempt === 0) {
            expired = true;
            break;
          }
          if (r.status < 200 || r.status >= 300) throw errorForStatus(server, perm, r.status, statusMessage(r));
          const body = r.body as { items?: unknown[] | null; metadata?: { continue?: string } } | undefined;
          if (!body || typeof body !== "object") {
            throw new KubeReadError(
              "other",
              `The Kubernetes API server at ${server} sent no JSON list when asked to ${describePermission(perm)}.`,
            );
          }
          for (const item of body.items ?? []) items.push(item);
          token = body.metadata?.continue || undefined;
        } while (token);
        if (!expired) return items;
      }
    },
    close() {
      const agent = options.agent;
      if (agent && typeof agent === "object" && "destroy" in agent) (agent as http.Agent).destroy();
    },
  };
}
