// The types the emulator serves, with the discovery facts a real kube-apiserver (v1.32) reports for them.
import { eventsV1View } from "./events";
import type { ResourceType } from "./types";

const CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const POD_FIELDS = [
  "metadata.name",
  "metadata.namespace",
  "spec.nodeName",
  "spec.restartPolicy",
  "spec.schedulerName",
  "spec.serviceAccountName",
  "spec.hostNetwork",
  "status.phase",
  "status.podIP",
  "status.podIPs",
  "status.nominatedNodeName",
];

const EVENT_FIELDS = [
  "metadata.name",
  "metadata.namespace",
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

/** events.k8s.io/v1 field labels and the core/v1 fields they select on (its AddFieldLabelConversionsForEvent). */
const EVENTS_V1_ALIASES: Record<string, string> = {
  "regarding.kind": "involvedObject.kind",
  "regarding.namespace": "involvedObject.namespace",
  "regarding.name": "involvedObject.name",
  "regarding.uid": "involvedObject.uid",
  "regarding.apiVersion": "involvedObject.apiVersion",
  "regarding.resourceVersion": "involvedObject.resourceVersion",
  "regarding.fieldPath": "involvedObject.fieldPath",
  reportingController: "reportingComponent",
};

// Group order follows a real server's /apis (events.k8s.io, then coordination.k8s.io, then discovery.k8s.io).
export const RESOURCES: readonly ResourceType[] = [
  {
    group: "",
    version: "v1",
    resource: "namespaces",
    kind: "Namespace",
    singular: "namespace",
    namespaced: false,
    shortNames: ["ns"],
    fieldSelectors: ["metadata.name", "status.phase"],
    fieldError: "label",
    subresources: ["status"],
  },
  {
    group: "",
    version: "v1",
    resource: "nodes",
    kind: "Node",
    singular: "node",
    namespaced: false,
    shortNames: ["no"],
    fieldSelectors: ["metadata.name", "spec.unschedulable"],
    fieldError: "label",
    subresources: ["status"],
  },
  {
    group: "",
    version: "v1",
    resource: "pods",
    kind: "Pod",
    singular: "pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    fieldSelectors: POD_FIELDS,
    fieldError: "label",
    subresources: ["status"],
  },
  {
    group: "",
    version: "v1",
    resource: "services",
    kind: "Service",
    singular: "service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    fieldSelectors: ["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"],
    fieldError: "label",
    subresources: ["status"],
  },
  {
    group: "",
    version: "v1",
    resource: "endpoints",
    kind: "Endpoints",
    singular: "endpoints",
    namespaced: true,
    shortNames: ["ep"],
    fieldSelectors: ["metadata.name", "metadata.namespace"],
    fieldError: "label",
  },
  {
    group: "",
    version: "v1",
    resource: "events",
    kind: "Event",
    singular: "event",
    namespaced: true,
    shortNames: ["ev"],
    fieldSelectors: EVENT_FIELDS,
    fieldError: "label",
  },
  {
    group: "events.k8s.io",
    version: "v1",
    resource: "events",
    kind: "Event",
    singular: "event",
    namespaced: true,
    shortNames: ["ev"],
    fieldSelectors: [
      "metadata.name",
      "metadata.namespace",
      "reason",
      "source",
      "type",
      ...Object.keys(EVENTS_V1_ALIASES),
    ],
    fieldAliases: EVENTS_V1_ALIASES,
    fieldError: "label",
    view: eventsV1View,
  },
  {
    group: "coordination.k8s.io",
    version: "v1",
    resource: "leases",
    kind: "Lease",
    singular: "lease",
    namespaced: true,
    fieldSelectors: ["metadata.name", "metadata.namespace"],
    fieldError: "known",
  },
  {
    group: "discovery.k8s.io",
    version: "v1",
    resource: "endpointslices",
    kind: "EndpointSlice",
    singular: "endpointslice",
    namespaced: true,
    fieldSelectors: ["metadata.name", "metadata.namespace"],
    fieldError: "known",
  },
  {
    group: "crd.projectcalico.org",
    version: "v1",
    resource: "blockaffinities",
    kind: "BlockAffinity",
    singular: "blockaffinity",
    namespaced: false,
    crd: true,
    fieldSelectors: ["metadata.name"],
    fieldError: "label",
    crdColumns: [],
  },
  {
    group: "cilium.io",
    version: "v2",
    resource: "ciliumnodes",
    kind: "CiliumNode",
    singular: "ciliumnode",
    namespaced: false,
    crd: true,
    shortNames: ["cn", "ciliumn"],
    categories: ["cilium"],
    fieldSelectors: ["metadata.name"],
    fieldError: "label",
    subresources: ["status"],
    crdColumns: [
      { name: "CiliumInternalIP", jsonPath: 'spec.addresses[type="CiliumInternalIP"].ip' },
      { name: "InternalIP", jsonPath: 'spec.addresses[type="InternalIP"].ip' },
    ],
  },
];

export function gvString(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** "pods" or "endpointslices.discovery.k8s.io", as the server names a resource in error messages. */
export function groupResource(r: ResourceType): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** The type whose storage holds this type's objects: itself, or core/v1 Events for events.k8s.io/v1. */
export function storageOf(r: ResourceType): ResourceType {
  return r.view ? RESOURCES.find((x) => x.resource === r.resource && !x.view && x.kind === r.kind)! : r;
}

export function byApiVersionKind(apiVersion: string | undefined, kind: string | undefined): ResourceType | undefined {
  return RESOURCES.find((r) => gvString(r) === apiVersion && r.kind === kind);
}

export function byPath(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The storage type of a resource name (core/v1 for "events"). */
export function byResource(resource: string): ResourceType {
  const r = RESOURCES.find((x) => x.resource === resource && !x.view);
  if (!r) throw new Error(`the Kubernetes emulator does not serve ${resource}`);
  return r;
}

/** Group name -> versions, for /apis. */
export function groups(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const vs = m.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    m.set(r.group, vs);
  }
  return m;
}

/** The APIResourceList a real server returns from /api/v1 or /apis/<group>/<version>. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of rs) {
    const e: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: CRUD,
    };
    if (r.shortNames) e.shortNames = r.shortNames;
    if (r.categories) e.categories = r.categories;
    resources.push(e);
    for (const sub of r.subresources ?? []) {
      resources.push({
        name: `${r.resource}/${sub}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ["get", "patch", "update"],
      });
    }
  }
  const list: Record<string, unknown> = {
    kind: "APIResourceList",
    groupVersion: group ? `${group}/${version}` : version,
  };
  if (group) list.apiVersion = "v1";
  list.resources = resources;
  return list;
}
