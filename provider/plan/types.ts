// The typed seams of the data flow: provider/kube produces a Placement, provider/plan turns it into a Plan and,
// given what the controller holds, a Change; provider/avi carries the Change out. Nothing here does I/O.
// Additive changes only: the reader, the reconciler, the SDK and the CLI all depend on these shapes.

export type Family = "ipv4" | "ipv6";

/** Where a node's pod CIDRs are read from. */
export type CniSource = "default" | "calico" | "cilium" | "ovn-kubernetes" | "antrea" | "flannel" | "canal";
/** What a user may ask for: a source, or `auto` (detected from what the cluster serves). */
export type CniChoice = CniSource | "auto";
export const CNI_CHOICES: readonly CniChoice[] = [
  "auto",
  "default",
  "calico",
  "cilium",
  "ovn-kubernetes",
  "antrea",
  "flannel",
  "canal",
];

export type Protocol = "TCP" | "UDP" | "SCTP";

/**
 * How a cluster's pool servers reach the pods: `clusterip` (pod IP : target port, through one static route per node
 * pod CIDR), `nodeport` (node address : the Service's nodePort, kube-proxy forwards; no routes) or `nodeportlocal`
 * (node address : the port Antrea's NodePortLocal opened for each pod; no routes).
 */
export type Mode = "clusterip" | "nodeport" | "nodeportlocal";
export const MODES: readonly Mode[] = ["clusterip", "nodeport", "nodeportlocal"];

/** One node as the reader saw it. */
export interface NodePlacement {
  name: string;
  /** Pod CIDRs the node owns, as read from the CNI source (normalised, e.g. "192.168.101.0/24"). */
  podCidrs: string[];
  /** The next hop chosen for each family (InternalIP, CNI annotation, or the address inside nodeNetworks). */
  addresses: Partial<Record<Family, string>>;
  /** Where podCidrs came from, e.g. "calico" (blockaffinities) or "default" (spec.podCIDRs). */
  source: CniSource;
  /** Why the reader chose each next hop, for the plan command and conflict messages. */
  addressSources?: Partial<Record<Family, string>>;
  /** Exactly where podCidrs were read, e.g. "annotation ako.vmware.com/pod-cidrs" when the override applied. */
  podCidrSource?: string;
  /** metadata.labels (NodePort mode selects nodes by them). */
  labels?: Record<string, string>;
  /** The Ready condition is True (a node without one is not ready). Absent: not read. */
  ready?: boolean;
  /** spec.unschedulable (cordoned). */
  unschedulable?: boolean;
}

/** One endpoint of a service port, from an EndpointSlice. */
export interface EndpointPlacement {
  /** The first address of the endpoint (AKO does the same; kubernetes#106267). */
  ip: string;
  family: Family;
  /** The resolved numeric target port. */
  port: number;
  node?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The pod behind the endpoint, when the slice says. */
  pod?: { namespace: string; name: string; uid?: string };
  /**
   * Set when the pod lists the readiness gate avi-k8s.io/pool-member (read from the pod when its endpoint is
   * neither ready nor terminating; a ready endpoint's gate is already True): whether its containers are ready
   * (the pod's ContainersReady condition) and the gate condition's status now.
   */
  readinessGate?: ReadinessGateState;
}

/** A gated pod as its own status says: what the endpoint's `ready` and `serving` cannot say (both include the gate). */
export interface ReadinessGateState {
  containersReady: boolean;
  /** The condition's status; "" while the pod has no such condition yet. */
  status: "True" | "False" | "Unknown" | "";
}

/** One entry of a Service's status.loadBalancer.ingress, as the API server holds it. */
export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: string;
  /** Anything else the entry holds (ports): kept so a comparison sees it. */
  [extra: string]: unknown;
}

export interface ServicePortPlacement {
  name?: string;
  port: number;
  protocol: Protocol;
  targetPort: number | string;
  endpoints: EndpointPlacement[];
  /** The readiness probe of the container serving this port on one backing pod (read only when asked for). */
  readinessProbe?: ReadinessProbe;
  /** spec.ports[i].nodePort; absent when Kubernetes allocated none (type ClusterIP, allocateLoadBalancerNodePorts false). */
  nodePort?: number;
}

/** A container's readinessProbe as far as a health monitor can use it; ports resolved to numbers. */
export interface ReadinessProbe {
  /** The pod it was read from ("web-a") and its container. */
  pod: string;
  container: string;
  kind: "httpGet" | "tcpSocket" | "exec" | "grpc" | "none";
  /** httpGet / tcpSocket: the numeric port, absent when a named port matches no container port. */
  port?: number;
  /** The port as the probe gives it (a name or a number). */
  portSpec?: string | number;
  path?: string;
  scheme?: "HTTP" | "HTTPS";
  /** httpGet.host (a probe aimed at another host). */
  host?: string;
  /** Names of httpGet.httpHeaders. */
  headers?: string[];
}

