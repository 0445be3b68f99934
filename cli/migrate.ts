// `avi-k8s plan`'s migration section: for a cluster AKO manages, what an import would adopt and what the first
// `up` after it would change, read-only. It is built from the same reads the controller section makes (the VRF's
// route change, each virtual service as found, in AKO's shape or ours), so the two never disagree.
import type { FoundVirtualService, VirtualServicePreview } from "../provider/avi";
import type { ActualRoute, DesiredRoute, RouteChange } from "../provider/plan/types";

export interface RouteRename {
  prefix: string;
  nextHop: string;
  from: string;
  to: string;
}

export interface ServiceMigration {
  virtualService: string;
  importId: string;
  /** What an import would record, or why it is refused (then nothing is imported). */
  adopts: string[];
  refused?: string;
  origin?: "ours" | "ako";
  /** `pulumi preview` right after the import: "no change", or the servers that differ. */
  previewAfterImport: string[];
  /** What the first `up` after the import writes for this service. */
  firstUp: string[];
}

export interface MigrationReport {
  cluster: string;
  routes: {
    importId: string;
    /** Routes of this cluster under AKO's ids: the first up renames each in place, in one PUT of the VRF. */
    renames: RouteRename[];
    /** What else that PUT does (a next hop that changed, a node gone or added since AKO last wrote). */
    add: DesiredRoute[];
    update: { from: ActualRoute; to: DesiredRoute }[];
    remove: ActualRoute[];
    keepForeign: number;
    refused?: string;
  };
  services: ServiceMigration[];
  /** Whether anything AKO made was found (route ids or objects created by ako-<cluster>). */
  akoFound: boolean;
}

function key(prefix: string): string {
  return prefix.trim().toLowerCase();
}

/** Pairs each removal of an AKO-id route with the add of the same prefix: that pair is a rename in place. */
export function routeMigration(cluster: string, importId: string, change: RouteChange): MigrationReport["routes"] {
  const adds = new Map(change.add.map((a) => [key(a.prefix), a]));
  const renames: RouteRename[] = [];
  const remove: ActualRoute[] = [];
  for (const r of change.remove) {
    const to = adds.get(key(r.prefix));
    if (to) {
      renames.push({ prefix: to.prefix, nextHop: to.nextHop, from: r.routeId, to: to.routeId });
      adds.delete(key(r.prefix));
    } else remove.push(r);
  }
  const owned = change.unchanged.length + change.update.length + change.remove.length;
  const out: MigrationReport["routes"] = {
    importId,
    renames,
    add: [...adds.values()],
    update: change.update,
    remove,
    keepForeign: change.keepForeign.length,
  };
  if (owned === 0) {
    out.refused = `the VRF holds no route labelled clustername=${cluster}: nothing to import (the first up creates the routes)`;
  }
  return out;
}

function serverText(s: { ip: string; port: number }): string {
  return s.ip.includes(":") ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

/** One service: what the import adopts and what the first up changes (from the preview made with adopt on). */
export function serviceMigration(
  tenant: string,
  name: string,
  found: FoundVirtualService | undefined,
  preview: VirtualServicePreview | undefined,
): ServiceMigration {
  const importId = `${tenant}/${name}`;
  const base = { virtualService: name, importId, adopts: [] as string[], previewAfterImport: [], firstUp: [] };
  if (!found) return { ...base, refused: "it does not exist (the first up creates it)" };
  if (found.problem) return { ...base, refused: `it ${found.problem}` };
  const adopts = [
    `virtualservice ${found.name} (${found.uuid}), created by ${found.createdBy || "?"}`,
    `vsvip ${found.vsvipName} (VIP ${found.vipAddress || "not yet allocated"})`,
    ...found.pools.map((p) => `pool ${p.name} (port ${p.port}/${p.protocol}, ${p.servers.length} servers)`),
    ...found.l4PolicySets.map(
      (p) => `l4policyset ${p.name} (${p.ours ? "AKO's port-to-pool rules" : "not ours: kept"})`,
    ),
  ];
  const serverLines = (preview?.pools ?? []).flatMap((p) => [
    ...p.add.map((s) => `pool ${p.name}: + ${serverText(s)}`),
    ...p.update.map((u) => `pool ${p.name}: ~ ${serverText(u.to)} ${u.to.enabled ? "enabled" : "disabled"}`),
    ...p.remove.map((s) => `pool ${p.name}: - ${serverText(s)}`),
  ]);
  const missing = (preview?.pools ?? []).filter((p) => p.action === "create").map((p) => `pool ${p.name}: create`);
  const changes = [...serverLines, ...missing, ...(preview?.orphanPools ?? []).map((o) => `pool ${o}: delete`)];
  const firstUp =
    changes.length === 0
      ? ["nothing: preview shows no change, so the objects stay as they are"]
      : [
          ...changes,
          ...(found.origin === "ako"
            ? [
                `the update rewrites the VsVip, pools and virtual service in this package's shape (markers, created_by, pool_ref)${
                  found.l4PolicySets.some((p) => p.ours)
                    ? ` and deletes l4policyset ${found.l4PolicySets
                        .filter((p) => p.ours)
                        .map((p) => p.name)
                        .join(", ")}`
                    : ""
                }`,
              ]
            : []),
        ];
  return {
    ...base,
    origin: found.origin,
    adopts,
    previewAfterImport: changes.length === 0 ? ["no change"] : changes,
    firstUp,
  };
}

export function renderMigration(m: MigrationReport): string[] {
  const out = [`Migration from AKO (cluster ${m.cluster}): what an import adopts and what the first up changes`];
  const r = m.routes;
  out.push(`  routes: import id ${r.importId}`);
  if (r.refused) out.push(`    refused: ${r.refused}`);
  else {
    const total = r.renames.length + r.add.length + r.update.length + r.remove.length;
    out.push(
      total === 0
        ? "    first up: nothing (every route already has this package's id and next hop)"
        : `    first up: one PUT of the VRF: ${r.renames.length} renamed in place, ${r.add.length} added, ${r.update.length} next hops changed, ${r.remove.length} removed; ${r.keepForeign} foreign kept`,
    );
    for (const x of r.renames) out.push(`    ~ ${x.prefix} via ${x.nextHop}: id ${x.from} -> ${x.to}`);
    for (const a of r.add) out.push(`    + ${a.prefix} via ${a.nextHop} (${a.node}) [${a.routeId}]`);
    for (const u of r.update)
      out.push(`    ~ ${u.to.prefix} via ${u.from.nextHop} -> ${u.to.nextHop} [${u.to.routeId}]`);
    for (const x of r.remove) out.push(`    - ${x.prefix} via ${x.nextHop} [${x.routeId}]`);
  }
  for (const s of m.services) {
    out.push(`  virtual service ${s.virtualService}: import id ${s.importId}`);
    if (s.refused) {
      out.push(`    refused: ${s.refused}`);
      continue;
    }
    out.push("    import adopts:", ...s.adopts.map((a) => `      ${a}`));
    out.push(`    preview after import: ${s.previewAfterImport.join("; ")}`);
    out.push("    first up:", ...s.firstUp.map((a) => `      ${a}`));
  }
  if (!m.akoFound) out.push("  nothing AKO made was found for this cluster");
  return out;
}
