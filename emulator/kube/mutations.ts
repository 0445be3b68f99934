// Scenario helpers for tests and demos: each is an ordinary write through the object API, so it bumps
// resourceVersions, reaches watchers and re-derives EndpointSlices exactly as an API write would.
import * as ipaddr from "ipaddr.js";
import { notFound } from "./errors";
import { nowIso, type ObjectApi } from "./objects";
import { byApiVersionKind, byResource, storageOf } from "./resources";
import type { Store } from "./store";
import type { Json, KubeObject } from "./types";

export interface AddNodeOptions {
  name: string;
  /** The node's InternalIP (data only: nothing ever connects to it). */
  internalIP: string;
  /** spec.podCIDRs; omit for CNIs that allocate their own blocks (Calico, Cilium cluster-pool). */
  podCIDRs?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ready?: boolean;
}

export interface AddPodOptions {
  namespace?: string;
  name: string;
  node: string;
  /** Pod IPs; one is allocated from the node's pod CIDR when omitted. */
  ips?: string[];
  labels?: Record<string, string>;
  ready?: boolean;
  /** Container ports, e.g. [{name: "http", containerPort: 8080}]. */
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

export interface KubeMutations {
  addNode(options: AddNodeOptions): KubeObject;
  /** Deletes the node and, as the pod garbage collector would, the pods bound to it. */
  removeNode(name: string): void;
  setNodeReady(name: string, ready: boolean): KubeObject;
  addPod(options: AddPodOptions): KubeObject;
  /** Re-places a pod on another node with a fresh IP from that node's pod CIDR (a rollout in one step). */
  movePod(namespace: string, name: string, toNode: string): KubeObject;
  setPodReady(namespace: string, name: string, ready: boolean): KubeObject;
  /** Starts a graceful deletion: the pod keeps running with a deletionTimestamp (kubectl shows Terminating). */
  terminatePod(namespace: string, name: string): KubeObject;
  deletePod(namespace: string, name: string): void;
  /** Creates or replaces any served object. */
  apply(obj: KubeObject): KubeObject;
  remove(apiVersion: string, kind: string, name: string, namespace?: string): void;
  get(resource: string, name: string, namespace?: string): KubeObject | undefined;
  list(resource: string, namespace?: string): readonly KubeObject[];
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function withCondition(status: Json, type: string, value: boolean): Json {
  const conditions = (status.conditions ?? []).filter((c: Json) => c.type !== type);
  conditions.push({ type, status: value ? "True" : "False", lastTransitionTime: nowIso() });
  return { ...status, conditions };
}

function podStatusFor(pod: KubeObject, ready: boolean): Json {
  let st = withCondition(pod.status ?? {}, "Ready", ready);
  st = withCondition(st, "ContainersReady", ready);
  st.containerStatuses = (pod.spec?.containers ?? []).map((c: Json) => {
    const prev = (pod.status?.containerStatuses ?? []).find((s: Json) => s.name === c.name) ?? {};
    return {
      ...prev,
      name: c.name,
      image: c.image,
      ready,
      started: true,
      restartCount: prev.restartCount ?? 0,
      state: prev.state ?? { running: { startedAt: nowIso() } },
    };
  });
  return st;
}

/** The pod CIDRs a node owns, from spec.podCIDRs, Calico blocks, the CiliumNode or the OVN annotation. */
export function nodePodCidrs(store: Store, node: KubeObject): string[] {
  if (node.spec?.podCIDRs?.length) return node.spec.podCIDRs;
  if (node.spec?.podCIDR) return [node.spec.podCIDR];
  const name = node.metadata.name;
  const blocks = store
    .list("blockaffinities")
    .filter((b) => b.spec?.node === name && b.spec?.deleted !== "true" && b.spec?.state !== "pendingDeletion")
    .map((b) => b.spec.cidr as string);
  if (blocks.length) return blocks;
  const cn = store.get("ciliumnodes", undefined, name);
  if (cn?.spec?.ipam?.podCIDRs?.length) return cn.spec.ipam.podCIDRs;
  const ovn = node.metadata.annotations?.["k8s.ovn.org/node-subnets"];
  if (ovn) {
    const d = JSON.parse(ovn).default;
    return Array.isArray(d) ? d : [d];
  }
  return [];
}

/** The first host address of the CIDR that no pod uses yet, or undefined when it is full. */
function freeAddress(cidr: string, used: Set<string>): string | undefined {
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  const bytes = addr.toByteArray();
  const hostBits = bytes.length * 8 - bits;
  // Skip the network address and .1 (the gateway many CNIs take); stop before the broadcast address.
  const limit = 2 ** Math.min(hostBits, 20) - 1;
  for (let i = 2; i < limit; i++) {
    const b = [...bytes];
    let carry = i;
    for (let j = b.length - 1; j >= 0 && carry > 0; j--) {
      const sum = b[j] + (carry & 0xff);
      b[j] = sum & 0xff;
      carry = (carry >>> 8) + (sum >> 8);
    }
    const ip = ipaddr.fromByteArray(b).toString();
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

export function createMutations(store: Store, api: ObjectApi): KubeMutations {
  const rt = byResource;
  const mustGet = (resource: string, name: string, namespace?: string) => {
    const o = store.get(resource, namespace, name);
    if (!o) throw notFound(rt(resource), name);
    return clone(o);
  };
  const allocate = (nodeName: string): string[] => {
    const node = mustGet("nodes", nodeName);
    const cidrs = nodePodCidrs(store, node);
    if (cidrs.length === 0) throw new Error(`node ${nodeName} has no pod CIDR to allocate a pod IP from`);
    const used = new Set<string>();
    for (const p of store.byIndex("pods", "node", nodeName)) for (const x of p.status?.podIPs ?? []) used.add(x.ip);
    const out: string[] = [];
    for (const family of [4, 6]) {
      const ofFamily = cidrs.filter((c) => (c.includes(":") ? 6 : 4) === family);
      if (ofFamily.length === 0) continue;
      const ip = ofFamily.map((c) => freeAddress(c, used)).find((x) => x !== undefined);
      if (!ip) throw new Error(`node ${nodeName} has no free pod address left in ${ofFamily.join(", ")}`);
      out.push(ip);
    }
    return out;
  };
  const setStatus = (namespace: string, name: string, status: Json) => {
    const pod = mustGet("pods", name, namespace);
    return api.update(rt("pods"), namespace, name, { ...pod, status }, "status");
  };
  const nodeIP = (nodeName: string) =>
    (store.get("nodes", undefined, nodeName)?.status?.addresses ?? []).find((a: Json) => a.type === "InternalIP")
      ?.address;

  return {
    addNode(o) {
      const spec: Json = {};
      if (o.podCIDRs?.length) {
        spec.podCIDR = o.podCIDRs[0];
        spec.podCIDRs = o.podCIDRs;
      }
      return api.create(
        rt("nodes"),
        {
          apiVersion: "v1",
          kind: "Node",
          metadata: {
            name: o.name,
            labels: { "kubernetes.io/hostname": o.name, "kubernetes.io/os": "linux", ...o.labels },
            annotations: o.annotations,
          },
          spec,
          status: {
            addresses: [
              { type: "InternalIP", address: o.internalIP },
              { type: "Hostname", address: o.name },
            ],
            conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True", reason: "KubeletReady" }],
            nodeInfo: {
              kubeletVersion: "v1.32.4",
              osImage: "Ubuntu 24.04.2 LTS",
              kernelVersion: "6.8.0-59-generic",
              containerRuntimeVersion: "containerd://2.0.5",
            },
          },
        },
        undefined,
        { keepStatus: true },
      );
    },
    removeNode(name) {
      for (const p of store.byIndex("pods", "node", name))
        api.remove(rt("pods"), p.metadata.namespace, p.metadata.name);
      api.remove(rt("nodes"), undefined, name);
    },
    setNodeReady(name, ready) {
      const node = mustGet("nodes", name);
      const status = {
        ...node.status,
        conditions: (node.status?.conditions ?? []).filter((c: Json) => c.type !== "Ready"),
      };
      status.conditions.push({
        type: "Ready",
        status: ready ? "True" : "False",
        reason: ready ? "KubeletReady" : "NodeStatusUnknown",
      });
      return api.update(rt("nodes"), undefined, name, { ...node, status }, "status");
    },
    addPod(o) {
      const namespace = o.namespace ?? "default";
      if (!store.get("namespaces", undefined, namespace))
        api.create(rt("namespaces"), { metadata: { name: namespace } });
      const ips = o.ips ?? allocate(o.node);
      const pod: KubeObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: o.name, namespace, labels: o.labels ?? {} },
        spec: {
          nodeName: o.node,
          containers: [{ name: "app", image: "nginx:1.27", ports: o.ports ?? [{ name: "http", containerPort: 8080 }] }],
        },
        status: {
          phase: "Running",
          hostIP: nodeIP(o.node),
          podIP: ips[0],
          podIPs: ips.map((ip) => ({ ip })),
          startTime: nowIso(),
        },
      };
      pod.status = podStatusFor(pod, o.ready !== false);
      return api.create(rt("pods"), pod, namespace, { keepStatus: true });
    },
    movePod(namespace, name, toNode) {
      const pod = mustGet("pods", name, namespace);
      const ips = allocate(toNode);
      pod.spec.nodeName = toNode;
      pod.status = {
        ...pod.status,
        hostIP: nodeIP(toNode),
        hostIPs: [{ ip: nodeIP(toNode) }],
        podIP: ips[0],
        podIPs: ips.map((ip) => ({ ip })),
      };
      // One write, so that no reader ever sees the old IP on the new node.
      return api.update(rt("pods"), namespace, name, pod, "*");
    },
    setPodReady(namespace, name, ready) {
      const pod = mustGet("pods", name, namespace);
      return setStatus(namespace, name, podStatusFor(pod, ready));
    },
    terminatePod(namespace, name) {
      mustGet("pods", name, namespace);
      return api.remove(rt("pods"), namespace, name, { graceful: true });
    },
    deletePod(namespace, name) {
      api.remove(rt("pods"), namespace, name);
    },
    apply(input) {
      const served = byApiVersionKind(input.apiVersion, input.kind) ?? byResource(resourceOf(input));
      const obj = served.view ? served.view.toStored(input) : input;
      const r = storageOf(served);
      const ns = r.namespaced ? (obj.metadata.namespace ?? "default") : undefined;
      const cur = store.get(r.resource, ns, obj.metadata.name);
      if (!cur) return api.create(r, obj, ns, { keepStatus: true });
      const next = clone(obj);
      delete next.metadata.resourceVersion;
      const out = api.update(r, ns, obj.metadata.name, next);
      return obj.status === undefined
        ? out
        : api.update(r, ns, obj.metadata.name, { ...out, status: obj.status }, "status");
    },
    remove(apiVersion, kind, name, namespace) {
      const r = byResource(resourceOf({ apiVersion, kind, metadata: { name } }));
      api.remove(r, r.namespaced ? (namespace ?? "default") : undefined, name);
    },
    get: (resource, name, namespace) => store.get(resource, namespace, name),
    list: (resource, namespace) => store.list(resource, namespace),
  };
}

function resourceOf(obj: KubeObject): string {
  const known: Record<string, string> = {
    Namespace: "namespaces",
    Node: "nodes",
    Pod: "pods",
    Service: "services",
    Endpoints: "endpoints",
    EndpointSlice: "endpointslices",
    BlockAffinity: "blockaffinities",
    CiliumNode: "ciliumnodes",
    Lease: "leases",
    Event: "events",
  };
  const r = known[obj.kind ?? ""];
  if (!r) throw new Error(`the Kubernetes emulator does not serve kind ${obj.kind}`);
  return r;
}
