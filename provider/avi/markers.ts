// Marker reading and the membership marker, with no imports so the builders (objects.ts) and the sync's
// conventions (membership.ts, where the why is written down) can both use them.

type Json = Record<string, unknown>;

export type Membership = "pulumi" | "sync";
export const MEMBERSHIP_MARKER = "membership";
export const SYNC_MEMBERSHIP = "sync";

/** The values of one marker key ([] when absent). */
export function markerValues(obj: Json, key: string): string[] {
  const markers = Array.isArray(obj.markers) ? (obj.markers as Json[]) : [];
  const m = markers.find((x) => x?.key === key);
  return Array.isArray(m?.values) ? (m.values as unknown[]).filter((v): v is string => typeof v === "string") : [];
}

/** `markers` plus {key: "membership", values: ["sync"]} in sync mode. */
export function withMembership(markers: Json[], membership: Membership | undefined): Json[] {
  return membership === "sync" ? [...markers, { key: MEMBERSHIP_MARKER, values: [SYNC_MEMBERSHIP] }] : markers;
}
