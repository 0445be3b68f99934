// Desired static routes from node placement. Pure: the same nodes, in any order, give the same plan.
import { compareBytes, maskBytes, parseCidr, parseIp } from "./ip";
import type { Conflict, DesiredRoute, Family, NodePlacement, RoutePlan } from "./types";

/**
 * The route id is derived from the cluster and the prefix only, never from a counter, a UUID or the node: AKO's
 * counters produced duplicate ids and its per-process UUIDs changed every id on restart. Keeping the node out of
 * the id means a CIDR that moves to another node is an update of one route, not a remove plus an add.
 * The prefix is written with ':' and '/' replaced ("c1-192.168.101.0-24", "c1-fd00.10.244.1..-64") so the id stays
 * readable and free of characters that need escaping; the mapping is one-to-one for canonical prefixes, and
 * cluster names cannot contain '.', so two clusters' ids never collide either.
 */
export function routeIdFor(cluster: string, prefix: string): string {
  const c = parseCidr(prefix);
  return idOfCanonical(cluster, c ? c.prefix : prefix.trim());
}

function idOfCanonical(cluster: string, canonical: string): string {
  return `${cluster}-${canonical.replace(/:/g, ".").replace("/", "-")}`;
}

const FAMILY_LABEL: Record<Family, string> = { ipv4: "IPv4", ipv6: "IPv6" };

interface Candidate {
  route: DesiredRoute;
  bytes: number[];
  bits: number;
}

/**
 * One route per pod CIDR, via the node's address of the CIDR's family. Nothing is dropped without a conflict:
 * a malformed CIDR (including one with host bits set: we route only what the user wrote, so it is reported with
 * the network it probably meant), a CIDR whose family the node has no address for, a node without CIDRs, and a
 * CIDR claimed by two nodes. For the last, the node first in name order keeps the route (the order AKO rebuilds
 * in when it finds duplicates) so the outcome does not depend on list order; the conflict names both nodes.
 */
export function planRoutes(cluster: string, nodes: NodePlacement[]): RoutePlan {
  const conflicts: Conflict[] = [];
  const byPrefix = new Map<string, Candidate>();
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const node of sorted) {
    if (node.podCidrs.length === 0) {
      conflicts.push({
        kind: "no-pod-cidr",
        node: node.name,
        message: `Node ${node.name} has no pod CIDR in its ${node.source} source, so it gets no route.`,
      });
      continue;
    }
    const seen = new Set<string>();
    for (const raw of node.podCidrs) {
      const c = parseCidr(raw);
      if (!c || c.hostBitsSet) {
        conflicts.push({
          kind: "malformed-cidr",
          node: node.name,
          prefix: raw,
          message: c
            ? `Node ${node.name} has pod CIDR '${raw}' with host bits set (the network would be ${c.prefix}); no route is planned for it.`
            : `Node ${node.name} has pod CIDR '${raw}', which is not a valid CIDR; no route is planned for it.`,
        });
        continue;
      }
      if (seen.has(c.prefix)) continue; // the same CIDR twice on one node (e.g. two identical blocks) is one route
      seen.add(c.prefix);
      const hopText = node.addresses[c.family];
      const hop = hopText === undefined ? undefined : parseIp(hopText);
      if (!hop || hop.family !== c.family) {
        conflicts.push({
          kind: "no-address-for-family",
          node: node.name,
          prefix: c.prefix,
          message: `Node ${node.name} has no ${FAMILY_LABEL[c.family]} address${hopText === undefined ? "" : ` (got '${hopText}')`} for pod CIDR ${c.prefix}; no route is planned for it.`,
        });
        continue;
      }
      const existing = byPrefix.get(c.prefix);
      if (existing) {
        conflicts.push({
          kind: "duplicate-cidr",
          node: node.name,
          prefix: c.prefix,
          message: `Pod CIDR ${c.prefix} is claimed by nodes ${existing.route.node} and ${node.name}; the route keeps next hop ${existing.route.nextHop} (${existing.route.node}).`,
        });
        continue;
      }
      byPrefix.set(c.prefix, {
        route: {
          routeId: routeIdFor(cluster, c.prefix),
          prefix: c.prefix,
          nextHop: hop.text,
          node: node.name,
          family: c.family,
        },
        bytes: c.bytes,
        bits: c.bits,
      });
    }
  }
  const ordered = [...byPrefix.values()].sort((a, b) => compareBytes(a.bytes, b.bytes) || a.bits - b.bits);
  conflicts.push(...overlaps(ordered));
  return { cluster, routes: ordered.map((c) => c.route), conflicts };
}

function contains(outer: Candidate, inner: Candidate): boolean {
  if (outer.bytes.length !== inner.bytes.length || outer.bits > inner.bits) return false;
  return compareBytes(maskBytes(inner.bytes, outer.bits), outer.bytes) === 0;
}

/**
 * Nested CIDRs of two nodes (10.0.0.0/24 on one, 10.0.0.0/25 on another) are both routed, and the more specific
 * route silently takes part of the other node's pods: worth a conflict. Candidates arrive sorted by address then
 * length, so every enclosing prefix is still on the stack when its nested ones come by.
 */
function overlaps(sorted: Candidate[]): Conflict[] {
  const out: Conflict[] = [];
  const stack: Candidate[] = [];
  for (const c of sorted) {
    while (stack.length > 0 && !contains(stack[stack.length - 1] as Candidate, c)) stack.pop();
    const outer = stack.find((o) => o.route.node !== c.route.node);
    if (outer) {
      out.push({
        kind: "other",
        node: c.route.node,
        prefix: c.route.prefix,
        message: `Pod CIDR ${c.route.prefix} of node ${c.route.node} lies inside ${outer.route.prefix} of node ${outer.route.node}; both are routed and the more specific route wins for its addresses.`,
      });
    }
    stack.push(c);
  }
  return out;
}
