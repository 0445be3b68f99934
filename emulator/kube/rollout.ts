// A Deployment rollout without a Deployment: the pods a selector (or a Service's selector) picks are replaced
// batch by batch with maxUnavailable 0, as the deployment controller does it. Each step creates the new pods
// through the API (Pending, started by the kubelet on the old pod's node, a new IP from that node's pod CIDR),
// waits until they are Ready (readiness gates included: a gated pod waits for whoever sets its gate), then
// deletes the old ones gracefully (Terminating, then removed by the kubelet). EndpointSlices follow every step.
import { randomSuffix } from "./slices";
import type { Kubelet } from "./kubelet";
import type { ObjectApi } from "./objects";
import { byResource } from "./resources";
import type { Store } from "./store";
import type { Json, KubeObject } from "./types";

export interface RolloutTarget {
  namespace?: string;
  /** Equality label selector of the pods to replace. */
  selector?: Record<string, string>;
  /** Or the Service whose selector picks them. */
  service?: string;
}

export interface RolloutOptions {
  /** New pods started before old ones go, per step (maxSurge, with maxUnavailable 0); default 1. */
  batch?: number;
  /** New pods' containers turn ready this long after they start (default: the kubelet's readyAfterMs). */
  readyAfterMs?: number;
  /** Old pods stay Terminating this long before they are removed (default: the kubelet's terminateAfterMs). */
  terminateAfterMs?: number;
  /** Nodes for the new pods, in turn; by default each new pod goes to the node of the pod it replaces. */
  nodes?: string[];
  /** How long a step may wait for its new pods to turn Ready (default 30 s). */
  timeoutMs?: number;
  /** Called after each step, once the new pods are Ready and the old ones Terminating. */
  onStep?(step: { created: string[]; terminating: string[] }): void | Promise<void>;
}

export interface RolloutResult {
  /** The new pod-template-hash. */
  hash: string;
  replaced: { old: string; new: string; node: string; ips: string[] }[];
}

