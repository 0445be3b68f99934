// /healthz (the process is alive: its event loop turns), /readyz (leader: the first full resync is done;
// follower: it watches the Lease) and /metrics (Prometheus text) on one small HTTP server.
import * as http from "node:http";

export interface HealthSource {
  alive(): boolean;
  ready(): { ok: boolean; reason: string };
  metrics(): string;
}

export interface HealthServer {
  /** "http://127.0.0.1:8080" as bound (the port filled in when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/** "0.0.0.0:8080", "[::]:8080", ":8080" (all interfaces) or "127.0.0.1:0". */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new Error(`--listen '${value}' must be HOST:PORT, e.g. 0.0.0.0:8080 or 127.0.0.1:8080.`);
  }
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

export function startHealthServer(listen: string, source: HealthSource): Promise<HealthServer> {
  const { host, port } = parseListen(listen);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const text = (code: number, body: string, type = "text/plain; charset=utf-8") => {
      res.writeHead(code, { "Content-Type": type, "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, "method not allowed\n");
    if (path === "/healthz" || path === "/livez") {
      return source.alive() ? text(200, "ok\n") : text(500, "the event loop has not turned for 10 s\n");
    }
    if (path === "/readyz") {
      const r = source.ready();
      return text(r.ok ? 200 : 503, `${r.reason}\n`);
    }
    if (path === "/metrics") return text(200, source.metrics(), "text/plain; version=0.0.4; charset=utf-8");
    return text(404, "not found: try /healthz, /readyz or /metrics\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const a = server.address();
      const bound = typeof a === "object" && a ? a.port : port;
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
