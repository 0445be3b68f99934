// The demo's side channel to the two emulators: names the controller does not store (pods by IP, nodes by
// address), and the route "someone else" placed in the VRF before the run, which destroy must leave alone.
import type { KubeEmulator } from "../../emulator/kube";
import type { ClusterNames } from "./format";
import type { RestClient } from "./rest";

type Json = Record<string, unknown>;

/** Adds what the cluster shows now to `names`; old entries stay, so a moved pod's former IP keeps its name. */
export function learnNames(kube: KubeEmulator, names: ClusterNames): ClusterNames {
  for (const pod of kube.list("pods")) {
    const ips = [pod.status?.podIP, ...((pod.status?.podIPs ?? []) as { ip?: string }[]).map((x) => x.ip)];
    for (const ip of ips) if (typeof ip === "string" && ip) names.podByIp.set(ip, String(pod.metadata?.name));
  }
  for (const node of kube.list("nodes")) {
    for (const a of (node.status?.addresses ?? []) as { type?: string; address?: string }[]) {
      if (a.type === "InternalIP" && a.address) names.nodeByAddress.set(a.address, String(node.metadata?.name));
    }
  }
  return names;
}

export function podPlacement(kube: KubeEmulator, namespace: string, name: string): string {
  const pod = kube.get("pods", name, namespace);
  return pod ? `${pod.status?.podIP ?? "?"} on ${pod.spec?.nodeName ?? "?"}` : "(gone)";
}

export const FOREIGN_ROUTE = { prefix: "10.200.0.0/16", nextHop: "10.100.1.1" };

/** A static route without our label, as an operator would add it in the UI: GET the VRF, PUT it back with one more. */
export async function addForeignRoute(s: RestClient, vrf = "global"): Promise<void> {
  const [ctx] = await s.list("vrfcontext", { name: vrf, "cloud_ref.name": "Default-Cloud" });
  if (!ctx) throw new Error(`The controller has no VRF context '${vrf}' in Default-Cloud.`);
  const [addr, mask] = FOREIGN_ROUTE.prefix.split("/");
  const routes = Array.isArray(ctx.static_routes) ? (ctx.static_routes as Json[]) : [];
  const route = {
    route_id: "ops-uplink",
    prefix: { ip_addr: { addr, type: "V4" }, mask: Number(mask) },
    next_hop: { addr: FOREIGN_ROUTE.nextHop, type: "V4" },
  };
  await s.put(`vrfcontext/${String(ctx.uuid)}`, { ...ctx, static_routes: [...routes, route] });
}
