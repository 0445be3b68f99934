// The L4 settings a virtual service carries beyond its servers: health monitors, balancing, persistence, drain,
// source ranges and client logs. Two shapes: the arguments a user gives (optional, short enum names) and the
// resolved plan check() stores in the inputs (every value explicit, so preview shows what the controller gets).
// Additive changes only: the SDK's state and the reconciler both read the resolved shape.

export const MONITOR_TYPES = ["TCP", "UDP", "HTTP", "HTTPS", "PING"] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

/** HealthMonitorHttp.http_response_code without the HTTP_ prefix. */
export const RESPONSE_CODES = ["ANY", "1XX", "2XX", "3XX", "4XX", "5XX"] as const;
export type ResponseCode = (typeof RESPONSE_CODES)[number];

/** Pool.lb_algorithm without the LB_ALGORITHM_ prefix (NEAREST_SERVER and TOPOLOGY are GSLB-only: refused). */
export const LB_ALGORITHMS = [
  "LEAST_CONNECTIONS",
  "ROUND_ROBIN",
  "FASTEST_RESPONSE",
  "CONSISTENT_HASH",
  "LEAST_LOAD",
  "FEWEST_SERVERS",
  "RANDOM",
  "FEWEST_TASKS",
  "CORE_AFFINITY",
] as const;
export type LbAlgorithm = (typeof LB_ALGORITHMS)[number];
export const GSLB_ONLY_ALGORITHMS = ["NEAREST_SERVER", "TOPOLOGY"] as const;

/** Pool.lb_algorithm_hash without the LB_ALGORITHM_CONSISTENT_HASH_ prefix. */
export const LB_HASHES = [
  "SOURCE_IP_ADDRESS",
  "SOURCE_IP_ADDRESS_AND_PORT",
  "URI",
  "CUSTOM_HEADER",
  "CUSTOM_STRING",
  "CALLID",
] as const;
export type LbHash = (typeof LB_HASHES)[number];

export const SERVER_DISABLE_TYPES = ["DISALLOW_NEW_CONNECTION", "ALLOW_NEW_CONNECTION_IF_PERSISTENCE_PRESENT"] as const;
export type ServerDisableType = (typeof SERVER_DISABLE_TYPES)[number];

/** A health monitor to create and own, typed or derived from the pods' readiness probe. */
export interface HealthMonitorArgs {
  /** Required unless fromReadinessProbe. */
  type?: MonitorType;
  /** Take type, path and port from the readinessProbe of the container serving the port (HTTP/HTTPS/TCP). */
  fromReadinessProbe?: boolean;
  /** send_interval, seconds, 1-3600; default 10. */
  interval?: number;
  /** receive_timeout, seconds, 1-2400 and less than interval; default 4. */
  timeout?: number;
  /** failed_checks, 1-50; default 2. */
  failedChecks?: number;
  /** successful_checks, 1-50; default 2. */
  successfulChecks?: number;
  /** monitor_port, 1-65535; default the server's port. */
  port?: number;
  /** HTTP(S): the path of a `GET <path> HTTP/1.0` request. */
  path?: string;
  /** HTTP(S): the whole request, e.g. "HEAD /ready HTTP/1.0" (instead of path). */
  request?: string;
  /** HTTP(S): the codes that count as up; default ["2XX"] (["2XX", "3XX"] from a readiness probe). */
  responseCodes?: ResponseCode[];
}

/** Client-IP persistence owned by the resource, with this timeout in minutes (1-720). */
export interface ClientIpPersistenceArgs {
  clientIpTimeout: number;
}

/** The settings of one pool (all of a virtual service's pools, or one port's). */
export interface PoolArgs {
  /** An existing monitor by name, or one to create and own. Default by protocol: System-TCP, -UDP, -SCTP. */
  healthMonitor?: string | HealthMonitorArgs;
  /** Default LEAST_CONNECTIONS; the LB_ALGORITHM_ prefix may be given. */
  lbAlgorithm?: string;
  /** Only with CONSISTENT_HASH; default SOURCE_IP_ADDRESS. */
  lbHash?: string;
  /** The header to hash, only with lbHash CUSTOM_HEADER (and required there). */
  lbHashHeader?: string;
  /**
   * An existing ApplicationPersistenceProfile by name, client-IP persistence to create and own, or false for none.
   * Default: the Service's sessionAffinity (ClientIP gets an owned client-IP profile; None gets none).
   */
  persistence?: string | false | ClientIpPersistenceArgs;
  /** graceful_disable_timeout in minutes: 1-7200, 0 immediate, -1 infinite; default 1 (always written). */
  gracefulDisableTimeout?: number;
  /** server_disable_type; left to the controller when not given. */
  serverDisableType?: ServerDisableType;
  /** min_servers_up; left to the controller when not given. */
  minServersUp?: number;
}

/** What a user gives for the L4 settings of one virtual service (or of one shared-VIP member's pools). */
export interface L4Args {
  /** The monitor of every pool (the same as pool.healthMonitor; give one of the two). */
  healthMonitor?: string | HealthMonitorArgs;
  pool?: PoolArgs;
  /** Per Service port, keyed "80" (both protocols) or "53/UDP"; field by field over `pool`. */
  portPools?: Record<string, PoolArgs>;
}

/** A monitor the resource owns, every field explicit. */
export interface MonitorSpec {
  type: MonitorType;
  interval: number;
  timeout: number;
  failedChecks: number;
  successfulChecks: number;
  port?: number;
  request?: string;
  responseCodes?: ResponseCode[];
  /** "readinessProbe" when derived from the pods. */
  from?: string;
}

/** One pool's resolved settings: what its Avi fields will be. */
export interface PoolL4 {
  /** The monitor's name: a System-* one, one named by the user, or one in L4Plan.healthMonitors. */
  healthMonitor: string;
  lbAlgorithm: LbAlgorithm;
  lbHash?: LbHash;
  lbHashHeader?: string;
  /** A persistence profile's name: named by the user, or one in L4Plan.persistenceProfiles. */
  persistence?: string;
  gracefulDisableTimeout: number;
  serverDisableType?: ServerDisableType;
  minServersUp?: number;
}

/** Everything L4 check() resolved for one virtual service; the reconciler writes exactly this. */
export interface L4Plan {
  /** By pool name. */
  pools: Record<string, PoolL4>;
  /** Monitors to create and own, by name. */
  healthMonitors?: Record<string, MonitorSpec>;
  /** Client-IP persistence profiles to create and own, by name, with their timeout in minutes. */
  persistenceProfiles?: Record<string, { clientIpTimeout: number }>;
  /** CIDRs allowed to reach the VIP (a network security policy of ours); absent: no policy. */
  sourceRanges?: string[];
  /** analytics_policy.full_client_logs.enabled; absent: left as the controller has it. */
  fullClientLogs?: boolean;
}

/** The controller objects an L4Plan names that must already exist, by Avi type: name -> the arguments naming it. */
export interface L4Refs {
  healthmonitor: Record<string, string[]>;
  applicationpersistenceprofile: Record<string, string[]>;
}
