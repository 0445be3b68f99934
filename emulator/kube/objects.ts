// Create, update and delete with the API server's defaulting, validation, optimistic concurrency, /status
// split, graceful pod deletion and garbage collection, driving the EndpointSlice controller imitation after every
// pod, service or node change, and then the other controllers (kubelet, NodePortLocal agent) after every write.
import * as crypto from "node:crypto";
import { defineServiceIndexes, patchAllocatedValues, prepareService } from "./allocators";
import { alreadyExists, ApiError, badRequest, conflict, fieldError, invalidFields, notFound } from "./errors";
import { byResource, gvString, RESOURCES, storageOf } from "./resources";
import { MANAGED_BY, randomSuffix, SERVICE_NAME_LABEL, type SliceWriter, syncService } from "./slices";
import { nowIso } from "./podstatus";
import type { Store } from "./store";
import { applyDefaults, decode, validate, validateStatus } from "./strategy";
import type { KubeObject, ResourceType } from "./types";

export interface CreateOptions {
  /** Keep the given status (fixtures and test helpers); API creates reset pod and service status. */
  keepStatus?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  graceful?: boolean;
}

export interface ObjectApi {
  create(rt: ResourceType, obj: KubeObject, namespace?: string, options?: CreateOptions): KubeObject;
  /** subresource "status" writes only the status; "*" (test helpers only) writes spec and status in one event. */
  update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    subresource?: string,
  ): KubeObject;
  /** graceful: mark the object with a deletionTimestamp and keep it, as a pod with a grace period is kept. */
  remove(rt: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject;
  /** Runs many writes with the controllers paused, then derives every service's slices and resyncs once. */
  bulk(fn: () => void): void;
  syncAllServices(): void;
  /** Registers a controller: told of every write after it is stored, and asked to resync after a bulk load. */
  addController(c: Controller): void;
  /** Pods deleted with a grace period stay Terminating until a kubelet removes them (set when one runs). */
  settings: { gracefulPodDeletion: boolean };
}

export interface Controller {
  onChange(rt: ResourceType, before: KubeObject | undefined, after: KubeObject | undefined): void;
  resync(): void;
}

export { nowIso };
const clone = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x)));

/** Indexes the controller and list paths rely on; registered once per store. */
export function defineIndexes(store: Store): void {
  store.defineIndex("pods", "label", (p) =>
    Object.entries(p.metadata.labels ?? {}).map(([k, v]) => `${p.metadata.namespace}/${k}=${v}`),
  );
  store.defineIndex("pods", "node", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  defineServiceIndexes(store);
  store.defineIndex("endpointslices", "serviceName", (s) => {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    return svc ? [svc] : [];
  });
  store.defineIndex("endpointslices", "service", (s) => {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    return svc ? [`${s.metadata.namespace}/${svc}`] : [];
  });
}

const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: "" } });

