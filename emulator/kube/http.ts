// HTTP plumbing of the API server front: URL paths to resources, request bodies, JSON responses.
import type * as http from "node:http";
import * as YAML from "yaml";
import { badRequest } from "./errors";
import { byPath } from "./resources";
import type { Json, ResourceType } from "./types";

export interface Route {
  rt: ResourceType;
  ns?: string;
  name?: string;
  sub?: string;
}

/** Parses /api/v1/... and /apis/<group>/<version>/... into a resource, namespace, name and subresource. */
export function route(pathname: string): Route | undefined {
  let group = "";
  let version: string;
  let rest: string;
  const core = pathname.match(/^\/api\/(v1)\/(.+)$/);
  if (core) [, version, rest] = core;
  else {
    const m = pathname.match(/^\/apis\/([^/]+)\/([^/]+)\/(.+)$/);
    if (!m) return undefined;
    [, group, version, rest] = m;
  }
  const segs = rest.split("/").filter(Boolean).map(decodeURIComponent);
  if (segs[0] === "namespaces" && segs.length >= 3) {
    const rt = byPath(group, version, segs[2]);
    if (rt?.namespaced && segs.length <= 5) return { rt, ns: segs[1], name: segs[3], sub: segs[4] };
  }
  const rt = byPath(group, version, segs[0]);
  if (!rt || segs.length > 3) return undefined;
  // A namespaced type has no cluster-wide object paths, only the all-namespaces list.
  if (rt.namespaced && segs.length > 1) return undefined;
  return { rt, name: segs[1], sub: segs[2] };
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function parseBody(text: string, contentType: string): Json {
  if (!text) return {};
  try {
    return /yaml/.test(contentType) ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding body: ${(e as Error).message}`);
  }
}

export function send(
  res: http.ServerResponse,
  code: number,
  body: Json,
  headers: Record<string, string> = {},
  pretty = false,
): number {
  const data = pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
    "Content-Length": Buffer.byteLength(data),
    ...headers,
  });
  res.end(data);
  return Buffer.byteLength(data);
}
