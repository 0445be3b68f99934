// check()'s validation: every failure names the field and says what is wrong, without echoing secrets. Values that
// are still unknown (preview, a cluster created in the same program) are skipped: they are checked once known.
import { validateCidr, validateClusterName, validateCni, validateIp, validatePort } from "../../provider/plan";
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
  for (const k of [
    "vrf",
    "cloud",
    "tenant",
    "seGroup",
    "applicationProfile",
    "networkProfile",
    "healthMonitor",
  ] as const) {
    field(failures, k, p[k], nonEmpty);
  }
  const vip = p.vip;
  if (vip === undefined || vip === null || typeof vip !== "object") {
    failures.push({
      property: "vip",
      reason: "vip is required: { address } for a static VIP or { network } for IPAM.",
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
