// AKO's static-route mode needs one Service Engine group per cluster: routes carry the label clustername=<cluster>
// and an SE installs only the routes whose label matches its group's label (research/ako.md §2.7). A group labelled
// for another cluster would serve our VIP without routes to our pods, so we refuse (or warn, by option) up front.

import { AviError } from "./errors";
import type { Json } from "./objects";
import type { AviSession } from "./session";
import { findByName, type Scope } from "./store";

export const DEFAULT_SE_GROUP = "Default-Group";

/** Returns warnings; throws when the group belongs to another cluster and the policy is "fail". */
export async function checkSeGroup(
  s: AviSession,
  scope: Pick<Scope, "cluster" | "tenant" | "cloud">,
  seGroup: string | undefined,
  policy: "fail" | "warn" = "fail",
): Promise<string[]> {
  const name = seGroup ?? DEFAULT_SE_GROUP;
  const seg = await findByName(s, scope, "serviceenginegroup", name);
  if (!seg) {
    if (seGroup === undefined) return [];
    throw new AviError({
      operation: "find serviceenginegroup",
      object: `serviceenginegroup ${name}`,
      status: 404,
      controllerMessage: "no SE group of that name; set seGroup to an existing group",
    });
  }
  const labels = Array.isArray(seg.labels) ? (seg.labels as Json[]) : [];
  const clusterLabels = labels.filter((l) => l.key === "clustername").map((l) => String(l.value ?? ""));
  if (clusterLabels.length === 0 || clusterLabels.includes(scope.cluster)) return [];
  const message =
    `SE group ${name} is labelled clustername=${clusterLabels.join(",")}, so its Service Engines install only that ` +
    `cluster's static routes and would not reach the pods of cluster ${scope.cluster}; give each cluster its own SE group`;
  if (policy === "warn") return [message];
  throw new AviError({
    operation: "check serviceenginegroup",
    object: `serviceenginegroup ${name}`,
    controllerMessage: message,
  });
}
