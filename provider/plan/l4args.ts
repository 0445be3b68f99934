// Validation of the L4 arguments as given, before anything is read: types, enums and ranges (the controller's own
// ranges, from alb-sdk swagger/Pool.json, HealthMonitor.json, ApplicationPersistenceProfile.json), each failure
// naming the field. Rules that need the Service (which ports exist) or the merged per-port view live in l4.ts.
import {
  GSLB_ONLY_ALGORITHMS,
  type HealthMonitorArgs,
  LB_ALGORITHMS,
  LB_HASHES,
  type LbAlgorithm,
  type LbHash,
  MONITOR_TYPES,
  type MonitorType,
  type PoolArgs,
  RESPONSE_CODES,
  type ResponseCode,
  SERVER_DISABLE_TYPES,
} from "./l4types";
import { validateCidr } from "./validate";

export interface L4Failure {
  property: string;
  reason: string;
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const show = (v: unknown) => (typeof v === "string" ? `'${v}'` : JSON.stringify(v));

/** "LB_ALGORITHM_ROUND_ROBIN" or "round_robin" -> "ROUND_ROBIN"; undefined when it is no algorithm we accept. */
export function algorithmOf(v: unknown): LbAlgorithm | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.toUpperCase().replace(/^LB_ALGORITHM_/, "");
  return (LB_ALGORITHMS as readonly string[]).includes(s) ? (s as LbAlgorithm) : undefined;
}

export function hashOf(v: unknown): LbHash | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.toUpperCase().replace(/^LB_ALGORITHM_CONSISTENT_HASH_/, "");
  return (LB_HASHES as readonly string[]).includes(s) ? (s as LbHash) : undefined;
}

export function monitorTypeOf(v: unknown): MonitorType | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.toUpperCase().replace(/^HEALTH_MONITOR_/, "");
  return (MONITOR_TYPES as readonly string[]).includes(s) ? (s as MonitorType) : undefined;
}

export function responseCodeOf(v: unknown): ResponseCode | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.toUpperCase().replace(/^HTTP_/, "");
  return (RESPONSE_CODES as readonly string[]).includes(s) ? (s as ResponseCode) : undefined;
}

function intIn(out: L4Failure[], property: string, v: unknown, min: number, max: number, specials: number[] = []) {
  if (v === undefined) return;
  if (!isInt(v) || (!specials.includes(v) && (v < min || v > max))) {
    const extra = specials.length > 0 ? ` (or ${specials.join(", ")})` : "";
    out.push({ property, reason: `${property} ${show(v)} must be an integer from ${min} to ${max}${extra}.` });
  }
}

function nonEmpty(out: L4Failure[], property: string, v: unknown) {
  if (v !== undefined && (typeof v !== "string" || v.trim() === "")) {
    out.push({ property, reason: `${property} must be a non-empty string.` });
  }
}

function unknownKeys(out: L4Failure[], property: string, v: object, known: readonly string[]) {
  for (const k of Object.keys(v)) {
    if (!known.includes(k) && (v as Record<string, unknown>)[k] !== undefined) {
      out.push({ property: `${property}.${k}`, reason: `${property}.${k} is not a setting (${known.join(", ")}).` });
    }
  }
}

const MONITOR_KEYS = [
  "type",
  "fromReadinessProbe",
  "interval",
  "timeout",
  "failedChecks",
  "successfulChecks",
  "port",
  "path",
  "request",
  "responseCodes",
] as const;

/** Monitor timing defaults: the controller's own (HealthMonitor send_interval 10, receive_timeout 4, checks 2). */
export const MONITOR_DEFAULTS = { interval: 10, timeout: 4, failedChecks: 2, successfulChecks: 2 } as const;

