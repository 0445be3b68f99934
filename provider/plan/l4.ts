// The L4 plan of a virtual service from its Services (as read, with their pools planned) and the L4 args: per pool
// the monitor, balancing, persistence and drain; the monitors and persistence profiles the resource owns; the
// source ranges. Pure: check() calls it after the Kubernetes read, and stores the result in the inputs so preview
// shows every value the controller will get. Failures name the argument (or the Service field) at fault.
import { algorithmOf, hashOf, type L4Failure, MONITOR_DEFAULTS, parsePortKey } from "./l4args";
import type { HealthMonitorArgs, L4Args, L4Plan, L4Refs, MonitorSpec, PoolArgs, PoolL4 } from "./l4types";
import { DEFAULT_MONITOR, monitorFromArgs, monitorFromProbe, monitorName } from "./monitors";
import { affinityMinutes, persistenceName } from "./persistence";
import { normalizeRanges } from "./security";
import type { DesiredPool, Mode, ServicePlacement, ServicePortPlacement } from "./types";

/** One Service of the virtual service: its placement, its planned pools and the args that apply to them. */
export interface L4Target {
  service: ServicePlacement;
  pools: DesiredPool[];
  args: L4Args;
  /** Prefix of the argument paths in failures: "" for a virtual service, "members[1]." for a shared VIP's member. */
  prefix: string;
  /** A shared VIP's own healthMonitor and pool, under every member's (portPools are per member only). */
  defaults?: Pick<L4Args, "healthMonitor" | "pool">;
  /** How the servers reach the pods (default clusterip): a monitor derived from a probe must fit it. */
  mode?: Mode;
}

export interface L4Options {
  /** The sourceRanges argument (validated); when absent, the Services' own ranges. */
  sourceRanges?: string[];
  fullClientLogs?: boolean;
}

export interface L4Resolution {
  plan: L4Plan;
  failures: L4Failure[];
  /** Informative: a clamped timeout, a monitor waiting for a pod to read its probe from. */
  notes: string[];
  /** Objects the plan names that must already exist on the controller (checked by check()). */
  refs: L4Refs;
}

/** Avi object names stop at 255 characters (AKO skips longer ones). */
export const MAX_NAME_LENGTH = 255;

type Origin = Partial<Record<keyof PoolArgs, string>>;

/**
 * The group's defaults (a shared VIP's own healthMonitor and pool), then the target's healthMonitor and `pool`, then
 * `portPools["80"]`, then `portPools["80/TCP"]`, field by field; remembers where each field came from.
 */
function merged(target: L4Target, port: number, protocol: string): { args: PoolArgs; origin: Origin } {
  const args: PoolArgs = {};
  const origin: Origin = {};
  const layer = (p: PoolArgs | undefined, path: string) => {
    if (!p || typeof p !== "object") return;
    for (const [k, v] of Object.entries(p) as [keyof PoolArgs, unknown][]) {
      if (v === undefined) continue;
      (args as Record<string, unknown>)[k] = v;
      origin[k] = `${path}.${k}`;
    }
  };
  const monitor = (m: L4Args["healthMonitor"], path: string) => {
    if (m === undefined) return;
    args.healthMonitor = m;
    origin.healthMonitor = path;
  };
  const d = target.defaults;
  if (d) {
    monitor(d.healthMonitor, "healthMonitor");
    layer(d.pool, "pool");
  }
  const a = target.args;
  monitor(a.healthMonitor, `${target.prefix}healthMonitor`);
  layer(a.pool, `${target.prefix}pool`);
  for (const [key, p] of Object.entries(a.portPools ?? {})) {
    const k = parsePortKey(key);
    if (k && k.port === port && !k.protocol) layer(p, `${target.prefix}portPools["${key}"]`);
  }
  for (const [key, p] of Object.entries(a.portPools ?? {})) {
    const k = parsePortKey(key);
    if (k && k.port === port && k.protocol === protocol) layer(p, `${target.prefix}portPools["${key}"]`);
  }
  return { args, origin };
}

