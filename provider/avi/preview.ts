// The controller half of `avi-k8s plan`: what an apply would change on the controller, read-only, and its text
// form. Operators use it to see drift (a route edited by hand, a pod missing from a pool) without touching anything.

import type { ActualRoute, DesiredRoute, DesiredServer, RouteChange } from "../plan/types";
import { previewRoutes } from "./routes";
import type { AviSession } from "./session";
import type { RouteTarget, VirtualServicePreview, VirtualServiceSpec } from "./types";
import { previewVirtualService } from "./virtualservice";

export interface ControllerPreview {
  controller: string;
  vrf: string;
  tenant: string;
  routes: RouteChange;
  services: VirtualServicePreview[];
}

/** Reads the VRF and every service's objects; performs no write. */
export async function previewController(
  s: AviSession,
  target: RouteTarget,
  routes: DesiredRoute[],
  services: VirtualServiceSpec[],
): Promise<ControllerPreview> {
  const change = await previewRoutes(s, target, routes);
  const previews: VirtualServicePreview[] = [];
  for (const spec of services) previews.push(await previewVirtualService(s, spec));
  return {
    controller: s.controller,
    vrf: target.vrf ?? "global",
    tenant: target.tenant ?? "admin",
    routes: change,
    services: previews,
  };
}

function owner(r: ActualRoute): string {
  if (r.labels.length === 0) return "no label";
  return r.labels.map((l) => (l.value === undefined ? l.key : `${l.key}=${l.value}`)).join(", ");
}

function server(s: DesiredServer): string {
  return `${s.ip}:${s.port}${s.node ? ` on ${s.node}` : ""}${s.enabled ? "" : " (disabled)"}`;
}

/** Lines for the terminal: `+` add, `~` update, `-` remove, `=` foreign route kept as it is. */
export function formatControllerPreview(p: ControllerPreview): string[] {
  const r = p.routes;
  const out = [
    `Controller ${p.controller}, VRF ${p.vrf}, tenant ${p.tenant}`,
    `  routes: ${r.add.length} to add, ${r.update.length} to update, ${r.remove.length} to remove, ` +
      `${r.unchanged.length} unchanged, ${r.keepForeign.length} foreign kept`,
  ];
  for (const a of r.add) out.push(`    + ${a.prefix} via ${a.nextHop} (${a.node}) [${a.routeId}]`);
  for (const u of r.update) {
    out.push(`    ~ ${u.to.prefix} via ${u.from.nextHop} -> ${u.to.nextHop} (${u.to.node}) [${u.to.routeId}]`);
  }
  for (const x of r.remove) out.push(`    - ${x.prefix} via ${x.nextHop} [${x.routeId}]`);
  for (const f of r.keepForeign) out.push(`    = ${f.prefix} via ${f.nextHop} [${f.routeId}] (${owner(f)})`);
  for (const c of r.conflicts ?? []) out.push(`    ! ${c.message}`);
  for (const v of p.services) {
    out.push(`  virtual service ${v.name}: ${v.virtualService}, VsVip ${v.vsvip}`);
    for (const pool of v.pools) {
      out.push(
        `    pool ${pool.name}: ${pool.action}; servers ${pool.add.length} to add, ${pool.update.length} to update, ` +
          `${pool.remove.length} to remove, ${pool.unchanged.length} unchanged`,
      );
      for (const a of pool.add) out.push(`      + ${server(a)}`);
      for (const u of pool.update) out.push(`      ~ ${server(u.from)} -> ${server(u.to)}`);
      for (const x of pool.remove) out.push(`      - ${server(x)}`);
    }
    for (const o of v.orphanPools) out.push(`    pool ${o}: delete (no longer a service port)`);
    for (const w of v.warnings) out.push(`    ! ${w}`);
  }
  return out;
}
