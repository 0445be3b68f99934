// Per object type: which top-level fields are refs (and to what), the defaults a controller fills in on create
// (as seen in recorded 20.1.x responses), and the validation it applies (research/avi-api.md §6, §9).
import { checkIpAddr, checkRoute, intIn, setDefaults, toBool } from "./fields";
import { fail, isObj, type Obj } from "./json";
import { findByName, findVisible, modelName } from "./refs";
import { find, type State, typeOfRef, uuidOfRef } from "./store";

export interface Limits {
  serversPerPool: number;
  routesPerVrf: number;
}

export interface ModelContext {
  state: State;
  tenant: string;
  limits: Limits;
}

export interface ModelSpec {
  refs: Record<string, string>;
  fill(obj: Obj, ctx: ModelContext): void;
  validate(obj: Obj, ctx: ModelContext): void;
}

const COMMON_REFS = { cloud_ref: "cloud", tenant_ref: "tenant" };

function adminRef(ctx: ModelContext, type: string, name: string): string {
  const obj = findByName(ctx.state, type, name, ctx.tenant);
  if (!obj) fail(400, `${modelName(type)} object not found`);
  return `/api/${type}/${obj.uuid}`;
}

function defaultCloudRef(obj: Obj, ctx: ModelContext): string {
  if (typeof obj.cloud_ref !== "string") obj.cloud_ref = adminRef(ctx, "cloud", "Default-Cloud");
  return obj.cloud_ref as string;
}

function globalVrfRef(ctx: ModelContext): string {
  return adminRef(ctx, "vrfcontext", "global");
}

const pool: ModelSpec = {
  refs: {
    ...COMMON_REFS,
    vrf_ref: "vrfcontext",
    analytics_profile_ref: "analyticsprofile",
    health_monitor_refs: "healthmonitor",
  },
  fill(obj, ctx) {
    defaultCloudRef(obj, ctx);
    setDefaults(obj, {
      enabled: true,
      default_server_port: 80,
      graceful_disable_timeout: 1,
      connection_ramp_duration: 10,
      max_concurrent_connections_per_server: 0,
      lb_algorithm: "LB_ALGORITHM_LEAST_CONNECTIONS",
      lb_algorithm_hash: "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS",
      inline_health_monitor: true,
      use_service_port: false,
      capacity_estimation: false,
      capacity_estimation_ttfb_thresh: 0,
      fewest_tasks_feedback_delay: 10,
      request_queue_enabled: false,
      request_queue_depth: 128,
      host_check_enabled: false,
      sni_enabled: true,
      rewrite_host_header_to_sni: false,
      rewrite_host_header_to_server_name: false,
      lb_algorithm_core_nonaffinity: 2,
      lookup_server_by_name: false,
      server_timeout: 0,
      delete_server_on_dns_refresh: true,
      enable_http2: false,
      ignore_server_port: false,
      routing_pool: false,
    });
    if (obj.vrf_ref === undefined) obj.vrf_ref = globalVrfRef(ctx);
    if (obj.analytics_profile_ref === undefined) {
      obj.analytics_profile_ref = adminRef(ctx, "analyticsprofile", "System-Analytics-Profile");
    }
    for (const s of Array.isArray(obj.servers) ? obj.servers : []) {
      if (!isObj(s)) continue;
      for (const k of ["enabled", "verify_network", "resolve_server_by_dns", "static", "rewrite_host_header"]) {
        toBool(s, k);
      }
      setDefaults(s, {
        hostname: isObj(s.ip) ? s.ip.addr : undefined,
        enabled: true,
        ratio: 1,
        verify_network: false,
        resolve_server_by_dns: false,
        static: false,
        rewrite_host_header: false,
      });
    }
  },
  validate(obj, ctx) {
    if (!intIn(obj.default_server_port, 1, 65535)) fail(400, "default_server_port must be between 1 and 65535");
    const servers = obj.servers ?? [];
    if (!Array.isArray(servers)) fail(400, "servers must be a list");
    if (servers.length > ctx.limits.serversPerPool) {
      fail(400, `Pool ${obj.name} has ${servers.length} servers, more than the limit of ${ctx.limits.serversPerPool}`);
    }
    const seen = new Set<string>();
    for (const s of servers) {
      if (!isObj(s)) fail(400, "servers: each server must be an object");
      // Real controllers accept a hostname typed V4 (they resolve it), so addresses are not parsed here.
      checkIpAddr("servers.ip", s.ip, true);
      if (s.port !== undefined && !intIn(s.port, 1, 65535)) fail(400, `servers.port ${s.port} must be 1-65535`);
      if (s.ratio !== undefined && !intIn(s.ratio, 1, 20)) fail(400, `servers.ratio ${s.ratio} must be 1-20`);
      const key = `${s.ip.addr}:${s.port ?? ""}`;
      if (seen.has(key)) fail(400, `Duplicate server ${s.ip.addr}${s.port ? `:${s.port}` : ""} in pool ${obj.name}`);
      seen.add(key);
    }
    if (Array.isArray(obj.health_monitor_refs) && obj.health_monitor_refs.length > 50) {
      fail(400, "health_monitor_refs has more than 50 items");
    }
  },
};

