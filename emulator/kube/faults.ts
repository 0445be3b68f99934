// Fault knobs for reliability tests: each counter makes the next N matching requests fail that way
// (Infinity: until cleared). latencyMs delays every matching request. Settable at run time.
import { ApiError } from "./errors";

export interface KubeFaults {
  /** 401 Unauthorized, as with an expired token. */
  unauthorized: number;
  /** 403 Forbidden, as with missing RBAC. */
  forbidden: number;
  /** 410 Expired on list requests that carry a continue token. */
  expireContinue: number;
  /** 429 TooManyRequests with a Retry-After header. */
  tooManyRequests: number;
  retryAfterSeconds: number;
  /** 500 InternalError. */
  serverError: number;
  latencyMs: number;
  /** Only requests whose path matches are affected; every API path when unset. */
  pathPattern?: RegExp;
}

export const noFaults = (): KubeFaults => ({
  unauthorized: 0,
  forbidden: 0,
  expireContinue: 0,
  tooManyRequests: 0,
  retryAfterSeconds: 1,
  serverError: 0,
  latencyMs: 0,
});

export interface RequestTarget {
  path: string;
  verb: string;
  resource?: string;
  group?: string;
  namespace?: string;
}

const applies = (f: KubeFaults, path: string) =>
  path !== "/version" &&
  path !== "/version/" &&
  path !== "/healthz" &&
  path !== "/readyz" &&
  path !== "/livez" &&
  (!f.pathPattern || f.pathPattern.test(path));

function take(
  f: KubeFaults,
  knob: "unauthorized" | "forbidden" | "tooManyRequests" | "serverError" | "expireContinue",
): boolean {
  if (f[knob] <= 0) return false;
  f[knob] -= 1;
  return true;
}

/** Throws the injected error for this request, if a knob says so. */
export function injectFault(f: KubeFaults, t: RequestTarget): void {
  if (!applies(f, t.path)) return;
  if (take(f, "unauthorized")) throw new ApiError(401, "Unauthorized", "Unauthorized");
  if (take(f, "forbidden")) {
    const what = t.resource ?? "resource";
    const scope = t.namespace ? `in the namespace "${t.namespace}"` : "at the cluster scope";
    throw new ApiError(
      403,
      "Forbidden",
      `${what}${t.group ? `.${t.group}` : ""} is forbidden: User "system:serviceaccount:default:avi-k8s" cannot ${t.verb} resource "${what}" in API group "${t.group ?? ""}" ${scope}`,
      t.group ? { group: t.group, kind: what } : { kind: what },
    );
  }
  if (take(f, "tooManyRequests")) {
    throw new ApiError(
      429,
      "TooManyRequests",
      "Too many requests, please try again later.",
      { retryAfterSeconds: f.retryAfterSeconds },
      { "Retry-After": String(f.retryAfterSeconds) },
    );
  }
  if (take(f, "serverError"))
    throw new ApiError(500, "InternalError", "Internal error occurred: injected server error");
}

/** Whether this continue request should be answered 410 Expired. */
export function takeExpireContinue(f: KubeFaults, path: string): boolean {
  return applies(f, path) && take(f, "expireContinue");
}

export function delay(f: KubeFaults, path: string): Promise<void> {
  if (f.latencyMs <= 0 || !applies(f, path)) return Promise.resolve();
  return new Promise((r) => setTimeout(r, f.latencyMs));
}
