// Reader errors: one sentence each, saying what was being read, from where, what the server answered and what to
// do. Never a token or a certificate: only the server URL and the server's own message.

export type KubeReadErrorReason =
  | "unreachable"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "no-selector"
  | "invalid"
  | "other";

export class KubeReadError extends Error {
  readonly reason: KubeReadErrorReason;
  /** The HTTP status, when the server answered. */
  readonly status?: number;
  constructor(reason: KubeReadErrorReason, message: string, status?: number) {
    super(message);
    this.name = "KubeReadError";
    this.reason = reason;
    if (status !== undefined) this.status = status;
  }
}

/** What a request needs, so a 403 can name the missing RBAC permission. */
export interface Permission {
  verb: "get" | "list" | "watch" | "create" | "update" | "patch";
  /** Plural resource, e.g. "nodes", "endpointslices", "blockaffinities". */
  resource: string;
  /** API group; "" for the core group. */
  group: string;
  namespace?: string;
  /** For get: the object's name. */
  name?: string;
}

export function describePermission(p: Permission): string {
  const res = p.group ? `${p.resource}.${p.group}` : p.resource;
  const where = p.namespace ? ` in namespace ${p.namespace}` : "";
  return `${p.verb} ${res}${p.name ? ` ${p.name}` : ""}${where}`;
}

function rbacRule(p: Permission): string {
  return `apiGroups ["${p.group}"], resources ["${p.resource}"], verbs ["${p.verb}"]`;
}

function serverSaid(message: string | undefined): string {
  return message ? `; the server said: ${message.replace(/\s+/g, " ").slice(0, 300)}` : "";
}

/** Turns an HTTP error status into a KubeReadError naming the operation and, for 403, the permission. */
export function errorForStatus(server: string, p: Permission, status: number, message?: string): KubeReadError {
  const op = describePermission(p);
  if (status === 401) {
    return new KubeReadError(
      "unauthorized",
      `The Kubernetes API server at ${server} rejected the kubeconfig's credentials (401 Unauthorized) when asked to ${op}: check the user's token, certificate or exec plugin${serverSaid(message)}.`,
      status,
    );
  }
  if (status === 403) {
    const scope = p.namespace ? `a Role in namespace ${p.namespace}` : "a ClusterRole";
    return new KubeReadError(
      "forbidden",
      `The kubeconfig's user may not ${op} (403 Forbidden): grant it ${scope} rule ${rbacRule(p)}${serverSaid(message)}.`,
      status,
    );
  }
  if (status === 404) {
    return new KubeReadError(
      "not-found",
      `The Kubernetes API server at ${server} answered 404 Not Found when asked to ${op}${serverSaid(message)}.`,
      status,
    );
  }
  return new KubeReadError(
    "other",
    `The Kubernetes API server at ${server} answered ${status} when asked to ${op}${serverSaid(message)}.`,
    status,
  );
}
