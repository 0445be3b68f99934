// Desired pools and their servers from a service's endpoints, with AKO's names so users find familiar objects.
import { parseIp } from "./ip";
import { compareServers, gateOf, servesTraffic } from "./endpoints";
import { nodePortFailure, planNodePortPools } from "./nodeport";
import { nodePortLocalFailures, planNodePortLocalPools } from "./npl";
import type { Requirement } from "./selector";
import type { Conflict, DesiredPool, DesiredServer, Mode, NodePlacement, Protocol, ServicePlacement } from "./types";

/** `<cluster>--<ns>-<svc>`: the VirtualService and VsVip name, as AKO names its L4 objects. */
export function virtualServiceName(cluster: string, namespace: string, service: string): string {
  return `${cluster}--${namespace}-${service}`;
}

/** `<cluster>--<ns>-<svc>-<PROTO>-<port>` with the Service port (not the target port), as AKO names L4 pools. */
export function poolName(
  cluster: string,
  namespace: string,
  service: string,
  protocol: Protocol,
  port: number,
): string {
  return `${virtualServiceName(cluster, namespace, service)}-${protocol}-${port}`;
}

function serverKey(s: { ip: string; port: number }): string {
  return `${s.ip}:${s.port}`;
}

/**
 * One pool per Service port. Servers are the endpoints' first addresses on the resolved target port; a server
 * is enabled only when it serves traffic (servesTraffic), so a not-ready or terminating pod stays in the pool
 * disabled and its connections drain instead of being cut. The same ip:port seen twice (a pod listed in two slices
 * while the slice controller moves it) is one server, enabled if either copy is.
 */
export function planPools(cluster: string, svc: ServicePlacement): DesiredPool[] {
  return svc.ports.map((p) => {
    const servers = new Map<string, DesiredServer>();
    for (const ep of p.endpoints) {
      const ip = parseIp(ep.ip);
      if (!ip) continue;
      const server: DesiredServer = { ip: ip.text, port: ep.port, enabled: servesTraffic(ep) };
      if (ep.node !== undefined) server.node = ep.node;
      if (ep.pod !== undefined) server.pod = ep.pod.name;
      const gate = gateOf(ep);
      if (gate) server.gate = gate;
      const key = serverKey(server);
      const prior = servers.get(key);
      if (!prior || (!prior.enabled && server.enabled)) servers.set(key, server);
    }
    return {
      name: poolName(cluster, svc.namespace, svc.name, p.protocol, p.port),
      servicePort: p.port,
      protocol: p.protocol,
      servers: [...servers.values()].sort(compareServers),
    };
  });
}

/** A Service port the caller asked for that the Service does not have: the field and one sentence. */
export interface PortFailure {
  property: string;
  reason: string;
}

/** How a mode derives servers, beyond the Service itself (the default is ClusterIP: pod IP : target port). */
export interface ModeOptions {
  mode?: Mode;
  /** nodeport: the cluster's nodes as the placement reader read them (addresses, labels, readiness). */
  nodes?: readonly NodePlacement[];
  /** nodeport: the parsed nodeSelector (parseSelector); all nodes without one. */
  nodeSelector?: readonly Requirement[];
  /** nodeportlocal: the resource sets the Service's enabled annotation itself, so its absence is no failure. */
  annotateService?: boolean;
}

/**
 * The pools of a Service as every entry point computes them (the resources' check and create, `avi-k8s plan` and
 * `avi-k8s sync`): one per Service port, or per listed port (`ports`, by Service port number, in the Service's
 * order), with the conflicts worth reporting and the listed ports the Service does not have. The mode decides the
 * servers: pod IPs (clusterip), node addresses and node ports (nodeport), or Antrea's per-pod node ports
 * (nodeportlocal); a Service the mode cannot serve is a failure naming it and the fix.
 */
