// Source ranges as data: a Service's spec.loadBalancerSourceRanges (which AKO ignores) becomes a network security
// policy of ours on the virtual service that lets only those CIDRs reach the VIP. One rule, DENY when the client
// address IS_NOT_IN the ranges: the only action every edition allows (Essentials and Basic allow DENY rules only,
// swagger NetworkSecurityRule.action), and it lists exactly the ranges.
import { compareBytes, parseCidr } from "./ip";

/** The policy is named after the virtual service. */
export function securityPolicyName(vsName: string): string {
  return vsName;
}

/**
 * Canonical, de-duplicated and sorted ranges. Kubernetes accepts host bits in loadBalancerSourceRanges (it parses
 * them as Go's ParseCIDR does): those are reduced to their network, as cloud load balancers do. What does not parse
 * is a problem naming where it came from.
 */
export function normalizeRanges(ranges: readonly string[], from: string): { ranges: string[]; problems: string[] } {
  const problems: string[] = [];
  const seen = new Map<string, number[]>();
  for (const r of ranges) {
    const c = parseCidr(String(r).trim());
    if (!c) {
      problems.push(`${from} has '${String(r)}', which is not an IPv4 or IPv6 CIDR such as 10.0.0.0/8.`);
      continue;
    }
    seen.set(c.prefix, [c.family === "ipv4" ? 4 : 6, ...c.bytes, c.bits]);
  }
  const sorted = [...seen].sort((a, b) => compareBytes(a[1], b[1])).map(([p]) => p);
  return { ranges: sorted, problems };
}
