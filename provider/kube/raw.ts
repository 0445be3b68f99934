// The few fields of Kubernetes objects the reader uses, as they arrive in JSON (shared/research/k8s.md §4).
// Everything is optional: list items omit kind/apiVersion, and real objects leave empty fields out or null.

export interface RawMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  deletionTimestamp?: string | null;
}

export interface RawNode {
  metadata?: RawMeta;
  spec?: { podCIDR?: string | null; podCIDRs?: string[] | null; unschedulable?: boolean | null } | null;
  status?: {
    addresses?: { type?: string; address?: string }[] | null;
    conditions?: { type?: string; status?: string }[] | null;
  } | null;
}

export interface RawBlockAffinity {
  metadata?: RawMeta;
  spec?: { cidr?: string; node?: string; state?: string; deleted?: string | boolean } | null;
}

export interface RawCiliumNode {
  metadata?: RawMeta;
  spec?: { ipam?: { podCIDRs?: string[] | null } | null } | null;
}

export interface RawServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number | null;
}

export interface RawService {
  metadata?: RawMeta;
  spec?: {
    type?: string;
    selector?: Record<string, string> | null;
    ports?: RawServicePort[] | null;
    externalName?: string;
    sessionAffinity?: string | null;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number | null } | null } | null;
    loadBalancerSourceRanges?: string[] | null;
    loadBalancerIP?: string | null;
    loadBalancerClass?: string | null;
    externalTrafficPolicy?: string | null;
    healthCheckNodePort?: number | null;
    allocateLoadBalancerNodePorts?: boolean | null;
    ipFamilies?: string[] | null;
  } | null;
  status?: {
    loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] | null } | null;
  } | null;
}

export interface RawProbe {
  httpGet?: {
    path?: string | null;
    port?: number | string | null;
    scheme?: string | null;
    host?: string | null;
    httpHeaders?: { name?: string; value?: string }[] | null;
  } | null;
  tcpSocket?: { port?: number | string | null; host?: string | null } | null;
  exec?: object | null;
  grpc?: object | null;
}

export interface RawContainer {
  name?: string;
  ports?: { name?: string | null; containerPort?: number | null; protocol?: string | null }[] | null;
  readinessProbe?: RawProbe | null;
}

export interface RawPodCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
}

export interface RawPod {
  metadata?: RawMeta;
  spec?: { containers?: RawContainer[] | null; readinessGates?: { conditionType?: string }[] | null } | null;
  status?: { conditions?: RawPodCondition[] | null } | null;
}

export interface RawEndpoint {
  addresses?: string[] | null;
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null } | null;
  nodeName?: string | null;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string } | null;
}

export interface RawEndpointSlice {
  metadata?: RawMeta;
  addressType?: string;
  endpoints?: RawEndpoint[] | null;
  ports?: { name?: string | null; port?: number | null; protocol?: string | null }[] | null;
}

export const ANNOTATION_POD_CIDRS = "ako.vmware.com/pod-cidrs";
export const ANNOTATION_OVN_SUBNETS = "k8s.ovn.org/node-subnets";
export const ANNOTATION_CALICO_V4 = "projectcalico.org/IPv4Address";
export const ANNOTATION_CALICO_V6 = "projectcalico.org/IPv6Address";
export const ANNOTATION_ANTREA_TRANSPORT = "node.antrea.io/transport-addresses";
export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";
/** AKO's preferred-VIP annotation (spec.loadBalancerIP is deprecated since Kubernetes 1.24). */
export const ANNOTATION_AKO_LB_IP = "ako.vmware.com/load-balancer-ip";
/** AKO's shared-VIP group key. */
export const ANNOTATION_AKO_SHARED_VIP = "ako.vmware.com/enable-shared-vip";
/** Antrea's NodePortLocal: the Service opt-in, and the mapping the agent writes on each selected pod. */
export const ANNOTATION_NPL_ENABLED = "nodeportlocal.antrea.io/enabled";
export const ANNOTATION_NPL = "nodeportlocal.antrea.io";
/** The source ranges annotation cloud load balancers honour when spec.loadBalancerSourceRanges is empty. */
export const ANNOTATION_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges";
