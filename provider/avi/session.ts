// The axios client for one controller user. Login is lazy (first call) and JSON; the Cookie header is built by hand
// (cookies.ts); unsafe calls carry X-CSRFToken and Referer; every call carries X-Avi-Version and X-Avi-Tenant.
// 401/419 (expired or invalidated session) triggers one re-login and one replay; a refused login is remembered and
// never retried, because real controllers lock the account after repeated failures. Transient failures (5xx, lost
// connections) are retried with capped exponential backoff and jitter by axios-retry, only where a replay is safe.

import * as http from "node:http";
import * as https from "node:https";
import axios, { type AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from "axios";
import axiosRetry, { exponentialDelay } from "axios-retry";
import { cookieHeader, type SessionCookies, updateCookies } from "./cookies";
import { userAgent } from "../version";
import { AviError, controllerMessageOf, redact, transportMessage } from "./errors";

/** A version current controllers (22.1.x and later) accept; `"auto"` uses the controller's own version. */
export const DEFAULT_API_VERSION = "22.1.3";

export interface AviConnection {
  /** https://host[:port] (http:// only for the emulator). */
  controller: string;
  username: string;
  password?: string;
  /** An API token (POST /api/user-token) used instead of the password. */
  token?: string;
  /** Default tenant for every call (X-Avi-Tenant); "admin" when unset. */
  tenant?: string;
  /** X-Avi-Version; "auto" asks GET /api/initial-data once. Default DEFAULT_API_VERSION. */
  apiVersion?: string;
  /** PEM CA bundle that signed the controller's certificate. */
  caCert?: string;
  /** Skip TLS verification: an explicit opt-in, never the default. */
  insecure?: boolean;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Retries of a transient failure (5xx, lost connection) per call; default 3. */
  maxRetries?: number;
  /** First backoff step; doubles per retry, with jitter. Default 200 ms. */
  retryBaseMs?: number;
  /** Said after the User-Agent `pulumi-avi-k8s/<version>`, e.g. "sync; replica-1": who wrote, in the audit trail. */
  userAgentDetail?: string;
}

export interface CallOptions {
  /** X-Avi-Tenant for this call only. */
  tenant?: string;
  params?: Record<string, string | number | boolean>;
  /** How errors name the object, e.g. "pool c1--default-web-TCP-80". */
  object?: string;
}

export interface AviCallCounts {
  reads: number;
  writes: number;
  logins: number;
  retries: number;
}

export type AviObject = Record<string, unknown> & { uuid?: string; name?: string; _last_modified?: string };

export interface AviSession {
  readonly controller: string;
  /** The transient-failure retry budget of each call (AviConnection.maxRetries). */
  readonly maxRetries: number;
  get<T = AviObject>(path: string, opts?: CallOptions): Promise<T>;
  /** Every page: follows `next` until the controller stops sending it. */
  list<T = AviObject>(path: string, opts?: CallOptions): Promise<T[]>;
  post<T = AviObject>(path: string, body: unknown, opts?: CallOptions): Promise<T>;
  put<T = AviObject>(path: string, body: unknown, opts?: CallOptions): Promise<T>;
  patch<T = AviObject>(path: string, body: unknown, opts?: CallOptions): Promise<T>;
  delete(path: string, opts?: CallOptions): Promise<void>;
  /** The controller's version (GET /api/initial-data, no login needed), e.g. "22.1.3". */
  controllerVersion(): Promise<string>;
  /** Ends the controller session and closes pooled connections; a later call logs in again. */
  logout(): Promise<void>;
  /** Requests sent so far (retries included), for benchmarks and idempotence checks. */
  counts(): AviCallCounts;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

interface RetryCfg {
  retryable?: (status: number | undefined, code: string | undefined) => boolean;
}

const MAX_PAGES = 100_000;

export function createAviSession(conn: AviConnection): AviSession {
  const base = new URL(conn.controller);
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new AviError({ operation: "connect", object: conn.controller, controllerMessage: "use an https:// URL" });
  }
  const origin = base.origin;
  const defaultTenant = conn.tenant ?? "admin";
  const counts: AviCallCounts = { reads: 0, writes: 0, logins: 0, retries: 0 };
  const httpsAgent = new https.Agent({
    keepAlive: true,
    rejectUnauthorized: conn.insecure !== true,
    ...(conn.caCert ? { ca: conn.caCert } : {}),
  });
  const httpAgent = new http.Agent({ keepAlive: true });
  const client: AxiosInstance = axios.create({
    baseURL: origin,
    timeout: conn.timeoutMs ?? 30_000,
    httpsAgent,
    httpAgent,
    // Only ever talk to the controller named: ignore HTTP(S)_PROXY from the environment.
    proxy: false,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: false },
    headers: { "User-Agent": userAgent(conn.userAgentDetail) },
  });

  let cookies: SessionCookies = {};
  let sessionCookieName = "avi-sessionid";
  let loggedIn = false;
  let generation = 0;
  let loginInFlight: Promise<void> | undefined;
  let loginRefusal: AviError | undefined;
  let apiVersion: string | undefined = conn.apiVersion && conn.apiVersion !== "auto" ? conn.apiVersion : undefined;
  if (conn.apiVersion === undefined) apiVersion = DEFAULT_API_VERSION;

  const secrets = (): (string | undefined)[] => [conn.password, conn.token, cookies.csrftoken, cookies.session];
  const scrub = (s: string): string => redact(s, secrets());

  client.interceptors.request.use((cfg) => {
    const m = (cfg.method ?? "get").toUpperCase();
    const url = cfg.url ?? "";
    if (url.startsWith("/login")) counts.logins++;
    else if (url.startsWith("/api/")) {
      if (m === "GET") counts.reads++;
      else counts.writes++;
    }
    return cfg;
  });
  const absorbCookies = (res: AxiosResponse | undefined): void => {
    if (res && loggedIn) cookies = updateCookies(cookies, res.headers["set-cookie"], sessionCookieName);
  };
  client.interceptors.response.use(
    (res) => {
      absorbCookies(res);
      return res;
    },
    (err: AxiosError) => {
      absorbCookies(err.response);
      return Promise.reject(err);
    },
  );

  axiosRetry(client, {
    retries: conn.maxRetries ?? 3,
    shouldResetTimeout: true,
    retryDelay: (n, err) => Math.min(exponentialDelay(n, err, conn.retryBaseMs ?? 200), 10_000),
    retryCondition: (err) => {
      const cfg = (err.config ?? {}) as AxiosRequestConfig & RetryCfg;
      const status = err.response?.status;
      if (err.code === "ERR_CANCELED") return false;
      return (cfg.retryable ?? (() => false))(status, err.code);
    },
    onRetry: () => {
      counts.retries++;
    },
  });

  /**
   * Which failures a method may replay without risking a double effect on the controller. A POST is replayed only
   * when it cannot have been applied (connection refused, 429); after a 502/503/504 or a broken connection it may
   * have been, so the caller looks the object up by name before creating it again (store.ts createOrFind).
   */
  const retryPolicy = (method: Method) => (status: number | undefined, code: string | undefined) => {
    const idempotent = method === "GET" || method === "PUT" || method === "DELETE";
    if (status === undefined) return code === "ECONNREFUSED" || (idempotent && code !== undefined);
    if (status === 429) return true;
    return status >= 500 && idempotent;
  };

  const describe = (method: string, path: string, opts?: CallOptions): { operation: string; object: string } => {
    const clean = path.replace(/^\/?(api\/)?/, "").split("?")[0] ?? "";
    const [type = clean, ...rest] = clean.split("/");
    return {
      operation: `${method} ${type}`,
      object: opts?.object ?? (rest.length ? `${type} ${rest.join("/")}` : type),
    };
  };

  const toError = (err: unknown, operation: string, object: string): AviError => {
    if (err instanceof AviError) return err;
    const ax = err as AxiosError;
    if (ax?.response) {
      return new AviError({
        operation,
        object: scrub(object),
        status: ax.response.status,
        controllerMessage: scrub(controllerMessageOf(ax.response.data)),
      });
    }
    const code = typeof ax?.code === "string" ? ax.code : undefined;
    return new AviError({
      operation,
      object: scrub(object),
      controllerMessage: scrub(transportMessage(err)),
      ...(code ? { code } : {}),
    });
  };

  async function resolveVersion(): Promise<string> {
    if (!apiVersion) apiVersion = await controllerVersion();
    return apiVersion;
  }

  async function controllerVersion(): Promise<string> {
    try {
      const res = await client.request({
        method: "GET",
        url: "/api/initial-data",
        retryable: retryPolicy("GET"),
      } as AxiosRequestConfig);
      const v = (res.data as { version?: { Version?: string } })?.version?.Version;
      if (!v) throw new AviError({ operation: "GET initial-data", object: origin, controllerMessage: "no version" });
      return v;
    } catch (err) {
      throw toError(err, "GET initial-data", `controller ${origin}`);
    }
  }

  async function doLogin(): Promise<void> {
    const body: Record<string, string> = { username: conn.username };
    if (conn.token) body.token = conn.token;
    else body.password = conn.password ?? "";
    cookies = {};
    let res: AxiosResponse;
    try {
      res = await client.request({
        method: "POST",
        url: "/login",
        data: body,
        headers: { "Content-Type": "application/json", Referer: `${origin}/` },
        // A replayed login at worst opens a spare session; only a refusal (401/403) must never be retried.
        retryable: retryPolicy("GET"),
      } as AxiosRequestConfig);
    } catch (err) {
      const e = toError(err, "login", `user ${conn.username} at ${origin}`);
      if (e.status === 401 || e.status === 403) {
        // Remember the refusal: every later call fails fast instead of adding to the controller's lockout count.
        loginRefusal = new AviError({
          operation: "login",
          object: `user ${conn.username} at ${origin}`,
          status: e.status,
          controllerMessage: `${e.controllerMessage || "credentials refused"}; not retrying, to avoid locking the account`,
        });
        throw loginRefusal;
      }
      throw e;
    }
    const name = (res.data as { session_cookie_name?: string })?.session_cookie_name;
    if (name) sessionCookieName = name;
    cookies = updateCookies({}, res.headers["set-cookie"], sessionCookieName);
    if (!cookies.session) {
      throw new AviError({
        operation: "login",
        object: `user ${conn.username} at ${origin}`,
        status: res.status,
        controllerMessage: "the controller set no session cookie",
      });
    }
    loggedIn = true;
    generation++;
  }

  function login(): Promise<void> {
    if (loginRefusal) return Promise.reject(loginRefusal);
    if (!loginInFlight) {
      loginInFlight = doLogin().finally(() => {
        loginInFlight = undefined;
      });
    }
    return loginInFlight;
  }

  async function send(method: Method, path: string, body: unknown, opts?: CallOptions): Promise<AxiosResponse> {
    const { operation, object } = describe(method, path, opts);
    const url = apiPath(path);
    const version = await resolveVersion();
    let reloggedIn = false;
    for (;;) {
      try {
        if (!loggedIn) await login();
      } catch (err) {
        throw toError(err, operation, object);
      }
      const seen = generation;
      const headers: Record<string, string> = {
        "X-Avi-Version": version,
        "X-Avi-Tenant": opts?.tenant ?? defaultTenant,
        Referer: `${origin}/`,
        Accept: "application/json",
      };
      const cookie = cookieHeader(cookies);
      if (cookie) headers.Cookie = cookie;
      if (method !== "GET" && cookies.csrftoken) headers["X-CSRFToken"] = cookies.csrftoken;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      try {
        return await client.request({
          method,
          url,
          data: body,
          params: opts?.params,
          headers,
          retryable: retryPolicy(method),
        } as AxiosRequestConfig);
      } catch (err) {
        const status = (err as AxiosError).response?.status;
        if ((status === 401 || status === 419) && !reloggedIn) {
          // Session expired or was invalidated: log in again (once per call; concurrent calls share one login).
          reloggedIn = true;
          if (generation === seen) loggedIn = false;
          continue;
        }
        throw toError(err, operation, object);
      }
    }
  }

  async function list<T>(path: string, opts?: CallOptions): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    const { params, ...rest } = opts ?? {};
    const visited = new Set<string>();
    for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
      // `next` already carries the original query plus the page number, so only the first request adds params.
      const res = await send("GET", next, undefined, page === 0 && params ? { ...rest, params } : rest);
      const data = res.data as { results?: T[]; next?: string };
      out.push(...(data.results ?? []));
      const following = data.next ? nextPath(data.next) : undefined;
      if (following === undefined || visited.has(following)) break;
      visited.add(following);
      next = following;
    }
    return out;
  }

  return {
    controller: origin,
    maxRetries: conn.maxRetries ?? 3,
    async get<T>(path: string, opts?: CallOptions) {
      return (await send("GET", path, undefined, opts)).data as T;
    },
    list,
    async post<T>(path: string, body: unknown, opts?: CallOptions) {
      return (await send("POST", path, body, opts)).data as T;
    },
    async put<T>(path: string, body: unknown, opts?: CallOptions) {
      return (await send("PUT", path, body, opts)).data as T;
    },
    async patch<T>(path: string, body: unknown, opts?: CallOptions) {
      return (await send("PATCH", path, body, opts)).data as T;
    },
    async delete(path: string, opts?: CallOptions) {
      await send("DELETE", path, undefined, opts);
    },
    controllerVersion,
    async logout() {
      try {
        if (loggedIn && cookies.session) {
          await client.request({
            method: "POST",
            url: "/logout",
            headers: {
              Cookie: cookieHeader(cookies) ?? "",
              "X-CSRFToken": cookies.csrftoken ?? "",
              Referer: `${origin}/`,
            },
            "axios-retry": { retries: 0 },
          });
        }
      } catch {
        // The session is being thrown away either way; a failed logout only lets it expire on its own.
      } finally {
        loggedIn = false;
        cookies = {};
        httpsAgent.destroy();
        httpAgent.destroy();
      }
    },
    counts: () => ({ ...counts }),
  };
}

/** "pool", "/api/pool/x", "api/pool?name=y" -> "/api/pool/x". */
function apiPath(path: string): string {
  const trimmed = path.replace(/^\/+/, "");
  return trimmed.startsWith("api/") ? `/${trimmed}` : `/api/${trimmed}`;
}

/** `next` is an absolute URL on the controller (possibly with a host we cannot reach): keep /api/... and the query. */
function nextPath(next: string): string | undefined {
  try {
    const u = new URL(next, "https://controller.invalid");
    const at = u.pathname.indexOf("/api/");
    return at < 0 ? undefined : `${u.pathname.slice(at)}${u.search}`;
  } catch {
    return undefined;
  }
}
