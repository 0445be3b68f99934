// One error type for everything the controller (or the network on the way to it) refuses. The message is a single
// sentence naming the operation, the object, the status and the controller's own words, and it is scrubbed of every
// secret the session knows (password, token, session id, CSRF token) before anyone can log it.
import { nameIn, whereToSet } from "../settings/resolve";

/** Where a user of the CLI, of the environment and of a stack sets a setting (the error cannot know which is used). */
const USER_PLACES = ["flags", "env", "config"] as const;

export class AviError extends Error {
  /** HTTP status, when the controller answered at all. */
  readonly status?: number;
  /** e.g. "PUT vrfcontext", "login". */
  readonly operation: string;
  /** e.g. "vrfcontext global", "pool c1--default-web-TCP-80". */
  readonly object: string;
  /** What the controller said (JSON `error`/`detail`, or its plain text), scrubbed and shortened. */
  readonly controllerMessage: string;
  /** The transport error code when no answer came (ECONNRESET, ECONNABORTED, ...). */
  readonly code?: string;

  constructor(fields: {
    operation: string;
    object: string;
    status?: number;
    controllerMessage?: string;
    code?: string;
  }) {
    const said = fields.controllerMessage ? `: ${fields.controllerMessage}` : "";
    const status = fields.status === undefined ? "" : ` with HTTP ${fields.status}`;
    super(`Avi ${fields.operation} of ${fields.object} failed${status}${said}`.replace(/[.\s]*$/, "."));
    this.name = "AviError";
    this.operation = fields.operation;
    this.object = fields.object;
    this.controllerMessage = fields.controllerMessage ?? "";
    if (fields.status !== undefined) this.status = fields.status;
    if (fields.code !== undefined) this.code = fields.code;
  }
}

const MAX_MESSAGE = 300;

/**
 * A write whose outcome is unknown: a gateway answered for the controller (502/503/504), or the connection broke
 * or timed out after the request was sent. The controller may or may not have applied it.
 */
export function outcomeUnknown(err: unknown): boolean {
  const e = err as { status?: number; code?: string };
  if (e.status !== undefined) return e.status === 502 || e.status === 503 || e.status === 504;
  return e.code === "ECONNRESET" || e.code === "ECONNABORTED" || e.code === "ETIMEDOUT" || e.code === "EPIPE";
}

/** Pulls the human part out of an Avi error body: `{"error": ...}`, DRF `{"detail": ...}`, or plain text. */
export function controllerMessageOf(body: unknown): string {
  let text: string;
  if (body === undefined || body === null || body === "") return "";
  if (typeof body === "string") {
    const trimmed = body.trim();
    try {
      return controllerMessageOf(JSON.parse(trimmed));
    } catch {
      text = trimmed;
    }
  } else if (Buffer.isBuffer(body)) {
    return controllerMessageOf(body.toString("utf8"));
  } else if (typeof body === "object") {
    const o = body as Record<string, unknown>;
    const inner = o.error ?? o.detail ?? o.message ?? o.msg;
    text = typeof inner === "string" ? inner : JSON.stringify(inner ?? body);
  } else {
    text = String(body);
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}

/** Replaces every known secret (and anything shaped like a cookie assignment of one) with "***". */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("***");
  }
  return out.replace(/\b(csrftoken|sessionid|avi-sessionid|password|token)=([^;\s,]+)/gi, "$1=***");
}

/** Describes a transport failure (no HTTP answer) in words an operator can act on. */
export function transportMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused (is the controller address right and reachable?)";
    case "ECONNRESET":
      return "connection reset by the controller";
    case "ECONNABORTED":
    case "ETIMEDOUT":
      return "no answer before the timeout";
    case "ENOTFOUND":
      return "controller host name not found";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return (
        `TLS verification failed (${e.code}): the controller's certificate does not name the host of the URL; ` +
        `use the name it was issued for, or skip verification (labs only) with ${insecureHint()}`
      );
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_HAS_EXPIRED":
      return (
        `TLS verification failed (${e.code}): pass the CA that signed the controller's certificate with ` +
        `${whereToSet("caBundle", USER_PLACES)}, or skip verification (labs only) with ${insecureHint()}`
      );
    default:
      return e.code ? `${e.code}: ${e.message ?? ""}`.trim() : (e.message ?? "unknown transport error");
  }
}

/** "--avi-insecure, AVI_INSECURE=true or avi-k8s:insecure true in stack config". */
function insecureHint(): string {
  const flag = nameIn("flags", "insecure");
  const env = nameIn("env", "insecure");
  const config = nameIn("config", "insecure")?.replace(" in stack config", " true in stack config");
  return [flag, env && `${env}=true`].filter(Boolean).join(", ") + (config ? ` or ${config}` : "");
}
