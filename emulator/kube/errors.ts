// Status errors with the reasons and message texts of the real API server.
import { groupResource } from "./resources";
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

export const invalid = (rt: ResourceType, name: string, field: string, message: string, reason = "FieldValueInvalid") =>
  new ApiError(422, "Invalid", `${rt.kind} "${name}" is invalid: ${field}: ${message}`, {
    name,
    group: rt.group,
    kind: rt.kind,
    causes: [{ reason, message, field }],
  });

export const notFoundPath = () => new ApiError(404, "NotFound", "the server could not find the requested resource", {});

export const methodNotAllowed = () =>
  new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

export const expiredContinue = () =>
  new ApiError(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
  );
