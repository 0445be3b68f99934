// An imitation of the kubelet and CNI of every node: a pod bound to a node (spec.nodeName) starts after
// startAfterMs (next free address of the node's pod CIDR per family, phase Running, host IP), its containers turn
// ready readyAfterMs later, and Ready follows ContainersReady and the readiness gates whenever anyone changes the
// pod's conditions. A pod deleted with a grace period keeps running, Terminating, for terminateAfterMs (at most its
// grace period), then the kubelet removes it; a pod loaded already Terminating (a fixture) stays so. Everything happens asynchronously, as the real one does; per pod,
// the annotations emulator.avi-k8s.io/ready-after-ms and terminate-after-ms override the delays.
import type { Ipam } from "./ipam";
import type { ObjectApi } from "./objects";
import { derive, nowIso, runningStatus, withReadiness } from "./podstatus";
import { byResource } from "./resources";
import type { Store } from "./store";
import type { Json, KubeObject, ResourceType } from "./types";

export interface KubeletOptions {
  /** From binding to running with an IP (default 0). */
  startAfterMs: number;
  /** From running to containers ready (default 0). */
  readyAfterMs: number;
  /** From a graceful delete to the pod's removal, capped by its grace period (default 0). */
  terminateAfterMs: number;
}

export const READY_AFTER_ANNOTATION = "emulator.avi-k8s.io/ready-after-ms";
export const TERMINATE_AFTER_ANNOTATION = "emulator.avi-k8s.io/terminate-after-ms";

export interface Kubelet {
  options: KubeletOptions;
  onChange(rt: ResourceType, before: KubeObject | undefined, after: KubeObject | undefined): void;
  resync(): void;
  /** Per-pod delays (by uid) that win over annotations and options; Infinity for "never". */
  overrides: { ready: Map<string, number>; terminate: Map<string, number> };
  /** Resolves when no start, readiness or termination is pending. */
  idle(): Promise<void>;
  stop(): void;
}