export function validateMonitor(property: string, v: unknown): L4Failure[] {
  const out: L4Failure[] = [];
  if (typeof v === "string") {
    nonEmpty(out, property, v);
    return out;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return [
      { property, reason: `${property} must be a monitor's name or { type, interval, timeout, ... } to create one.` },
    ];
  }
  const m = v as HealthMonitorArgs;
  unknownKeys(out, property, m, MONITOR_KEYS);
  if (m.fromReadinessProbe !== undefined && typeof m.fromReadinessProbe !== "boolean") {
    out.push({
      property: `${property}.fromReadinessProbe`,
      reason: `${property}.fromReadinessProbe must be true or false.`,
    });
  }
  const derived = m.fromReadinessProbe === true;
  const type = monitorTypeOf(m.type);
  if (derived) {
    for (const k of ["type", "path", "request", "port"] as const) {
      if (m[k] !== undefined) {
        out.push({
          property: `${property}.${k}`,
          reason: `${property}.${k} comes from the readiness probe with fromReadinessProbe; leave it out.`,
        });
      }
    }
  } else if (m.type === undefined) {
    out.push({
      property: `${property}.type`,
      reason: `${property}.type is required (${MONITOR_TYPES.join(", ")}), or set fromReadinessProbe: true.`,
    });
  } else if (!type) {
    out.push({
      property: `${property}.type`,
      reason: `${property}.type ${show(m.type)} is not one of ${MONITOR_TYPES.join(", ")}.`,
    });
  }
  intIn(out, `${property}.interval`, m.interval, 1, 3600);
  intIn(out, `${property}.timeout`, m.timeout, 1, 2400);
  intIn(out, `${property}.failedChecks`, m.failedChecks, 1, 50);
  intIn(out, `${property}.successfulChecks`, m.successfulChecks, 1, 50);
  intIn(out, `${property}.port`, m.port, 1, 65535);
  const interval = m.interval ?? MONITOR_DEFAULTS.interval;
  const timeout = m.timeout ?? MONITOR_DEFAULTS.timeout;
  const valid = (v: unknown, max: number) => isInt(v) && v >= 1 && v <= max;
  if (valid(interval, 3600) && valid(timeout, 2400) && timeout >= interval) {
    out.push({
      property: `${property}.timeout`,
      reason: `${property}.timeout (${timeout} s) must be less than the interval (${interval} s), as the controller requires.`,
    });
  }
  const http = derived || type === "HTTP" || type === "HTTPS";
  for (const k of ["path", "request", "responseCodes"] as const) {
    if (m[k] !== undefined && !http) {
      out.push({ property: `${property}.${k}`, reason: `${property}.${k} applies to HTTP and HTTPS monitors only.` });
    }
  }
  if (m.path !== undefined && (typeof m.path !== "string" || !/^\/[^\s]*$/.test(m.path))) {
    out.push({
      property: `${property}.path`,
      reason: `${property}.path ${show(m.path)} must start with '/' and hold no spaces.`,
    });
  }
  nonEmpty(out, `${property}.request`, m.request);
  if (m.path !== undefined && m.request !== undefined) {
    out.push({ property: `${property}.request`, reason: `${property}: give path or request, not both.` });
  }
  if (m.responseCodes !== undefined) {
    if (!Array.isArray(m.responseCodes) || m.responseCodes.length === 0) {
      out.push({
        property: `${property}.responseCodes`,
        reason: `${property}.responseCodes must be a non-empty list.`,
      });
    } else {
      m.responseCodes.forEach((c, i) => {
        if (!responseCodeOf(c)) {
          out.push({
            property: `${property}.responseCodes[${i}]`,
            reason: `${property}.responseCodes[${i}] ${show(c)} is not one of ${RESPONSE_CODES.join(", ")}.`,
          });
        }
      });
    }
  }
  return out;
}

const POOL_KEYS = [
  "healthMonitor",
  "lbAlgorithm",
  "lbHash",
  "lbHashHeader",
  "persistence",
  "gracefulDisableTimeout",
  "serverDisableType",
  "minServersUp",
] as const;