const vsvip: ModelSpec = {
  refs: { ...COMMON_REFS, vrf_context_ref: "vrfcontext" },
  fill(obj, ctx) {
    defaultCloudRef(obj, ctx);
    if (obj.vrf_context_ref === undefined) obj.vrf_context_ref = globalVrfRef(ctx);
    setDefaults(obj, { east_west_placement: false });
    const vips = Array.isArray(obj.vip) ? obj.vip : [];
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
  validate(obj) {
    const vips = obj.vip ?? [];
    if (!Array.isArray(vips)) fail(400, "vip must be a list");
    const ids = new Set<string>();
    for (const v of vips) {
      if (!isObj(v)) fail(400, "vip: each vip must be an object");
      if (ids.has(v.vip_id)) fail(400, `Duplicate vip_id ${v.vip_id} in VsVip ${obj.name}`);
      ids.add(v.vip_id);
      // The Vip model keeps the families apart: ip_address is "IPv4 Address of the VIP", ip6_address (18.1.1+)
      // the IPv6 one; a V6 address in ip_address is refused.
      if (v.ip_address !== undefined) {
        checkIpAddr("vip.ip_address", v.ip_address, false);
        if (v.ip_address.type !== "V4")
          fail(400, `VsVip ${obj.name}: vip.ip_address must be an IPv4 address (use ip6_address)`);
      }
      if (v.ip6_address !== undefined) {
        checkIpAddr("vip.ip6_address", v.ip6_address, false);
        if (v.ip6_address.type !== "V6") fail(400, `VsVip ${obj.name}: vip.ip6_address must be an IPv6 address`);
      }
      if (v.ip_address === undefined && v.ip6_address === undefined && v.auto_allocate_ip !== true) {
        fail(400, `VsVip ${obj.name}: vip ${v.vip_id} needs ip_address, ip6_address or auto_allocate_ip`);
      }
    }
  },
};

function refName(state: State, ref: unknown): string {
  if (typeof ref !== "string") return "";
  return String(find(state, typeOfRef(ref), uuidOfRef(ref))?.name ?? "");
}

const virtualservice: ModelSpec = {
  refs: {
    ...COMMON_REFS,
    vsvip_ref: "vsvip",
    pool_ref: "pool",
    se_group_ref: "serviceenginegroup",
    vrf_context_ref: "vrfcontext",
    application_profile_ref: "applicationprofile",
    network_profile_ref: "networkprofile",
    analytics_profile_ref: "analyticsprofile",
  },
  fill(obj, ctx) {
    defaultCloudRef(obj, ctx);
    const vip = typeof obj.vsvip_ref === "string" ? find(ctx.state, "vsvip", uuidOfRef(obj.vsvip_ref)) : undefined;
    if (obj.vrf_context_ref === undefined) obj.vrf_context_ref = vip?.vrf_context_ref ?? globalVrfRef(ctx);
    if (obj.application_profile_ref === undefined) {
      obj.application_profile_ref = adminRef(ctx, "applicationprofile", "System-HTTP");
    }
    if (obj.network_profile_ref === undefined) {
      obj.network_profile_ref = adminRef(ctx, "networkprofile", "System-TCP-Proxy");
    }
    if (obj.se_group_ref === undefined) obj.se_group_ref = adminRef(ctx, "serviceenginegroup", "Default-Group");
    if (obj.analytics_profile_ref === undefined) {
      obj.analytics_profile_ref = adminRef(ctx, "analyticsprofile", "System-Analytics-Profile");
    }
    toBool(obj, "enabled");
    setDefaults(obj, {
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
    for (const s of Array.isArray(obj.services) ? obj.services : []) {
      if (!isObj(s)) continue;
      setDefaults(s, { enable_ssl: false });
      if (s.port_range_end === undefined || s.port_range_end === 0) s.port_range_end = s.port;
      setDefaults(s, { enable_http2: false });
    }
  },
  validate(obj, ctx) {
    const services = obj.services ?? [];
    if (!Array.isArray(services)) fail(400, "services must be a list");
    if (services.length > 2048) fail(400, "services has more than 2048 items");
    for (const s of services) {
      if (!isObj(s) || !intIn(s.port, 0, 65535)) fail(400, "services.port is required and must be 0-65535");
      if (!intIn(s.port_range_end, 0, 65535) || s.port_range_end < s.port) {
        fail(400, `services.port_range_end ${s.port_range_end} must be between port and 65535`);
      }
    }
    if (obj.vsvip_ref === undefined && !Array.isArray(obj.vip)) {
      fail(400, `VirtualService ${obj.name} has no VIP: set vsvip_ref`);
    }
    if (typeof obj.pool_ref === "string") {
      const p = findVisible(ctx.state, "pool", uuidOfRef(obj.pool_ref), ctx.tenant);
      if (p && p.vrf_ref !== obj.vrf_context_ref) {
        fail(400, `VRF Context for ${obj.name} and pool ${p.name} different`);
      }
    }
    if (typeof obj.vsvip_ref === "string") {
      const v = find(ctx.state, "vsvip", uuidOfRef(obj.vsvip_ref));
      if (v && v.vrf_context_ref !== obj.vrf_context_ref) {
        fail(
          400,
          `VRF Context for ${obj.name} and vsvip ${v.name} different (${refName(ctx.state, v.vrf_context_ref)})`,
        );
      }
    }
  },
};

const vrfcontext: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(obj, ctx) {
    defaultCloudRef(obj, ctx);
    setDefaults(obj, { system_default: false, lldp_enable: true });
    for (const r of Array.isArray(obj.static_routes) ? obj.static_routes : []) {
      if (isObj(r)) toBool(r, "disable_gateway_monitor");
      if (isObj(r) && typeof r.route_id === "number") r.route_id = String(r.route_id);
    }
  },
  validate(obj, ctx) {
    const routes = obj.static_routes ?? [];
    if (!Array.isArray(routes)) fail(400, "static_routes must be a list");
    if (routes.length > ctx.limits.routesPerVrf) {
      fail(
        400,
        `VrfContext ${obj.name} has ${routes.length} static routes, more than the limit of ${ctx.limits.routesPerVrf}`,
      );
    }
    const ids = new Set<string>();
    for (const r of routes) {
      checkRoute(r);
      if (ids.has(r.route_id)) fail(400, `Duplicate route_id ${r.route_id} in VrfContext ${obj.name}`);
      ids.add(r.route_id);
    }
  },
};

const HM_TYPES = [
  "HEALTH_MONITOR_PING",
  "HEALTH_MONITOR_TCP",
  "HEALTH_MONITOR_HTTP",
  "HEALTH_MONITOR_HTTPS",
  "HEALTH_MONITOR_EXTERNAL",
  "HEALTH_MONITOR_UDP",
  "HEALTH_MONITOR_DNS",
  "HEALTH_MONITOR_GSLB",
  "HEALTH_MONITOR_SIP",
  "HEALTH_MONITOR_RADIUS",
  "HEALTH_MONITOR_SMTP",
  "HEALTH_MONITOR_SMTPS",
  "HEALTH_MONITOR_POP3",
  "HEALTH_MONITOR_POP3S",
  "HEALTH_MONITOR_IMAP",
  "HEALTH_MONITOR_IMAPS",
  "HEALTH_MONITOR_FTP",
  "HEALTH_MONITOR_FTPS",
  "HEALTH_MONITOR_LDAP",
  "HEALTH_MONITOR_LDAPS",
  "HEALTH_MONITOR_SCTP",
];

const healthmonitor: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(obj) {
    setDefaults(obj, { send_interval: 10, receive_timeout: 4, successful_checks: 2, failed_checks: 2 });
  },
  validate(obj) {
    if (!HM_TYPES.includes(obj.type))
      fail(400, `HealthMonitor ${obj.name}: type is required (one of ${HM_TYPES.join(", ")})`);
    if (obj.monitor_port !== undefined && !intIn(obj.monitor_port, 1, 65535)) fail(400, "monitor_port must be 1-65535");
  },
};

const tenant: ModelSpec = {
  refs: {},
  fill(obj) {
    toBool(obj, "local");
    setDefaults(obj, {
      local: true,
      config_settings: { tenant_vrf: false, se_in_provider_context: true, tenant_access_to_provider_se: true },
    });
    delete obj.tenant_ref;
  },
  validate() {},
};

const cloud: ModelSpec = {
  refs: { tenant_ref: "tenant" },
  fill(obj) {
    setDefaults(obj, { vtype: "CLOUD_NONE", dhcp_enabled: false, mtu: 1500, prefer_static_routes: false });
  },
  validate() {},
};

const serviceenginegroup: ModelSpec = {
  refs: { ...COMMON_REFS },
  fill(obj, ctx) {
    defaultCloudRef(obj, ctx);
    setDefaults(obj, { ha_mode: "HA_MODE_SHARED", max_se: 10, max_vs_per_se: 10, min_scaleout_per_vs: 1 });
  },
  validate(obj) {
    if (obj.labels !== undefined && !Array.isArray(obj.labels)) fail(400, "labels must be a list");
  },
};

const plain: ModelSpec = { refs: { tenant_ref: "tenant" }, fill() {}, validate() {} };

const systemconfiguration: ModelSpec = {
  refs: {},
  fill(obj) {
    const portal = obj.portal_configuration;
    if (isObj(portal)) toBool(portal, "allow_basic_authentication");
  },
  validate() {},
};

export const MODELS: Record<string, ModelSpec> = {
  pool,
  vsvip,
  virtualservice,
  vrfcontext,
  healthmonitor,
  tenant,
  cloud,
  serviceenginegroup,
  applicationprofile: plain,
  networkprofile: plain,
  analyticsprofile: plain,
  systemconfiguration,
};
