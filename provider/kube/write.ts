// The few writes this package makes to Kubernetes, each to a status subresource: a Service's
// status.loadBalancer.ingress (merge patch of services/status) and one pod condition (strategic merge patch of
// pods/status, which merges conditions by type, so the kubelet's own conditions are never replaced). Separate from
// the readers: nothing here is called by a read, and a read never writes. Events are in events.ts.
import { type KubeVersion, parseKubeVersion } from "../plan/kubeside";
import type { LoadBalancerIngress } from "../plan/types";
import type { KubeClient } from "./client";
import { errorForStatus, type Permission } from "./errors";

const versions = new WeakMap<KubeClient, Promise<KubeVersion | undefined>>();

/** The server's version (GET /version, which every authenticated user may read), once per client. */
export function serverVersion(client: KubeClient): Promise<KubeVersion | undefined> {
  let v = versions.get(client);
  if (!v) {
    const perm: Permission = { verb: "get", resource: "version", group: "" };
    v = client.get("/version", perm, true).then(
      (body) => parseKubeVersion((body ?? {}) as Record<string, unknown>),
      () => undefined,
    );
    versions.set(client, v);
  }
  return v;
}

const servicePath = (ns: string, name: string) =>
  `/api/v1/namespaces/${encodeURIComponent(ns)}/services/${encodeURIComponent(name)}`;

/** Reads one Service (undefined when it is gone). */
export async function getService(
  client: KubeClient,
  ref: { namespace: string; name: string },
): Promise<Record<string, unknown> | undefined> {
  const perm: Permission = { verb: "get", resource: "services", group: "", namespace: ref.namespace, name: ref.name };
  return (await client.get(servicePath(ref.namespace, ref.name), perm, true)) as Record<string, unknown> | undefined;
}

/**
 * Sets status.loadBalancer.ingress through the status subresource (a merge patch: the list is replaced whole, the
 * rest of the status is kept); an empty list removes it. Resolves false when the Service is gone; throws with the
 * server's answer otherwise (403 names the missing rule: patch services/status).
 */
export async function patchServiceIngress(
  client: KubeClient,
  ref: { namespace: string; name: string },
  ingress: LoadBalancerIngress[],
): Promise<boolean> {
  const perm: Permission = {
    verb: "patch",
    resource: "services/status",
    group: "",
    namespace: ref.namespace,
    name: ref.name,
  };
  const body = { status: { loadBalancer: { ingress: ingress.length > 0 ? ingress : null } } };
  const r = await client.send("PATCH", `${servicePath(ref.namespace, ref.name)}/status`, body, perm);
  if (r.status === 404) return false;
  if (r.status < 200 || r.status >= 300) throw errorForStatus(client.server, perm, r.status, messageOf(r.body));
  return true;
}

export interface PodCondition {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
}

/**
 * Sets one condition of a pod through pods/status. The patch carries the pod's uid when known, which the API server
 * takes as a precondition (409 when the pod was replaced by another of the same name). Resolves "written", or
 * "gone" for a pod that no longer exists or is another pod now; throws with the server's answer otherwise.
 */
export async function patchPodCondition(
  client: KubeClient,
  pod: { namespace: string; name: string; uid?: string },
  condition: PodCondition,
  now: Date = new Date(),
): Promise<"written" | "gone"> {
  const perm: Permission = {
    verb: "patch",
    resource: "pods/status",
    group: "",
    namespace: pod.namespace,
    name: pod.name,
  };
  const body = {
    ...(pod.uid ? { metadata: { uid: pod.uid } } : {}),
    status: {
      conditions: [
        {
          ...condition,
          lastProbeTime: null,
          lastTransitionTime: `${now.toISOString().replace(/\.\d+Z$/, "")}Z`,
        },
      ],
    },
  };
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/status`;
  const r = await client.send("PATCH", path, body, perm, "strategic");
  // A replaced pod fails the uid precondition: 409, or 422 "field is immutable" on metadata.uid.
  const uidRefused = r.status === 409 || (r.status === 422 && /\buid\b/i.test(messageOf(r.body) ?? ""));
  if (r.status === 404 || uidRefused) return "gone";
  if (r.status < 200 || r.status >= 300) throw errorForStatus(client.server, perm, r.status, messageOf(r.body));
  return "written";
}

function messageOf(body: unknown): string | undefined {
  const m = (body as { message?: unknown } | undefined)?.message;
  return typeof m === "string" ? m : undefined;
}
