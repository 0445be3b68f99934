// What Kubernetes users see of a virtual service, decided here without I/O: whose Service it is (its
// loadBalancerClass), what its status.loadBalancer.ingress should hold, and which pods' readiness gate to set.
// provider/kube reads and writes the objects; provider/sync and sdk/ call these to decide.
import { parseIp } from "./ip";
import type { DesiredPool, DesiredServer, Family, LoadBalancerIngress, ReadinessGateState } from "./types";

/**
 * The loadBalancerClass this package answers to unless told otherwise. A prefixed name in the project's own domain:
 * unprefixed classes are reserved for cluster users, and AKO's class (ako.vmware.com/avi-lb) belongs to AKO.
 */
export const DEFAULT_LOAD_BALANCER_CLASS = "avi-k8s.io/lb";
/** AKO's class (AKO 1.12.1+): never ours, so the two never both claim a Service. */
export const AKO_LOAD_BALANCER_CLASS = "ako.vmware.com/avi-lb";
/** The pod condition (spec.readinessGates[].conditionType) the sync sets once the pod's server takes traffic. */
export const POOL_MEMBER_GATE = "avi-k8s.io/pool-member";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A label-style key as Kubernetes validates spec.loadBalancerClass ([prefix/]name), and not AKO's. */
export function validateLoadBalancerClass(value: unknown, field = "loadBalancerClass"): string | undefined {
  if (typeof value !== "string" || value === "") {
    return `${field} must be a non-empty string such as ${DEFAULT_LOAD_BALANCER_CLASS}.`;
  }
  const parts = value.split("/");
  const name = parts.length === 2 ? (parts[1] as string) : (parts[0] as string);
  const prefix = parts.length === 2 ? (parts[0] as string) : undefined;
  const badPrefix = prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix));
  if (parts.length > 2 || badPrefix || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `${field} '${value}' is not a label-style name such as ${DEFAULT_LOAD_BALANCER_CLASS} (a DNS prefix, '/', and a name of letters, digits, '-', '_' or '.').`;
  }
  if (value === AKO_LOAD_BALANCER_CLASS) {
    return `${field} '${value}' is AKO's class: AKO would claim the same Services; keep ${DEFAULT_LOAD_BALANCER_CLASS} or choose a class of your own.`;
  }
  return undefined;
}

/**
 * The class rule: a Service without spec.loadBalancerClass is ours (the program names it, so we are the explicit
 * choice), and so is one with our class; any other class belongs to another load balancer and is refused, naming it.
 */
export function classRefusal(
  svc: { namespace: string; name: string; loadBalancerClass?: string },
  ours: string,
): string | undefined {
  const theirs = svc.loadBalancerClass;
  if (theirs === undefined || theirs === "" || theirs === ours) return undefined;
  const owner = theirs === AKO_LOAD_BALANCER_CLASS ? " (AKO's)" : "";
  return `Service ${svc.namespace}/${svc.name} has spec.loadBalancerClass ${theirs}${owner}, so it belongs to that class's load balancer, not to this package (class ${ours}); it is left untouched. Point the resource at a Service without a class or with class ${ours} (the class is fixed when the Service is created), or set loadBalancerClass if ${theirs} is meant to be this package's.`;
}

/** Why the status is not written for a Service of another type (Kubernetes allows it on type LoadBalancer only). */
export function statusNote(svc: { namespace: string; name: string; type?: string }): string | undefined {
  const type = svc.type ?? "ClusterIP";
  if (type === "LoadBalancer") return undefined;
  return `Service ${svc.namespace}/${svc.name} is of type ${type}: Kubernetes keeps status.loadBalancer for type LoadBalancer only, so the VIP is not written there (it is in this resource's vipAddress); make the Service type LoadBalancer to see it in kubectl get svc.`;
}

export interface KubeVersion {
  major: number;
  minor: number;
}

/** /version's major and minor ("1", "29+" on some distributions), else its gitVersion ("v1.29.3-gke.1"). */
export function parseKubeVersion(v: {
  major?: unknown;
  minor?: unknown;
  gitVersion?: unknown;
}): KubeVersion | undefined {
  const num = (x: unknown) => (typeof x === "string" ? Number.parseInt(x, 10) : Number.NaN);
  let major = num(v.major);
  let minor = num(v.minor);
  if (!(major >= 0 && minor >= 0) && typeof v.gitVersion === "string") {
    const m = /^v?(\d+)\.(\d+)/.exec(v.gitVersion);
    if (m) [major, minor] = [Number(m[1]), Number(m[2])];
  }
  return major >= 0 && minor >= 0 ? { major, minor } : undefined;
}

/**
 * Whether the server knows status.loadBalancer.ingress[].ipMode: added in 1.29 (alpha, LoadBalancerIPMode gate,
 * which drops the field silently while off), on by default from 1.30, GA in 1.32. Older servers do not know the
 * field, so it is not sent to them (an unknown field costs a warning, or a refusal under strict validation).
 */
export function ipModeKnown(version: KubeVersion | undefined): boolean {
  return version !== undefined && (version.major > 1 || (version.major === 1 && version.minor >= 29));
}

/**
 * The ingress entries for a virtual service's addresses: one per address (one per family on a dual-stack VsVip),
 * in the order of the Service's ipFamilies, with ipMode VIP where the server knows it: the Service Engines answer on
 * the VIP itself, so kube-proxy may short-cut in-cluster traffic to it, as it did before ipMode existed.
 */
