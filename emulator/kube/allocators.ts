// What the Service registry does beyond validation (pkg/registry/core/service/storage): cluster IPs, node ports
// from 30000-32767 (a requested one honoured or refused with the real text, no duplicates across the cluster, a
// port and protocol pair sharing one node port), the health check node port of LoadBalancer Services with
// externalTrafficPolicy Local, allocateLoadBalancerNodePorts, and on update the values a client left out copied
// from the stored object and those a new type does not need dropped. Ports are free again as soon as no stored
// Service holds them, so a delete or a type change releases them.
import * as crypto from "node:crypto";
import { ApiError, type FieldError, fieldError, invalidFields } from "./errors";
import { byResource } from "./resources";
import type { Store } from "./store";
import type { Json, KubeObject } from "./types";

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
const RANGE = `${NODE_PORT_MIN}-${NODE_PORT_MAX}`;

const needsNodePort = (s: KubeObject | undefined) => s?.spec?.type === "NodePort" || s?.spec?.type === "LoadBalancer";
const needsHealthCheck = (s: KubeObject | undefined) =>
  s?.spec?.type === "LoadBalancer" && s?.spec?.externalTrafficPolicy === "Local";
const needsClusterIP = (s: KubeObject | undefined) => s !== undefined && s.spec?.type !== "ExternalName";
const externallyAccessible = (s: KubeObject) => needsNodePort(s) || (s.spec?.externalIPs?.length ?? 0) > 0;
const shouldAllocate = (s: KubeObject) =>
  s.spec?.type === "NodePort" || (s.spec?.type === "LoadBalancer" && s.spec?.allocateLoadBalancerNodePorts !== false);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Node ports (and health check node ports) a Service holds. */
export function heldNodePorts(s: KubeObject): number[] {
  const out = (s.spec?.ports ?? []).map((p: Json) => p.nodePort).filter((n: unknown) => typeof n === "number" && n > 0);
  if (needsHealthCheck(s) && s.spec?.healthCheckNodePort > 0) out.push(s.spec.healthCheckNodePort);
  return out;
}

/** Indexes the allocators use to find a taken port or cluster IP without scanning every Service. */
export function defineServiceIndexes(store: Store): void {
  store.defineIndex("services", "nodePort", (s) => heldNodePorts(s).map(String));
  store.defineIndex("services", "clusterIP", (s) => (s.spec?.clusterIPs ?? []).filter((ip: string) => ip !== "None"));
}

