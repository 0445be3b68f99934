// Pure builders of the Avi JSON we write for one Kubernetes Service, in AKO's shapes (research/ako.md §3): a VsVip,
// one pool per service port whose servers are pod IP:targetPort, and an L4 virtual service. Every object carries
// markers (clustername, Namespace, ServiceName) and created_by, which is how a later run recognises it as ours.

import type { DesiredServer, Protocol } from "../plan/types";
import { poolL4Fields, vsL4Fields } from "./l4fields";
import { withMembership, withServerSource } from "./markers";
import { nameRef, uuidRef } from "./refs";
import type { VirtualServiceSpec } from "./types";

export type Json = Record<string, unknown>;

export const APPLICATION_PROFILE = "System-L4-Application";
const NETWORK_PROFILE: Record<Protocol, string> = {
  TCP: "System-TCP-Proxy",
  UDP: "System-UDP-Fast-Path",
  SCTP: "System-SCTP-Proxy",
};

export function createdBy(cluster: string): string {
  return `pulumi-avi-k8s-${cluster}`;
}

/** A shared VIP's objects carry its key in ServiceName and in this marker, so no Service's objects pass for them. */
export const SHARED_VIP_MARKER = "SharedVipKey";

type Owner = Pick<VirtualServiceSpec, "cluster" | "namespace" | "service" | "sharedVip">;

export function markersFor(spec: Owner): Json[] {
  const out: Json[] = [
    { key: "clustername", values: [spec.cluster] },
    { key: "Namespace", values: [spec.namespace] },
    { key: "ServiceName", values: [spec.service] },
  ];
  if (spec.sharedVip) out.push({ key: SHARED_VIP_MARKER, values: [spec.sharedVip] });
  return out;
}

function markerValue(obj: Json, key: string): string | undefined {
  const markers = Array.isArray(obj.markers) ? (obj.markers as Json[]) : [];
  const m = markers.find((x) => x?.key === key);
  const values = Array.isArray(m?.values) ? (m.values as unknown[]) : [];
  return typeof values[0] === "string" ? values[0] : undefined;
}

/** Ours means: the markers name this cluster, namespace and service (and shared-VIP key, or none). */
export function isOurs(obj: Json, spec: Owner): boolean {
  return (
    markerValue(obj, "clustername") === spec.cluster &&
    markerValue(obj, "Namespace") === spec.namespace &&
    markerValue(obj, "ServiceName") === spec.service &&
    markerValue(obj, SHARED_VIP_MARKER) === spec.sharedVip
  );
}

/** Who the markers say owns an object, for the refusal message. */
export function ownerOf(obj: Json): string {
  const c = markerValue(obj, "clustername");
  if (!c)
    return typeof obj.created_by === "string" ? `created by ${obj.created_by}, without our markers` : "no markers";
  const shared = markerValue(obj, SHARED_VIP_MARKER);
  return `markers say cluster ${c}, ${shared ? "shared VIP" : "service"} ${markerValue(obj, "Namespace") ?? "?"}/${markerValue(obj, "ServiceName") ?? "?"}`;
}

export function ipType(addr: string): "V4" | "V6" {
  return addr.includes(":") ? "V6" : "V4";
}

/** "10.0.0.0/24" -> Avi's IpAddrPrefix. */
export function prefixOf(cidr: string): Json {
  const [addr = "", mask = ""] = cidr.split("/");
  return { ip_addr: { addr, type: ipType(addr) }, mask: Number(mask) };
}

/** AKO's server shape: per-server port, external_uuid ip:port, server_node; disabled rather than dropped when not ready. */
export function serverToAvi(s: DesiredServer): Json {
  const out: Json = {
    ip: { addr: s.ip, type: ipType(s.ip) },
    port: s.port,
    enabled: s.enabled,
    external_uuid: `${s.ip}:${s.port}`,
  };
  if (s.node) out.server_node = s.node;
  // The controller keeps no pod name; the description carries it for operators (and the live view's pod column).
  if (s.pod) out.description = s.pod;
  return out;
}

export function serverFromAvi(s: Json, defaultPort: number): DesiredServer {
  const ip = (s.ip as { addr?: string } | undefined)?.addr ?? "";
  const out: DesiredServer = {
    ip,
    port: typeof s.port === "number" ? s.port : defaultPort,
    enabled: s.enabled !== false,
  };
  if (typeof s.server_node === "string" && s.server_node) out.node = s.server_node;
  return out;
}