export function validatePoolArgs(property: string, v: unknown): L4Failure[] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return [{ property, reason: `${property} must be an object of pool settings (${POOL_KEYS.join(", ")}).` }];
  }
  const p = v as PoolArgs;
  const out: L4Failure[] = [];
  unknownKeys(out, property, p, POOL_KEYS);
  if (p.healthMonitor !== undefined) out.push(...validateMonitor(`${property}.healthMonitor`, p.healthMonitor));
  if (p.lbAlgorithm !== undefined && !algorithmOf(p.lbAlgorithm)) {
    const name = String(p.lbAlgorithm)
      .toUpperCase()
      .replace(/^LB_ALGORITHM_/, "");
    out.push({
      property: `${property}.lbAlgorithm`,
      reason: (GSLB_ONLY_ALGORITHMS as readonly string[]).includes(name)
        ? `${property}.lbAlgorithm ${show(p.lbAlgorithm)} is for GSLB pools only; the controller refuses it here.`
        : `${property}.lbAlgorithm ${show(p.lbAlgorithm)} is not one of ${LB_ALGORITHMS.join(", ")}.`,
    });
  }
  if (p.lbHash !== undefined && !hashOf(p.lbHash)) {
    out.push({
      property: `${property}.lbHash`,
      reason: `${property}.lbHash ${show(p.lbHash)} is not one of ${LB_HASHES.join(", ")}.`,
    });
  }
  nonEmpty(out, `${property}.lbHashHeader`, p.lbHashHeader);
  if (
    typeof p.lbHashHeader === "string" &&
    p.lbHashHeader.trim() !== "" &&
    !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(p.lbHashHeader)
  ) {
    out.push({
      property: `${property}.lbHashHeader`,
      reason: `${property}.lbHashHeader ${show(p.lbHashHeader)} is not an HTTP header name.`,
    });
  }
  const per = p.persistence;
  if (per !== undefined && per !== false) {
    if (typeof per === "string") nonEmpty(out, `${property}.persistence`, per);
    else if (typeof per === "object" && per !== null && !Array.isArray(per)) {
      unknownKeys(out, `${property}.persistence`, per, ["clientIpTimeout"]);
      if (per.clientIpTimeout === undefined) {
        out.push({
          property: `${property}.persistence.clientIpTimeout`,
          reason: `${property}.persistence.clientIpTimeout (minutes) is required.`,
        });
      }
      intIn(out, `${property}.persistence.clientIpTimeout`, per.clientIpTimeout, 1, 720);
    } else {
      out.push({
        property: `${property}.persistence`,
        reason: `${property}.persistence must be a profile's name, { clientIpTimeout } in minutes, or false.`,
      });
    }
  }
  intIn(out, `${property}.gracefulDisableTimeout`, p.gracefulDisableTimeout, 1, 7200, [0, -1]);
  if (p.serverDisableType !== undefined && !(SERVER_DISABLE_TYPES as readonly string[]).includes(p.serverDisableType)) {
    out.push({
      property: `${property}.serverDisableType`,
      reason: `${property}.serverDisableType ${show(p.serverDisableType)} is not one of ${SERVER_DISABLE_TYPES.join(", ")}.`,
    });
  }
  intIn(out, `${property}.minServersUp`, p.minServersUp, 0, 4294967295);
  return out;
}

/** "80" or "53/UDP": a port, and optionally its protocol. */
export function parsePortKey(key: string): { port: number; protocol?: "TCP" | "UDP" | "SCTP" } | undefined {
  const m = /^(\d{1,5})(?:\/(TCP|UDP|SCTP))?$/i.exec(key);
  if (!m) return undefined;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return undefined;
  return m[2] ? { port, protocol: m[2].toUpperCase() as "TCP" | "UDP" | "SCTP" } : { port };
}

/** The VS-level L4 args: healthMonitor, pool, portPools, sourceRanges, fullClientLogs. */
export function validateL4Args(
  a: {
    healthMonitor?: unknown;
    pool?: unknown;
    portPools?: unknown;
    sourceRanges?: unknown;
    fullClientLogs?: unknown;
  },
  prefix = "",
): L4Failure[] {
  const out: L4Failure[] = [];
  const at = (k: string) => `${prefix}${k}`;
  if (a.healthMonitor !== undefined) out.push(...validateMonitor(at("healthMonitor"), a.healthMonitor));
  if (a.pool !== undefined) out.push(...validatePoolArgs(at("pool"), a.pool));
  const pool = a.pool as PoolArgs | undefined;
  if (a.healthMonitor !== undefined && pool && typeof pool === "object" && pool.healthMonitor !== undefined) {
    out.push({
      property: at("healthMonitor"),
      reason: `${at("healthMonitor")} and ${at("pool.healthMonitor")} say the same thing; give one of them.`,
    });
  }
  if (a.portPools !== undefined) {
    if (typeof a.portPools !== "object" || a.portPools === null || Array.isArray(a.portPools)) {
      out.push({ property: at("portPools"), reason: `${at("portPools")} must map "80" or "53/UDP" to pool settings.` });
    } else {
      for (const [key, v] of Object.entries(a.portPools)) {
        const property = at(`portPools["${key}"]`);
        if (!parsePortKey(key)) {
          out.push({ property, reason: `${property}: '${key}' is not a Service port such as "80" or "53/UDP".` });
        }
        out.push(...validatePoolArgs(property, v));
      }
    }
  }
  if (a.sourceRanges !== undefined) {
    if (!Array.isArray(a.sourceRanges)) {
      out.push({ property: at("sourceRanges"), reason: `${at("sourceRanges")} must be a list of CIDRs.` });
    } else {
      a.sourceRanges.forEach((c, i) => {
        const reason = validateCidr(c, at(`sourceRanges[${i}]`));
        if (reason) out.push({ property: at(`sourceRanges[${i}]`), reason });
      });
    }
  }
  if (a.fullClientLogs !== undefined && typeof a.fullClientLogs !== "boolean") {
    out.push({ property: at("fullClientLogs"), reason: `${at("fullClientLogs")} must be true or false.` });
  }
  return out;
}