export function createObjectApi(store: Store): ObjectApi {
  let paused = false;
  const controllers: Controller[] = [];
  const settings = { gracefulPodDeletion: false };

  const writer: SliceWriter = {
    create: (resource, obj) => create(byResource(resource), obj, obj.metadata.namespace, { keepStatus: true }),
    replace: (resource, obj) => {
      const generation = obj.metadata.generation === undefined ? undefined : obj.metadata.generation + 1;
      store.put(resource, { ...obj, metadata: { ...obj.metadata, generation } }, "MODIFIED");
    },
    remove: (resource, obj) => store.remove(resource, obj),
  };

  const syncNamespace = (ns: string, match: (svc: KubeObject) => boolean) => {
    for (const svc of store.list("services", ns)) if (match(svc)) syncService(store, writer, svc);
  };
  const selects = (svc: KubeObject, pod: KubeObject | undefined) =>
    pod !== undefined &&
    Object.keys(svc.spec?.selector ?? {}).length > 0 &&
    Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => pod.metadata.labels?.[k] === v);

  function reconcile(rt: ResourceType, before: KubeObject | undefined, after: KubeObject | undefined): void {
    if (paused) return;
    deriveSlices(rt, before, after);
    for (const c of controllers) c.onChange(rt, before, after);
  }

  function deriveSlices(rt: ResourceType, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const obj = (after ?? before)!;
    if (rt.resource === "pods") {
      syncNamespace(obj.metadata.namespace!, (svc) => selects(svc, before) || selects(svc, after));
    } else if (rt.resource === "services") {
      if (after) syncService(store, writer, after);
      else {
        for (const s of store.byIndex("endpointslices", "service", `${obj.metadata.namespace}/${obj.metadata.name}`)) {
          if (s.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === MANAGED_BY)
            store.remove("endpointslices", s);
        }
        const ep = store.get("endpoints", obj.metadata.namespace, obj.metadata.name);
        if (ep) store.remove("endpoints", ep);
      }
    } else if (rt.resource === "nodes") {
      const zone = (n: KubeObject | undefined) => n?.metadata.labels?.["topology.kubernetes.io/zone"];
      if (zone(before) === zone(after)) return;
      const namespaces = new Set(store.byIndex("pods", "node", obj.metadata.name).map((p) => p.metadata.namespace!));
      for (const ns of namespaces) syncNamespace(ns, () => true);
    }
  }

  function create(rt: ResourceType, input: KubeObject, namespace?: string, options: CreateOptions = {}): KubeObject {
    const stored = storageOf(rt);
    const obj: KubeObject = decode(rt, clone(input));
    obj.apiVersion = gvString(stored);
    obj.kind = stored.kind;
    obj.metadata ??= {} as KubeObject["metadata"];
    const m = obj.metadata;
    if (rt.namespaced) {
      if (namespace && m.namespace && m.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      m.namespace = m.namespace || namespace || "default";
      if (!store.get("namespaces", undefined, m.namespace)) {
        throw new ApiError(404, "NotFound", `namespaces "${m.namespace}" not found`, {
          name: m.namespace,
          kind: "namespaces",
        });
      }
    } else delete m.namespace;
    if (!m.name && m.generateName) m.name = m.generateName + randomSuffix();
    if (!m.name) {
      throw invalidFields(rt, "", [
        fieldError("Required", "metadata.name", undefined, "name or generateName is required"),
      ]);
    }
    validate(rt, obj);
    if (store.get(rt.resource, m.namespace, m.name)) throw alreadyExists(rt, m.name);
    m.uid ??= crypto.randomUUID();
    m.creationTimestamp ??= nowIso();
    delete m.resourceVersion;
    if (!options.keepStatus) delete m.deletionTimestamp;
    delete m.managedFields;
    // Of the served types, only EndpointSlices and custom resources carry a generation.
    if (rt.crd || rt.resource === "endpointslices") m.generation ??= 1;
    if (!options.keepStatus && rt.resource === "pods") obj.status = { phase: "Pending", qosClass: "BestEffort" };
    if (!options.keepStatus && rt.resource === "services") obj.status = { loadBalancer: {} };
    if (rt.resource === "namespaces") obj.status ??= { phase: "Active" };
    if (rt.resource === "services") obj.status ??= { loadBalancer: {} };
    applyDefaults(rt, obj);
    if (rt.resource === "services") prepareService(store, obj, undefined);
    const out = store.put(rt.resource, obj, "ADDED");
    reconcile(rt, undefined, out);
    return out;
  }

  function update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    subresource?: string,
  ): KubeObject {
    const cur = store.get(rt.resource, rt.namespaced ? namespace : undefined, name);
    if (!cur) throw notFound(rt, name);
    const obj: KubeObject = clone(input);
    obj.metadata ??= {} as KubeObject["metadata"];
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(rt, name);
    }
    // ValidateObjectMetaUpdate: a uid in the body must be the object's (a patch naming a replaced pod's uid fails).
    if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid) {
      throw invalidFields(rt, name, [fieldError("Invalid", "metadata.uid", obj.metadata.uid, "field is immutable")]);
    }
    const metadata: KubeObject["metadata"] = {
      ...obj.metadata,
      name,
      uid: cur.metadata.uid,
      creationTimestamp: cur.metadata.creationTimestamp,
    };
    delete metadata.managedFields;
    if (rt.namespaced) metadata.namespace = cur.metadata.namespace;
    if (cur.metadata.deletionTimestamp) {
      metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
      metadata.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
    } else delete metadata.deletionTimestamp;
    let next: KubeObject;
    if (subresource === "status") {
      // The status strategies keep everything but status and metadata (a pod's owner references too).
      if (rt.resource === "pods") metadata.ownerReferences = cur.metadata.ownerReferences;
      if (metadata.ownerReferences === undefined) delete metadata.ownerReferences;
      next = { ...cur, metadata, status: obj.status };
      validateStatus(rt, next);
    } else {
      next = { ...decode(rt, obj), apiVersion: cur.apiVersion, kind: cur.kind, metadata };
      // Status changes only through /status; "*" (helpers only, never reachable over HTTP) writes both at once.
      if (rt.subresources?.includes("status") && subresource !== "*") next.status = cur.status;
      if (rt.resource === "services") patchAllocatedValues(next, cur);
      applyDefaults(rt, next);
      if (cur.metadata.generation !== undefined) {
        // Any change outside metadata and status is a new generation.
        const body = (o: KubeObject) => JSON.stringify({ ...o, metadata: undefined, status: undefined });
        next.metadata.generation = cur.metadata.generation + (body(cur) !== body(next) ? 1 : 0);
      }
      validate(rt, next, cur);
      if (rt.resource === "services") prepareService(store, next, cur);
    }
    if (strip(next) === strip(cur)) return cur; // a no-op update keeps the resourceVersion
    const out = store.put(rt.resource, next, "MODIFIED");
    if (out.metadata.deletionTimestamp && !out.metadata.finalizers?.length && rt.resource !== "pods") {
      // The last finalizer is gone: the deletion that was waiting for it completes.
      const gone = store.remove(rt.resource, out);
      reconcile(rt, cur, undefined);
      return gone;
    }
    reconcile(rt, cur, out);
    return out;
  }

  function remove(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): KubeObject {
    const cur = store.get(rt.resource, rt.namespaced ? namespace : undefined, name);
    if (!cur) throw notFound(rt, name);
    let grace = options.gracePeriodSeconds ?? cur.spec?.terminationGracePeriodSeconds ?? 30;
    // The pod strategy's CheckGracefulDelete: unscheduled and finished pods go at once.
    if (rt.resource === "pods" && (!cur.spec?.nodeName || ["Failed", "Succeeded"].includes(cur.status?.phase)))
      grace = 0;
    const graceful = options.graceful || (rt.resource === "pods" && settings.gracefulPodDeletion);
    const keep = (graceful && grace > 0) || (cur.metadata.finalizers?.length && options.gracePeriodSeconds !== 0);
    if (keep && cur.metadata.deletionTimestamp && (cur.metadata.finalizers?.length || graceful)) return cur;
    if (keep && !cur.metadata.deletionTimestamp) {
      // Finalizers, or a pod's grace period, keep the object marked for deletion until it is removed for good.
      const at = new Date(Date.now() + (graceful ? grace * 1000 : 0)).toISOString().replace(/\.\d+Z$/, "Z");
      const metadata = { ...cur.metadata, deletionTimestamp: at };
      if (graceful) metadata.deletionGracePeriodSeconds = grace;
      const marked = { ...cur, metadata };
      const out = store.put(rt.resource, marked, "MODIFIED");
      reconcile(rt, cur, out);
      return out;
    }
    const out = store.remove(rt.resource, cur);
    if (rt.resource === "namespaces") {
      for (const r of RESOURCES.filter((x) => x.namespaced)) {
        for (const x of [...store.list(r.resource, name)]) remove(r, name, x.metadata.name, { gracePeriodSeconds: 0 });
      }
    }
    reconcile(rt, cur, undefined);
    return out;
  }

  return {
    create,
    update,
    remove,
    settings,
    addController: (c) => {
      controllers.push(c);
    },
    bulk(fn) {
      paused = true;
      try {
        fn();
      } finally {
        paused = false;
      }
      this.syncAllServices();
      for (const c of controllers) c.resync();
    },
    syncAllServices() {
      for (const svc of [...store.list("services")]) syncService(store, writer, svc);
    },
  };
}
