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

export const MODE_MARKER = "mode";
export const NODE_SELECTOR_MARKER = "nodeselector";
export const NODE_NETWORKS_MARKER = "nodenetworks";

/** A sync pool's server source as markers: nothing for clusterip (what every earlier pool is), else the mode. */
export function withServerSource(
  markers: Json[],
  src: { mode: string; nodeSelector?: string; nodeNetworks?: string[] } | undefined,
): Json[] {
  if (!src || src.mode === "clusterip") return markers;
  const out = [...markers, { key: MODE_MARKER, values: [src.mode] }];
  if (src.nodeSelector) out.push({ key: NODE_SELECTOR_MARKER, values: [src.nodeSelector] });
  if (src.nodeNetworks && src.nodeNetworks.length > 0)
    out.push({ key: NODE_NETWORKS_MARKER, values: src.nodeNetworks });
  return out;
}

/** The server source a pool's markers record (clusterip when it records none). */
export function serverSourceOf(obj: Json): { mode: string; nodeSelector?: string; nodeNetworks?: string[] } {
  const mode = markerValues(obj, MODE_MARKER)[0] ?? "clusterip";
  const selector = markerValues(obj, NODE_SELECTOR_MARKER)[0];
  const networks = markerValues(obj, NODE_NETWORKS_MARKER);
  return {
    mode,
    ...(selector ? { nodeSelector: selector } : {}),
    ...(networks.length > 0 ? { nodeNetworks: networks } : {}),
  };
}
