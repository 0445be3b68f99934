// What check() reads and derives for a virtual service, one Service or a shared VIP's several: the pools and their
// servers (EndpointSlices), the VIP (the argument, else the Services' annotation), and the L4 plan (provider/plan's
// resolveL4); then whether every object the plan names exists on the controller, one read per type on the shared
// session. Everything here runs before anything is written, so each failure names its field and costs no write.
import { type AviConnection, missingObjects } from "../../provider/avi";
import { readModePlacement } from "../../provider/kube";
import {
  agreedVip,
  classRefusal,
  DEFAULT_LOAD_BALANCER_CLASS,
  type Mode,
  type ModeOptions,
  parseSelector,
  type HealthMonitorArgs,
  type L4Plan,
  type L4Target,
  planServicePools,
  planSharedPools,
  resolveL4,
  type SharedMember,
  sharedVipFailures,
  validateIp,
} from "../../provider/plan";
import { resolveKube, resolveMode } from "../../provider/settings";
import { reading } from "./common";
import { type Settings, sourcesOf } from "./connection";
import type { PoolMap, VirtualServiceProps } from "./props";
import { serverMap } from "./state";

export interface Failure {
  property: string;
  reason: string;
}

export interface Resolved {
  pools: PoolMap;
  l4: L4Plan;
  vip?: VirtualServiceProps["vip"];
  conflicts: string[];
  failures: Failure[];
  /** Named objects that must exist on the controller, by Avi type, each with the fields naming it. */
  refs: Record<string, Record<string, string[]>>;
  /** Services refused (another load balancer's class, or the mode cannot serve them): name and why. */
  refused?: { service: string; reason: string }[];
  /** The mode the servers were planned in, and (nodeportlocal) how many pools have pods Antrea has not mapped yet. */
  mode: Mode;
  pending: number;
}

interface Target {
  namespace: string;
  name: string;
  ports?: number[];
  args: L4Target["args"];
  prefix: string;
}

const readsProbe = (m: unknown) =>
  typeof m === "object" && m !== null && (m as HealthMonitorArgs).fromReadinessProbe === true;

function wantsProbe(args: L4Target["args"], defaults?: L4Target["defaults"]): boolean {
  const pools = [args.pool, defaults?.pool, ...Object.values(args.portPools ?? {})];
  return [args.healthMonitor, defaults?.healthMonitor, ...pools.map((p) => p?.healthMonitor)].some(readsProbe);
}

function targetsOf(p: VirtualServiceProps): { targets: Target[]; defaults?: L4Target["defaults"] } {
  if (!p.members) {
    const args = { healthMonitor: p.healthMonitor, pool: p.pool, portPools: p.portPools };
    return { targets: [{ namespace: p.namespace, name: p.service, ports: p.ports, args, prefix: "" }] };
  }
  return {
    defaults: { healthMonitor: p.healthMonitor, pool: p.pool },
    targets: p.members.map((m, i) => ({
      namespace: p.namespace,
      name: m.service,
      ports: m.ports,
      args: { healthMonitor: m.healthMonitor, pool: m.pool, portPools: m.portPools },
      prefix: `members[${i}].`,
    })),
  };
}

function addRef(refs: Resolved["refs"], type: string, name: string | undefined, property: string): void {
  if (!name) return;
  const byName = refs[type] ?? {};
  refs[type] = byName;
  const list = byName[name] ?? [];
  byName[name] = list;
  if (!list.includes(property)) list.push(property);
}