export function desiredIngress(
  vips: readonly string[],
  opts: { families?: readonly Family[]; version?: KubeVersion } = {},
): LoadBalancerIngress[] {
  const order = opts.families?.length ? opts.families : (["ipv4", "ipv6"] as Family[]);
  const rank = (ip: string) => {
    const at = order.indexOf(parseIp(ip)?.family ?? "ipv4");
    return at < 0 ? order.length : at;
  };
  const unique = [...new Set(vips.filter((v) => parseIp(v)))].sort((a, b) => rank(a) - rank(b));
  const mode = ipModeKnown(opts.version);
  return unique.map((ip) => (mode ? { ip, ipMode: "VIP" } : { ip }));
}

/**
 * Whether the Service's ingress already says what we would write. Addresses compare as a set; an ipMode the server
 * dropped (gate off) or defaulted (VIP) is no difference, any other content (a hostname, ports, ipMode Proxy) is.
 */
export function ingressMatches(current: readonly LoadBalancerIngress[] | undefined, desired: LoadBalancerIngress[]) {
  const cur = current ?? [];
  if (cur.length !== desired.length) return false;
  const wanted = new Set(desired.map((d) => d.ip));
  return cur.every((c) => {
    const { ip, ipMode, ...rest } = c;
    return (
      typeof ip === "string" &&
      wanted.has(ip) &&
      (ipMode === undefined || ipMode === null || ipMode === "VIP") &&
      Object.values(rest).every((v) => v === undefined || v === null || v === "")
    );
  });
}

/** The addresses an ingress list names (ip, else hostname). */
export function ingressAddresses(list: readonly LoadBalancerIngress[] | undefined): string[] {
  return (list ?? []).map((i) => (typeof i.ip === "string" && i.ip ? i.ip : String(i.hostname ?? ""))).filter(Boolean);
}

/** One pod condition to write. */
export interface GateChange {
  pod: string;
  /** The pod's uid, when known: a pod of the same name but another uid is another pod. */
  uid?: string;
  status: "True" | "False";
  reason: string;
  message: string;
}

/**
 * The gate conditions a Service's pools call for. A gated pod (one whose server carries `gate`) wants True when
 * every server it has in these pools is present and enabled, False otherwise; only a change is returned (a True to
 * set, or a True to take back: a missing condition already holds the pod back). Pods
 * whose endpoint was ready carry no `gate`: their gate is True already (or they have none), and are never touched.
 */
export function planGates(pools: readonly Pick<DesiredPool, "name" | "servers" | "gatedPods">[]): GateChange[] {
  const byPod = new Map<
    string,
    { uid?: string; status: ReadinessGateState["status"]; where: string[]; off: string[] }
  >();
  for (const pool of pools) {
    for (const s of pool.servers) {
      if (!s.gate || !s.pod) continue;
      const entry = byPod.get(s.pod) ?? { status: s.gate.status, where: [], off: [] };
      if (s.gate.podUid) entry.uid = s.gate.podUid;
      entry.where.push(`${pool.name} as ${s.ip}:${s.port}`);
      if (!s.enabled) entry.off.push(`${pool.name}: its containers are not ready`);
      byPod.set(s.pod, entry);
    }
    // NodePort: the pod is reached through a node's server (its own with Local, any with Cluster).
    for (const g of pool.gatedPods ?? []) {
      const via = gatedPodVia(pool, g);
      const entry = byPod.get(g.pod) ?? { status: g.status, where: [], off: [] };
      if (g.podUid) entry.uid = g.podUid;
      if (via) entry.where.push(`${pool.name} via node ${via.node ?? via.ip} ${via.ip}:${via.port}`);
      else entry.off.push(`${pool.name}: no enabled server${g.node ? ` of its node ${g.node}` : ""} reaches it`);
      byPod.set(g.pod, entry);
    }
  }
  const out: GateChange[] = [];
  for (const [pod, e] of [...byPod].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const want = e.off.length === 0 ? "True" : "False";
    // A missing condition holds the pod back as False does: only a True is worth turning back.
    if (e.status === want || (want === "False" && e.status !== "True")) continue;
    const change: GateChange =
      want === "True"
        ? { pod, status: want, reason: "ServerEnabled", message: `Enabled in pool ${e.where.join(", ")}.` }
        : {
            pod,
            status: want,
            reason: "ServerDisabled",
            message: `Disabled in pool ${e.off.join("; ")}.`,
          };
    if (e.uid) change.uid = e.uid;
    out.push(change);
  }
  return out;
}

/** The pods of these pools' servers, by name. */
export function podsOf(pools: readonly { servers: readonly DesiredServer[] }[]): Set<string> {
  return new Set(pools.flatMap((p) => p.servers.map((s) => s.pod).filter((n): n is string => Boolean(n))));
}

/** NodePort: the enabled server a gated pod is reached through (its node's with Local, any with Cluster). */
function gatedPodVia(
  pool: Pick<DesiredPool, "servers">,
  g: NonNullable<DesiredPool["gatedPods"]>[number],
): DesiredServer | undefined {
  return pool.servers.find((s) => s.enabled && (!g.node || s.node === g.node));
}

/**
 * Whether a gated pod of the pool is still waiting for its server (its containers not ready yet): nothing the
 * EndpointSlice watch sees will change when they turn ready, so the Service has to be looked at again.
 */
export function gatesWaiting(pool: Pick<DesiredPool, "servers" | "gatedPods">): boolean {
  return (
    pool.servers.some((s) => s.gate && !s.enabled) ||
    (pool.gatedPods ?? []).some((g) => g.status !== "True" && !gatedPodVia(pool, g))
  );
}
