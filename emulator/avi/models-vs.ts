// VsVip and VirtualService: VIPs, services and their protocols, pool selection, analytics, profiles and the rules
// between virtual services sharing one VsVip (alb-sdk swagger/VirtualService.json, VsVip.json; API 30.2.1).
import { checkIpAddr, intIn, setDefaults, toBool } from "./fields";
import { fail, isObj, type Obj } from "./json";
import {
  adminRef,
  COMMON_REFS,
  defaultCloudRef,
  entries,
  globalVrfRef,
  type ModelContext,
  type ModelSpec,
  refName,
  target,
} from "./modelkit";
import { all, find, uuidOfRef } from "./store";
import { bool, checkFields, fillDefaults, int, list, obj, oneOf, type Schema, str, UINT32 } from "./schema";

export const vsvip: ModelSpec = {
  refs: { ...COMMON_REFS, vrf_context_ref: "vrfcontext" },
  fill(o, ctx) {
    defaultCloudRef(o, ctx);
    if (o.vrf_context_ref === undefined) o.vrf_context_ref = globalVrfRef(ctx);
    setDefaults(o, { east_west_placement: false });
    const vips = Array.isArray(o.vip) ? o.vip : [];
    const used = new Set(vips.filter((v) => isObj(v) && v.vip_id !== undefined).map((v) => String(v.vip_id)));
    let next = 0;
    for (const v of vips) {
      if (!isObj(v)) continue;
      if (v.vip_id === undefined) {
        while (used.has(String(next))) next++;
        v.vip_id = String(next);
        used.add(v.vip_id);
      } else v.vip_id = String(v.vip_id);
      setDefaults(v, {
        enabled: true,
        auto_allocate_ip: false,
        auto_allocate_floating_ip: false,
        avi_allocated_vip: false,
        avi_allocated_fip: false,
        auto_allocate_ip_type: "V4_ONLY",
        prefix_length: 32,
      });
    }
  },
  validate(o, ctx) {
    const vips = o.vip ?? [];
    if (!Array.isArray(vips)) fail(400, "vip must be a list");
    checkPreferredVipKept(ctx, o);
    const ids = new Set<string>();
    for (const v of vips) {
      if (!isObj(v)) fail(400, "vip: each vip must be an object");
      if (ids.has(v.vip_id)) fail(400, `Duplicate vip_id ${v.vip_id} in VsVip ${o.name}`);
      ids.add(v.vip_id);
      // The Vip model keeps the families apart: ip_address is "IPv4 Address of the VIP", ip6_address (18.1.1+)
      // the IPv6 one; a V6 address in ip_address is refused.
      if (v.ip_address !== undefined) {
        checkIpAddr("vip.ip_address", v.ip_address, false);
        if (v.ip_address.type !== "V4")
          fail(400, `VsVip ${o.name}: vip.ip_address must be an IPv4 address (use ip6_address)`);
      }
      if (v.ip6_address !== undefined) {
        checkIpAddr("vip.ip6_address", v.ip6_address, false);
        if (v.ip6_address.type !== "V6") fail(400, `VsVip ${o.name}: vip.ip6_address must be an IPv6 address`);
      }
      if (v.ip_address === undefined && v.ip6_address === undefined && v.auto_allocate_ip !== true) {
        fail(400, `VsVip ${o.name}: vip ${v.vip_id} needs ip_address, ip6_address or auto_allocate_ip`);
      }
    }
  },
};

/** The static addresses of a VsVip by vip_id ("" for none). */
function staticAddresses(v: Obj): Map<string, string> {
  const out = new Map<string, string>();
  for (const vip of entries(v.vip)) {
    const addr = [vip.ip_address?.addr, vip.ip6_address?.addr].filter((a) => typeof a === "string").join(",");
    out.set(String(vip.vip_id), vip.auto_allocate_ip === true && addr === "" ? "" : addr);
  }
  return out;
}

/**
 * "Avi does not allow users to update preferred virtual IPs bound to a particular virtualservice" (AKO
 * docs/objects.md): changing, adding or removing the static address of a VsVip a virtual service uses is refused;
 * the VsVip has to be re-created. The message text is inferred.
 */
function checkPreferredVipKept(ctx: ModelContext, o: Obj): void {
  if (!ctx.self) return;
  const current = find(ctx.state, "vsvip", ctx.self);
  if (!current) return;
  const me = `/api/vsvip/${ctx.self}`;
  const user = all(ctx.state, "virtualservice").find((vs) => vs.vsvip_ref === me);
  if (!user) return;
  const before = staticAddresses(current);
  const after = staticAddresses(o);
  for (const [id, addr] of before) {
    if (after.has(id) && after.get(id) !== addr) {
      fail(
        400,
        `VsVip ${o.name}: the preferred address of vip ${id} cannot be changed while virtual service ${user.name} uses it (from '${addr || "none"}' to '${after.get(id) || "none"}'); re-create the VsVip`,
      );
    }
  }
}

