// Input validators shared by the plan command and the SDK's check(): each returns undefined when the value is
// acceptable, or one sentence that names the value and says what is wrong with it.
import { parseCidr, parseIp } from "./ip";
import { parseSelector } from "./selector";
import { CNI_CHOICES, MODES } from "./types";

/**
 * The longest name we build is the pool `<cluster>--<ns>-<svc>-<PROTO>-<port>`: namespace and service names are
 * DNS labels (63 each), PROTO is at most 4 ("SCTP"), the port at most 5 digits and the separators take 5 more, so
 * 140 characters besides the cluster name. Avi object names stop at 255 (AKO skips longer objects), which leaves
 * 115 for the cluster name. Route ids (`<cluster>-<IPv6 prefix>`, at most cluster + 44) fit within the same bound.
 */
export const MAX_CLUSTER_NAME_LENGTH = 115;

export function validateClusterName(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "clusterName must be a non-empty string.";
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    return `clusterName '${name}' may contain only letters, digits, '_' and '-' (the same rule as AKO's clusterName).`;
  }
  if (name.length > MAX_CLUSTER_NAME_LENGTH) {
    return `clusterName '${name.slice(0, 20)}…' is ${name.length} characters long; at most ${MAX_CLUSTER_NAME_LENGTH} keep every Avi object name within 255 characters.`;
  }
  return undefined;
}

export function validateCidr(value: unknown, field = "CIDR"): string | undefined {
  if (typeof value !== "string") return `${field} must be a string such as 192.168.101.0/24, got ${typeof value}.`;
  const c = parseCidr(value);
  if (!c) return `${field} '${value}' is not an IPv4 or IPv6 CIDR such as 192.168.101.0/24 or fd00:10:244:1::/64.`;
  if (c.hostBitsSet) return `${field} '${value}' has host bits set; the network is ${c.prefix}.`;
  return undefined;
}

export function validateIp(value: unknown, field = "IP address"): string | undefined {
  if (typeof value !== "string") return `${field} must be a string such as 10.100.1.101, got ${typeof value}.`;
  if (!parseIp(value)) return `${field} '${value}' is not an IPv4 (four decimal parts) or IPv6 address.`;
  return undefined;
}

export function validatePort(value: unknown, field = "port"): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    return `${field} '${String(value)}' must be an integer from 1 to 65535.`;
  }
  return undefined;
}

export function validateCni(value: unknown, field = "cni"): string | undefined {
  if (typeof value === "string" && (CNI_CHOICES as readonly string[]).includes(value)) return undefined;
  return `${field} '${String(value)}' is not one of ${CNI_CHOICES.join(", ")}.`;
}

export function validateMode(value: unknown, field = "mode"): string | undefined {
  if (typeof value === "string" && (MODES as readonly string[]).includes(value)) return undefined;
  return `${field} '${String(value)}' is not clusterip (pod IPs through static routes), nodeport (node address : nodePort) or nodeportlocal (node address : Antrea's per-pod port).`;
}

/** A Kubernetes label selector string (parseSelector's grammar). */
export function validateNodeSelector(value: unknown, field = "nodeSelector"): string | undefined {
  if (typeof value !== "string") return `${field} must be a label selector string such as "node-role/edge=true".`;
  const parsed = parseSelector(value);
  return parsed.ok ? undefined : `${field} '${value}' is not a label selector: ${parsed.error}.`;
}
