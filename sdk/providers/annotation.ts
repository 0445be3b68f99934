// Mode nodeportlocal with `annotateService: true`: the one Kubernetes write of the resources. The resource sets
// nodeportlocal.antrea.io/enabled on its Service(s) before it plans the servers, waits for Antrea to map the pods,
// and removes the annotation again (only where it set it) on destroy or when it stops asking for it. Without the
// option nothing is written to Kubernetes: check() refuses a Service that lacks the annotation.
import { annotateForNodePortLocal, kubeServerOf } from "../../provider/kube";
import { resolveKube, resolveMode } from "../../provider/settings";
import { type Settings, sourcesOf } from "./connection";
import type { VirtualServiceOuts, VirtualServiceProps } from "./props";

/** The Services of the resource: its own, or a shared VIP's members (one namespace). */
export function servicesOf(p: Pick<VirtualServiceProps, "service" | "members">): string[] {
  return p.members ? p.members.map((m) => m.service) : [p.service];
}

/** Whether the resource asks to annotate its Services (mode nodeportlocal and annotateService). */
export function wantsAnnotation(p: VirtualServiceProps, settings: Settings | undefined): boolean {
  return p.annotateService === true && resolveMode(sourcesOf(p, settings)).mode === "nodeportlocal";
}

/**
 * Sets the annotation on every Service that lacks it; returns the Services it set it on (with those it had set
 * before, still set), so destroy removes exactly those.
 */
export async function annotate(
  p: VirtualServiceProps,
  settings: Settings | undefined,
  before: readonly string[] = [],
): Promise<{ annotated: string[]; changed: boolean }> {
  const kube = resolveKube(sourcesOf(p, settings)).connection;
  const annotated = new Set(before);
  let changed = false;
  for (const name of servicesOf(p)) {
    const r = await annotateForNodePortLocal(kube, { namespace: p.namespace, name }, "true");
    if (r.changed) {
      annotated.add(name);
      changed = true;
    }
  }
  return { annotated: [...annotated].sort(), changed };
}

/**
 * Removes the annotation from the Services this resource set it on (`annotated`), except those in `keep`. The
 * Kubernetes connection is the resource's (its args, then stack config and the environment), and must still reach
 * the API server recorded at create: the annotation of another cluster's Service is never touched.
 */
export async function unannotate(
  props: VirtualServiceOuts | VirtualServiceProps,
  settings: Settings | undefined,
  annotated: readonly string[],
  keep: readonly string[] = [],
): Promise<string[]> {
  const drop = annotated.filter((n) => !keep.includes(n));
  if (drop.length === 0) return [...annotated];
  const kube = resolveKube(sourcesOf(props, settings)).connection;
  const server = kubeServerOf(kube);
  if (props.kubeServer && server !== props.kubeServer) {
    throw new Error(
      `Cannot remove the annotation nodeportlocal.antrea.io/enabled this resource set on Service${drop.length === 1 ? "" : "s"} ${drop.map((n) => `${props.namespace}/${n}`).join(", ")}: the Kubernetes settings now name ${server}, not ${props.kubeServer} where it was set; point avi-k8s:kubeconfigPath / avi-k8s:kubeContext at that cluster (or remove the annotation there by hand) and run again.`,
    );
  }
  for (const name of drop) await annotateForNodePortLocal(kube, { namespace: props.namespace, name }, null);
  return annotated.filter((n) => keep.includes(n));
}