export interface ServicePlacement {
  namespace: string;
  name: string;
  uid?: string;
  ports: ServicePortPlacement[];
  /** spec.sessionAffinity ClientIP, with sessionAffinityConfig.clientIP.timeoutSeconds (Kubernetes default 10800). */
  sessionAffinity?: { timeoutSeconds: number };
  /** spec.loadBalancerSourceRanges, else the service.beta.kubernetes.io/load-balancer-source-ranges annotation. */
  sourceRanges?: { ranges: string[]; from: string };
  /** The annotation ako.vmware.com/load-balancer-ip, else spec.loadBalancerIP. */
  preferredVip?: { address: string; from: string };
  /** The annotation ako.vmware.com/enable-shared-vip (AKO's shared-VIP group key). */
  sharedVipKey?: string;
  /** spec.type ("ClusterIP", "NodePort", "LoadBalancer"; "ClusterIP" when the server left it out). */
  type?: string;
  /** spec.loadBalancerClass, when set. */
  loadBalancerClass?: string;
  /** status.loadBalancer.ingress as the server holds it now. */
  loadBalancerIngress?: LoadBalancerIngress[];
  /** spec.ipFamilies, in the Service's order; absent on clusters before dual stack (IPv4). */
  ipFamilies?: Family[];
  /** What the reader could not find out and planning should say (e.g. a pod it may not read). */
  notes?: string[];
  /** spec.externalTrafficPolicy "Local": only nodes with local endpoints answer on the node port. */
  externalTrafficPolicy?: "Cluster" | "Local";
  /** spec.healthCheckNodePort (LoadBalancer with externalTrafficPolicy Local): kube-proxy's /healthz per node. */
  healthCheckNodePort?: number;
  /** spec.allocateLoadBalancerNodePorts as written (false: a LoadBalancer without node ports). */
  allocateLoadBalancerNodePorts?: boolean;
  /** Whether spec.selector selects pods. */
  hasSelector?: boolean;
  /** The annotation nodeportlocal.antrea.io/enabled is "true" (Antrea then maps each selected pod's ports). */
  nodePortLocalEnabled?: boolean;
  /**
   * NodePortLocal mode: each backing pod's nodeportlocal.antrea.io annotation by pod name (null: the pod has none
   * yet). Read only in that mode.
   */
  podAnnotations?: Record<string, string | null>;
}

export interface Placement {
  /** The CNI source actually used (after `auto` detection). */
  cniSource: CniSource;
  nodes: NodePlacement[];
  services: ServicePlacement[];
  /** Things the reader noticed and the user should know (e.g. a node without an address in the node networks). */
  notes: string[];
  /** How `cni: auto` chose its source (e.g. "auto chose calico: blockaffinities served"); shown when asked. */
  detection: string[];
}

/** A static route we want in the VRF. routeId is derived from content, never a counter. */
export interface DesiredRoute {
  routeId: string;
  prefix: string;
  nextHop: string;
  node: string;
  family: Family;
}

export interface DesiredServer {
  ip: string;
  port: number;
  enabled: boolean;
  node?: string;
  /** Pod name for display ("web-a"); optional. */
  pod?: string;
  /**
   * The pod lists the readiness gate and its endpoint was read from the pod (see EndpointPlacement): the uid and
   * the gate's status, for the sync that sets it. Never written to the controller, never compared.
   */
  gate?: { podUid?: string; status: ReadinessGateState["status"] };
}

export interface DesiredPool {
  /** `<cluster>--<ns>-<svc>-<PROTO>-<port>` */
  name: string;
  servicePort: number;
  protocol: Protocol;
  servers: DesiredServer[];
  /**
   * NodePort mode with externalTrafficPolicy Local: the Service's healthCheckNodePort, where kube-proxy answers
   * `GET /healthz` with 200 while the node has local endpoints (the pool's default monitor probes it).
   */
  healthCheckNodePort?: number;
  /**
   * NodePort mode: the pods behind the pool that list our readiness gate (its servers are nodes, not pods). Such a
   * pod wants its gate True once a server is enabled: its own node's with externalTrafficPolicy Local (`node`), any
   * with Cluster (every node forwards to it).
   */
  gatedPods?: { pod: string; node?: string; podUid?: string; status: ReadinessGateState["status"] }[];
}

export type ConflictKind =
  | "duplicate-cidr"
  | "no-address-for-family"
  | "malformed-cidr"
  | "no-pod-cidr"
  | "no-endpoints"
  | "no-node-port-local"
  | "node-port-local-pending"
  | "other";

export interface Conflict {
  kind: ConflictKind;
  message: string;
  node?: string;
  prefix?: string;
}

export interface RoutePlan {
  cluster: string;
  routes: DesiredRoute[];
  conflicts: Conflict[];
}

/** A route as the controller holds it, in neutral form (provider/avi converts to and from Avi's JSON). */
export interface ActualRoute {
  routeId: string;
  prefix: string;
  nextHop: string;
  labels: { key: string; value?: string }[];
}

/** What an apply would do to the VRF's routes: the object `avi-k8s plan`, preview and the reconciler share. */
export interface RouteChange {
  add: DesiredRoute[];
  update: { from: ActualRoute; to: DesiredRoute }[];
  remove: ActualRoute[];
  unchanged: DesiredRoute[];
  /** Routes that are not ours (no label, another cluster, another label key): always kept as they are. */
  keepForeign: ActualRoute[];
  /** Foreign routes that overlap ours (same prefix or id): kept, but worth a warning. Absent when there are none. */
  conflicts?: Conflict[];
}
