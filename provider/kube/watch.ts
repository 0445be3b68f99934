// A Kubernetes watch over node:http(s): GET <collection>?watch=1&..., a chunked stream of JSON lines
// ({"type", "object"}), read line by line as it arrives. The server ends the stream after timeoutSeconds (the caller
// resumes from the last resourceVersion it saw); a resourceVersion older than the server keeps answers 410, either
// as the HTTP status or as an ERROR event carrying a Status with code 410: both reject with status 410 here, so the
// caller lists again. No retries here: what to do after a failure is the informer's decision (informer.ts).
import type * as http from "node:http";
import type * as https from "node:https";
import type { RequestInfo, WatchEvent } from "./client";
import { describePermission, errorForStatus, KubeReadError, type Permission } from "./errors";

export interface WatchTransport {
  transport: typeof http | typeof https;
  base: URL;
  prefix: string;
  options: http.RequestOptions;
  server: string;
  onRequest?: ((info: RequestInfo) => void) | undefined;
}

/** How long a watch may stay silent before it counts as dead: the server's own timeout plus a margin. */
function idleMs(query: Record<string, string>): number {
  const seconds = Number(query.timeoutSeconds ?? 300);
  return (Number.isFinite(seconds) ? seconds : 300) * 1000 + 30_000;
}

export function watchStream(
  t: WatchTransport,
  path: string,
  query: Record<string, string>,
  perm: Permission,
  onEvent: (event: WatchEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const q = new URLSearchParams({ ...query, watch: "1" });
  const pathAndQuery = `${path}?${q.toString()}`;
  t.onRequest?.({ method: "GET", path: pathAndQuery });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    };
    const req = t.transport.request(
      {
        ...t.options,
        protocol: t.base.protocol,
        hostname: t.base.hostname.replace(/^\[|\]$/g, ""),
        port: t.base.port || undefined,
        method: "GET",
        path: t.prefix + pathAndQuery,
        headers: { ...(t.options.headers as http.OutgoingHttpHeaders), Accept: "application/json" },
        timeout: idleMs(query),
      },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            let message: string | undefined;
            try {
              message = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { message?: string }).message;
            } catch {
              message = undefined;
            }
            done(errorForStatus(t.server, perm, res.statusCode ?? 0, message));
          });
          res.on("error", (e) => done(e));
          return;
        }
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let nl = buffer.indexOf("\n");
          while (nl >= 0 && !settled) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf("\n");
            if (!line) continue;
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              done(new KubeReadError("other", `The watch of ${path} on ${t.server} sent a line that is not JSON.`));
              req.destroy();
              return;
            }
            if (event.type === "ERROR") {
              const status = event.object as { code?: number; message?: string };
              done(errorForStatus(t.server, perm, Number(status.code ?? 500), status.message));
              req.destroy();
              return;
            }
            onEvent(event);
          }
        });
        res.on("end", () => done());
        res.on("error", (e) => done(e));
        res.on("aborted", () => done());
      },
    );
    const onAbort = () => {
      done();
      req.destroy();
    };
    signal.addEventListener("abort", onAbort);
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("the watch stayed silent past its timeout"), { code: "ETIMEDOUT" })),
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (settled) return;
      done(
        new KubeReadError(
          "unreachable",
          `Could not keep watching (${describePermission(perm)}) on the Kubernetes API server at ${t.server}: ${err.message.replace(/\s+/g, " ")}.`,
        ),
      );
    });
    if (signal.aborted) onAbort();
    else req.end();
  });
}
