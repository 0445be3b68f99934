// NodePortLocal mode reads one thing the EndpointSlices do not say: each backing pod's nodeportlocal.antrea.io
// annotation (the node ports Antrea opened for it). Why one list of the pods the Service selects, rather than a GET
// per pod named in the slices: the list costs one call per 500 pods (kubectl's page size), the GETs one call per pod
// (1,500 calls for a 1,500-pod Service, 4 for the seed against 1 list; `npm run bench` measures the list). The list
// may hold pods the slices do not (not yet scheduled, finished): only the slices' pods are kept, so memory follows
// the Service's endpoints, and a pod the list missed reads as "no annotation yet", never as a guess.
import type { ServicePlacement } from "../plan/types";
import type { KubeClient } from "./client";
import type { Permission } from "./errors";
import { ANNOTATION_NPL, type RawPod } from "./raw";

/** `app=web,tier=front` from a Service's spec.selector (keys and values are label syntax, so nothing to quote). */
export function selectorString(selector: Record<string, string>): string {
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(",");
}

/** The placement with `podAnnotations`: each endpoint pod's annotation text, null when it has none. */
export async function attachPodAnnotations(
  client: KubeClient,
  placement: ServicePlacement,
  selector: Record<string, string>,
  pageSize: number,
): Promise<ServicePlacement> {
  const wanted = new Set<string>();
  for (const p of placement.ports) for (const ep of p.endpoints) if (ep.pod?.name) wanted.add(ep.pod.name);
  const out: Record<string, string | null> = {};
  for (const name of [...wanted].sort()) out[name] = null;
  // No selector: nothing to list (and NodePortLocal cannot serve it; the planner says so).
  if (wanted.size > 0 && Object.keys(selector).length > 0) {
    const ns = placement.namespace;
    const perm: Permission = { verb: "list", resource: "pods", group: "", namespace: ns };
    await client.listEach(
      `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
      { labelSelector: selectorString(selector) },
      pageSize,
      perm,
      (item) => {
        const pod = item as RawPod;
        const name = pod.metadata?.name;
        if (!name || !wanted.has(name)) return;
        out[name] = pod.metadata?.annotations?.[ANNOTATION_NPL] ?? null;
      },
    );
  }
  return { ...placement, podAnnotations: out };
}