const podReady = (p: KubeObject | undefined) =>
  (p?.status?.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True");

/** Resolves once predicate holds for the object (undefined when absent); rejects after timeoutMs. */
export function waitFor(
  store: Store,
  resource: string,
  name: string,
  namespace: string | undefined,
  predicate: (obj: KubeObject | undefined) => boolean,
  timeoutMs = 10_000,
): Promise<KubeObject | undefined> {
  const read = () => store.get(resource, namespace, name);
  if (predicate(read())) return Promise.resolve(read());
  return new Promise((resolve, reject) => {
    let checking = false;
    const done = (fn: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      fn();
    };
    // Checked after the write that triggered the event has finished, not in the middle of it.
    const unsubscribe = store.subscribe(() => {
      if (checking) return;
      checking = true;
      queueMicrotask(() => {
        checking = false;
        const o = read();
        if (predicate(o)) done(() => resolve(o));
      });
    });
    const timer = setTimeout(
      () =>
        done(() =>
          reject(
            new Error(
              `${resource} ${namespace ? `${namespace}/` : ""}${name}: condition not met after ${timeoutMs} ms`,
            ),
          ),
        ),
      timeoutMs,
    );
  });
}

const notReadyReason = (p: KubeObject | undefined) => {
  const c = (p?.status?.conditions ?? []).find((x: Json) => x.type === "Ready");
  if (!p) return "it was deleted";
  if (!c) return `it is ${p.status?.phase ?? "Pending"}`;
  return `Ready is ${c.status}${c.reason ? `: ${c.reason}` : ""}${c.message ? ` (${c.message})` : ""}`;
};

/** The name a new pod's generateName starts from: the Deployment's name when the old pod came from one. */
function baseName(pod: KubeObject): string {
  const hash = pod.metadata.labels?.["pod-template-hash"];
  const gen = pod.metadata.generateName as string | undefined;
  if (hash && gen?.endsWith(`-${hash}-`)) return gen.slice(0, -(hash.length + 2));
  if (hash && pod.metadata.name.includes(`-${hash}-`)) return pod.metadata.name.split(`-${hash}-`)[0];
  return pod.metadata.labels?.app ?? pod.metadata.name.replace(/-[a-z0-9]{1,5}$/, "");
}

function successor(old: KubeObject, hash: string, node: string): KubeObject {
  const base = baseName(old);
  const annotations = { ...old.metadata.annotations };
  delete annotations["nodeportlocal.antrea.io"]; // written by Antrea for the old pod, not part of the template
  const metadata: Json = {
    generateName: `${base}-${hash}-`,
    labels: { ...old.metadata.labels, "pod-template-hash": hash },
    annotations,
  };
  if (old.metadata.ownerReferences?.some((o: Json) => o.kind === "ReplicaSet")) {
    const uid = `${hash}-0000-4000-8000-${randomSuffix(12)}`;
    metadata.ownerReferences = [
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: `${base}-${hash}`,
        uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
  const spec = JSON.parse(JSON.stringify(old.spec));
  spec.nodeName = node;
  return { apiVersion: "v1", kind: "Pod", metadata, spec };
}

export async function rollout(
  ctx: { store: Store; api: ObjectApi; kubelet: Kubelet },
  target: RolloutTarget,
  options: RolloutOptions = {},
): Promise<RolloutResult> {
  const { store, api, kubelet } = ctx;
  const ns = target.namespace ?? "default";
  let selector = target.selector;
  if (target.service) {
    const svc = store.get("services", ns, target.service);
    if (!svc) throw new Error(`rollout: service ${ns}/${target.service} does not exist`);
    selector = svc.spec?.selector;
  }
  if (!selector || Object.keys(selector).length === 0)
    throw new Error("rollout: give a selector or a Service with one");
  const what = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const matches = (p: KubeObject) => Object.entries(selector!).every(([k, v]) => p.metadata.labels?.[k] === v);
  const old = store.list("pods", ns).filter((p) => matches(p) && !p.metadata.deletionTimestamp);
  if (old.length === 0) throw new Error(`rollout: no running pod in ${ns} matches ${what}`);
  const batch = Math.max(1, options.batch ?? 1);
  const hash = randomSuffix(10);
  const replaced: RolloutResult["replaced"] = [];
  const pods = byResource("pods");
  let turn = 0;
  for (let i = 0; i < old.length; i += batch) {
    const step = old.slice(i, i + batch);
    const created = step.map((o) => {
      const node = options.nodes?.length ? options.nodes[turn++ % options.nodes.length] : o.spec.nodeName;
      const pod = api.create(pods, successor(o, hash, node), ns);
      if (options.readyAfterMs !== undefined) kubelet.overrides.ready.set(pod.metadata.uid!, options.readyAfterMs);
      return pod;
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    await Promise.all(
      created.map((p) =>
        waitFor(store, "pods", p.metadata.name, ns, (x) => podReady(x) || !x, timeoutMs).then(
          (x) => {
            if (!x) throw new Error(`rollout of ${what}: new pod ${p.metadata.name} was deleted before it was Ready`);
          },
          () => {
            const now = store.get("pods", ns, p.metadata.name);
            throw new Error(
              `rollout of ${what}: new pod ${p.metadata.name} not Ready after ${timeoutMs} ms: ${notReadyReason(now)}`,
            );
          },
        ),
      ),
    );
    for (const [j, o] of step.entries()) {
      const now = store.get("pods", ns, created[j].metadata.name)!;
      replaced.push({
        old: o.metadata.name,
        new: now.metadata.name,
        node: now.spec.nodeName,
        ips: (now.status?.podIPs ?? []).map((x: Json) => x.ip),
      });
      const cur = store.get("pods", ns, o.metadata.name);
      if (!cur || cur.metadata.uid !== o.metadata.uid) continue;
      if (options.terminateAfterMs !== undefined)
        kubelet.overrides.terminate.set(o.metadata.uid!, options.terminateAfterMs);
      api.remove(pods, ns, o.metadata.name, { graceful: true });
    }
    await options.onStep?.({
      created: created.map((p) => p.metadata.name),
      terminating: step.map((p) => p.metadata.name),
    });
  }
  const longest = Math.max(options.terminateAfterMs ?? kubelet.options.terminateAfterMs, 0);
  await Promise.all(
    old.map((o) =>
      waitFor(store, "pods", o.metadata.name, ns, (x) => !x || x.metadata.uid !== o.metadata.uid, longest + 30_000),
    ),
  );
  return { hash, replaced };
}
