// The controller's configuration: objects per type keyed by uuid, in creation order, plus the clock that
// stamps `_last_modified` (microseconds since the epoch, strictly increasing so every write is distinguishable).
import { randomUUID } from "node:crypto";
import { clone, type Obj } from "./json";

export interface State {
  objects: Record<string, Record<string, Obj>>;
  clock: number;
}

export function emptyState(): State {
  return { objects: {}, clock: 0 };
}

export function nextStamp(state: State): string {
  state.clock = Math.max(Date.now() * 1000, state.clock + 1);
  return String(state.clock);
}

export function newUuid(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function all(state: State, type: string): Obj[] {
  return Object.values(state.objects[type] ?? {});
}

export function find(state: State, type: string, uuid: string): Obj | undefined {
  return state.objects[type]?.[uuid];
}

export function save(state: State, type: string, obj: Obj): void {
  state.objects[type] ??= {};
  state.objects[type][obj.uuid as string] = obj;
}

export function remove(state: State, type: string, uuid: string): void {
  delete state.objects[type]?.[uuid];
}

/** Tenant uuid of a stored object (refs are stored host-less: /api/tenant/<uuid>). */
export function tenantOf(obj: Obj): string {
  const ref = obj.tenant_ref;
  return typeof ref === "string" ? ref.slice(ref.lastIndexOf("/") + 1) : "admin";
}

export function uuidOfRef(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

export function typeOfRef(ref: string): string {
  const parts = ref.split("/");
  return parts[2] ?? "";
}

export function snapshot(state: State): State {
  return clone(state);
}