function portKeyFailures(target: L4Target): L4Failure[] {
  const out: L4Failure[] = [];
  const svc = `${target.service.namespace}/${target.service.name}`;
  const exposed = target.pools.map((p) => `${p.servicePort}/${p.protocol}`);
  for (const key of Object.keys(target.args.portPools ?? {})) {
    const k = parsePortKey(key);
    if (!k) continue;
    const hit = target.pools.some((p) => p.servicePort === k.port && (!k.protocol || p.protocol === k.protocol));
    if (!hit) {
      const property = `${target.prefix}portPools["${key}"]`;
      out.push({
        property,
        reason: `${property}: Service ${svc} exposes no port ${key} here (it exposes ${exposed.join(", ") || "none"}).`,
      });
    }
  }
  return out;
}

function balancing(
  args: PoolArgs,
  origin: Origin,
  failures: L4Failure[],
): Pick<PoolL4, "lbAlgorithm" | "lbHash" | "lbHashHeader"> {
  const lbAlgorithm = algorithmOf(args.lbAlgorithm) ?? "LEAST_CONNECTIONS";
  const hash = hashOf(args.lbHash);
  if (args.lbHash !== undefined && lbAlgorithm !== "CONSISTENT_HASH") {
    const property = origin.lbHash ?? "lbHash";
    failures.push({
      property,
      reason: `${property} needs lbAlgorithm CONSISTENT_HASH (this pool's is ${lbAlgorithm}).`,
    });
  }
  if (args.lbHashHeader !== undefined && hash !== "CUSTOM_HEADER") {
    const property = origin.lbHashHeader ?? "lbHashHeader";
    failures.push({
      property,
      reason: `${property} needs lbHash CUSTOM_HEADER (this pool's is ${hash ?? "not set"}).`,
    });
  }
  if (hash === "CUSTOM_HEADER" && args.lbHashHeader === undefined) {
    const property = origin.lbHash ?? "lbHash";
    failures.push({ property, reason: `${property} CUSTOM_HEADER needs lbHashHeader, the header to hash.` });
  }
  if (lbAlgorithm !== "CONSISTENT_HASH") return { lbAlgorithm };
  const out: Pick<PoolL4, "lbAlgorithm" | "lbHash" | "lbHashHeader"> = {
    lbAlgorithm,
    lbHash: hash ?? "SOURCE_IP_ADDRESS",
  };
  if (hash === "CUSTOM_HEADER" && typeof args.lbHashHeader === "string") out.lbHashHeader = args.lbHashHeader;
  return out;
}

interface Acc {
  monitors: Record<string, MonitorSpec>;
  profiles: Record<string, { clientIpTimeout: number }>;
  failures: L4Failure[];
  notes: string[];
  refs: L4Refs;
}

function addRef(refs: Record<string, string[]>, name: string, property: string): void {
  const list = refs[name] ?? [];
  refs[name] = list;
  if (!list.includes(property)) list.push(property);
}

/**
 * NodePort with externalTrafficPolicy Local: kube-proxy answers `GET /healthz` on the healthCheckNodePort with 200
 * while the node has local endpoints and 503 when it has none, so this monitor takes a node out of traffic the
 * moment its last pod goes (AKO probes the node port, which says nothing about the pods).
 */
export function healthCheckNodePortMonitor(port: number): MonitorSpec {
  return {
    type: "HTTP",
    interval: MONITOR_DEFAULTS.interval,
    timeout: MONITOR_DEFAULTS.timeout,
    failedChecks: MONITOR_DEFAULTS.failedChecks,
    successfulChecks: MONITOR_DEFAULTS.successfulChecks,
    port,
    request: "GET /healthz HTTP/1.0",
    responseCodes: ["2XX"],
    from: "healthCheckNodePort",
  };
}

