// An imitation of kube-controller-manager's EndpointSlice controller (and the legacy Endpoints controller):
// for each Service with a selector, slices built from the matching Pods with ready/serving/terminating from
// the Ready condition and deletionTimestamp, named targetPorts resolved per pod, one addressType per family,
// at most 100 endpoints per slice, the kubernetes.io/service-name label, nodeName, zone and targetRef.
import * as crypto from "node:crypto";
import type { Store } from "./store";
import type { Json, KubeObject } from "./types";

export const MANAGED_BY = "endpointslice-controller.k8s.io";
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MAX_ENDPOINTS_PER_SLICE = 100;
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Writes the controller needs; the store-level operations in objects.ts provide them. */
export interface SliceWriter {
  create(resource: string, obj: KubeObject): void;
  replace(resource: string, obj: KubeObject): void;
  remove(resource: string, obj: KubeObject): void;
}

export function randomSuffix(n = 5): string {
  return Array.from(crypto.randomBytes(n), (b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join("");
}

export function podReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True");
}

const familyOf = (ip: string) => (ip.includes(":") ? "IPv6" : "IPv4");

/** A Service port's target on one pod: a number, or a named container port (undefined when the pod lacks it). */
export function resolveTargetPort(svcPort: Json, pod: KubeObject): number | undefined {
  const tp = svcPort.targetPort ?? svcPort.port;
  if (typeof tp === "number") return tp;
  if (/^\d+$/.test(String(tp))) return Number(tp);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === tp && (p.protocol ?? "TCP") === (svcPort.protocol ?? "TCP")) return p.containerPort;
    }
  }
  return undefined;
}

