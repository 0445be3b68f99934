// Shared shapes of the Kubernetes emulator: objects are plain JSON as the API server serves them.

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are open-ended JSON documents.
export type Json = any;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Json[];
  finalizers?: string[];
  [key: string]: Json;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: Json;
}

/** A printer column as a CRD declares it (additionalPrinterColumns); built-in types print in tables.ts. */
export interface CrdColumn {
  name: string;
  jsonPath: string;
}

/** A second API over the same storage (events.k8s.io/v1 over core/v1 Events): objects convert on the way in and out. */
export interface ResourceView {
  toStored(obj: Json): KubeObject;
  fromStored(obj: KubeObject): Json;
}

export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Field selectors the real registry accepts for this type. */
  fieldSelectors: string[];
  /** Which error text the real server gives for an unknown field selector. */
  fieldError: "label" | "known";
  subresources?: string[];
  /** Served as a custom resource: list items keep apiVersion/kind, Table columns come from crdColumns. */
  crd?: boolean;
  crdColumns?: CrdColumn[];
  /** Served over another type's storage, converted by the view. */
  view?: ResourceView;
  /** Field selector labels the type's conversion function rewrites to the stored object's fields. */
  fieldAliases?: Record<string, string>;
}