function monitorFor(
  pool: DesiredPool,
  sp: ServicePortPlacement | undefined,
  args: PoolArgs,
  origin: Origin,
  acc: Acc,
  mode: Mode,
): string {
  const m = args.healthMonitor;
  if (m === undefined && pool.healthCheckNodePort) {
    const name = monitorName(pool.name, "HTTP");
    acc.monitors[name] = healthCheckNodePortMonitor(pool.healthCheckNodePort);
    return name;
  }
  if (m === undefined) return DEFAULT_MONITOR[pool.protocol];
  if (typeof m === "string") {
    addRef(acc.refs.healthmonitor, m, origin.healthMonitor ?? "healthMonitor");
    return m;
  }
  const hm = m as HealthMonitorArgs;
  let spec: MonitorSpec;
  if (hm.fromReadinessProbe === true) {
    const probe = sp?.readinessProbe;
    if (!probe) {
      acc.notes.push(
        `Pool ${pool.name}: no pod backs it yet, so its readiness probe cannot be read; it keeps ${DEFAULT_MONITOR[pool.protocol]} until a later update finds one.`,
      );
      return DEFAULT_MONITOR[pool.protocol];
    }
    const target = typeof sp?.targetPort === "number" ? sp.targetPort : (pool.servers[0]?.port ?? probe.port ?? 0);
    const derived = monitorFromProbe(hm, probe, target);
    if (derived.kind === "refused") {
      const property = origin.healthMonitor ?? "healthMonitor";
      acc.failures.push({ property, reason: `${property}.fromReadinessProbe: ${derived.reason}` });
      return DEFAULT_MONITOR[pool.protocol];
    }
    if (mode !== "clusterip" && derived.spec.port !== undefined) {
      // The servers are node ports: the probe's own pod port is not reachable on the node address.
      const property = origin.healthMonitor ?? "healthMonitor";
      acc.failures.push({
        property,
        reason: `${property}.fromReadinessProbe: the readinessProbe of pod ${probe.pod} checks port ${derived.spec.port}, not the target port; in mode ${mode} a monitor reaches the pods only through the node port: set a typed monitor ({ type, path }) instead.`,
      });
      return DEFAULT_MONITOR[pool.protocol];
    }
    spec = derived.spec;
  } else {
    spec = monitorFromArgs(hm);
  }
  const name = monitorName(pool.name, spec.type);
  acc.monitors[name] = spec;
  return name;
}

function persistenceFor(
  pool: DesiredPool,
  svc: ServicePlacement,
  args: PoolArgs,
  origin: Origin,
  acc: Acc,
): string | undefined {
  const p = args.persistence;
  if (p === false) return undefined;
  if (typeof p === "string") {
    addRef(acc.refs.applicationpersistenceprofile, p, origin.persistence ?? "persistence");
    return p;
  }
  let minutes: number | undefined;
  if (p && typeof p === "object") minutes = p.clientIpTimeout;
  else if (svc.sessionAffinity) {
    const m = affinityMinutes(svc.sessionAffinity.timeoutSeconds);
    if (m.note) acc.notes.push(`Service ${svc.namespace}/${svc.name}: ${m.note}`);
    minutes = m.minutes;
  }
  if (minutes === undefined) return undefined;
  const name = persistenceName(pool.name);
  acc.profiles[name] = { clientIpTimeout: minutes };
  return name;
}

function poolL4(target: L4Target, pool: DesiredPool, acc: Acc): PoolL4 {
  const sp = target.service.ports.find((p) => p.port === pool.servicePort && p.protocol === pool.protocol);
  const { args, origin } = merged(target, pool.servicePort, pool.protocol);
  const out: PoolL4 = {
    healthMonitor: monitorFor(pool, sp, args, origin, acc, target.mode ?? "clusterip"),
    ...balancing(args, origin, acc.failures),
    gracefulDisableTimeout: args.gracefulDisableTimeout ?? 1,
  };
  const persistence = persistenceFor(pool, target.service, args, origin, acc);
  if (persistence) out.persistence = persistence;
  if (args.serverDisableType) out.serverDisableType = args.serverDisableType;
  if (args.minServersUp !== undefined) out.minServersUp = args.minServersUp;
  return out;
}

