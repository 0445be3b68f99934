// An imitation of Antrea's NodePortLocal agent (pkg/agent/nodeportlocal): for every pod selected by a Service
// annotated nodeportlocal.antrea.io/enabled: "true" (type ClusterIP or LoadBalancer, with a selector), each
// target port and protocol of the Service gets a port of the pod's node from the NPL range (61000-62000 by
// default, distinct per node), published in the pod annotation nodeportlocal.antrea.io. The annotation goes when
// no such Service selects the pod any more. Like the agent after a restart, ports already in a pod's annotation
// are kept. format picks what the annotation looks like: "v2" (Antrea 2.x: podPort, nodeIP, nodePort,
// protocol), "v1.7" (adds the deprecated protocols: [protocol]), "v1.4" (one entry per podPort, protocols list).
import type { Controller, ObjectApi } from "./objects";
import { byResource } from "./resources";
import { resolveTargetPort, selectedPods } from "./slices";
import type { Store } from "./store";
import type { Json, KubeObject, ResourceType } from "./types";

export const NPL_ANNOTATION = "nodeportlocal.antrea.io";
export const NPL_ENABLED_ANNOTATION = "nodeportlocal.antrea.io/enabled";

export type NplFormat = "v2" | "v1.7" | "v1.4";

export interface NplOptions {
  portRange: [number, number];
  format: NplFormat;
}

interface PortTable {
  next: number;
  /** node port -> owner: "<pod uid>/<podPort>/<protocol>" ("<pod uid>/<podPort>" in the v1.4 format) */
  owners: Map<number, string>;
}

const enabled = (svc: KubeObject | undefined) =>
  svc !== undefined &&
  svc.metadata.annotations?.[NPL_ENABLED_ANNOTATION] === "true" &&
  svc.spec?.type !== "NodePort" &&
  svc.spec?.type !== "ExternalName" &&
  Object.keys(svc.spec?.selector ?? {}).length > 0;

const selects = (svc: KubeObject, pod: KubeObject) =>
  Object.entries((svc.spec?.selector ?? {}) as Record<string, string>).every(
    ([k, v]) => pod.metadata.labels?.[k] === v,
  );