export const SERVICE_PROTOCOLS = [
  "PROTOCOL_TYPE_TCP_PROXY",
  "PROTOCOL_TYPE_TCP_FAST_PATH",
  "PROTOCOL_TYPE_UDP_FAST_PATH",
  "PROTOCOL_TYPE_UDP_PROXY",
  "PROTOCOL_TYPE_SCTP_PROXY",
  "PROTOCOL_TYPE_SCTP_FAST_PATH",
] as const;

const VIRTUAL_SERVICE: Schema = {
  enabled: bool(),
  traffic_enabled: bool(),
  type: oneOf(["VS_TYPE_NORMAL", "VS_TYPE_VH_PARENT", "VS_TYPE_VH_CHILD"]),
  flow_dist: oneOf(["LOAD_AWARE", "CONSISTENT_HASH_SOURCE_IP_ADDRESS", "CONSISTENT_HASH_SOURCE_IP_ADDRESS_AND_PORT"]),
  remove_listening_port_on_vs_down: bool(),
  created_by: str(),
  services: list(
    obj(
      { port: int(0, 65535), port_range_end: int(1, 65535, undefined, [0]), enable_ssl: bool(), enable_http2: bool() },
      ["port"],
    ),
    2048,
  ),
  service_pool_select: list(
    obj(
      {
        service_port: int(1, 65535),
        service_port_range_end: int(1, 65535, undefined, [0]),
        service_protocol: oneOf(SERVICE_PROTOCOLS),
      },
      ["service_port"],
    ),
  ),
  l4_policies: list(obj({ index: int(0, 2147483647) }, ["index", "l4_policy_set_ref"])),
  analytics_policy: obj({
    // FullClientLogs: enabled is required; duration in minutes (0 = infinite, default 30); throttle per second.
    full_client_logs: obj({ enabled: bool(), duration: int(0, UINT32, 30), throttle: int(0, UINT32, 10) }, ["enabled"]),
    client_insights: oneOf(["NO_INSIGHTS", "PASSIVE", "ACTIVE"], "NO_INSIGHTS"),
    significant_log_throttle: int(0, UINT32, 10),
    udf_log_throttle: int(0, UINT32, 10),
    all_headers: bool(),
    metrics_realtime_update: obj({ enabled: bool(), duration: int(0, UINT32, 30) }, ["enabled"]),
  }),
  performance_limits: obj({ max_concurrent_connections: int(0, UINT32), max_throughput: int(0, UINT32) }),
};

type Proto = "TCP" | "UDP" | "SCTP";

/** The L4 protocol a network profile carries (NetworkProfile.profile.type, PROTOCOL_TYPE_*). */
function protocolOf(ctx: ModelContext, ref: unknown): Proto {
  const type = String(target(ctx, ref)?.profile?.type ?? "PROTOCOL_TYPE_TCP_PROXY");
  return type.includes("UDP") ? "UDP" : type.includes("SCTP") ? "SCTP" : "TCP";
}

interface Listener {
  from: number;
  to: number;
  proto: Proto;
}

function listeners(ctx: ModelContext, vs: Obj): Listener[] {
  return entries(vs.services).map((s) => ({
    from: s.port,
    to: s.port_range_end || s.port,
    proto: protocolOf(ctx, s.override_network_profile_ref ?? vs.network_profile_ref),
  }));
}

function clash(a: Listener, b: Listener): boolean {
  return a.proto === b.proto && a.from <= b.to && b.from <= a.to;
}

function describe(l: Listener): string {
  return `${l.from}${l.to !== l.from ? `-${l.to}` : ""}/${l.proto}`;
}

/**
 * One listener per port and protocol: inside one VS, and across the virtual services that share a VsVip
 * [inferred: a VIP accepts TCP and UDP on one port (AKO puts DNS 53/TCP and 53/UDP on one VS with a UDP override),
 * but one port and protocol on one VIP can reach only one listener].
 */