/** dropTypeDependentFields: values a new type does not need, and the client did not change, are wiped. */
function dropTypeDependentFields(next: KubeObject, cur: KubeObject): void {
  const n = next.spec;
  const c = cur.spec ?? {};
  if (needsClusterIP(cur) && !needsClusterIP(next)) {
    if (same(c.clusterIPs, n.clusterIPs)) {
      delete n.clusterIP;
      delete n.clusterIPs;
    }
    if (same(c.ipFamilies, n.ipFamilies)) delete n.ipFamilies;
    if (same(c.ipFamilyPolicy, n.ipFamilyPolicy)) delete n.ipFamilyPolicy;
  }
  const nodePorts = (s: Json) => (s.ports ?? []).map((p: Json) => p.nodePort ?? 0);
  if (needsNodePort(cur) && !needsNodePort(next) && same(nodePorts(c), nodePorts(n))) {
    for (const p of n.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheck(cur) && !needsHealthCheck(next) && same(c.healthCheckNodePort, n.healthCheckNodePort)) {
    delete n.healthCheckNodePort;
  }
  if (c.type === "LoadBalancer" && n.type !== "LoadBalancer") {
    if (same(c.allocateLoadBalancerNodePorts, n.allocateLoadBalancerNodePorts)) delete n.allocateLoadBalancerNodePorts;
    if (same(c.loadBalancerClass, n.loadBalancerClass)) delete n.loadBalancerClass;
  }
  if (
    externallyAccessible(cur) &&
    !externallyAccessible(next) &&
    same(c.externalTrafficPolicy, n.externalTrafficPolicy)
  ) {
    delete n.externalTrafficPolicy;
  }
  if (n.type !== "LoadBalancer") next.status = { ...next.status, loadBalancer: {} };
}

/** patchAllocatedValues: what an update leaves out (a PUT of an old manifest) is kept from the stored object. */
export function patchAllocatedValues(next: KubeObject, cur: KubeObject): void {
  next.spec ??= {};
  const n = next.spec;
  const c = cur.spec ?? {};
  if (needsClusterIP(cur) && needsClusterIP(next)) {
    n.clusterIP ??= c.clusterIP;
    n.clusterIPs ??= c.clusterIPs;
  }
  if (needsNodePort(cur) && needsNodePort(next)) {
    const used = new Set((n.ports ?? []).map((p: Json) => p.nodePort).filter(Boolean));
    const byName = new Map((c.ports ?? []).map((p: Json) => [p.name ?? "", p.nodePort]));
    for (const p of n.ports ?? []) {
      const old = byName.get(p.name ?? "");
      if (!p.nodePort && old && !used.has(old)) p.nodePort = old;
    }
  }
  if (needsHealthCheck(cur) && needsHealthCheck(next) && !n.healthCheckNodePort) {
    n.healthCheckNodePort = c.healthCheckNodePort;
  }
}

function validatePorts(svc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const s = svc.spec;
  const seen = new Set<string>();
  for (const [i, p] of (s.ports ?? []).entries()) {
    if (!p.nodePort) continue;
    const at = `spec.ports[${i}].nodePort`;
    if (s.type === "ClusterIP")
      errs.push(fieldError("Forbidden", at, undefined, "may not be used when `type` is 'ClusterIP'"));
    if (!(Number.isInteger(p.nodePort) && p.nodePort >= 1 && p.nodePort <= 65535)) {
      errs.push(fieldError("Invalid", at, p.nodePort, "must be between 1 and 65535, inclusive"));
    }
    const key = `${p.protocol}/${p.nodePort}`;
    if (seen.has(key)) errs.push(fieldError("Duplicate", at, p.nodePort));
    seen.add(key);
  }
  if (s.healthCheckNodePort && !needsHealthCheck(svc)) {
    errs.push(
      fieldError(
        "Forbidden",
        "spec.healthCheckNodePort",
        undefined,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  }
  if (s.allocateLoadBalancerNodePorts != null && s.type !== "LoadBalancer") {
    errs.push(
      fieldError(
        "Forbidden",
        "spec.allocateLoadBalancerNodePorts",
        undefined,
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  return errs;
}

/** Allocates, within one request, ports no other stored Service holds (its own stored ones stay its own). */
function portAllocator(store: Store, self: KubeObject, stored: KubeObject | undefined) {
  const own = new Set(stored ? heldNodePorts(stored) : []);
  const taken = new Set<number>();
  const heldByOther = (port: number) =>
    store
      .byIndex("services", "nodePort", String(port))
      .some((o) => o.metadata.namespace !== self.metadata.namespace || o.metadata.name !== self.metadata.name);
  const check = (port: number): string | undefined => {
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
      return `provided port is not in the valid range. The range of valid ports is ${RANGE}`;
    }
    if (taken.has(port) || heldByOther(port)) return "provided port is already allocated";
    return undefined;
  };
  return {
    allocate(port: number): string | undefined {
      const err = own.has(port) && !taken.has(port) ? undefined : check(port);
      if (!err) taken.add(port);
      return err;
    },
    next(): number {
      const free = (port: number) => !check(port) && !own.has(port);
      let port = crypto.randomInt(NODE_PORT_MIN, NODE_PORT_MAX + 1);
      for (let i = 0; i < 64 && !free(port); i++) port = crypto.randomInt(NODE_PORT_MIN, NODE_PORT_MAX + 1);
      for (let p = NODE_PORT_MIN; !free(port) && p <= NODE_PORT_MAX; p++) port = p;
      if (free(port)) {
        taken.add(port);
        return port;
      }
      throw new ApiError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full");
    },
  };
}

function allocateNodePorts(store: Store, svc: KubeObject, cur: KubeObject | undefined): void {
  const ports = portAllocator(store, svc, cur);
  const byPort = new Map<number, number>();
  const rt = byResource("services");
  for (const [i, p] of (svc.spec.ports ?? []).entries()) {
    if (!needsNodePort(svc)) break;
    if (!p.nodePort && !shouldAllocate(svc)) continue; // requested ones are still honoured
    if (!p.nodePort && byPort.has(p.port)) {
      p.nodePort = byPort.get(p.port); // 53/TCP and 53/UDP share one node port
      continue;
    }
    if (p.nodePort) {
      if (byPort.get(p.port) === p.nodePort) continue;
      const err = ports.allocate(p.nodePort);
      if (err)
        throw invalidFields(rt, svc.metadata.name, [
          fieldError("Invalid", `spec.ports[${i}].nodePort`, p.nodePort, err),
        ]);
    } else p.nodePort = ports.next();
    byPort.set(p.port, p.nodePort);
  }
  if (!needsHealthCheck(svc)) return;
  const hc = svc.spec.healthCheckNodePort;
  if (hc && cur && needsHealthCheck(cur) && cur.spec.healthCheckNodePort === hc) return;
  if (hc) {
    const err = ports.allocate(hc);
    if (err) {
      throw new ApiError(
        500,
        "InternalError",
        `Internal error occurred: failed to allocate requested HealthCheck NodePort ${hc}: ${err}`,
      );
    }
  } else svc.spec.healthCheckNodePort = ports.next();
}

function allocateClusterIP(store: Store, svc: KubeObject): void {
  const s = svc.spec;
  if (!needsClusterIP(svc) || s.clusterIP) {
    if (s.clusterIP) s.clusterIPs ??= [s.clusterIP];
    return;
  }
  let ip = "";
  for (let i = 0; i < 256 && (!ip || store.byIndex("services", "clusterIP", ip).length > 0); i++) {
    ip = `10.96.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
  }
  s.clusterIP = ip;
  s.clusterIPs = [ip];
}

/** Everything the Service registry does on create (cur undefined) or update, before the object is stored. */
export function prepareService(store: Store, svc: KubeObject, cur: KubeObject | undefined): void {
  if (cur) dropTypeDependentFields(svc, cur);
  if (svc.spec.type === "LoadBalancer") svc.spec.allocateLoadBalancerNodePorts ??= true;
  const errs = validatePorts(svc);
  if (errs.length) throw invalidFields(byResource("services"), svc.metadata.name, errs);
  allocateClusterIP(store, svc);
  allocateNodePorts(store, svc, cur);
}
