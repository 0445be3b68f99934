// The demo's text: the controller's objects drawn like the seed's figure (VS -> pool servers -> nodes, VRF routes),
// and the differences between two reads (what a change did on the controller).
import type { ControllerView, RouteView, ServerView } from "./view";

/** Names the controller does not store, learned from the cluster: pod by IP, node by address. */
export interface ClusterNames {
  podByIp: Map<string, string>;
  nodeByAddress: Map<string, string>;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

export function serverLine(s: ServerView, names: ClusterNames): string {
  // A server on a node address is a node port: NodePortLocal's names its pod, NodePort's any pod (kube-proxy).
  const pod = names.podByIp.get(s.ip) ?? s.pod ?? (names.nodeByAddress.has(s.ip) ? "nodePort" : "(unknown pod)");
  const state = s.enabled ? "" : "  (disabled)";
  return `${pad(pod, 8)} -> ${pad(`${s.ip}:${s.port}`, 21)} on ${s.node ?? "?"}${state}`;
}

export function routeLine(r: RouteView, names: ClusterNames): string {
  const node = names.nodeByAddress.get(r.nextHop);
  const owner = r.cluster ? `clustername=${r.cluster}` : "no clustername label: not ours";
  return `${pad(r.prefix, 18)} -> ${pad(r.nextHop, 15)} ${pad(node ? `(${node})` : "", 8)} ${owner}`;
}

/** The figure: each virtual service with its pools and servers, then the VRF's routes. */
export function formatView(view: ControllerView, names: ClusterNames): string[] {
  const out: string[] = [];
  if (view.virtualServices.length === 0) out.push("virtual services: none");
  for (const vs of view.virtualServices) {
    out.push(`virtual service ${vs.name}   VIP ${vs.vip}  port(s) ${vs.ports.join(", ")}`);
    for (const pool of vs.pools) {
      out.push(`  pool ${pool.name}: ${pool.servers.length} server(s)`);
      for (const s of pool.servers) out.push(`    ${serverLine(s, names)}`);
    }
  }
  out.push(`VRF ${view.vrf}: ${view.routes.length} static route(s)`);
  for (const r of view.routes) out.push(`    ${routeLine(r, names)}`);
  return out;
}

function serverKeys(view: ControllerView, names: ClusterNames): Set<string> {
  const keys = new Set<string>();
  for (const vs of view.virtualServices) {
    for (const pool of vs.pools) for (const s of pool.servers) keys.add(`server ${pool.name}: ${serverLine(s, names)}`);
  }
  return keys;
}

/** `- ` for what went away, `+ ` for what appeared, between two reads of the controller. */
export function viewDifference(before: ControllerView, after: ControllerView, names: ClusterNames): string[] {
  const a = new Set([...serverKeys(before, names), ...before.routes.map((r) => `route ${routeLine(r, names)}`)]);
  const b = new Set([...serverKeys(after, names), ...after.routes.map((r) => `route ${routeLine(r, names)}`)]);
  const lines = [
    ...[...a].filter((x) => !b.has(x)).map((x) => `- ${x}`),
    ...[...b].filter((x) => !a.has(x)).map((x) => `+ ${x}`),
  ];
  return lines.length > 0 ? lines : ["(no difference)"];
}

/** One line counting what the controller holds, for the before/after of destroy. */
export function countsLine(view: ControllerView, cluster: string): string {
  const ours = view.routes.filter((r) => r.cluster === cluster).length;
  return `${view.virtualServices.length} virtual service(s), ${view.poolCount} pool(s), ${view.vsVipCount} VsVip(s); VRF ${view.vrf}: ${ours} route(s) of cluster ${cluster}, ${view.routes.length - ours} other(s)`;
}

/** Every object of a read, one line each, keyed so two reads can be compared. */
function objectLines(view: ControllerView, cluster: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const vs of view.virtualServices) out.set(`vs/${vs.name}`, `virtual service ${vs.name} (VIP ${vs.vip})`);
  for (const name of view.vsVipNames) out.set(`vsvip/${name}`, `VsVip ${name}`);
  const servers = new Map(view.virtualServices.flatMap((v) => v.pools.map((p) => [p.name, p.servers.length] as const)));
  for (const name of view.poolNames) {
    const n = servers.get(name);
    out.set(`pool/${name}`, `pool ${name}${n === undefined ? "" : ` (${n} server${n === 1 ? "" : "s"})`}`);
  }
  for (const r of view.routes) {
    const owner =
      r.cluster === cluster
        ? `clustername=${r.cluster}`
        : r.cluster
          ? `clustername=${r.cluster}: not ours`
          : "no clustername label: not ours";
    out.set(`route/${r.prefix}>${r.nextHop}`, `route ${r.prefix} via ${r.nextHop} in VRF ${view.vrf} (${owner})`);
  }
  return out;
}

/** What a destroy removed and what it left, by name: `- ` removed, `= ` still there. */
export function destroyReport(before: ControllerView, after: ControllerView, cluster: string): string[] {
  const a = objectLines(before, cluster);
  const b = objectLines(after, cluster);
  const removed = [...a].filter(([k]) => !b.has(k)).map(([, v]) => `  - ${v}`);
  const kept = [...b].map(([, v]) => `  = ${v}`);
  return [
    `removed (${removed.length}):`,
    ...(removed.length > 0 ? removed : ["  (nothing)"]),
    `still on the controller (${kept.length}):`,
    ...(kept.length > 0 ? kept : ["  (nothing)"]),
  ];
}