export function selectorKeys(svc: KubeObject): string[] {
  return Object.entries((svc.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
}

/** The pods a service selects, found through the pod label index rather than a scan of every pod. */
export function selectedPods(store: Store, svc: KubeObject): KubeObject[] {
  const keys = selectorKeys(svc);
  if (keys.length === 0) return [];
  const ns = svc.metadata.namespace ?? "default";
  let best: KubeObject[] | undefined;
  for (const k of keys) {
    const c = store.byIndex("pods", "label", `${ns}/${k}`);
    if (!best || c.length < best.length) best = c;
  }
  const sel = svc.spec.selector as Record<string, string>;
  return (best ?? []).filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
}

interface Group {
  family: string;
  ports: Json[];
  endpoints: Json[];
}

function groupEndpoints(store: Store, svc: KubeObject, pods: KubeObject[]): Group[] {
  const families: string[] = svc.spec.ipFamilies?.length ? svc.spec.ipFamilies : ["IPv4"];
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
    const ips: string[] = (pod.status?.podIPs ?? []).map((x: Json) => x.ip);
    if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    const serving = publishNotReady || podReady(pod);
    const zone = pod.spec?.nodeName
      ? store.get("nodes", undefined, pod.spec.nodeName)?.metadata.labels?.["topology.kubernetes.io/zone"]
      : undefined;
    for (const family of families) {
      const ip = ips.find((x) => familyOf(x) === family);
      if (!ip) continue;
      const ports: Json[] = [];
      for (const sp of svc.spec.ports ?? []) {
        const port = resolveTargetPort(sp, pod);
        if (port === undefined) continue;
        const ep: Json = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
        if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
        ports.push(ep);
      }
      const key = `${family}|${JSON.stringify(ports)}`;
      let g = groups.get(key);
      if (!g) {
        g = { family, ports, endpoints: [] };
        groups.set(key, g);
      }
      const endpoint: Json = {
        addresses: [ip],
        conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      };
      if (pod.spec?.hostname) endpoint.hostname = pod.spec.hostname;
      if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
      endpoint.targetRef = {
        kind: "Pod",
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
      };
      if (zone) endpoint.zone = zone;
      g.endpoints.push(endpoint);
    }
  }
  // A service that selects nothing still has one empty slice per family.
  if (groups.size === 0) for (const family of families) groups.set(family, { family, ports: [], endpoints: [] });
  return [...groups.values()];
}

function sliceLabels(svc: KubeObject): Record<string, string> {
  return {
    ...(svc.metadata.labels ?? {}),
    "endpointslice.kubernetes.io/managed-by": MANAGED_BY,
    [SERVICE_NAME_LABEL]: svc.metadata.name,
  };
}

/** Re-derives one service's slices and Endpoints; writes only what changed. */
export function syncService(store: Store, writer: SliceWriter, svc: KubeObject): void {
  const ns = svc.metadata.namespace ?? "default";
  const existing = store
    .byIndex("endpointslices", "service", `${ns}/${svc.metadata.name}`)
    .filter((s) => s.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === MANAGED_BY);
  const hasSelector = selectorKeys(svc).length > 0 && svc.spec?.type !== "ExternalName";
  const pods = hasSelector ? selectedPods(store, svc) : [];
  const reusable = [...existing];
  const keep = new Set<string>();
  if (hasSelector) {
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    for (const g of groupEndpoints(store, svc, pods)) {
      const chunks = Math.max(1, Math.ceil(g.endpoints.length / MAX_ENDPOINTS_PER_SLICE));
      for (let i = 0; i < chunks; i++) {
        const endpoints = g.endpoints.slice(i * MAX_ENDPOINTS_PER_SLICE, (i + 1) * MAX_ENDPOINTS_PER_SLICE);
        const at = reusable.findIndex((s) => s.addressType === g.family);
        const prev = at >= 0 ? reusable.splice(at, 1)[0] : undefined;
        const body = {
          addressType: g.family,
          // The real controller serialises empty Go slices as null.
          endpoints: endpoints.length ? endpoints : null,
          ports: g.ports.length ? g.ports : null,
        };
        const labels = sliceLabels(svc);
        if (prev) {
          keep.add(prev.metadata.name);
          const same =
            JSON.stringify([prev.endpoints, prev.ports, prev.addressType, prev.metadata.labels]) ===
            JSON.stringify([body.endpoints, body.ports, body.addressType, labels]);
          if (!same) {
            const annotations = {
              ...prev.metadata.annotations,
              "endpoints.kubernetes.io/last-change-trigger-time": now,
            };
            writer.replace("endpointslices", { ...prev, ...body, metadata: { ...prev.metadata, labels, annotations } });
          }
          continue;
        }
        const name = `${svc.metadata.name}-${randomSuffix()}`;
        keep.add(name);
        writer.create("endpointslices", {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: {
            name,
            namespace: ns,
            generateName: `${svc.metadata.name}-`,
            labels,
            annotations: { "endpoints.kubernetes.io/last-change-trigger-time": now },
            ownerReferences: [
              {
                apiVersion: "v1",
                kind: "Service",
                name: svc.metadata.name,
                uid: svc.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          ...body,
        });
      }
    }
  }
  for (const s of existing) if (!keep.has(s.metadata.name)) writer.remove("endpointslices", s);
  syncEndpoints(store, writer, svc, hasSelector ? pods : undefined);
}

/** Legacy v1 Endpoints: ready pods in addresses, not-ready in notReadyAddresses, terminating pods left out. */
function syncEndpoints(store: Store, writer: SliceWriter, svc: KubeObject, pods: KubeObject[] | undefined): void {
  const ns = svc.metadata.namespace ?? "default";
  const cur = store.get("endpoints", ns, svc.metadata.name);
  if (!pods) {
    if (cur && cur.metadata.labels?.["endpoints.kubernetes.io/managed-by"] === "endpoint-controller") {
      writer.remove("endpoints", cur);
    }
    return;
  }
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  const subsets = new Map<string, { addresses: Json[]; notReadyAddresses: Json[]; ports: Json[] }>();
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp && !publishNotReady) continue;
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed" || !pod.status?.podIP) continue;
    const ports: Json[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const port = resolveTargetPort(sp, pod);
      if (port === undefined) continue;
      const p: Json = sp.name
        ? { name: sp.name, port, protocol: sp.protocol ?? "TCP" }
        : { port, protocol: sp.protocol ?? "TCP" };
      ports.push(p);
    }
    const key = JSON.stringify(ports);
    let s = subsets.get(key);
    if (!s) {
      s = { addresses: [], notReadyAddresses: [], ports };
      subsets.set(key, s);
    }
    const addr: Json = { ip: pod.status.podIP };
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = { kind: "Pod", namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid };
    (publishNotReady || podReady(pod) ? s.addresses : s.notReadyAddresses).push(addr);
  }
  const out = [...subsets.values()].map((s) => {
    const o: Json = {};
    if (s.addresses.length) o.addresses = s.addresses;
    if (s.notReadyAddresses.length) o.notReadyAddresses = s.notReadyAddresses;
    if (s.ports.length) o.ports = s.ports;
    return o;
  });
  const labels = { ...(svc.metadata.labels ?? {}), "endpoints.kubernetes.io/managed-by": "endpoint-controller" };
  const want: KubeObject = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: svc.metadata.name, namespace: ns, labels },
  };
  if (out.length) want.subsets = out;
  if (!cur) writer.create("endpoints", want);
  else if (JSON.stringify([cur.subsets, cur.metadata.labels]) !== JSON.stringify([want.subsets, labels])) {
    const next: KubeObject = { ...cur, metadata: { ...cur.metadata, labels } };
    if (want.subsets) next.subsets = want.subsets;
    else delete next.subsets;
    writer.replace("endpoints", next);
  }
}
