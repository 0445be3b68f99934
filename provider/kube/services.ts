// A service's endpoints, per Service port, from its own EndpointSlices only (never a cluster-wide pod list).
import { parseIp } from "../plan/ip";
import type { EndpointPlacement, Family, Protocol, ServicePlacement, ServicePortPlacement } from "../plan/types";
import { DEFAULT_PAGE_SIZE, type KubeClient } from "./client";
import { KubeReadError, type Permission } from "./errors";
import { attachGates } from "./gates";
import { attachProbes } from "./probes";
import { attachPodAnnotations } from "./pods";
import {
  ANNOTATION_AKO_LB_IP,
  ANNOTATION_AKO_SHARED_VIP,
  ANNOTATION_NPL_ENABLED,
  ANNOTATION_SOURCE_RANGES,
  LABEL_SERVICE_NAME,
  type RawEndpointSlice,
  type RawService,
  type RawServicePort,
} from "./raw";

export interface ServiceRef {
  namespace: string;
  name: string;
}

function protocolOf(value: string | null | undefined): Protocol {
  return value === "UDP" || value === "SCTP" ? value : "TCP";
}

type SlicePort = NonNullable<RawEndpointSlice["ports"]>[number];

/**
 * The slice port serving a Service port. A slice's port name is the Service port's name ("" when unnamed) and its
 * number is the resolved target port, so named target ports need no pod lookups. Fallbacks for slices written by
 * hand: a numeric targetPort equal to the slice port, or a single-port Service meeting a single-port slice (AKO's
 * rule).
 */
function matchPort(sp: RawServicePort, servicePorts: number, slice: RawEndpointSlice): SlicePort | undefined {
  const ports = (slice.ports ?? []).filter((p) => protocolOf(p.protocol) === protocolOf(sp.protocol));
  const byName = ports.find((p) => (p.name ?? "") === (sp.name ?? ""));
  if (byName) return byName;
  if (typeof sp.targetPort === "number") {
    const byNumber = ports.find((p) => p.port === sp.targetPort);
    if (byNumber) return byNumber;
  }
  return servicePorts === 1 && slice.ports?.length === 1 ? ports[0] : undefined;
}

/**
 * Pure: a Service and its slices to a ServicePlacement. Each endpoint contributes its first address (addresses
 * beyond the first are not distinct backends; kubernetes#106267). Conditions left out mean: ready true, serving as
 * ready, terminating false (the EndpointSlice API's own reading of nil).
 */
export function servicePlacementFrom(service: RawService, slices: RawEndpointSlice[]): ServicePlacement {
  const ports = service.spec?.ports ?? [];
  const out: ServicePortPlacement[] = ports.map((sp) => {
    const endpoints: EndpointPlacement[] = [];
    for (const slice of slices) {
      const port = matchPort(sp, ports.length, slice)?.port;
      if (typeof port !== "number") continue;
      for (const e of slice.endpoints ?? []) {
        const address = e.addresses?.[0];
        if (!address) continue;
        const ready = e.conditions?.ready ?? true;
        const ep: EndpointPlacement = {
          ip: address,
          family: parseIp(address)?.family ?? (slice.addressType === "IPv6" ? "ipv6" : "ipv4"),
          port,
          ready,
          serving: e.conditions?.serving ?? ready,
          terminating: e.conditions?.terminating ?? false,
        };
        if (e.nodeName) ep.node = e.nodeName;
        const ref = e.targetRef;
        if (ref?.kind === "Pod" && ref.name) {
          ep.pod = { namespace: ref.namespace ?? service.metadata?.namespace ?? "", name: ref.name };
          if (ref.uid) ep.pod.uid = ref.uid;
        }
        endpoints.push(ep);
      }
    }
    const placement: ServicePortPlacement = {
      port: sp.port ?? 0,
      protocol: protocolOf(sp.protocol),
      targetPort: sp.targetPort ?? sp.port ?? 0,
      endpoints,
    };
    if (sp.name) placement.name = sp.name;
    if (typeof sp.nodePort === "number" && sp.nodePort > 0) placement.nodePort = sp.nodePort;
    return placement;
  });
  const result: ServicePlacement = {
    namespace: service.metadata?.namespace ?? "",
    name: service.metadata?.name ?? "",
    ports: out,
  };
  if (service.metadata?.uid) result.uid = service.metadata.uid;
  return { ...result, ...loadBalancerFields(service), ...kubeSideFields(service), ...nodePortFields(service) };
}

/** What decides the Service's own side: its type, its loadBalancerClass, its address families and current status. */
export function kubeSideFields(
  service: RawService,
): Pick<ServicePlacement, "type" | "loadBalancerClass" | "loadBalancerIngress" | "ipFamilies"> {
  const spec = service.spec ?? {};
  const out: Pick<ServicePlacement, "type" | "loadBalancerClass" | "loadBalancerIngress" | "ipFamilies"> = {
    type: spec.type ?? "ClusterIP",
  };
  if (spec.loadBalancerClass) out.loadBalancerClass = spec.loadBalancerClass;
  const families = (spec.ipFamilies ?? []).map((f): Family => (f === "IPv6" ? "ipv6" : "ipv4"));
  if (families.length > 0) out.ipFamilies = families;
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) out.loadBalancerIngress = ingress.map((i) => ({ ...i }));
  return out;
}

type NodePortFields = Pick<
  ServicePlacement,
  | "externalTrafficPolicy"
  | "healthCheckNodePort"
  | "allocateLoadBalancerNodePorts"
  | "hasSelector"
  | "nodePortLocalEnabled"
