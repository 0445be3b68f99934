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
  /** Only the sync's own Lease, by name. Kubernetes cannot restrict `create` (or `list`/`watch`) by name. */
  readonly ownLeaseOnly?: boolean;
  /** What the sync does with it (the README's RBAC table). */
  readonly why: string;
}

const READ: readonly RbacVerb[] = ["get", "list", "watch"];

export const SYNC_PERMISSIONS: readonly SyncPermission[] = [
  {
    scope: "cluster",
    apiGroup: "",
    resource: "nodes",
    verbs: READ,
    why: "node addresses (next hops), spec.podCIDRs and the OVN-Kubernetes / Antrea annotations",
  },
  {
    scope: "cluster",
    apiGroup: "",
    resource: "services",
    verbs: READ,
    why: "the managed Services: ports and selector",
  },
  {
    scope: "cluster",
    apiGroup: "discovery.k8s.io",
    resource: "endpointslices",
    verbs: READ,
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
    verbs: READ,
    why: "Calico's pod CIDR blocks per node",
  },
  {
    scope: "cluster",
    apiGroup: "cilium.io",
    resource: "ciliumnodes",
    verbs: READ,
    why: "Cilium's pod CIDRs per node (cluster-pool IPAM)",
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
    verbs: ["get", "update"],
    ownLeaseOnly: true,
    why: "read and renew (or take over) the leader Lease, by name",
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
  /** The object's name, for get/update/patch/delete of one object. */
  name?: string;
}

/**
 * Whether the declared permissions grant a request, by the rules the RBAC authorizer applies: a ClusterRole rule
 * grants it in any namespace; a Role rule only inside the lease namespace; a by-name rule only for that name.
 */
export function permits(
  req: ApiRequest,
  lease: { namespace: string; name: string },
  perms: readonly SyncPermission[] = SYNC_PERMISSIONS,
): boolean {
  return perms.some((p) => {
    if (p.apiGroup !== req.apiGroup || p.resource !== req.resource || !p.verbs.includes(req.verb)) return false;
    if (p.scope === "lease-namespace" && req.namespace !== lease.namespace) return false;
    return !p.ownLeaseOnly || req.name === lease.name;
  });
}

const TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const VERB_OF: Record<string, RbacVerb> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };

/**
 * The API request an HTTP call is, as the API server's request-info parser reads it; undefined for non-resource
 * paths (discovery, /version, /openapi), which every authenticated user may read. Lets a test check each request
 * a client made (e.g. the Kubernetes emulator's request log) against `permits()`.
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
  // The deprecated /api/v1/watch/... form of a watch.
  const legacyWatch = rest[0] === "watch";
  if (legacyWatch) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
  const watch = legacyWatch || new URLSearchParams(query).getAll("watch").some((v) => TRUE.has(v));
  const upper = method.toUpperCase();
  let verb: RbacVerb;
  if (upper === "GET" || upper === "HEAD") verb = watch ? "watch" : name ? "get" : "list";
  else if (upper === "DELETE" && !name) verb = "deletecollection";
  else if (VERB_OF[upper]) verb = VERB_OF[upper] as RbacVerb;
  else return undefined;
  const req: ApiRequest = { verb, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource };
  if (namespace !== undefined) req.namespace = namespace;
  if (name !== undefined) req.name = name;
  return req;
}