function parse(value: string | undefined): Json[] {
  if (!value) return [];
  try {
    const v = JSON.parse(value);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

export function createNplAgent(store: Store, api: ObjectApi, options: NplOptions): Controller {
  const [min, max] = options.portRange;
  const legacy = options.format === "v1.4";
  const tables = new Map<string, PortTable>();
  // Services with NPL enabled, so that pod writes in a cluster without any cost nothing.
  const enabledServices = new Set<string>();
  const svcKey = (s: KubeObject) => `${s.metadata.namespace}/${s.metadata.name}`;

  /** The node's table, rebuilt from the annotations its pods already carry the first time it is needed. */
  function table(node: string): PortTable {
    let t = tables.get(node);
    if (t) return t;
    t = { next: min, owners: new Map() };
    tables.set(node, t);
    for (const pod of store.byIndex("pods", "node", node)) {
      for (const e of parse(pod.metadata.annotations?.[NPL_ANNOTATION])) {
        if (typeof e.nodePort !== "number" || e.nodePort < min || e.nodePort > max || t.owners.has(e.nodePort))
          continue;
        const protocol = legacy ? "" : (e.protocol ?? e.protocols?.[0] ?? "tcp");
        t.owners.set(e.nodePort, owner(pod.metadata.uid!, e.podPort, protocol));
      }
    }
    return t;
  }
  const owner = (uid: string, podPort: number, protocol: string) =>
    legacy ? `${uid}/${podPort}` : `${uid}/${podPort}/${protocol}`;

  function allocate(t: PortTable, key: string): number | undefined {
    for (let i = 0; i <= max - min; i++) {
      const port = t.next + i > max ? t.next + i - (max - min + 1) : t.next + i;
      if (t.owners.has(port)) continue;
      t.owners.set(port, key);
      t.next = port + 1 > max ? min : port + 1;
      return port;
    }
    return undefined;
  }

  function release(node: string | undefined, uid: string | undefined, keep: Set<number> = new Set()) {
    if (!node || !uid) return;
    const t = table(node);
    for (const [port, key] of t.owners) if (key.startsWith(`${uid}/`) && !keep.has(port)) t.owners.delete(port);
  }

  /** The (podPort, protocol) pairs NPL-enabled Services want mapped on this pod. */
  function wanted(pod: KubeObject): Map<number, Set<string>> {
    const out = new Map<number, Set<string>>();
    for (const svc of store.list("services", pod.metadata.namespace)) {
      if (!enabled(svc) || !selects(svc, pod)) continue;
      for (const sp of svc.spec.ports ?? []) {
        const protocol = String(sp.protocol ?? "TCP").toLowerCase();
        const port = resolveTargetPort(sp, pod);
        if (port === undefined || (protocol !== "tcp" && protocol !== "udp")) continue;
        const set = out.get(port) ?? new Set();
        set.add(protocol);
        out.set(port, set);
      }
    }
    return out;
  }

  function writeAnnotation(pod: KubeObject, value: string | undefined) {
    if (pod.metadata.annotations?.[NPL_ANNOTATION] === value) return;
    const annotations = { ...pod.metadata.annotations };
    if (value === undefined) delete annotations[NPL_ANNOTATION];
    else annotations[NPL_ANNOTATION] = value;
    const metadata: KubeObject["metadata"] = { ...pod.metadata, annotations };
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    delete metadata.resourceVersion;
    api.update(byResource("pods"), pod.metadata.namespace, pod.metadata.name, { ...pod, metadata });
  }

  function syncPod(ref: KubeObject) {
    const pod = store.get("pods", ref.metadata.namespace, ref.metadata.name);
    if (!pod || pod.metadata.uid !== ref.metadata.uid) return;
    const node = pod.spec?.nodeName;
    if (!node || !pod.status?.podIP || pod.spec?.hostNetwork) return;
    if (enabledServices.size === 0 && pod.metadata.annotations?.[NPL_ANNOTATION] === undefined) return;
    const want = wanted(pod);
    const uid = pod.metadata.uid!;
    if (want.size === 0) {
      release(node, uid);
      if (pod.metadata.annotations?.[NPL_ANNOTATION] !== undefined) writeAnnotation(pod, undefined);
      return;
    }
    const t = table(node);
    const nodeIP =
      pod.status.hostIP ??
      (store.get("nodes", undefined, node)?.status?.addresses ?? []).find((a: Json) => a.type === "InternalIP")
        ?.address;
    const existing = parse(pod.metadata.annotations?.[NPL_ANNOTATION]);
    const keepOrTake = (key: string, previous: number | undefined) => {
      if (previous !== undefined && previous >= min && previous <= max) {
        const holder = t.owners.get(previous);
        if (holder === undefined || holder === key) {
          t.owners.set(previous, key);
          return previous;
        }
      }
      return allocate(t, key);
    };
    const entries: Json[] = [];
    const held = new Set<number>();
    for (const podPort of [...want.keys()].sort((a, b) => a - b)) {
      const protocols = [...want.get(podPort)!].sort();
      if (legacy) {
        const prev = existing.find((e) => e.podPort === podPort)?.nodePort;
        const nodePort = keepOrTake(owner(uid, podPort, ""), prev);
        if (nodePort === undefined) continue;
        held.add(nodePort);
        entries.push({ podPort, nodeIP, nodePort, protocols });
        continue;
      }
      for (const protocol of protocols) {
        const prev = existing.find(
          (e) => e.podPort === podPort && (e.protocol ?? e.protocols?.[0]) === protocol,
        )?.nodePort;
        const nodePort = keepOrTake(owner(uid, podPort, protocol), prev);
        if (nodePort === undefined) continue;
        held.add(nodePort);
        entries.push(
          options.format === "v1.7"
            ? { podPort, nodeIP, nodePort, protocol, protocols: [protocol] }
            : { podPort, nodeIP, nodePort, protocol },
        );
      }
    }
    release(node, uid, held);
    writeAnnotation(pod, JSON.stringify(entries));
  }

  function syncSelected(svc: KubeObject | undefined) {
    if (!svc || Object.keys(svc.spec?.selector ?? {}).length === 0) return;
    for (const pod of selectedPods(store, svc)) syncPod(pod);
  }

  return {
    onChange(rt: ResourceType, before: KubeObject | undefined, after: KubeObject | undefined) {
      if (rt.resource === "pods") {
        if (!after || before?.spec?.nodeName !== after.spec?.nodeName)
          release(before?.spec?.nodeName, before?.metadata.uid);
        if (after) syncPod(after);
      } else if (rt.resource === "services") {
        const relevant = (s: KubeObject | undefined) => s?.metadata.annotations?.[NPL_ENABLED_ANNOTATION] !== undefined;
        if (!relevant(before) && !relevant(after)) return;
        if (before) enabledServices.delete(svcKey(before));
        if (enabled(after)) enabledServices.add(svcKey(after!));
        syncSelected(before);
        syncSelected(after);
      }
    },
    resync() {
      enabledServices.clear();
      for (const svc of store.list("services")) if (enabled(svc)) enabledServices.add(svcKey(svc));
      const seen = new Set<string>();
      for (const key of enabledServices) {
        const [ns, name] = key.split("/");
        for (const pod of selectedPods(store, store.get("services", ns, name)!)) {
          seen.add(pod.metadata.uid!);
          syncPod(pod);
        }
      }
      for (const pod of [...store.list("pods")]) {
        if (!seen.has(pod.metadata.uid!) && pod.metadata.annotations?.[NPL_ANNOTATION] !== undefined) syncPod(pod);
      }
    },
  };
}
