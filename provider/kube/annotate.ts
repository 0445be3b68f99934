// The one Kubernetes write of the resources: NodePortLocal's opt-in annotation on a user's Service, and only when
// the resource was told to (`annotateService`). A JSON merge patch of that one key, as AKO writes it, so no other
// field and no other writer's annotation is touched; nothing is written when the Service already says it.
import type { KubeClient } from "./client";
import { errorForStatus, KubeReadError, type Permission } from "./errors";
import { ANNOTATION_NPL_ENABLED, type RawService } from "./raw";
import type { ServiceRef } from "./services";

export interface AnnotationResult {
  /** A patch was sent. */
  changed: boolean;
  /** The value before (undefined: absent; the Service itself absent when `missing`). */
  before?: string;
  /** The Service does not exist (removal is then done). */
  missing?: boolean;
}

/**
 * Sets (`value` a string) or removes (`value` null) the annotation nodeportlocal.antrea.io/enabled on the Service.
 * One GET, then one PATCH when the value differs. Removing from a Service that is gone is done, not an error.
 */
export async function setNplAnnotation(
  client: KubeClient,
  svc: ServiceRef,
  value: "true" | null,
): Promise<AnnotationResult> {
  const path = `/api/v1/namespaces/${encodeURIComponent(svc.namespace)}/services/${encodeURIComponent(svc.name)}`;
  const get: Permission = { verb: "get", resource: "services", group: "", namespace: svc.namespace, name: svc.name };
  const current = (await client.get(path, get, true)) as RawService | undefined;
  if (!current) {
    if (value === null) return { changed: false, missing: true };
    throw new KubeReadError(
      "not-found",
      `Service ${svc.namespace}/${svc.name} was not found in ${client.server}, so the annotation ${ANNOTATION_NPL_ENABLED} cannot be set.`,
      404,
    );
  }
  const before = current.metadata?.annotations?.[ANNOTATION_NPL_ENABLED];
  if ((before ?? null) === value) return { changed: false, ...(before !== undefined ? { before } : {}) };
  const patch: Permission = {
    verb: "patch",
    resource: "services",
    group: "",
    namespace: svc.namespace,
    name: svc.name,
  };
  const r = await client.send("PATCH", path, { metadata: { annotations: { [ANNOTATION_NPL_ENABLED]: value } } }, patch);
  if (r.status === 404 && value === null) return { changed: false, missing: true };
  if (r.status < 200 || r.status >= 300) {
    const message = (r.body as { message?: unknown } | undefined)?.message;
    throw errorForStatus(client.server, patch, r.status, typeof message === "string" ? message : undefined);
  }
  return { changed: true, ...(before !== undefined ? { before } : {}) };
}
