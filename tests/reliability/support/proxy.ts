// A recording HTTP proxy in front of the Avi emulator (run with http: true): it sees every Set-Cookie and Cookie
// header, so the secrets campaign knows each session id and CSRF token that was ever issued or sent.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordingProxy {
  url: string;
  /** Session ids and CSRF tokens seen in either direction. */
  sessionSecrets(): string[];
  stop(): Promise<void>;
}

function cookieValues(header: string | string[] | undefined): string[] {
  const lines = Array.isArray(header) ? header : header ? [header] : [];
  const out: string[] = [];
  for (const line of lines) {
    for (const part of line.split(/;\s*/)) {
      const [k, v] = part.split("=");
      if (v && /sessionid|csrftoken/i.test(k ?? "")) out.push(v);
    }
  }
  return out;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    for (const v of cookieValues(req.headers.cookie)) seen.add(v);
    const up = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (r) => {
        for (const v of cookieValues(r.headers["set-cookie"])) seen.add(v);
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sessionSecrets: () => [...seen],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
