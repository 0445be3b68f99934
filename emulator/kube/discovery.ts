// Discovery (/version, /api, /apis, resource lists) and a minimal /openapi/v3: per group-version documents
// whose operations carry x-kubernetes-group-version-kind and the fieldValidation parameter, which is what
// kubectl >= 1.29 checks before it uses server-side validation for create and apply. No schemas are served.
import * as crypto from "node:crypto";
import { ApiError } from "./errors";
import { apiResourceList, groups, RESOURCES } from "./resources";
import type { Json } from "./types";

export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:00:00Z",
  goVersion: "go1.23.6",
  compiler: "gc",
  platform: "linux/amd64",
};

const groupEntry = (g: string, versions: string[]) => {
  const vs = versions.map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
  return { name: g, versions: vs, preferredVersion: vs[0] };
};

/** The discovery document for a GET path, or undefined when the path is not a discovery path. */
export function discoveryDocument(pathname: string, hostPort: string): Json | undefined {
  if (pathname === "/api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: hostPort }],
    };
  }
  if (pathname === "/api/v1") return apiResourceList("", "v1");
  if (pathname === "/apis") {
    return { kind: "APIGroupList", apiVersion: "v1", groups: [...groups()].map(([g, vs]) => groupEntry(g, vs)) };
  }
  const g = pathname.match(/^\/apis\/([^/]+)\/?$/);
  if (g) {
    const vs = groups().get(g[1]);
    return vs ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(g[1], vs) } : undefined;
  }
  const gv = pathname.match(/^\/apis\/([^/]+)\/([^/]+)\/?$/);
  if (gv) return apiResourceList(gv[1], gv[2]);
  return undefined;
}

function groupVersions(): Map<string, typeof RESOURCES> {
  const m = new Map<string, (typeof RESOURCES)[number][]>();
  for (const r of RESOURCES) {
    const key = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
    m.set(key, [...(m.get(key) ?? []), r]);
  }
  return m;
}

export function openapiDocument(pathname: string): Json {
  const gvs = groupVersions();
  if (pathname === "/openapi/v3" || pathname === "/openapi/v3/") {
    const paths: Json = {};
    for (const k of gvs.keys()) {
      const hash = crypto.createHash("sha512").update(`${k}${SERVER_VERSION.gitVersion}`).digest("hex").toUpperCase();
      paths[k] = { serverRelativeURL: `/openapi/v3/${k}?hash=${hash}` };
    }
    return { paths };
  }
  const rs = gvs.get(pathname.replace(/^\/openapi\/v3\//, ""));
  if (!rs) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  const fieldValidation = {
    name: "fieldValidation",
    in: "query",
    description:
      "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields.",
    schema: { type: "string", uniqueItems: true },
  };
  const paths: Json = {};
  for (const r of rs) {
    const prefix = `/${r.group ? `apis/${r.group}` : "api"}/${r.version}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const op = (action: string, verb: string) => ({
      operationId: `${verb}${r.kind}`,
      parameters: [fieldValidation],
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
      responses: { "200": { description: "OK" } },
    });
    paths[prefix] = { get: op("list", "list"), post: op("post", "create") };
    paths[`${prefix}/{name}`] = {
      get: op("get", "read"),
      put: op("put", "replace"),
      patch: op("patch", "patch"),
      delete: op("delete", "delete"),
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}
