// Scenario helpers for tests and demos: each is an ordinary write through the object API, so it bumps
// resourceVersions, reaches watchers and re-derives EndpointSlices exactly as an API write would. addPod and
// movePod are instant (a pod already running); createPod goes the API way (Pending, then the kubelet starts it).
import { notFound } from "./errors";
import type { Ipam } from "./ipam";
import { type Kubelet, READY_AFTER_ANNOTATION, TERMINATE_AFTER_ANNOTATION } from "./kubelet";
import type { ObjectApi } from "./objects";
import { nowIso, setCondition, withReadiness } from "./podstatus";
import { byApiVersionKind, byResource, storageOf } from "./resources";
import { type RolloutOptions, type RolloutResult, type RolloutTarget, rollout, waitFor } from "./rollout";
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
  /** spec.readinessGates condition types: Ready also needs each of these conditions True. */
  readinessGates?: string[];
}

export interface CreatePodOptions {
  namespace?: string;
  /** A name, or generateName when it ends in "-". */
  name: string;
  /** spec.nodeName: the emulator has no scheduler, so a pod without one stays Pending. */
  node?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  readinessGates?: string[];
  /** This pod's containers turn ready this long after it starts (default: the kubelet's readyAfterMs). */
  readyAfterMs?: number;
  /** After a graceful delete, this pod is removed this long after (default: the kubelet's terminateAfterMs). */
  terminateAfterMs?: number;
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
  /**
   * Starts a graceful deletion: the pod keeps running with a deletionTimestamp (kubectl shows Terminating) until
   * deletePod, or until removeAfterMs when given.
   */
  terminatePod(namespace: string, name: string, options?: { removeAfterMs?: number }): KubeObject;
  /** Deletes the pod at once (grace period 0). */
  deletePod(namespace: string, name: string): void;
  /** Creates a pod the way `kubectl create` does: Pending, then started by the kubelet on its node. */
  createPod(options: CreatePodOptions): KubeObject;
  /** Sets one condition of a pod's status (what a controller does for its readiness gate); Ready follows. */
  setPodCondition(namespace: string, name: string, type: string, status: boolean, reason?: string): KubeObject;
  /** Replaces every pod a selector (or a Service's selector) picks the way a Deployment rollout does. */
  rollout(target: RolloutTarget, options?: RolloutOptions): Promise<RolloutResult>;
  /** Resolves with the object once predicate holds (it gets undefined for an absent object), or rejects. */
  waitFor(
    resource: string,
    name: string,
    namespace: string | undefined,
    predicate: (obj: KubeObject | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<KubeObject | undefined>;
  /** Resolves once the kubelet has nothing pending (starts, readiness, terminations). */
  settled(): Promise<void>;
  /** Creates or replaces any served object. */
  apply(obj: KubeObject): KubeObject;
  remove(apiVersion: string, kind: string, name: string, namespace?: string): void;
  get(resource: string, name: string, namespace?: string): KubeObject | undefined;
  list(resource: string, namespace?: string): readonly KubeObject[];
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

export function createMutations(store: Store, api: ObjectApi, ipam: Ipam, kubelet?: Kubelet): KubeMutations {
  const rt = byResource;
  const mustGet = (resource: string, name: string, namespace?: string) => {
    const o = store.get(resource, namespace, name);
    if (!o) throw notFound(rt(resource), name);
    return clone(o);
  };
  const allocate = (nodeName: string): string[] => {
    mustGet("nodes", nodeName);
    return ipam.allocate(nodeName);
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
        api.remove(rt("pods"), p.metadata.namespace, p.metadata.name, { gracePeriodSeconds: 0 });
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
          ...(o.readinessGates?.length
            ? { readinessGates: o.readinessGates.map((conditionType) => ({ conditionType })) }
            : {}),
        },
        status: {
          phase: "Running",
          qosClass: "BestEffort",
          hostIP: nodeIP(o.node),
          podIP: ips[0],
          podIPs: ips.map((ip) => ({ ip })),
          startTime: nowIso(),
        },
      };
      pod.status = withReadiness(pod, pod.status, o.ready !== false);
      pod.status.conditions = setCondition(pod.status.conditions, { type: "PodScheduled", status: "True" });
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
      return setStatus(namespace, name, withReadiness(pod, pod.status ?? {}, ready));
    },
    terminatePod(namespace, name, options = {}) {
      const pod = mustGet("pods", name, namespace);
      kubelet?.overrides.terminate.set(pod.metadata.uid!, options.removeAfterMs ?? Number.POSITIVE_INFINITY);
      return api.remove(rt("pods"), namespace, name, { graceful: true });
    },
    deletePod(namespace, name) {
      api.remove(rt("pods"), namespace, name, { gracePeriodSeconds: 0 });
    },
    createPod(o) {
      const annotations: Record<string, string> = { ...o.annotations };
      if (o.readyAfterMs !== undefined) annotations[READY_AFTER_ANNOTATION] = String(o.readyAfterMs);
      if (o.terminateAfterMs !== undefined) annotations[TERMINATE_AFTER_ANNOTATION] = String(o.terminateAfterMs);
      const named = o.name.endsWith("-") ? { generateName: o.name } : { name: o.name };
      const spec: Json = {
        containers: [{ name: "app", image: "nginx:1.27", ports: o.ports ?? [{ name: "http", containerPort: 8080 }] }],
      };
      if (o.node) spec.nodeName = o.node;
      if (o.readinessGates?.length) spec.readinessGates = o.readinessGates.map((conditionType) => ({ conditionType }));
      const metadata = { ...named, labels: o.labels ?? {}, annotations } as KubeObject["metadata"];
      return api.create(rt("pods"), { apiVersion: "v1", kind: "Pod", metadata, spec }, o.namespace ?? "default");
    },
    setPodCondition(namespace, name, type, status, reason) {
      const pod = mustGet("pods", name, namespace);
      const conditions = setCondition(pod.status?.conditions ?? [], {
        type,
        status: status ? "True" : "False",
        reason,
      });
      return setStatus(namespace, name, { ...pod.status, conditions });
    },
    rollout(target, options) {
      if (!kubelet)
        return Promise.reject(new Error("rollout needs the emulator's kubelet (started with kubelet: false)"));
      return rollout({ store, api, kubelet }, target, options);
    },
    waitFor: (resource, name, namespace, predicate, timeoutMs) =>
      waitFor(store, resource, name, namespace, predicate, timeoutMs),
    settled: () => kubelet?.idle() ?? Promise.resolve(),
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
      if (obj.status === undefined) return out;
      // The first write may have set a controller off (the kubelet recomputes Ready for new readiness gates), so
      // the status goes onto whatever is there now.
      const { resourceVersion: _rv, ...metadata } = out.metadata;
      return api.update(r, ns, obj.metadata.name, { ...out, metadata, status: obj.status }, "status");
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
