// Status errors with the reasons and message texts of the real API server.
import { groupResource, storageOf } from "./resources";
import type { Json, ResourceType } from "./types";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: Json): Json {
  const s: Json = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason };
  if (details) s.details = details;
  s.code = code;
  return s;
}

function detailsOf(rt: ResourceType, name: string): Json {
  return rt.group ? { name, group: rt.group, kind: rt.resource } : { name, kind: rt.resource };
}

export const notFound = (rt: ResourceType, name: string) =>
  new ApiError(404, "NotFound", `${groupResource(rt)} "${name}" not found`, detailsOf(rt, name));

export const alreadyExists = (rt: ResourceType, name: string) =>
  new ApiError(409, "AlreadyExists", `${groupResource(rt)} "${name}" already exists`, detailsOf(rt, name));

export const conflict = (rt: ResourceType, name: string) =>
  new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${groupResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsOf(rt, name),
  );

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);

/** "Pod", "Lease.coordination.k8s.io": the kind the registry names in Invalid errors (its storage's kind). */
function qualifiedKind(rt: ResourceType): { kind: string; group: string; text: string } {
  const s = storageOf(rt);
  return { kind: s.kind, group: s.group, text: s.group ? `${s.kind}.${s.group}` : s.kind };
}

export const invalid = (rt: ResourceType, name: string, field: string, message: string, reason = "FieldValueInvalid") =>
  invalidFields(rt, name, [{ field, body: message, reason }]);

export type FieldErrorType = "Required" | "Invalid" | "Forbidden" | "NotSupported" | "Duplicate";

/** One field.Error of apimachinery's validation: its field path and the text after "field: ". */
export interface FieldError {
  field: string;
  body: string;
  reason: string;
}

const REASONS: Record<FieldErrorType, [string, string]> = {
  Required: ["FieldValueRequired", "Required value"],
  Invalid: ["FieldValueInvalid", "Invalid value"],
  Forbidden: ["FieldValueForbidden", "Forbidden"],
  NotSupported: ["FieldValueNotSupported", "Unsupported value"],
  Duplicate: ["FieldValueDuplicate", "Duplicate value"],
};

/** Go's %v of a bad value as field errors print it: strings quoted, numbers and booleans bare. */
const goValue = (v: unknown) =>
  typeof v === "string" || (typeof v === "object" && v !== null) ? JSON.stringify(v) : v == null ? "null" : String(v);

/** A field error the way field.Required/Invalid/Forbidden/NotSupported/Duplicate(...).Error() reads. */
export function fieldError(type: FieldErrorType, field: string, value?: unknown, detail?: string): FieldError {
  const [reason, label] = REASONS[type];
  const withValue = type !== "Required" && type !== "Forbidden";
  let body = withValue ? `${label}: ${goValue(value)}` : label;
  if (detail) body += `: ${detail}`;
  return { field, body, reason };
}

/** 422 Invalid for a list of field errors: one is shown alone, several as "[a, b]", as ToAggregate() does. */
export function invalidFields(rt: ResourceType, name: string, errs: FieldError[]): ApiError {
  const k = qualifiedKind(rt);
  const texts = [...new Set(errs.map((e) => `${e.field}: ${e.body}`))];
  const message = texts.length === 1 ? texts[0] : `[${texts.join(", ")}]`;
  return new ApiError(422, "Invalid", `${k.text} "${name}" is invalid: ${message}`, {
    name,
    group: k.group,
    kind: k.kind,
    causes: errs.map((e) => ({ reason: e.reason, message: e.body, field: e.field })),
  });
}

/** 400 for a body the decoder refuses (a field of the wrong type, a malformed time). */
export const undecodable = (rt: ResourceType, message: string) => {
  const kind = storageOf(rt).kind;
  return badRequest(`${kind} in version "${rt.version}" cannot be handled as a ${kind}: ${message}`);
};

export const notFoundPath = () => new ApiError(404, "NotFound", "the server could not find the requested resource", {});

export const methodNotAllowed = () =>
  new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

export const expiredContinue = () =>
  new ApiError(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
  );
