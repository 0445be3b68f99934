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
  spec?: { podCIDR?: string | null; podCIDRs?: string[] | null } | null;
  status?: { addresses?: { type?: string; address?: string }[] | null } | null;
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
}

export interface RawService {
  metadata?: RawMeta;
  spec?: {
    type?: string;
    selector?: Record<string, string> | null;
    ports?: RawServicePort[] | null;
    externalName?: string;
  } | null;
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
