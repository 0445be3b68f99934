// Shared VIP as data (AKO's `ako.vmware.com/enable-shared-vip`, research/beyond-clusterip.md §2.2): several
// Services of one namespace behind one VsVip and one virtual service, named by the group key like AKO names them:
// VS and VsVip `<cluster>--<ns>-<key>`, pools `<cluster>--<ns>-<svc>-<key>-<PROTO>-<port>`. A port and protocol
// may appear once on the VIP (53/TCP and 53/UDP may share it: the DNS case); the Services must agree on the VIP.
import type { L4Failure } from "./l4args";
import { planPools, virtualServiceName } from "./pools";
import type { DesiredPool, Protocol, ServicePlacement } from "./types";

export function sharedVirtualServiceName(cluster: string, namespace: string, key: string): string {
  return virtualServiceName(cluster, namespace, key);
}

export function sharedPoolName(
  cluster: string,
  namespace: string,
  service: string,
  key: string,
  protocol: Protocol,
  port: number,
): string {
  return `${cluster}--${namespace}-${service}-${key}-${protocol}-${port}`;
}

/**
 * The member Service a shared VIP's pool belongs to, read back from its name given the namespace and key its
 * markers name (sharedPoolName's inverse: the suffix `-<key>-<PROTO>-<port>` is fixed, so the rest is the Service);
 * undefined when the name is not of that shape. The markers say whose the pool is; the name only which member.
 */
export function sharedPoolMember(
  poolName: string,
  cluster: string,
  namespace: string,
  key: string,
): string | undefined {
  const prefix = `${cluster}--${namespace}-`;
  const tail = /-(TCP|UDP|SCTP)-(\d{1,5})$/.exec(poolName);
  if (!poolName.startsWith(prefix) || !tail) return undefined;
  const rest = poolName.slice(prefix.length, tail.index);
  if (!rest.endsWith(`-${key}`)) return undefined;
  const service = rest.slice(0, rest.length - key.length - 1);
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service) ? service : undefined;
}

/** A member's pools: the planner's servers (`planned`, else ClusterIP's) under the shared names. */
export function planSharedPools(
  cluster: string,
  key: string,
  svc: ServicePlacement,
  planned?: readonly DesiredPool[],
): DesiredPool[] {
  return (planned ?? planPools(cluster, svc)).map((p) => ({
    ...p,
    name: sharedPoolName(cluster, svc.namespace, svc.name, key, p.protocol, p.servicePort),
  }));
}

export interface SharedMember {
  service: ServicePlacement;
  /** The member's exposed pools (after its `ports` filter). */
  pools: DesiredPool[];
  /** "members[1]." */
  prefix: string;
}

/** Port collisions, and members that name another shared-VIP group through AKO's annotation. */
export function sharedVipFailures(key: string, members: readonly SharedMember[]): L4Failure[] {
  const out: L4Failure[] = [];
  const owner = new Map<string, string>();
  for (const m of members) {
    const who = `Service ${m.service.namespace}/${m.service.name}`;
    if (m.service.sharedVipKey !== undefined && m.service.sharedVipKey !== key) {
      out.push({
        property: `${m.prefix}service`,
        reason: `${who} is annotated ako.vmware.com/enable-shared-vip: ${m.service.sharedVipKey}, not ${key}; the settings disagree: annotate it with ${key} or remove it from this group.`,
      });
    }
    for (const p of m.pools) {
      const listener = `${p.servicePort}/${p.protocol}`;
      const first = owner.get(listener);
      if (first && first !== who) {
        out.push({
          property: `${m.prefix}service`,
          reason: `${who} and ${first} both expose ${listener}; one VIP listens once per port and protocol: drop the port from one of them (ports) or give it another VIP.`,
        });
      } else owner.set(listener, who);
    }
  }
  return out;
}

/**
 * The VIP when the arguments give none: the members' preferred VIPs (annotation ako.vmware.com/load-balancer-ip or
 * spec.loadBalancerIP) must agree; members without one follow the others.
 */
export function agreedVip(members: readonly SharedMember[]): {
  address?: string;
  from?: string;
  failures: L4Failure[];
} {
  let first: { address: string; who: string; from: string } | undefined;
  const failures: L4Failure[] = [];
  for (const m of members) {
    const v = m.service.preferredVip;
    if (!v) continue;
    const who = `Service ${m.service.namespace}/${m.service.name}`;
    if (!first) first = { address: v.address, who, from: `${who} ${v.from}` };
    else if (first.address !== v.address) {
      failures.push({
        property: `${m.prefix}service`,
        reason: `${who} asks for VIP ${v.address} (${v.from}) but ${first.who} asks for ${first.address}; the members of one shared VIP must agree (AKO refuses the group too).`,
      });
    }
  }
  return first ? { address: first.address, from: first.from, failures } : { failures };
}