const pods = () => byResource("pods");
const annotationMs = (pod: KubeObject, key: string) => {
  const v = pod.metadata.annotations?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

export function createKubelet(store: Store, api: ObjectApi, ipam: Ipam, options: KubeletOptions): Kubelet {
  const timers = new Map<string, Set<NodeJS.Timeout>>();
  const starting = new Set<string>();
  const terminating = new Set<string>();
  const overrides = { ready: new Map<string, number>(), terminate: new Map<string, number>() };
  let idleWaiters: (() => void)[] = [];
  let stopped = false;

  const pending = () => [...timers.values()].reduce((n, s) => n + s.size, 0);
  const later = (uid: string, ms: number, fn: () => void) => {
    if (stopped || ms === Number.POSITIVE_INFINITY) return;
    const set = timers.get(uid) ?? new Set();
    timers.set(uid, set);
    const t = setTimeout(() => {
      set.delete(t);
      if (set.size === 0) timers.delete(uid);
      try {
        fn();
      } finally {
        if (pending() === 0) for (const w of idleWaiters.splice(0)) w();
      }
    }, ms);
    t.unref();
    set.add(t);
  };
  const current = (ref: KubeObject) => {
    const p = store.get("pods", ref.metadata.namespace, ref.metadata.name);
    return p && p.metadata.uid === ref.metadata.uid ? p : undefined;
  };
  const writeStatus = (pod: KubeObject, status: Json) =>
    api.update(pods(), pod.metadata.namespace, pod.metadata.name, { ...pod, status }, "status");
  const nodeIP = (name: string) =>
    (store.get("nodes", undefined, name)?.status?.addresses ?? []).find((a: Json) => a.type === "InternalIP")?.address;

  const needsStart = (p: KubeObject) =>
    Boolean(p.spec?.nodeName) &&
    store.get("nodes", undefined, p.spec.nodeName) !== undefined &&
    !p.status?.podIP &&
    (p.status?.phase ?? "Pending") === "Pending" &&
    !p.metadata.deletionTimestamp;

  function sandboxFailed(pod: KubeObject, err: Error) {
    const at = nowIso();
    api.create(byResource("events"), {
      metadata: { name: `${pod.metadata.name}.${Date.now().toString(16)}`, namespace: pod.metadata.namespace },
      involvedObject: {
        apiVersion: "v1",
        kind: "Pod",
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        uid: pod.metadata.uid,
      },
      reason: "FailedCreatePodSandBox",
      message: `Failed to create pod sandbox: ${err.message}`,
      source: { component: "kubelet", host: pod.spec.nodeName },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type: "Warning",
    });
  }

  function start(ref: KubeObject) {
    const pod = current(ref);
    starting.delete(ref.metadata.uid!);
    if (!pod || !needsStart(pod)) return;
    let ips: string[];
    try {
      ips = ipam.allocate(pod.spec.nodeName);
    } catch (e) {
      sandboxFailed(pod, e as Error);
      return;
    }
    const delay =
      overrides.ready.get(pod.metadata.uid!) ?? annotationMs(pod, READY_AFTER_ANNOTATION) ?? options.readyAfterMs;
    const out = writeStatus(pod, runningStatus(pod, nodeIP(pod.spec.nodeName), ips, delay <= 0));
    if (delay > 0) later(pod.metadata.uid!, delay, () => markReady(out));
  }

  function markReady(ref: KubeObject) {
    const pod = current(ref);
    if (!pod || pod.metadata.deletionTimestamp) return;
    writeStatus(pod, withReadiness(pod, pod.status ?? {}, true));
  }

  function scheduleTermination(pod: KubeObject) {
    const uid = pod.metadata.uid!;
    if (terminating.has(uid)) return;
    terminating.add(uid);
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const delay =
      overrides.terminate.get(uid) ??
      annotationMs(pod, TERMINATE_AFTER_ANNOTATION) ??
      Math.min(options.terminateAfterMs, grace);
    later(uid, delay, () => {
      const p = current(pod);
      if (p) api.remove(pods(), p.metadata.namespace, p.metadata.name, { gracePeriodSeconds: 0 });
    });
  }

  /** Ready follows the gates: a controller setting a gate condition is answered by a kubelet status write. */
  function syncReady(pod: KubeObject) {
    if (!pod.spec?.readinessGates?.length) return;
    if (!pod.status?.conditions?.some((c: Json) => c.type === "ContainersReady")) return;
    const next = derive(pod, pod.status);
    const ready = (s: Json) => JSON.stringify(s.conditions.find((c: Json) => c.type === "Ready") ?? null);
    if (ready(next) !== ready(pod.status)) writeStatus(pod, next);
  }

  /** deleted: the pod has just been marked for deletion (pods loaded already Terminating stay so). */
  function onPod(ref: KubeObject, deleted: boolean) {
    const pod = current(ref);
    if (!pod) return;
    const uid = pod.metadata.uid!;
    if (pod.metadata.deletionTimestamp) {
      if (deleted && pod.spec?.nodeName) scheduleTermination(pod);
      return;
    }
    if (needsStart(pod)) {
      if (!starting.has(uid)) {
        starting.add(uid);
        later(uid, options.startAfterMs, () => start(pod));
      }
      return;
    }
    syncReady(pod);
  }

  return {
    options,
    overrides,
    onChange(rt, before, after) {
      if (rt.resource !== "pods") return;
      if (after)
        return onPod(after, Boolean(before && !before.metadata.deletionTimestamp && after.metadata.deletionTimestamp));
      const uid = before?.metadata.uid;
      if (!uid) return;
      for (const t of timers.get(uid) ?? []) clearTimeout(t);
      timers.delete(uid);
      starting.delete(uid);
      terminating.delete(uid);
      overrides.ready.delete(uid);
      overrides.terminate.delete(uid);
      if (pending() === 0) for (const w of idleWaiters.splice(0)) w();
    },
    resync() {
      for (const p of [...store.list("pods")]) onPod(p, false);
    },
    idle: () => (pending() === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    stop() {
      stopped = true;
      for (const set of timers.values()) for (const t of set) clearTimeout(t);
      timers.clear();
      for (const w of idleWaiters.splice(0)) w();
      idleWaiters = [];
    },
  };
}
