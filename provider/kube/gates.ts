// The readiness gate avi-k8s.io/pool-member as the pods say it. A pod listing it in spec.readinessGates is not Ready
// until the gate is True, and its EndpointSlice endpoint follows Ready: `ready` and `serving` both stay false (the
// EndpointSlice controller sets serving from the pod's Ready condition). Planning from the slice alone would never
// enable the server, so the sync would never set the gate: a deadlock. The pod's own ContainersReady condition says
// what the slice cannot, so every endpoint that is neither ready nor terminating has its pod read: one GET each,
// none while every pod is ready (a ready endpoint's gate is True already, a terminating pod is left alone).
import { POOL_MEMBER_GATE } from "../plan/kubeside";
import type { EndpointPlacement, ReadinessGateState, ServicePlacement } from "../plan/types";
import type { KubeClient } from "./client";
import { KubeReadError, type Permission } from "./errors";
import type { RawPod } from "./raw";

/** Pods read at once. */
const CONCURRENCY = 8;

/** The gate's state when the pod lists our gate; undefined when it does not (then it is never touched). */
export function gateStateOf(pod: RawPod, gate = POOL_MEMBER_GATE): ReadinessGateState | undefined {
  if (!(pod.spec?.readinessGates ?? []).some((g) => g?.conditionType === gate)) return undefined;
  const conditions = pod.status?.conditions ?? [];
  const status = conditions.find((c) => c?.type === gate)?.status;
  return {
    containersReady: conditions.some((c) => c?.type === "ContainersReady" && c.status === "True"),
    status: status === "True" || status === "False" || status === "Unknown" ? status : "",
  };
}

const waiting = (e: EndpointPlacement) => !e.ready && !e.terminating && e.pod !== undefined;

/**
 * The placement with `readinessGate` on each waiting endpoint whose pod lists the gate. A pod that is gone, or whose
 * uid is not the endpoint's (a StatefulSet's pod of the same name), is not this endpoint's: it stays as the slice
 * says. A pod the reader may not read (403) is planned from the slice, with a note saying so; any other failure is
 * a failed read and throws.
 */
export async function attachGates(client: KubeClient, svc: ServicePlacement): Promise<ServicePlacement> {
  const wanted = new Map<string, { namespace: string; name: string; uid?: string }>();
  for (const port of svc.ports) {
    for (const e of port.endpoints) {
      if (!waiting(e) || !e.pod) continue;
      const namespace = e.pod.namespace || svc.namespace;
      wanted.set(`${namespace}/${e.pod.name}`, {
        namespace,
        name: e.pod.name,
        ...(e.pod.uid ? { uid: e.pod.uid } : {}),
      });
    }
  }
  if (wanted.size === 0) return svc;
  const states = new Map<string, ReadinessGateState>();
  const notes: string[] = [];
  const queue = [...wanted];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, ref] = next;
      // The status subresource returns the whole pod: the sync's one grant on pods/status (get, patch) covers
      // reading the gate and setting it, with no read of pods themselves.
      const perm: Permission = {
        verb: "get",
        resource: "pods/status",
        group: "",
        namespace: ref.namespace,
        name: ref.name,
      };
      let pod: RawPod | undefined;
      try {
        pod = (await client.get(
          `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.name)}/status`,
          perm,
          true,
        )) as RawPod | undefined;
      } catch (err) {
        if (err instanceof KubeReadError && err.reason === "forbidden") {
          if (notes.length === 0) {
            notes.push(
              `Could not read pod ${key} to see whether it lists the readiness gate ${POOL_MEMBER_GATE} (403: grant get on pods/status); its server follows the EndpointSlice's readiness.`,
            );
          }
          continue;
        }
        throw err;
      }
      if (!pod || (ref.uid && pod.metadata?.uid && pod.metadata.uid !== ref.uid)) continue;
      const state = gateStateOf(pod);
      if (state) states.set(key, state);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  if (states.size === 0 && notes.length === 0) return svc;
  const ports = svc.ports.map((p) => ({
    ...p,
    endpoints: p.endpoints.map((e) => {
      const state = waiting(e) && e.pod ? states.get(`${e.pod.namespace || svc.namespace}/${e.pod.name}`) : undefined;
      return state ? { ...e, readinessGate: state } : e;
    }),
  }));
  return { ...svc, ports, ...(notes.length > 0 ? { notes: [...(svc.notes ?? []), ...notes] } : {}) };
}
