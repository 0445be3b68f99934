// The demo's own controller client: plain HTTPS requests with node:https, the way a person checks a controller
// with curl (POST /login, then the session and CSRF cookies on each call). It shares nothing with provider/avi,
// the client under test, so a bug there cannot hide itself in what the demo shows the controller holds.
import * as https from "node:https";

type Json = Record<string, unknown>;

export interface RestTarget {
  url: string;
  username: string;
  password: string;
  /** PEM of the CA that signed the controller's certificate. */
  caCert?: string;
}

export interface RestClient {
  /** Every object of a type (following `next` pages), optionally filtered by query parameters. */
  list(type: string, params?: Record<string, string>): Promise<Json[]>;
  put(path: string, body: Json): Promise<Json>;
  logout(): Promise<void>;
}

const API_VERSION = "22.1.3";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(t: RestTarget, method: string, path: string, headers: Record<string, string>, body?: string) {
  const url = new URL(path, t.url);
  return new Promise<Answer>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        headers: { Accept: "application/json", ...headers, ...(body ? { "Content-Type": "application/json" } : {}) },
        ...(t.caCert ? { ca: t.caCert } : {}),
        timeout: 10_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname}: no answer in 10 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

function cookiesOf(a: Answer): Map<string, string> {
  const out = new Map<string, string>();
  const raw = a.headers["set-cookie"];
  for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const [pair] = c.split(";");
    const at = pair?.indexOf("=") ?? -1;
    if (pair && at > 0) out.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return out;
}

function parsed(method: string, path: string, a: Answer): Json {
  if (a.status < 200 || a.status >= 300) {
    throw new Error(`${method} ${path} on the controller answered ${a.status}: ${a.body.slice(0, 200)}`);
  }
  return a.body ? (JSON.parse(a.body) as Json) : {};
}

/** Logs in with the username and password; the password goes in the login body only. */
export async function restLogin(t: RestTarget): Promise<RestClient> {
  const login = await request(t, "POST", "/login", {}, JSON.stringify({ username: t.username, password: t.password }));
  parsed("POST", "/login", login);
  const cookies = cookiesOf(login);
  const cookieHeader = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const common = { Cookie: cookieHeader, "X-Avi-Version": API_VERSION };
  // Django's CSRF check on writes: the token from the login cookie, and a Referer of the controller's own origin.
  const writeHeaders = {
    ...common,
    "X-CSRFToken": cookies.get("csrftoken") ?? "",
    Referer: `${new URL(t.url).origin}/`,
  };

  return {
    async list(type, params = {}) {
      const items: Json[] = [];
      let path: string | undefined = `/api/${type}?${new URLSearchParams({ page_size: "200", ...params })}`;
      while (path) {
        const page = parsed("GET", path, await request(t, "GET", path, common));
        items.push(...((page.results as Json[] | undefined) ?? []));
        // `next` is an absolute URL on the controller; keep only its path and query.
        path =
          typeof page.next === "string" && page.next
            ? `${new URL(page.next).pathname}${new URL(page.next).search}`
            : undefined;
      }
      return items;
    },
    async put(path, body) {
      return parsed("PUT", path, await request(t, "PUT", `/api/${path}`, writeHeaders, JSON.stringify(body)));
    },
    async logout() {
      await request(t, "POST", "/logout", writeHeaders).catch(() => undefined);
    },
  };
}