/** Reads the Service(s) and derives pools, VIP and L4 plan. */
export async function resolveTargets(p: VirtualServiceProps, settings: Settings | undefined): Promise<Resolved> {
  const sources = sourcesOf(p, settings);
  const kube = resolveKube(sources).connection;
  const { mode, nodeSelector } = resolveMode(sources);
  const { targets, defaults } = targetsOf(p);
  const read = await readModePlacement(
    kube,
    targets.map((t) => ({ namespace: t.namespace, name: t.name, probe: wantsProbe(t.args, defaults) })),
    { mode, ...(p.nodeNetworks && p.nodeNetworks.length > 0 ? { nodeNetworks: p.nodeNetworks } : {}) },
  );
  const placements = read.services;
  const failures: Failure[] = [];
  const conflicts: string[] = [];
  const parsed = mode === "nodeport" && nodeSelector ? parseSelector(nodeSelector) : undefined;
  const modeOptions: ModeOptions = {
    mode,
    ...(read.nodes ? { nodes: read.nodes.nodes } : {}),
    ...(parsed?.ok ? { nodeSelector: parsed.requirements } : {}),
    annotateService: p.annotateService === true,
  };
  if (read.nodes) conflicts.push(...read.nodes.notes);
  let pending = 0;
  const pools: PoolMap = {};
  const l4Targets: L4Target[] = [];
  const members: SharedMember[] = [];
  const refused: { service: string; reason: string }[] = [];
  targets.forEach((t, i) => {
    const svc = placements[i]!;
    // Another class's Service belongs to another load balancer: refused before anything is planned or written.
    const refusal = classRefusal(svc, p.loadBalancerClass ?? DEFAULT_LOAD_BALANCER_CLASS);
    if (refusal) {
      failures.push({ property: `${t.prefix}service`, reason: refusal });
      refused.push({ service: t.name, reason: refusal });
    }
    // The one computation of a Service's pools (the sync and `avi-k8s plan` use it too); a shared VIP's pools are
    // named after its key.
    const own = planServicePools(p.cluster, svc, t.ports, modeOptions);
    pending += own.conflicts.filter((c) => c.kind === "node-port-local-pending").length;
    failures.push(...own.failures.map((f) => ({ ...f, property: `${t.prefix}${f.property}` })));
    // The mode cannot serve the Service (no node ports, no NodePortLocal opt-in): an Event on it says so too.
    for (const f of own.failures) if (f.property === "service") refused.push({ service: t.name, reason: f.reason });
    const chosen = t.ports ? { ...svc, ports: svc.ports.filter((sp) => t.ports?.includes(sp.port)) } : svc;
    const planned = p.members ? planSharedPools(p.cluster, p.service, chosen, own.pools) : own.pools;
    for (const pool of planned) {
      pools[pool.name] = {
        servicePort: pool.servicePort,
        protocol: pool.protocol,
        servers: serverMap(pool.servers, true),
      };
    }
    conflicts.push(...own.conflicts.map((c) => c.message));
    l4Targets.push({
      service: chosen,
      pools: planned,
      args: t.args,
      prefix: t.prefix,
      mode,
      ...(defaults ? { defaults } : {}),
    });
    members.push({ service: chosen, pools: planned, prefix: t.prefix });
  });
  if (p.members) failures.push(...sharedVipFailures(p.service, members));
  const l4 = resolveL4(l4Targets, {
    ...(p.sourceRanges !== undefined ? { sourceRanges: p.sourceRanges } : {}),
    ...(p.fullClientLogs !== undefined ? { fullClientLogs: p.fullClientLogs } : {}),
  });
  failures.push(...l4.failures);
  conflicts.push(...l4.notes);
  const vip = vipOf(p, members, failures, conflicts);
  const refs: Resolved["refs"] = {
    healthmonitor: l4.refs.healthmonitor,
    applicationpersistenceprofile: l4.refs.applicationpersistenceprofile,
  };
  addRef(refs, "applicationprofile", p.applicationProfile, "applicationProfile");
  addRef(refs, "networkprofile", p.networkProfile, "networkProfile");
  return {
    pools,
    l4: l4.plan,
    ...(vip ? { vip } : {}),
    conflicts,
    failures,
    refs,
    ...(refused.length ? { refused } : {}),
    mode,
    pending,
  };
}

function vipOf(
  p: VirtualServiceProps,
  members: SharedMember[],
  failures: Failure[],
  conflicts: string[],
): VirtualServiceProps["vip"] | undefined {
  const asked = p.members ? agreedVip(members) : { ...members[0]?.service.preferredVip, failures: [] };
  failures.push(...asked.failures);
  if (p.vip !== undefined) {
    if (asked.address && asked.address !== p.vip.address) {
      conflicts.push(`The vip argument wins over ${asked.from} (${asked.address}).`);
    }
    return p.vip;
  }
  if (asked.address) {
    const bad = validateIp(asked.address, asked.from ?? "the Service's preferred VIP");
    if (bad) {
      failures.push({ property: p.members ? "services" : "service", reason: `${bad} Fix it, or give vip.` });
      return undefined;
    }
    return { address: asked.address };
  }
  failures.push({
    property: "vip",
    reason: `vip is required: { address } for a static VIP or { network } for IPAM, unless the Service${p.members ? "s carry" : " carries"} the annotation ako.vmware.com/load-balancer-ip (or spec.loadBalancerIP).`,
  });
  return undefined;
}

/** check(): every named monitor, profile and persistence profile must exist where the objects will live. */
export async function missingRefFailures(conn: AviConnection, refs: Resolved["refs"]): Promise<Failure[]> {
  const wanted = Object.fromEntries(Object.entries(refs).map(([type, byName]) => [type, Object.keys(byName)]));
  if (Object.values(wanted).every((names) => names.length === 0)) return [];
  const missing = await reading(conn, (s) => missingObjects(s, { tenant: conn.tenant ?? "admin" }, wanted));
  const out: Failure[] = [];
  for (const [type, names] of Object.entries(missing)) {
    for (const name of names) {
      for (const property of refs[type]?.[name] ?? [type]) {
        out.push({
          property,
          reason: `${property}: ${type} '${name}' does not exist in tenant ${conn.tenant ?? "admin"} on ${conn.controller}; create it, or name one that exists.`,
        });
      }
    }
  }
  return out;
}
