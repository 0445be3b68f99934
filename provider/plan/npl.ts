// NodePortLocal mode as data: Antrea opens a port on each pod's node per (target port, protocol) and publishes it in
// the pod annotation nodeportlocal.antrea.io; the servers are those node address : port pairs (no routes, no second
// hop). research/beyond-clusterip.md §1.2 has the format and AKO's defects, which this avoids: entries are matched
// on target port AND protocol, a not-ready pod stays in the pool disabled (AKO drops it), and a pod whose
// annotation is not there yet is reported, never guessed. Pure.
import { compareServers, gateOf, servesTraffic } from "./endpoints";
import { parseIp } from "./ip";
import type { Conflict, DesiredPool, DesiredServer, ServicePlacement } from "./types";

/** The pod annotation Antrea's agent writes. */
export const ANNOTATION_NPL = "nodeportlocal.antrea.io";
/** The Service annotation that asks Antrea to map its pods' ports. */
export const ANNOTATION_NPL_ENABLED = "nodeportlocal.antrea.io/enabled";

export interface NplEntry {
  podPort: number;
  nodeIP: string;
  nodePort: number;
  /** Lower case; Antrea 2.x writes `protocol`, before 1.7 a `protocols` list (one nodePort for all of them). */
  protocols: string[];
}

const isPort = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0 && v < 65536;

/**
 * Tolerant of every format Antrea wrote (v1.4 `protocols: [..]`, v1.7 both, v2 `protocol`) and of fields it may
 * add (e.g. `ipFamily`); an entry without a usable port, address or protocol is skipped and counted.
 */
export function parseNplAnnotation(text: string): { entries: NplEntry[]; skipped: number; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { entries: [], skipped: 0, error: "is not JSON" };
  }
  if (!Array.isArray(value)) return { entries: [], skipped: 0, error: "is not a JSON list" };
  const entries: NplEntry[] = [];
  let skipped = 0;
  for (const e of value as Record<string, unknown>[]) {
    const protocols = new Set<string>();
    if (typeof e?.protocol === "string") protocols.add(e.protocol.toLowerCase());
    if (Array.isArray(e?.protocols))
      for (const p of e.protocols) if (typeof p === "string") protocols.add(p.toLowerCase());
    // An entry with neither field counts as TCP, the one protocol the first NodePortLocal mapped [inferred].
    if (protocols.size === 0 && e && !("protocol" in e) && !("protocols" in e)) protocols.add("tcp");
    const ip = typeof e?.nodeIP === "string" ? parseIp(e.nodeIP) : undefined;
    if (!isPort(e?.podPort) || !isPort(e?.nodePort) || !ip || protocols.size === 0) {
      skipped++;
      continue;
    }
    entries.push({ podPort: e.podPort, nodeIP: ip.text, nodePort: e.nodePort, protocols: [...protocols].sort() });
  }
  return { entries, skipped };
}

export interface NplFailure {
  property: string;
  reason: string;
}

/**
 * What keeps Antrea from mapping the Service's pods: a Service of type NodePort, one without a selector, SCTP
 * ports, and a missing enabled annotation (unless the resource sets it: `annotateService`).
 */
export function nodePortLocalFailures(svc: ServicePlacement, annotateService: boolean): NplFailure[] {
  const id = `Service ${svc.namespace}/${svc.name}`;
  const out: NplFailure[] = [];
  if (svc.type === "NodePort") {
    out.push({
      property: "service",
      reason: `${id} is of type NodePort, whose pods Antrea's NodePortLocal does not map: use type ClusterIP or LoadBalancer, or mode nodeport.`,
    });
  }
  if (svc.hasSelector === false) {
    out.push({
      property: "service",
      reason: `${id} has no selector, so Antrea's NodePortLocal maps none of its pods: give it a spec.selector, or use mode clusterip.`,
    });
  }
  for (const p of svc.ports) {
    if (p.protocol === "SCTP") {
      out.push({
        property: "service",
        reason: `${id} port ${p.port}/SCTP: NodePortLocal maps TCP and UDP only; leave the port out (ports) or use mode clusterip.`,
      });
    }
  }
  if (!svc.nodePortLocalEnabled && !annotateService) {
    out.push({
      property: "service",
      reason: `${id} lacks the annotation ${ANNOTATION_NPL_ENABLED}: "true", without which Antrea maps no ports for its pods: annotate the Service (kubectl annotate service -n ${svc.namespace} ${svc.name} ${ANNOTATION_NPL_ENABLED}=true), or set annotateService: true to let this resource set it and remove it on destroy.`,
    });
  }
  return out;
}

