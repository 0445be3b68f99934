// A deliberately tiny stand-in for the controller's session layer, for client unit tests that need exact control
// over each answer (the full emulator lives in emulator/avi and is used by the acceptance tests).
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

export type Handler = (req: SeenRequest, seen: SeenRequest[]) => Reply | undefined | Promise<Reply | undefined>;

export interface TinyController {
  url: string;
  seen: SeenRequest[];
  stop(): Promise<void>;
}

export const SESSION = "s3ss10n1d0000000000000000000000a";
export const CSRF = "csrf70k3n000000000000000000000000";

/** The default login answer: Secure cookies, as a real controller sends them. */
export function loginReply(session = SESSION, csrf = CSRF): Reply {
  return {
    status: 200,
    body: { session_cookie_name: "avi-sessionid", version: { Version: "22.1.6" } },
    headers: {
      "set-cookie": [
        `csrftoken=${csrf}; Max-Age=31449600; Path=/; Secure`,
        `avi-sessionid=${session}; HttpOnly; Max-Age=86400; Path=/; Secure`,
        `sessionid=${session}; HttpOnly; Max-Age=86400; Path=/; Secure`,
      ],
    },
  };
}

export async function startTiny(handler: Handler, tls?: { cert: string; key: string }): Promise<TinyController> {
  const seen: SeenRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const r: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(r);
      const reply = (await handler(r, seen)) ?? { status: 404, body: { error: "not here" } };
      if (reply.status === 0) return; // never answer: lets a test see the client's timeout
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      res.setHeader("Content-Type", "application/json");
      res.statusCode = reply.status;
      res.end(reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
