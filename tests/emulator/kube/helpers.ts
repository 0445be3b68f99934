// Shared set-up for the Kubernetes emulator tests: the seed topology plus the Calico blocks and CiliumNodes of
// their fixtures (same node names), and small parsers for kubectl's column output.
import * as path from "node:path";
import { fixturePath, type KubeObject, readFixture } from "../../../emulator/kube";

/** Seed objects plus the CNI custom resources of calico.yaml and cilium.yaml, which name the same nodes. */
export function seedWithCniObjects(): KubeObject[] {
  const seed = readFixture(fixturePath("seed.yaml"));
  const blocks = readFixture(fixturePath("calico.yaml")).filter((o) => o.kind === "BlockAffinity");
  const cilium = readFixture(fixturePath("cilium.yaml")).filter((o) => o.kind === "CiliumNode");
  return [...seed, ...blocks, ...cilium];
}

/** kubectl's table output as rows of cells (columns are separated by at least two spaces). */
export function rows(out: string): string[][] {
  return out
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim().split(/\s{2,}/));
}

/** Rows with the AGE column (and generated slice names) masked, so they compare across runs. */
export function masked(out: string): string[][] {
  const all = rows(out);
  const ageAt = all[0]?.indexOf("AGE") ?? -1;
  return all.map((r, i) =>
    r.map((cell, j) => {
      if (i > 0 && j === ageAt) return "<age>";
      return cell.replace(/^(web)-[bcdfghjklmnpqrstvwxz2456789]{5}$/, "$1-<generated>");
    }),
  );
}

export const fixturesDir = () => path.dirname(fixturePath("seed.yaml"));

export interface HttpResult {
  status: number;
  headers: import("node:http").IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are open-ended JSON.
  body: any;
  text: string;
}

/** One HTTPS request to the emulator, trusting its CA; the token is the emulator's unless given (null: none). */
export function call(
  kube: { url: string; caCert: string; token: string },
  method: string,
  urlPath: string,
  opts: {
    body?: unknown;
    contentType?: string;
    token?: string | null;
    accept?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResult> {
  const https = require("node:https") as typeof import("node:https");
  const token = opts.token === undefined ? kube.token : opts.token;
  const data =
    opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(urlPath, kube.url),
      {
        method,
        ca: kube.caCert,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(data !== undefined ? { "Content-Type": opts.contentType ?? "application/json" } : {}),
          Accept: opts.accept ?? "application/json",
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on("error", reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

/** Opens a watch and collects its events until stop() (or the server ends it). */
export function openWatch(kube: { url: string; caCert: string; token: string }, urlPath: string) {
  const https = require("node:https") as typeof import("node:https");
  // biome-ignore lint/suspicious/noExplicitAny: watch events are open-ended JSON.
  const events: any[] = [];
  const waiters: (() => void)[] = [];
  let buf = "";
  let ended = false;
  const req = https.request(new URL(urlPath, kube.url), {
    ca: kube.caCert,
    headers: { Authorization: `Bearer ${kube.token}` },
  });
  const done = new Promise<void>((resolve) => {
    req.on("response", (res) => {
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        buf += c;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on("end", () => {
        ended = true;
        for (const w of waiters.splice(0)) w();
        resolve();
      });
    });
    req.on("error", () => resolve());
  });
  req.end();
  return {
    events,
    /** Resolves once an event satisfies pred (or the stream ends). */
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async until(pred: (ev: any) => boolean): Promise<void> {
      while (!events.some(pred) && !ended) await new Promise<void>((r) => waiters.push(r));
    },
    done,
    stop() {
      req.destroy();
    },
  };
}