>;

/** What the node-port modes need beyond the ports: traffic policy, health check port, NPL opt-in. */
export function nodePortFields(service: RawService): NodePortFields {
  const spec = service.spec ?? {};
  const out: NodePortFields = {
    hasSelector: Object.keys(spec.selector ?? {}).length > 0,
    nodePortLocalEnabled: service.metadata?.annotations?.[ANNOTATION_NPL_ENABLED] === "true",
  };
  if (spec.externalTrafficPolicy === "Local" || spec.externalTrafficPolicy === "Cluster")
    out.externalTrafficPolicy = spec.externalTrafficPolicy;
  if (typeof spec.healthCheckNodePort === "number" && spec.healthCheckNodePort > 0)
    out.healthCheckNodePort = spec.healthCheckNodePort;
  if (typeof spec.allocateLoadBalancerNodePorts === "boolean")
    out.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts;
  return out;
}

/**
 * The Service fields an L4 load balancer honours beyond its ports (AKO reads only the VIP ones): session affinity,
 * source ranges, the preferred VIP and AKO's shared-VIP key. Values are passed on as written; the planner judges them.
 */
export function loadBalancerFields(
  service: RawService,
): Pick<ServicePlacement, "sessionAffinity" | "sourceRanges" | "preferredVip" | "sharedVipKey"> {
  const spec = service.spec ?? {};
  const notes = service.metadata?.annotations ?? {};
  const out: Pick<ServicePlacement, "sessionAffinity" | "sourceRanges" | "preferredVip" | "sharedVipKey"> = {};
  if (spec.sessionAffinity === "ClientIP") {
    // The API server defaults the timeout to 10800 s (3 h) when ClientIP is set without one.
    out.sessionAffinity = { timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 };
  }
  const ranges = (spec.loadBalancerSourceRanges ?? []).filter((r) => typeof r === "string" && r.trim() !== "");
  const annotated = (notes[ANNOTATION_SOURCE_RANGES] ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  if (ranges.length > 0) out.sourceRanges = { ranges, from: "spec.loadBalancerSourceRanges" };
  else if (annotated.length > 0)
    out.sourceRanges = { ranges: annotated, from: `annotation ${ANNOTATION_SOURCE_RANGES}` };
  const annotatedVip = notes[ANNOTATION_AKO_LB_IP]?.trim();
  if (annotatedVip) out.preferredVip = { address: annotatedVip, from: `annotation ${ANNOTATION_AKO_LB_IP}` };
  else if (spec.loadBalancerIP) out.preferredVip = { address: spec.loadBalancerIP, from: "spec.loadBalancerIP" };
  const key = notes[ANNOTATION_AKO_SHARED_VIP]?.trim();
  if (key) out.sharedVipKey = key;
  return out;
}

/**
 * Reads the Service and its own slices: one GET plus one list per page of slices; one GET per pod whose endpoint is
 * neither ready nor terminating, for its readiness gate (gates.ts; none while every pod is ready); with `probe`, one
 * GET more of one backing pod for the readiness probes (never a pod list); with `podAnnotations` (NodePortLocal
 * mode), one list of the pods the Service selects, per page (pods.ts says why a list and not a GET per pod).
 */
export async function readServiceWith(
  client: KubeClient,
  svc: ServiceRef,
  pageSize = DEFAULT_PAGE_SIZE,
  opts: { probe?: boolean; podAnnotations?: boolean } = {},
): Promise<ServicePlacement> {
  const id = `${svc.namespace}/${svc.name}`;
  const getSvc: Permission = { verb: "get", resource: "services", group: "", namespace: svc.namespace, name: svc.name };
  const service = (await client.get(
    `/api/v1/namespaces/${encodeURIComponent(svc.namespace)}/services/${encodeURIComponent(svc.name)}`,
    getSvc,
    true,
  )) as RawService | undefined;
  if (!service) {
    throw new KubeReadError(
      "not-found",
      `Service ${id} was not found in ${client.server}: check the namespace and name.`,
      404,
    );
  }
  if (service.spec?.type === "ExternalName") {
    throw new KubeReadError(
      "invalid",
      `Service ${id} is of type ExternalName (${service.spec.externalName ?? "no name"}), which has no pods to load-balance.`,
    );
  }
  const listSlices: Permission = {
    verb: "list",
    resource: "endpointslices",
    group: "discovery.k8s.io",
    namespace: svc.namespace,
  };
  const slices = (await client.list(
    `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(svc.namespace)}/endpointslices`,
    { labelSelector: `${LABEL_SERVICE_NAME}=${svc.name}` },
    pageSize,
    listSlices,
  )) as RawEndpointSlice[];
  const hasSelector = Object.keys(service.spec?.selector ?? {}).length > 0;
  if (!hasSelector && slices.length === 0) {
    throw new KubeReadError(
      "no-selector",
      `Service ${id} has no selector, so Kubernetes keeps no EndpointSlices for it: add a spec.selector that matches its pods, or create EndpointSlices labelled ${LABEL_SERVICE_NAME}=${svc.name}.`,
    );
  }
  const planned = await attachGates(client, servicePlacementFrom(service, slices));
  const placement = opts.podAnnotations
    ? await attachPodAnnotations(client, planned, service.spec?.selector ?? {}, pageSize)
    : planned;
  return opts.probe ? attachProbes(client, placement) : placement;
}
