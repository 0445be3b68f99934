// Which controller objects belong to one virtual service's family by name: its VS, VsVip and policy share the VS
// name; pools, monitors and persistence profiles start with it (`<cluster>--<ns>-<svc>-...`), or, for a shared
// VIP, carry the group key after the member's name (`<cluster>--<ns>-<svc>-<key>-...`). A name match is only a
// candidate: ownership is always the markers' (isOurs), since another Service's name can extend ours.
import { virtualServiceName } from "../plan";
import type { Json } from "./objects";
import type { AviSession } from "./session";
import { callOpts, type Scope } from "./store";
import type { VirtualServiceSpec } from "./types";

export function vsNameOf(spec: Pick<VirtualServiceSpec, "cluster" | "namespace" | "service">): string {
  return virtualServiceName(spec.cluster, spec.namespace, spec.service);
}

export interface Family {
  /** The `name.contains` filter of one list call. */
  contains: string;
  has(name: string): boolean;
}

export function familyOf(spec: Pick<VirtualServiceSpec, "cluster" | "namespace" | "service" | "sharedVip">): Family {
  if (spec.sharedVip) {
    const head = `${spec.cluster}--${spec.namespace}-`;
    const mid = `-${spec.sharedVip}-`;
    return { contains: mid, has: (n) => n.startsWith(head) && n.slice(head.length - 1).includes(mid) };
  }
  const head = `${vsNameOf(spec)}-`;
  return { contains: head, has: (n) => n.startsWith(head) };
}

/** Every object of `type` whose name is in the family, ours or not, in one paged list. */
export async function listFamily(s: AviSession, scope: Scope, family: Family, type: string): Promise<Json[]> {
  const params = { "name.contains": family.contains, include_name: true };
  const all = await s.list<Json>(type, callOpts(scope, `${type}s named like ${family.contains}`, params));
  return all.filter((o) => family.has(String(o.name)));
}