/**
 * The source ranges: the argument when given (an empty list means none), else the Services' own, which must agree
 * when several Services share one virtual service (one policy guards the one VIP).
 */
export function rangesFor(
  targets: readonly L4Target[],
  arg: string[] | undefined,
): { ranges?: string[]; failures: L4Failure[] } {
  if (arg !== undefined) {
    const r = normalizeRanges(arg, "sourceRanges").ranges;
    return r.length > 0 ? { ranges: r, failures: [] } : { failures: [] };
  }
  const failures: L4Failure[] = [];
  let first: { ranges: string[]; who: string } | undefined;
  for (const t of targets) {
    const who = `Service ${t.service.namespace}/${t.service.name}`;
    const given = t.service.sourceRanges;
    const n = normalizeRanges(given?.ranges ?? [], `${who} ${given?.from ?? ""}`.trim());
    for (const reason of n.problems) failures.push({ property: `${t.prefix}service`, reason });
    if (!first) first = { ranges: n.ranges, who };
    else if (first.ranges.join(",") !== n.ranges.join(",")) {
      failures.push({
        property: `${t.prefix}service`,
        reason: `${who} allows source ranges [${n.ranges.join(", ")}] but ${first.who} allows [${first.ranges.join(", ")}]; one VIP has one policy: make them agree, or set sourceRanges on the shared VIP.`,
      });
    }
  }
  return first && first.ranges.length > 0 ? { ranges: first.ranges, failures } : { failures };
}

function nameLengthFailures(plan: L4Plan): L4Failure[] {
  const names = [...Object.keys(plan.healthMonitors ?? {}), ...Object.keys(plan.persistenceProfiles ?? {})];
  return names
    .filter((n) => n.length > MAX_NAME_LENGTH)
    .map((n) => ({
      property: "cluster",
      reason: `The object name ${n.slice(0, 40)}… would be ${n.length} characters; Avi names stop at ${MAX_NAME_LENGTH}: use a shorter cluster, namespace, Service or key name.`,
    }));
}

export function resolveL4(targets: readonly L4Target[], opts: L4Options = {}): L4Resolution {
  const acc: Acc = {
    monitors: {},
    profiles: {},
    failures: [],
    notes: [],
    refs: { healthmonitor: {}, applicationpersistenceprofile: {} },
  };
  const pools: Record<string, PoolL4> = {};
  for (const t of targets) {
    acc.failures.push(...portKeyFailures(t));
    for (const pool of t.pools) pools[pool.name] = poolL4(t, pool, acc);
  }
  const ranges = rangesFor(targets, opts.sourceRanges);
  acc.failures.push(...ranges.failures);
  const plan: L4Plan = { pools };
  if (Object.keys(acc.monitors).length > 0) plan.healthMonitors = acc.monitors;
  if (Object.keys(acc.profiles).length > 0) plan.persistenceProfiles = acc.profiles;
  if (ranges.ranges) plan.sourceRanges = ranges.ranges;
  if (opts.fullClientLogs !== undefined) plan.fullClientLogs = opts.fullClientLogs;
  acc.failures.push(...nameLengthFailures(plan));
  const seen = new Set<string>();
  const failures = acc.failures.filter((f) => {
    const k = `${f.property}\u0000${f.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return {
    plan,
    failures,
    notes: [...new Set(acc.notes)],
    refs: acc.refs,
  };
}

/** The plan an earlier version's state implies (no l4 recorded): its monitor per protocol, or the one it named. */
export function implicitL4(
  pools: readonly { name: string; protocol: DesiredPool["protocol"] }[],
  healthMonitor?: string,
): L4Plan {
  const out: L4Plan = { pools: {} };
  for (const p of pools) {
    out.pools[p.name] = {
      healthMonitor: healthMonitor ?? DEFAULT_MONITOR[p.protocol],
      lbAlgorithm: "LEAST_CONNECTIONS",
      gracefulDisableTimeout: 1,
    };
  }
  return out;
}
