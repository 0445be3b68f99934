// The network security policy a virtual service owns when its Service has source ranges (alb-sdk
// swagger/NetworkSecurityPolicy.json): one rule that denies every client address outside the ranges. DENY is the
// one action every edition allows, and the rule lists exactly the ranges (provider/plan/security.ts).
import { createdBy, type Json, markersFor, prefixOf } from "./objects";
import type { VirtualServiceSpec } from "./types";

export const SOURCE_RANGES_RULE = "allow-only-source-ranges";

export function buildSecurityPolicy(spec: VirtualServiceSpec, name: string, ranges: readonly string[]): Json {
  return {
    name,
    rules: [
      {
        name: SOURCE_RANGES_RULE,
        index: 1,
        enable: true,
        action: "NETWORK_SECURITY_POLICY_ACTION_TYPE_DENY",
        log: false,
        match: { client_ip: { match_criteria: "IS_NOT_IN", prefixes: ranges.map(prefixOf) } },
      },
    ],
    markers: markersFor(spec),
    created_by: createdBy(spec.cluster),
  };
}

/** The ranges a policy of ours lets in, read back from the controller ("10.0.0.0/8"). */
export function rangesOf(policy: Json): string[] {
  const rules = Array.isArray(policy.rules) ? (policy.rules as Json[]) : [];
  const rule = rules.find((r) => r.name === SOURCE_RANGES_RULE);
  const match = (rule?.match as Json | undefined)?.client_ip as Json | undefined;
  const prefixes = Array.isArray(match?.prefixes) ? (match.prefixes as Json[]) : [];
  return prefixes.map((p) => `${(p.ip_addr as { addr?: string } | undefined)?.addr ?? ""}/${String(p.mask)}`);
}