/**
 * Each port's servers: for every endpoint of the port, the entries of its pod's annotation whose podPort is the
 * endpoint's (resolved) target port and whose protocol is the port's; enabled while the pod serves traffic
 * (servesTraffic: ready and not terminating, or a gated pod's containers ready). Pods without the annotation, or
 * whose annotation maps no such port, are reported per pool.
 */
export function planNodePortLocalPools(
  svc: ServicePlacement,
  pools: readonly Pick<DesiredPool, "name" | "servicePort" | "protocol">[],
): { pools: DesiredPool[]; conflicts: Conflict[] } {
  const conflicts: Conflict[] = [];
  const annotations = svc.podAnnotations ?? {};
  const parsed = new Map<string, ReturnType<typeof parseNplAnnotation>>();
  const out = pools.map((pool) => {
    const sp = svc.ports.find((p) => p.port === pool.servicePort && p.protocol === pool.protocol);
    const protocol = pool.protocol.toLowerCase();
    const servers = new Map<string, DesiredServer>();
    const waiting: string[] = [];
    const unmapped: string[] = [];
    const broken: string[] = [];
    for (const ep of sp?.endpoints ?? []) {
      const pod = ep.pod?.name;
      if (!pod) {
        broken.push(`${ep.ip} (no pod)`);
        continue;
      }
      const text = annotations[pod];
      if (text === undefined || text === null) {
        waiting.push(pod);
        continue;
      }
      let p = parsed.get(pod);
      if (!p) {
        p = parseNplAnnotation(text);
        parsed.set(pod, p);
      }
      if (p.error) {
        broken.push(`${pod} (its annotation ${p.error})`);
        continue;
      }
      const hits = p.entries.filter((e) => e.podPort === ep.port && e.protocols.includes(protocol));
      if (hits.length === 0) unmapped.push(pod);
      for (const e of hits) {
        const gate = gateOf(ep);
        const server: DesiredServer = {
          ip: e.nodeIP,
          port: e.nodePort,
          enabled: servesTraffic(ep),
          pod,
          ...(ep.node !== undefined ? { node: ep.node } : {}),
          ...(gate ? { gate } : {}),
        };
        const key = `${server.ip}:${server.port}`;
        const prior = servers.get(key);
        if (!prior || (!prior.enabled && server.enabled)) servers.set(key, server);
      }
    }
    const label = `Service ${svc.namespace}/${svc.name} port ${pool.servicePort}/${pool.protocol}`;
    const list = (xs: string[]) => [...new Set(xs)].sort().join(", ");
    if (waiting.length > 0) {
      conflicts.push({
        // Pending, not wrong: Antrea annotates the pods shortly after the Service opts in.
        kind: "node-port-local-pending",
        message: `${label}: pod${waiting.length === 1 ? "" : "s"} ${list(waiting)} carr${waiting.length === 1 ? "ies" : "y"} no ${ANNOTATION_NPL} annotation yet (Antrea writes it for the pods of a Service annotated ${ANNOTATION_NPL_ENABLED}: "true"); no server until it does.`,
      });
    }
    if (unmapped.length > 0) {
      conflicts.push({
        kind: "no-node-port-local",
        message: `${label}: the ${ANNOTATION_NPL} annotation of pod${unmapped.length === 1 ? "" : "s"} ${list(unmapped)} maps no node port for target port ${String(sp?.targetPort ?? "?")}/${pool.protocol}; no server for ${unmapped.length === 1 ? "it" : "them"}.`,
      });
    }
    if (broken.length > 0) {
      conflicts.push({
        kind: "no-node-port-local",
        message: `${label}: endpoints ${list(broken)} cannot be mapped; no server for them.`,
      });
    }
    return { ...pool, servers: [...servers.values()].sort(compareServers) };
  });
  return { pools: out, conflicts };
}
