// What `avi-k8s sync` may do in the Kubernetes API, declared once. The in-cluster component (sdk/syncDeployment.ts)
// builds its ClusterRole and Role from this list and nothing else, and the sync's own code and tests can ask
// `permits()` whether a request it makes is granted. A new need is one entry here; the component follows.
// Plain data and pure functions: no Kubernetes client, no Pulumi.

export type RbacVerb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface SyncPermission {
  /**
   * "cluster": a ClusterRole rule (cluster-scoped objects, or objects in every namespace: the managed Services
   * can live anywhere). "lease-namespace": a Role rule in the namespace of the sync's own Lease only.
   */
  readonly scope: "cluster" | "lease-namespace";
  /** API group; "" for the core group. */
  readonly apiGroup: string;
  /** Plural resource, with "/subresource" for a subresource (e.g. "services/status"). */
  readonly resource: string;
  readonly verbs: readonly RbacVerb[];
  /**
   * Only the sync's own Lease, by name (`resourceNames`). That restricts get/update/delete by the name in the path,
   * and list/watch by a `metadata.name=<name>` field selector (which the API server reads as the name since
   * Kubernetes 1.11); `create` cannot be restricted by name.
   */
  readonly ownLeaseOnly?: boolean;
  /** What the sync does with it (the README's RBAC table). */
  readonly why: string;
}

// Exactly what `avi-k8s sync` requests (tests/provider/sync/rbac.test.ts runs it and checks both ways): informers
// list and watch; a Service is read by name (the resources' reader); nothing is ever read by name from nodes,
// slices or the CNI's objects. API discovery (`cni auto`) is open to every authenticated user.
export const SYNC_PERMISSIONS: readonly SyncPermission[] = [
  {
    scope: "cluster",
    apiGroup: "",
    resource: "nodes",
    verbs: ["list", "watch"],
    why: "node addresses (next hops), spec.podCIDRs and the OVN-Kubernetes / Antrea annotations",
  },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "services",
    verbs: ["get", "list", "watch"],
    why: "the managed Services: ports and selector",
  },
  {
    scope: "cluster",
    apiGroup: "discovery.k8s.io",
    resource: "endpointslices",
    verbs: ["list", "watch"],
    why: "the pods behind each managed Service: IP, port, node, readiness",
  },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "pods",
    verbs: ["list", "watch"],
    why: "mode nodeportlocal: the node ports Antrea publishes in each pod's nodeportlocal.antrea.io annotation",
  },
  {
    scope: "cluster",
    apiGroup: "crd.projectcalico.org",
    resource: "blockaffinities",
    verbs: ["list", "watch"],
    why: "Calico's pod CIDR blocks per node",
  },
  {
    scope: "cluster",
    apiGroup: "cilium.io",
    resource: "ciliumnodes",
    verbs: ["list", "watch"],
    why: "Cilium's pod CIDRs per node (cluster-pool IPAM)",
  },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "services/status",
    verbs: ["patch"],
    why: "write the VIP into a managed Service's status.loadBalancer.ingress (repaired when cleared)",
  },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "pods/status",
    verbs: ["get", "patch"],
    why: "read a not-ready pod's readiness gate and container readiness, and set the gate avi-k8s.io/pool-member",
  },
  {
    scope: "cluster",
    apiGroup: "events.k8s.io",
    resource: "events",
    verbs: ["create"],
    why: "record Events on the managed Services (pool updated, VIP assigned, controller unreachable)",
  },
  {
    scope: "lease-namespace",
    apiGroup: "coordination.k8s.io",
    resource: "leases",
    verbs: ["create"],
    why: "create the leader Lease the first time",
  },
  {
    scope: "lease-namespace",
    apiGroup: "coordination.k8s.io",
    resource: "leases",
    verbs: ["get", "list", "watch", "update"],
    ownLeaseOnly: true,
    why: "read, watch (followers) and renew or take over the leader Lease",
  },
];

