// The change filter: for each kind the sync watches, the part of an object that can change what we write. Two
// objects with the same meaning give the same string, so the informer (provider/kube/informer.ts) drops the update:
// a kubelet's periodic Node status (conditions, heartbeat times, images), a resourceVersion-only update, a label
// or annotation nobody reads. Anything that can move a route or a pool server is in the string.
import {
  ANNOTATION_ANTREA_TRANSPORT,
  ANNOTATION_NPL,
  ANNOTATION_NPL_ENABLED,
  ANNOTATION_CALICO_V4,
  ANNOTATION_CALICO_V6,
  ANNOTATION_OVN_SUBNETS,
  ANNOTATION_POD_CIDRS,
  LABEL_SERVICE_NAME,
} from "../kube/raw";

type Obj = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are schemaless JSON here.
type Any = any;

/** The annotations a node's routes depend on (pod CIDRs and next hops per CNI). */
const NODE_ANNOTATIONS = [
  ANNOTATION_POD_CIDRS,
  ANNOTATION_OVN_SUBNETS,
  ANNOTATION_CALICO_V4,
  ANNOTATION_CALICO_V6,
  ANNOTATION_ANTREA_TRANSPORT,
];

const sorted = (xs: string[]) => [...xs].sort();

/** Pod CIDRs, addresses and the CNI annotations; not status conditions, heartbeats, images or capacity. */
export function nodeMeaning(node: Obj): string {
  const n = node as Any;
  const ann = n.metadata?.annotations ?? {};
  return JSON.stringify([
    n.spec?.podCIDR ?? "",
    n.spec?.podCIDRs ?? [],
    sorted((n.status?.addresses ?? []).map((a: Any) => `${a?.type}=${a?.address}`)),
    NODE_ANNOTATIONS.map((k) => ann[k] ?? null),
  ]);
}

/**
 * Mode nodeport reads more of a node: its labels (the node selector, the exclude-from-external-load-balancers
 * label), its Ready condition's status (not its heartbeat) and whether it is cordoned.
 */
export function nodePortNodeMeaning(node: Obj): string {
  const n = node as Any;
  const ready = (n.status?.conditions ?? []).find((c: Any) => c?.type === "Ready")?.status ?? "";
  const labels = n.metadata?.labels ?? {};
  return JSON.stringify([
    nodeMeaning(node),
    ready,
    n.spec?.unschedulable === true,
    sorted(Object.keys(labels).map((k) => `${k}=${labels[k]}`)),
  ]);
}

/** Mode nodeportlocal: a pod's name, labels (which Service selects it) and the node ports Antrea published. */
export function nplPodMeaning(pod: Obj): string {
  const p = pod as Any;
  const labels = p.metadata?.labels ?? {};
  return JSON.stringify([
    sorted(Object.keys(labels).map((k) => `${k}=${labels[k]}`)),
    p.metadata?.annotations?.[ANNOTATION_NPL] ?? null,
  ]);
}

/** Each endpoint's first address, conditions, node and pod, and the ports: what planPools reads. */
export function sliceMeaning(slice: Obj): string {
  const s = slice as Any;
  const endpoints = (s.endpoints ?? []).map((e: Any) =>
    [
      e?.addresses?.[0] ?? "",
      e?.conditions?.ready ?? "",
      e?.conditions?.serving ?? "",
      e?.conditions?.terminating ?? "",
      e?.nodeName ?? "",
      e?.targetRef?.name ?? "",
    ].join("|"),
  );
  const ports = (s.ports ?? []).map((p: Any) => `${p?.name ?? ""}/${p?.port ?? ""}/${p?.protocol ?? ""}`);
  return JSON.stringify([s.addressType ?? "", sorted(ports), sorted(endpoints)]);
}

/** The Service an EndpointSlice belongs to (its kubernetes.io/service-name label). */
export function sliceService(slice: Obj): string {
  const labels = ((slice as Any).metadata?.labels ?? {}) as Record<string, string>;
  return labels[LABEL_SERVICE_NAME] ?? "";
}

/**
 * Type, ports (target ports and node ports included), whether it selects pods, what the node-port modes read (the
 * traffic policy, the health check node port, NodePortLocal's opt-in annotation), and the load balancer ingress in
 * its status (cleared by a user or lost by the API server: the sync writes the VIP back).
 */
export function serviceMeaning(service: Obj): string {
  const s = (service as Any).spec ?? {};
  const ports = (s.ports ?? []).map((p: Any) =>
    [p?.name ?? "", p?.port ?? "", p?.protocol ?? "", p?.targetPort ?? "", p?.nodePort ?? ""].join("/"),
  );
  const ingress = ((service as Any).status?.loadBalancer?.ingress ?? []).map((i: Any) => [
    i?.ip ?? "",
    i?.ipMode ?? "",
  ]);
  const npl = (service as Any).metadata?.annotations?.[ANNOTATION_NPL_ENABLED] ?? null;
  return JSON.stringify([
    s.type ?? "",
    ports,
    Object.keys(s.selector ?? {}).length > 0,
    s.externalName ?? "",
    s.externalTrafficPolicy ?? "",
    s.healthCheckNodePort ?? 0,
    s.allocateLoadBalancerNodePorts ?? null,
    npl,
    ingress,
  ]);
}

/** A Calico block affinity: its node, block and whether it is in use. */
export function blockAffinityMeaning(ba: Obj): string {
  const b = ba as Any;
  return JSON.stringify([
    b.spec?.node ?? "",
    b.spec?.cidr ?? "",
    b.spec?.state ?? "",
    String(b.spec?.deleted ?? ""),
    Boolean(b.metadata?.deletionTimestamp),
  ]);
}

/** A CiliumNode's pod CIDRs (cluster-pool IPAM). */
export function ciliumNodeMeaning(cn: Obj): string {
  return JSON.stringify((cn as Any).spec?.ipam?.podCIDRs ?? []);
}