export function planServicePools(
  cluster: string,
  svc: ServicePlacement,
  ports?: readonly number[],
  opts: ModeOptions = {},
): { pools: DesiredPool[]; conflicts: Conflict[]; failures: PortFailure[] } {
  const failures: PortFailure[] = [];
  (ports ?? []).forEach((port, i) => {
    if (!svc.ports.some((sp) => sp.port === port)) {
      const has = svc.ports.map((sp) => sp.port).join(", ") || "none";
      failures.push({
        property: `ports[${i}]`,
        reason: `Service ${svc.namespace}/${svc.name} has no port ${port} (it has ${has}).`,
      });
    }
  });
  const chosen = ports ? { ...svc, ports: svc.ports.filter((sp) => ports.includes(sp.port)) } : svc;
  const mode = opts.mode ?? "clusterip";
  if (mode === "clusterip") return { pools: planPools(cluster, chosen), conflicts: poolConflicts(chosen), failures };
  const shapes = chosen.ports.map((p) => ({
    name: poolName(cluster, svc.namespace, svc.name, p.protocol, p.port),
    servicePort: p.port,
    protocol: p.protocol,
  }));
  if (mode === "nodeport") {
    if (!opts.nodes) throw new Error("planServicePools: mode nodeport needs the cluster's nodes");
    const refused = nodePortFailure(chosen);
    if (refused) {
      return { pools: shapes.map((s) => ({ ...s, servers: [] })), conflicts: [], failures: [...failures, refused] };
    }
    const planned = planNodePortPools(chosen, shapes, opts.nodes, opts.nodeSelector);
    return { pools: planned.pools, conflicts: [...poolConflicts(chosen), ...planned.conflicts], failures };
  }
  const refused = nodePortLocalFailures(chosen, opts.annotateService === true);
  const planned = planNodePortLocalPools(chosen, shapes);
  return {
    pools: planned.pools,
    conflicts: [...poolConflicts(chosen), ...planned.conflicts],
    failures: [...failures, ...refused],
  };
}

/** What the plan command reports about a service's pools: ports without endpoints, and unusable addresses. */
export function poolConflicts(svc: ServicePlacement): Conflict[] {
  const out: Conflict[] = (svc.notes ?? []).map((message) => ({ kind: "other" as const, message }));
  for (const p of svc.ports) {
    const label = `${svc.namespace}/${svc.name} port ${p.port}/${p.protocol}`;
    if (p.endpoints.length === 0) {
      out.push({
        kind: "no-endpoints",
        message: `Service ${label} has no endpoints (no pod matches its selector, or none has target port ${p.targetPort}); its pool would be empty.`,
      });
    }
    for (const ep of p.endpoints) {
      if (!parseIp(ep.ip)) {
        out.push({
          kind: "other",
          message: `Service ${label} has endpoint address '${ep.ip}', which is not an IP address; it is left out.`,
        });
      }
    }
  }
  return out;
}

/** Servers keyed by ip:port; a changed `enabled` or node is an update of that server. */
export function diffServers(
  desired: DesiredServer[],
  actual: DesiredServer[],
): {
  add: DesiredServer[];
  update: { from: DesiredServer; to: DesiredServer }[];
  remove: DesiredServer[];
  unchanged: DesiredServer[];
} {
  const current = new Map<string, DesiredServer>();
  for (const s of actual) current.set(serverKey(s), s);
  const add: DesiredServer[] = [];
  const update: { from: DesiredServer; to: DesiredServer }[] = [];
  const unchanged: DesiredServer[] = [];
  const wanted = new Set<string>();
  for (const to of desired) {
    const key = serverKey(to);
    if (wanted.has(key)) continue;
    wanted.add(key);
    const from = current.get(key);
    if (!from) add.push(to);
    else if (from.enabled !== to.enabled || (from.node ?? "") !== (to.node ?? "")) update.push({ from, to });
    else unchanged.push(to);
  }
  const remove = actual.filter((s) => !wanted.has(serverKey(s)));
  return { add, update, remove, unchanged };
}