function common(spec: VirtualServiceSpec): Json {
  const out: Json = { markers: markersFor(spec), created_by: createdBy(spec.cluster) };
  if (spec.cloud) out.cloud_ref = nameRef("cloud", spec.cloud);
  return out;
}

export function buildVsVip(spec: VirtualServiceSpec, name: string): Json {
  const vip: Json = { vip_id: "0" };
  if ("network" in spec.vip) {
    vip.auto_allocate_ip = true;
    const ipam: Json = { network_ref: nameRef("network", spec.vip.network) };
    if (spec.vip.subnet) ipam.subnet = prefixOf(spec.vip.subnet);
    vip.ipam_network_subnet = ipam;
  } else if (spec.vip.address) {
    // Avi keeps the families in separate fields: ip_address is IPv4 only, ip6_address (18.1.1+) IPv6.
    const type = ipType(spec.vip.address);
    vip[type === "V6" ? "ip6_address" : "ip_address"] = { addr: spec.vip.address, type };
  } else {
    vip.auto_allocate_ip = true;
  }
  const out: Json = { name, vip: [vip], ...common(spec) };
  if (spec.vrf) out.vrf_context_ref = nameRef("vrfcontext", spec.vrf);
  return out;
}

/** Servers sorted by ip:port so the same endpoints always give the same body (no spurious writes). */
export function sortServers(servers: DesiredServer[]): DesiredServer[] {
  return [...servers].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

export function buildPool(spec: VirtualServiceSpec, pool: VirtualServiceSpec["pools"][number]): Json {
  const out: Json = {
    name: pool.name,
    servers: sortServers(pool.servers).map(serverToAvi),
    ...poolL4Fields(spec, pool),
    ...common(spec),
  };
  // In membership "sync" mode the pool says so: `avi-k8s sync` writes the servers of exactly these pools.
  if (spec.membership === "sync") {
    out.markers = withServerSource(withMembership(out.markers as Json[], "sync"), spec.serverSource);
  }
  if (spec.vrf) out.vrf_ref = nameRef("vrfcontext", spec.vrf);
  return out;
}

/**
 * The controller's ServiceProtocol enum names the proxy type, not just the protocol (there is no plain
 * PROTOCOL_TYPE_UDP): these match the default network profile of each protocol.
 */
const SERVICE_PROTOCOL: Record<Protocol, string> = {
  TCP: "PROTOCOL_TYPE_TCP_PROXY",
  UDP: "PROTOCOL_TYPE_UDP_FAST_PATH",
  SCTP: "PROTOCOL_TYPE_SCTP_PROXY",
};

export function networkProfileFor(spec: VirtualServiceSpec): string {
  return spec.networkProfile ?? NETWORK_PROFILE[spec.ports[0]?.protocol ?? "TCP"];
}

/**
 * One VS service per port. The VS profile follows the first port's protocol; ports of another protocol get a
 * per-service override (as AKO does for mixed TCP/UDP services). Each port is mapped to its own pool with
 * `service_pool_select`, which needs no extra object (AKO uses an L4PolicySet for the same effect).
 */
export function buildVirtualService(
  spec: VirtualServiceSpec,
  name: string,
  vsvipUuid: string,
  poolUuids: { port: number; protocol: Protocol; uuid: string }[],
  current?: Json,
): Json {
  const vsProfile = networkProfileFor(spec);
  const services = spec.ports.map((p) => {
    const svc: Json = { port: p.port, port_range_end: p.port };
    const own = spec.networkProfile ? undefined : NETWORK_PROFILE[p.protocol];
    if (own && own !== vsProfile) svc.override_network_profile_ref = nameRef("networkprofile", own);
    return svc;
  });
  const out: Json = {
    name,
    vsvip_ref: uuidRef("vsvip", vsvipUuid),
    services,
    application_profile_ref: nameRef("applicationprofile", spec.applicationProfile ?? APPLICATION_PROFILE),
    network_profile_ref: nameRef("networkprofile", vsProfile),
    ...vsL4Fields(spec, name, current),
    ...common(spec),
  };
  if (poolUuids[0]) out.pool_ref = uuidRef("pool", poolUuids[0].uuid);
  if (poolUuids.length > 1) {
    out.service_pool_select = poolUuids.map((p) => ({
      service_port: p.port,
      service_pool_ref: uuidRef("pool", p.uuid),
      service_protocol: SERVICE_PROTOCOL[p.protocol],
    }));
  }
  if (spec.seGroup) out.se_group_ref = nameRef("serviceenginegroup", spec.seGroup);
  if (spec.vrf) out.vrf_context_ref = nameRef("vrfcontext", spec.vrf);
  return out;
}
