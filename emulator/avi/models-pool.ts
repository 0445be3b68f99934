// Pool: balancing, drain, monitors, persistence and servers, with the ranges and enums of alb-sdk
// swagger/Pool.json (Pool, Server; API 30.2.1). Defaults are the ones recorded controllers returned (20.1.x
// cassettes, a 21.1.1 ansible fixture); fields those responses lack are validated but never filled.
import { checkIpAddr, setDefaults, toBool } from "./fields";
import { fail, isObj } from "./json";
import { COMMON_REFS, defaultCloudRef, entries, globalVrfRef, type ModelSpec, target, adminRef } from "./modelkit";
import { bool, checkFields, fillDefaults, int, list, obj, oneOf, type Schema, str, UINT32 } from "./schema";

export const LB_ALGORITHMS = [
  "LB_ALGORITHM_LEAST_CONNECTIONS",
  "LB_ALGORITHM_ROUND_ROBIN",
  "LB_ALGORITHM_FASTEST_RESPONSE",
  "LB_ALGORITHM_CONSISTENT_HASH",
  "LB_ALGORITHM_LEAST_LOAD",
  "LB_ALGORITHM_FEWEST_SERVERS",
  "LB_ALGORITHM_RANDOM",
  "LB_ALGORITHM_FEWEST_TASKS",
  "LB_ALGORITHM_NEAREST_SERVER",
  "LB_ALGORITHM_CORE_AFFINITY",
  "LB_ALGORITHM_TOPOLOGY",
] as const;

export const LB_ALGORITHM_HASHES = [
  "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS",
  "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS_AND_PORT",
  "LB_ALGORITHM_CONSISTENT_HASH_URI",
  "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER",
  "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_STRING",
  "LB_ALGORITHM_CONSISTENT_HASH_CALLID",
] as const;

/** Pool.lb_algorithm: "Values LB_ALGORITHM_NEAREST_SERVER and LB_ALGORITHM_TOPOLOGY are only allowed for GSLB pool". */
const GSLB_ONLY = ["LB_ALGORITHM_NEAREST_SERVER", "LB_ALGORITHM_TOPOLOGY"];

const SERVER: Schema = {
  port: int(1, 65535, undefined, [0]),
  ratio: int(1, 20),
  enabled: bool(),
  hostname: str(),
  server_node: str(),
  external_uuid: str(),
  description: str(),
  preference_order: int(1, 128),
};

const POOL: Schema = {
  enabled: bool(),
  default_server_port: int(1, 65535),
  lb_algorithm: oneOf(LB_ALGORITHMS),
  lb_algorithm_hash: oneOf(LB_ALGORITHM_HASHES),
  lb_algorithm_consistent_hash_hdr: str(),
  lb_algorithm_core_nonaffinity: int(1, 65535),
  graceful_disable_timeout: int(1, 7200, undefined, [0, -1]),
  // Fields added after 20.1 are validated but not filled: a recorded 21.1.1 pool (ansible-collection-alb
  // fixture) reads back without server_disable_type or append_port although the model gives them defaults.
  graceful_hm_down_disable_timeout: int(1, 432000, undefined, [0, -1]),
  server_disable_type: oneOf(["DISALLOW_NEW_CONNECTION", "ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT"]),
  append_port: oneOf(["NON_DEFAULT_80_443", "NEVER", "ALWAYS"]),
  pool_type: oneOf(["POOL_TYPE_GENERIC_APP", "POOL_TYPE_OAUTH"]),
  // min_servers_up / min_health_monitors_up state no range; negative counts are refused [inferred].
  min_servers_up: int(0, 2147483647),
  min_health_monitors_up: int(0, 2147483647),
  connection_ramp_duration: int(1, 300, undefined, [0]),
  fewest_tasks_feedback_delay: int(1, 300),
  capacity_estimation_ttfb_thresh: int(1, 5000, undefined, [0]),
  server_timeout: int(0, 21600000),
  max_concurrent_connections_per_server: int(0, UINT32),
  inline_health_monitor: bool(),
  use_service_port: bool(),
  created_by: str(),
  servers: list(obj(SERVER)),
  markers: list(obj({ key: str(), values: list(str()) }, ["key"])),
};

function fillServers(servers: unknown): void {
  for (const s of entries(servers)) {
    for (const k of ["enabled", "verify_network", "resolve_server_by_dns", "static", "rewrite_host_header"])
      toBool(s, k);
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
}

export const pool: ModelSpec = {
  refs: {
    ...COMMON_REFS,
    vrf_ref: "vrfcontext",
    analytics_profile_ref: "analyticsprofile",
    health_monitor_refs: "healthmonitor",
    application_persistence_profile_ref: "applicationpersistenceprofile",
  },
  fill(o, ctx) {
    defaultCloudRef(o, ctx);
    setDefaults(o, {
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
    fillDefaults(o, POOL);
    if (o.vrf_ref === undefined) o.vrf_ref = globalVrfRef(ctx);
    if (o.analytics_profile_ref === undefined) {
      o.analytics_profile_ref = adminRef(ctx, "analyticsprofile", "System-Analytics-Profile");
    }
    fillServers(o.servers);
  },
  validate(o, ctx) {
    const servers = o.servers ?? [];
    if (!Array.isArray(servers)) fail(400, "servers must be a list");
    if (servers.length > ctx.limits.serversPerPool) {
      fail(400, `Pool ${o.name} has ${servers.length} servers, more than the limit of ${ctx.limits.serversPerPool}`);
    }
    checkFields(o, POOL);
    const seen = new Set<string>();
    servers.forEach((s: unknown, i: number) => {
      if (!isObj(s)) fail(400, "servers: each server must be an object");
      // Real controllers accept a hostname typed V4 (they resolve it), so addresses are not parsed here.
      checkIpAddr(`servers[${i}].ip`, s.ip, true);
      const key = `${s.ip.addr}:${s.port ?? ""}`;
      if (seen.has(key)) fail(400, `Duplicate server ${s.ip.addr}${s.port ? `:${s.port}` : ""} in pool ${o.name}`);
      seen.add(key);
    });
    if (GSLB_ONLY.includes(o.lb_algorithm)) {
      fail(400, `Pool ${o.name}: lb_algorithm ${o.lb_algorithm} is only allowed for a GSLB pool`);
    }
    // A custom-header hash names its header [inferred: the model pairs the two fields; AKO sets the header
    // exactly when the hash is CUSTOM_HEADER].
    if (
      o.lb_algorithm === "LB_ALGORITHM_CONSISTENT_HASH" &&
      o.lb_algorithm_hash === "LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER" &&
      (typeof o.lb_algorithm_consistent_hash_hdr !== "string" || o.lb_algorithm_consistent_hash_hdr === "")
    ) {
      fail(
        400,
        `Pool ${o.name}: lb_algorithm_consistent_hash_hdr is required with LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER`,
      );
    }
    const monitors = Array.isArray(o.health_monitor_refs) ? o.health_monitor_refs : [];
    if (monitors.length > 50) fail(400, "health_monitor_refs has more than 50 items");
    // Pool.use_service_port: "Monitor port needs to be specified for health monitors".
    if (o.use_service_port === true) {
      for (const ref of monitors) {
        const hm = target(ctx, ref);
        if (hm && !(typeof hm.monitor_port === "number" && hm.monitor_port > 0)) {
          fail(400, `Pool ${o.name}: use_service_port needs monitor_port on health monitor ${hm.name}`);
        }
      }
    }
  },
};