function checkListeners(ctx: ModelContext, vs: Obj): void {
  const mine = listeners(ctx, vs);
  mine.forEach((a, i) => {
    const b = mine.slice(i + 1).find((x) => clash(a, x));
    if (b) fail(400, `VirtualService ${vs.name}: services ${describe(a)} and ${describe(b)} overlap`);
  });
  if (typeof vs.vsvip_ref !== "string") return;
  for (const other of all(ctx.state, "virtualservice")) {
    if (other.vsvip_ref !== vs.vsvip_ref || other.uuid === ctx.self) continue;
    for (const a of mine) {
      const b = listeners(ctx, other).find((x) => clash(a, x));
      if (b) {
        fail(
          400,
          `VirtualService ${vs.name}: port ${describe(a)} is already used on VsVip ${refName(ctx.state, vs.vsvip_ref)} by virtual service ${other.name}`,
        );
      }
    }
  }
}

function checkVrf(ctx: ModelContext, vs: Obj): void {
  const pools = [vs.pool_ref, ...entries(vs.service_pool_select).map((s) => s.service_pool_ref)];
  for (const ref of pools) {
    const p = target(ctx, ref);
    if (p && p.vrf_ref !== vs.vrf_context_ref) fail(400, `VRF Context for ${vs.name} and pool ${p.name} different`);
  }
  if (typeof vs.vsvip_ref === "string") {
    const v = find(ctx.state, "vsvip", uuidOfRef(vs.vsvip_ref));
    if (v && v.vrf_context_ref !== vs.vrf_context_ref) {
      fail(400, `VRF Context for ${vs.name} and vsvip ${v.name} different (${refName(ctx.state, v.vrf_context_ref)})`);
    }
  }
}

export const virtualservice: ModelSpec = {
  refs: {
    ...COMMON_REFS,
    vsvip_ref: "vsvip",
    pool_ref: "pool",
    se_group_ref: "serviceenginegroup",
    vrf_context_ref: "vrfcontext",
    application_profile_ref: "applicationprofile",
    network_profile_ref: "networkprofile",
    analytics_profile_ref: "analyticsprofile",
    network_security_policy_ref: "networksecuritypolicy",
  },
  fill(o, ctx) {
    defaultCloudRef(o, ctx);
    const vip = typeof o.vsvip_ref === "string" ? find(ctx.state, "vsvip", uuidOfRef(o.vsvip_ref)) : undefined;
    if (o.vrf_context_ref === undefined) o.vrf_context_ref = vip?.vrf_context_ref ?? globalVrfRef(ctx);
    if (o.application_profile_ref === undefined) {
      o.application_profile_ref = adminRef(ctx, "applicationprofile", "System-HTTP");
    }
    if (o.network_profile_ref === undefined)
      o.network_profile_ref = adminRef(ctx, "networkprofile", "System-TCP-Proxy");
    if (o.se_group_ref === undefined) o.se_group_ref = adminRef(ctx, "serviceenginegroup", "Default-Group");
    if (o.analytics_profile_ref === undefined) {
      o.analytics_profile_ref = adminRef(ctx, "analyticsprofile", "System-Analytics-Profile");
    }
    toBool(o, "enabled");
    setDefaults(o, {
      enabled: true,
      type: "VS_TYPE_NORMAL",
      enable_autogw: true,
      weight: 1,
      delay_fairness: false,
      max_cps_per_client: 0,
      limit_doser: false,
      cloud_type: "CLOUD_NONE",
      use_bridge_ip_as_vip: false,
      flow_dist: "LOAD_AWARE",
      ign_pool_net_reach: false,
      ssl_sess_cache_avg_size: 1024,
      remove_listening_port_on_vs_down: false,
      close_client_conn_on_config_update: false,
      bulk_sync_kvcache: false,
      advertise_down_vs: false,
      east_west_placement: false,
      scaleout_ecmp: false,
      active_standby_se_tag: "ACTIVE_STANDBY_SE_1",
      flow_label_type: "NO_LABEL",
      use_vip_as_snat: false,
      traffic_enabled: true,
      allow_invalid_client_cert: false,
      vh_type: "VS_TYPE_VH_SNI",
    });
    fillDefaults(o, VIRTUAL_SERVICE);
    for (const s of entries(o.services)) {
      setDefaults(s, { enable_ssl: false });
      if (s.port_range_end === undefined || s.port_range_end === 0) s.port_range_end = s.port;
      setDefaults(s, { enable_http2: false });
    }
  },
  validate(o, ctx) {
    checkFields(o, VIRTUAL_SERVICE);
    for (const s of entries(o.services)) {
      if (!intIn(s.port_range_end, 0, 65535) || s.port_range_end < s.port) {
        fail(400, `services.port_range_end ${s.port_range_end} must be between port and 65535`);
      }
    }
    if (o.vsvip_ref === undefined && !Array.isArray(o.vip))
      fail(400, `VirtualService ${o.name} has no VIP: set vsvip_ref`);
    checkVrf(ctx, o);
    checkListeners(ctx, o);
  },
};