/** A Kubernetes PolicyRule as plain data (the shape of rbac.authorization.k8s.io/v1 rules). */
export interface PolicyRuleData {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function ruleOf(p: SyncPermission, leaseName: string): PolicyRuleData {
  const rule: PolicyRuleData = { apiGroups: [p.apiGroup], resources: [p.resource], verbs: [...p.verbs] };
  if (p.ownLeaseOnly) rule.resourceNames = [leaseName];
  return rule;
}

/** The ClusterRole's rules. */
export function clusterRules(perms: readonly SyncPermission[] = SYNC_PERMISSIONS): PolicyRuleData[] {
  return perms.filter((p) => p.scope === "cluster").map((p) => ruleOf(p, ""));
}

/** The Role's rules in the lease namespace; `leaseName` fills the by-name restriction. */
export function leaseNamespaceRules(
  leaseName: string,
  perms: readonly SyncPermission[] = SYNC_PERMISSIONS,
): PolicyRuleData[] {
  return perms.filter((p) => p.scope === "lease-namespace").map((p) => ruleOf(p, leaseName));
}

/** One API request as the authorizer sees it. */
export interface ApiRequest {
  verb: RbacVerb;
  /** "" for the core group. */
  apiGroup: string;
  /** Plural resource, with "/subresource" when the request targets one. */
  resource: string;
  /** Absent for cluster-scoped objects and for requests across all namespaces. */
  namespace?: string;
  /**
   * The object's name: from the path for get/update/patch/delete of one object; for list/watch, the name a
   * `metadata.name=<name>` field selector requires (the API server authorizes such a request as that name).
   */
  name?: string;
}

/** Whether one PolicyRule grants a request, as the RBAC authorizer matches rules (RuleAllows, wildcards included). */
export function ruleAllows(rule: PolicyRuleData, req: ApiRequest): boolean {
  const subresource = req.resource.split("/")[1];
  const any = (list: readonly string[], value: string) => list.includes("*") || list.includes(value);
  return (
    any(rule.verbs, req.verb) &&
    any(rule.apiGroups, req.apiGroup) &&
    rule.resources.some(
      (r) => r === "*" || r === req.resource || (subresource !== undefined && r === `*/${subresource}`),
    ) &&
    (rule.resourceNames === undefined || rule.resourceNames.length === 0 || rule.resourceNames.includes(req.name ?? ""))
  );
}

/**
 * Whether the declared permissions grant a request, judged on the rules the component renders from them
 * (clusterRules, and leaseNamespaceRules for this Lease) the way the RBAC authorizer does: a ClusterRole's rule
 * grants in every namespace and on cluster-scoped objects; the Role's only inside the lease namespace; a by-name
 * rule (`resourceNames`) only for that name, which a list or watch has only through a `metadata.name` field
 * selector, and a create never has (see requestOf).
 */
export function permits(
  req: ApiRequest,
  lease: { namespace: string; name: string },
  perms: readonly SyncPermission[] = SYNC_PERMISSIONS,
): boolean {
  if (clusterRules(perms).some((r) => ruleAllows(r, req))) return true;
  return req.namespace === lease.namespace && leaseNamespaceRules(lease.name, perms).some((r) => ruleAllows(r, req));
}

const VERB_OF: Record<string, RbacVerb> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };
/** Subresources of a namespace itself (/api/v1/namespaces/NAME/status), not a namespaced collection. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/**
 * The name a field selector requires exactly (`metadata.name=X` or `metadata.name==X`, alone or among other terms
 * joined by ','), as apimachinery's RequiresExactMatch reads it; undefined otherwise, or when it is no valid path
 * segment name ('.', '..', or holding '/' or '%'), which the API server ignores too.
 */
export function fieldSelectorName(selector: string | null | undefined): string | undefined {
  for (const term of (selector ?? "").split(",")) {
    const m = /^metadata\.name(?:==|=)(.*)$/.exec(term);
    if (!m) continue;
    const name = m[1] as string;
    return name === "." || name === ".." || /[/%]/.test(name) ? undefined : name;
  }
  return undefined;
}

/**
 * The API request an HTTP call is, as the API server's request-info parser (k8s.io/apiserver's
 * RequestInfoFactory) reads it; undefined for non-resource paths (discovery, /version, /openapi), which every
 * authenticated user may read. Lets a test check each request a client made (e.g. the Kubernetes emulator's
 * request log) against `permits()`.
 * - A GET of a collection is a watch when its first `watch` value is anything but "0" or "false" (any case),
 *   else a list; either takes its name from a `metadata.name` field selector (Kubernetes 1.11+).
 * - The deprecated /watch/ path prefix is a watch with no name taken from the selector.
 */
export function requestOf(method: string, path: string, query = ""): ApiRequest | undefined {
  const parts = path.split("/").filter((p) => p.length > 0);
  let rest: string[];
  let apiGroup: string;
  if (parts[0] === "api" && parts.length >= 3) {
    apiGroup = "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    apiGroup = parts[1] as string;
    rest = parts.slice(3);
  } else return undefined;
  const legacyWatch = rest[0] === "watch";
  if (legacyWatch) rest = rest.slice(1);
  let namespace: string | undefined;
  // As the API server does: /namespaces/NAME alone (or with status/finalize) is the Namespace object NAME, and
  // its namespace is NAME too.
  if (rest[0] === "namespaces" && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) rest = rest.slice(2);
  }
  const [resource, pathName, subresource] = rest as [string, string | undefined, string | undefined];
  let name = pathName;
  const params = new URLSearchParams(query);
  const upper = method.toUpperCase();
  let verb: RbacVerb;
  if (legacyWatch) verb = "watch";
  else if (upper === "GET" || upper === "HEAD") {
    if (name) verb = "get";
    else {
      const watch = params.get("watch");
      verb = watch !== null && watch !== "0" && watch.toLowerCase() !== "false" ? "watch" : "list";
      name = fieldSelectorName(params.get("fieldSelector"));
    }
  } else if (upper === "DELETE" && !name) verb = "deletecollection";
  else if (VERB_OF[upper]) verb = VERB_OF[upper] as RbacVerb;
  else return undefined;
  const req: ApiRequest = { verb, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource };
  if (namespace !== undefined) req.namespace = namespace;
  if (name !== undefined) req.name = name;
  return req;
}
