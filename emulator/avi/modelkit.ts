// What every object model shares: the context a model sees, its spec (refs, fill, validate), and lookups of the
// shared admin objects a create falls back to (Default-Cloud, the global VRF, System-* profiles).
import { fail, isObj, type Obj } from "./json";
import { findByName, findVisible, modelName } from "./refs";
import { find, type State, typeOfRef, uuidOfRef } from "./store";

export interface Limits {
  serversPerPool: number;
  routesPerVrf: number;
}

export interface ModelContext {
  state: State;
  tenant: string;
  limits: Limits;
  /** Uuid of the object being replaced or patched (absent on create). */
  self?: string;
}

export interface ModelSpec {
  /** Top-level ref fields and the type each must point at. */
  refs: Record<string, string>;
  fill(obj: Obj, ctx: ModelContext): void;
  validate(obj: Obj, ctx: ModelContext): void;
}

export const COMMON_REFS = { cloud_ref: "cloud", tenant_ref: "tenant" };

export function adminRef(ctx: ModelContext, type: string, name: string): string {
  const obj = findByName(ctx.state, type, name, ctx.tenant);
  if (!obj) fail(400, `${modelName(type)} object not found`);
  return `/api/${type}/${obj.uuid}`;
}

export function defaultCloudRef(obj: Obj, ctx: ModelContext): string {
  if (typeof obj.cloud_ref !== "string") obj.cloud_ref = adminRef(ctx, "cloud", "Default-Cloud");
  return obj.cloud_ref as string;
}

export function globalVrfRef(ctx: ModelContext): string {
  return adminRef(ctx, "vrfcontext", "global");
}

/** The stored object a (resolved, host-less) ref points at, if the request's tenant can see it. */
export function target(ctx: ModelContext, ref: unknown): Obj | undefined {
  if (typeof ref !== "string") return undefined;
  return findVisible(ctx.state, typeOfRef(ref), uuidOfRef(ref), ctx.tenant);
}

export function refName(state: State, ref: unknown): string {
  if (typeof ref !== "string") return "";
  return String(find(state, typeOfRef(ref), uuidOfRef(ref))?.name ?? "");
}

/** Objects of a list field, skipping entries that are not objects (their shape is checked elsewhere). */
export function entries(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}
