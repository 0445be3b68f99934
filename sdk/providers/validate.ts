// check()'s validation: every failure names the field and says what is wrong, without echoing secrets. Values that
// are still unknown (preview, a cluster created in the same program) are skipped: they are checked once known.
import {
  validateCidr,
  validateClusterName,
  validateCni,
  validateIp,
  validateL4Args,
  validateLoadBalancerClass,
  validatePort,
} from "../../provider/plan";
import { isUnknown } from "./canonical";
import type { RoutesProps, VirtualServiceProps } from "./props";

export interface Failure {
  property: string;
  reason: string;
}

type Validator = (value: unknown, field: string) => string | undefined;

function field(failures: Failure[], property: string, value: unknown, validate: Validator): void {
  if (value === undefined || isUnknown(value)) return;
  const reason = validate(value, property);
  if (reason) failures.push({ property, reason });
}

const nonEmpty: Validator = (v, f) =>
  typeof v === "string" && v.trim() !== "" ? undefined : `${f} must be a non-empty string.`;
/** Kubernetes object names: DNS-1123 labels (Service names) or subdomains (namespaces are labels too). */
const dnsLabel: Validator = (v, f) =>
  typeof v === "string" && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) && v.length <= 63
    ? undefined
    : `${f} '${String(v)}' is not a Kubernetes name (lowercase letters, digits and '-', at most 63).`;
const cluster: Validator = (v, f) => {
  const reason = validateClusterName(v);
  return reason ? reason.replace(/^clusterName/, f) : undefined;
};

const membership: Validator = (v, f) =>
  v === "pulumi" || v === "sync"
    ? undefined
    : `${f} '${String(v)}' is not "pulumi" (every \`up\` writes the members) or "sync" (\`avi-k8s sync\` keeps them).`;

export function validateRoutes(p: RoutesProps): Failure[] {
  const failures: Failure[] = [];
  field(failures, "membership", p.membership, membership);
  field(failures, "cluster", p.cluster, cluster);
  if (p.cluster === undefined) failures.push({ property: "cluster", reason: "cluster is required." });
  for (const k of ["vrf", "cloud", "tenant"] as const) field(failures, k, p[k], nonEmpty);
  field(failures, "cni", p.cni, validateCni);
  if (p.nodeNetworks !== undefined && !isUnknown(p.nodeNetworks)) {
    if (!Array.isArray(p.nodeNetworks)) {
      failures.push({ property: "nodeNetworks", reason: "nodeNetworks must be a list of CIDRs." });
    } else {
      for (const [i, c] of p.nodeNetworks.entries()) field(failures, `nodeNetworks[${i}]`, c, validateCidr);
    }
  }
  return failures;
}

export function validateVirtualService(p: VirtualServiceProps): Failure[] {
  const failures: Failure[] = [];
  field(failures, "membership", p.membership, membership);
  field(failures, "cluster", p.cluster, cluster);
  for (const k of ["cluster", "namespace", "service"] as const) {
    if (p[k] === undefined) failures.push({ property: k, reason: `${k} is required.` });
  }
  field(failures, "namespace", p.namespace, dnsLabel);
  field(failures, "service", p.service, dnsLabel);
  field(failures, "loadBalancerClass", p.loadBalancerClass, validateLoadBalancerClass);
  for (const k of ["vrf", "cloud", "tenant", "seGroup", "applicationProfile", "networkProfile"] as const) {
    field(failures, k, p[k], nonEmpty);
  }
  // Left out, the VIP comes from the Service's annotation (checked once the Service is read).
  const vip = p.vip;
  if (vip === undefined) {
    // resolved after the Kubernetes read
  } else if (vip === null || typeof vip !== "object") {
    failures.push({
      property: "vip",
      reason: "vip must be { address } for a static VIP or { network } for IPAM.",
    });
  } else if (!isUnknown(vip)) {
    const hasAddress = vip.address !== undefined;
    const hasNetwork = vip.network !== undefined;
    if (hasAddress === hasNetwork) {
      failures.push({ property: "vip", reason: "vip needs exactly one of address (static) or network (IPAM)." });
    }
    field(failures, "vip.address", vip.address, validateIp);
    field(failures, "vip.network", vip.network, nonEmpty);
    field(failures, "vip.subnet", vip.subnet, validateCidr);
    if (vip.subnet !== undefined && !hasNetwork) {
      failures.push({ property: "vip.subnet", reason: "vip.subnet is only meaningful with vip.network." });
    }
  }
  if (p.ports !== undefined && !isUnknown(p.ports)) {
    if (!Array.isArray(p.ports)) failures.push({ property: "ports", reason: "ports must be a list of Service ports." });
    else for (const [i, port] of p.ports.entries()) field(failures, `ports[${i}]`, port, validatePort);
  }
  return failures;
}

/**
 * A shared VIP's members (ClusterIpSharedVip): at least one, each a Service of the group's namespace at most once,
 * with its own ports and L4 args; the group key names the objects, so it is a DNS label like a Service name.
 */
export function validateMembers(p: VirtualServiceProps): Failure[] {
  const m = p.members;
  if (m === undefined || isUnknown(m)) return [];
  const failures: Failure[] = [];
  if (!Array.isArray(m) || m.length === 0) {
    return [
      {
        property: "services",
        reason:
          "services must list at least one Service: a shared VIP lives as long as it has a member (delete the resource to release it).",
      },
    ];
  }
  if (p.portPools !== undefined) {
    failures.push({
      property: "portPools",
      reason: "portPools are per Service on a shared VIP: set them on each member.",
    });
  }
  const seen = new Set<string>();
  m.forEach((x, i) => {
    const at = `members[${i}]`;
    if (typeof x !== "object" || x === null) {
      failures.push({ property: at, reason: `${at} must be { service, ports?, pool?, portPools? }.` });
      return;
    }
    if (x.service === undefined) failures.push({ property: `${at}.service`, reason: `${at}.service is required.` });
    field(failures, `${at}.service`, x.service, dnsLabel);
    if (typeof x.service === "string" && seen.has(x.service)) {
      failures.push({ property: `${at}.service`, reason: `${at}.service ${x.service} is listed twice.` });
    }
    if (typeof x.service === "string") seen.add(x.service);
    if (x.namespace !== undefined && !isUnknown(x.namespace) && x.namespace !== p.namespace) {
      failures.push({
        property: `${at}.service`,
        reason: `${at}: Service ${x.namespace}/${String(x.service)} is not in the group's namespace ${p.namespace}; a shared VIP's Services share one namespace (as in AKO).`,
      });
    }
    if (x.ports !== undefined && !isUnknown(x.ports)) {
      if (!Array.isArray(x.ports)) failures.push({ property: `${at}.ports`, reason: `${at}.ports must be a list.` });
      else for (const [j, port] of x.ports.entries()) field(failures, `${at}.ports[${j}]`, port, validatePort);
    }
    if (!isUnknown(x)) {
      failures.push(
        ...validateL4Args({ healthMonitor: x.healthMonitor, pool: x.pool, portPools: x.portPools }, `${at}.`),
      );
    }
  });
  return failures;
}
