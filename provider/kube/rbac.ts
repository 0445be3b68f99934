// What `avi-k8s sync` may do in the Kubernetes API, declared once. The in-cluster component (sdk/syncDeployment.ts)
// builds its ClusterRole and Role from this list and nothing else, and the sync's own code and tests can ask
// `permits()` whether a request it makes is granted. A new need is one entry here; the component follows.
// Plain data and pure functions: no Kubernetes client, no Pulumi.

export type RbacVerb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";

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
