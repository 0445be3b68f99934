// Pod status as the kubelet writes it (pkg/kubelet/status/generate.go): ContainersReady from the containers'
// readiness, Ready = ContainersReady AND every readiness gate's condition True, with the kubelet's reasons and
// messages. Conditions the kubelet does not own (readiness gates set by controllers) are kept as they are.
import type { Json, KubeObject } from "./types";

export const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

interface Condition {
  type: string;
  status: "True" | "False";
  reason?: string;
  message?: string;
}

/** Sets a condition, keeping lastTransitionTime when its status does not change. */
export function setCondition(conditions: Json[], c: Condition): Json[] {
  const prev = conditions.find((x) => x.type === c.type);
  const next: Json = {
    type: c.type,
    status: c.status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowIso(),
  };
  if (c.reason) next.reason = c.reason;
  if (c.message) next.message = c.message;
  return prev ? conditions.map((x) => (x === prev ? next : x)) : [...conditions, next];
}

function containersReadyCondition(pod: KubeObject, statuses: Json[]): Condition {
  const unready = (pod.spec?.containers ?? [])
    .filter((c: Json) => !statuses.find((s) => s.name === c.name)?.ready)
    .map((c: Json) => c.name);
  if (unready.length === 0) return { type: "ContainersReady", status: "True" };
  return {
    type: "ContainersReady",
    status: "False",
    reason: "ContainersNotReady",
    message: `containers with unready status: [${unready.join(" ")}]`,
  };
}

/** GeneratePodReadyCondition: the containers must be ready and every readiness gate condition True. */
export function readyCondition(pod: KubeObject, conditions: Json[], containersReady: Condition): Condition {
  if (containersReady.status !== "True") {
    return { type: "Ready", status: "False", reason: containersReady.reason, message: containersReady.message };
  }
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== "True") {
      unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
  }
  if (unready.length === 0) return { type: "Ready", status: "True" };
  return { type: "Ready", status: "False", reason: "ReadinessGatesNotReady", message: unready.join(", ") };
}

/** The status with the containers' readiness set and ContainersReady and Ready derived from it. */
export function withReadiness(pod: KubeObject, status: Json, ready: boolean): Json {
  const containerStatuses = (pod.spec?.containers ?? []).map((c: Json) => {
    const prev = (status.containerStatuses ?? []).find((s: Json) => s.name === c.name) ?? {};
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
  return derive(pod, { ...status, containerStatuses });
}

/** Recomputes ContainersReady and Ready from the container statuses and the gate conditions. */
export function derive(pod: KubeObject, status: Json): Json {
  const cr = containersReadyCondition(pod, status.containerStatuses ?? []);
  let conditions = setCondition(status.conditions ?? [], readyCondition(pod, status.conditions ?? [], cr));
  conditions = setCondition(conditions, cr);
  return { ...status, conditions };
}

/** The status the kubelet writes once the pod's sandbox and containers run. */
export function runningStatus(pod: KubeObject, hostIP: string | undefined, ips: string[], ready: boolean): Json {
  const now = nowIso();
  let conditions: Json[] = (pod.status?.conditions ?? []).filter(
    (c: Json) => !["PodReadyToStartContainers", "Initialized", "PodScheduled"].includes(c.type),
  );
  conditions = [
    { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: now },
    { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: now },
    ...conditions,
  ];
  const status: Json = {
    ...pod.status,
    phase: "Running",
    conditions,
    hostIP,
    hostIPs: hostIP ? [{ ip: hostIP }] : undefined,
    podIP: ips[0],
    podIPs: ips.map((ip) => ({ ip })),
    startTime: now,
    containerStatuses: (pod.spec?.containers ?? []).map((c: Json) => ({
      name: c.name,
      image: c.image,
      imageID: "",
      ready,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
  const derived = derive(pod, status);
  derived.conditions = setCondition(derived.conditions, { type: "PodScheduled", status: "True" });
  return derived;
}
