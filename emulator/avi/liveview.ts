// The live view's HTTP side: the page at / and its static files (emulator/avi/ui, shipped beside dist/), and three
// read-only endpoints the page calls with the session cookie the controller's own /login set:
//   GET /ui/api/session   who is logged in ({user: null} without a session: the page then shows its login form)
//   GET /ui/api/state     the live state (livestate.ts)
//   GET /ui/api/changes   the change log's last writes
//   GET /ui/events        server-sent events: hello {version}, change {version, entry}, logout; a ping keeps the
//                         session alive while the page is open, and a dropped session ends the stream
// These requests stay out of the request log and the fault injection: watching must not change what tests count.
import * as fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as path from "node:path";
import { type AuthConfig, type AuthState, identify } from "./auth";
import type { ChangeLog } from "./changelog";
import { liveState } from "./livestate";
import { find, type State } from "./store";

export interface LiveViewContext {
  state: State;
  auth: AuthState;
  authConfig: AuthConfig;
  changes: ChangeLog;
  controllerVersion: string;
  uiHeartbeatMs: number;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  // Same-origin requests keep a full Referer, which the controller's CSRF check wants on POST /logout.
  "Referrer-Policy": "same-origin",
};

/** The page's files: next to the compiled module when copied there, else emulator/avi/ui beside dist/. */
export function uiDirectory(): string {
  const candidates = [path.resolve(__dirname, "ui"), path.resolve(__dirname, "../../../emulator/avi/ui")];
  const found = candidates.find((d) => fs.existsSync(path.join(d, "index.html")));
  if (!found) throw new Error(`The live view's files are missing: looked in ${candidates.join(" and ")}.`);
  return found;
}

export function isLiveViewPath(p: string): boolean {
  return p === "/" || p === "/index.html" || p === "/ui" || p.startsWith("/ui/");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendFile(res: ServerResponse, dir: string, name: string): void {
  const type = TYPES[path.extname(name)];
  // Only plain file names of the page's own kinds: no paths, so nothing outside the directory is reachable.
  const file = path.join(dir, name);
  if (!type || !/^[a-z0-9][a-z0-9.-]*$/.test(name) || !fs.existsSync(file)) {
    sendJson(res, 404, { detail: "Not found." });
    return;
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Cache-Control": "no-cache",
    "Content-Length": body.length,
  });
  res.end(body);
}

type Who = { user: string; sessionId?: string };

function caller(ctx: LiveViewContext, req: IncomingMessage): Who | { expired: boolean } {
  const sysconf = find(ctx.state, "systemconfiguration", "default");
  const basicAllowed = sysconf?.portal_configuration?.allow_basic_authentication === true;
  const c = identify(ctx.auth, ctx.authConfig, req.headers, basicAllowed, Date.now());
  if (c.kind === "session") return { user: c.session.username, sessionId: c.session.id };
  if (c.kind === "basic") return { user: ctx.authConfig.username };
  return { expired: c.reason === "expired" };
}

function events(ctx: LiveViewContext, req: IncomingMessage, res: ServerResponse, who: Who): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
  });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.write("retry: 1000\n\n");
  send("hello", { version: ctx.changes.version(), user: who.user });
  const unsubscribe = ctx.changes.subscribe((entry) => send("change", { version: entry.seq, entry }));
  const beat = setInterval(() => {
    const session = who.sessionId ? ctx.auth.sessions.get(who.sessionId) : undefined;
    if (who.sessionId && !session) {
      send("logout", { reason: "The session ended (logged out, expired or the controller restarted)." });
      res.end();
      return;
    }
    // An open page keeps its session alive, as the controller's UI does by polling.
    if (session) session.lastUsed = Date.now();
    res.write(": ping\n\n");
  }, ctx.uiHeartbeatMs);
  const stop = () => {
    clearInterval(beat);
    unsubscribe();
  };
  req.on("close", stop);
  res.on("close", stop);
}

export function handleLiveView(ctx: LiveViewContext, req: IncomingMessage, res: ServerResponse, p: string): void {
  try {
    route(ctx, req, res, p);
  } catch (err) {
    if (!res.headersSent)
      sendJson(res, 500, { error: `Live view: ${err instanceof Error ? err.message : String(err)}` });
    else res.end();
  }
}

function route(ctx: LiveViewContext, req: IncomingMessage, res: ServerResponse, p: string): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendJson(res, 405, { detail: `Method '${req.method}' not allowed.` });
  } else if (p === "/" || p === "/index.html" || p === "/ui") {
    sendFile(res, uiDirectory(), "index.html");
  } else if (!p.startsWith("/ui/api/") && p !== "/ui/events") {
    sendFile(res, uiDirectory(), p.slice("/ui/".length));
  } else {
    answer(ctx, req, res, p);
  }
}

function answer(ctx: LiveViewContext, req: IncomingMessage, res: ServerResponse, p: string): void {
  const who = caller(ctx, req);
  if (p === "/ui/api/session") {
    const user = "user" in who ? who.user : null;
    sendJson(res, 200, { user, controllerVersion: user ? ctx.controllerVersion : undefined });
  } else if (!("user" in who)) {
    const detail = who.expired ? "Session expired. Log in again." : "Authentication credentials were not provided.";
    sendJson(res, 401, { detail });
  } else if (p === "/ui/events") {
    events(ctx, req, res, who);
  } else if (p === "/ui/api/state") {
    sendJson(res, 200, liveState(ctx.state, ctx.changes.version(), ctx.controllerVersion));
  } else if (p === "/ui/api/changes") {
    sendJson(res, 200, { version: ctx.changes.version(), entries: ctx.changes.entries() });
  } else {
    sendJson(res, 404, { detail: "Not found." });
  }
}
