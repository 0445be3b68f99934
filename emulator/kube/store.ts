// The object store: one map per resource, a global resourceVersion, an event log for watches, and secondary
// indexes so that large clusters stay cheap to read. Stored objects are never mutated in place: every write
// stores a new object, so a sorted list taken for one page stays a consistent snapshot for the next pages.
import type { KubeObject } from "./types";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";
export interface StoreEvent {
  rv: number;
  type: EventType;
  resource: string;
  object: KubeObject;
  /** The object before this change, so watchers can tell an object leaving their selector. */
  previous?: KubeObject;
}
export type IndexFn = (obj: KubeObject) => string[];

interface Table {
  objects: Map<string, KubeObject>;
  /** Objects sorted by "namespace/name" (etcd key order); rebuilt lazily after a write. */
  sorted: KubeObject[] | null;
  indexes: Map<string, { fn: IndexFn; entries: Map<string, Set<string>> }>;
}

export interface Store {
  readonly rv: () => number;
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Sorted objects of a resource, restricted to one namespace when given. Do not mutate the result. */
  list(resource: string, namespace?: string): readonly KubeObject[];
  /** Objects whose index entry equals value. */
  byIndex(resource: string, index: string, value: string): KubeObject[];
  put(resource: string, obj: KubeObject, type: EventType): KubeObject;
  remove(resource: string, obj: KubeObject): KubeObject;
  defineIndex(resource: string, name: string, fn: IndexFn): void;
  /** Events with rv greater than since, or undefined when since is older than the log. */
  eventsSince(since: number): StoreEvent[] | undefined;
  /** The oldest resourceVersion a watch can still start from. */
  oldestWatchable(): number;
  /** Drops the event log, as etcd compaction does: a watch from any earlier resourceVersion gets 410 Gone. */
  compact(): void;
  subscribe(listener: (ev: StoreEvent) => void): () => void;
  count(resource: string): number;
}

export const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ""}/${name}`;

const EVENT_LOG_SIZE = 10_000;

export function createStore(): Store {
  let rv = 1000;
  const tables = new Map<string, Table>();
  const events: StoreEvent[] = [];
  const listeners = new Set<(ev: StoreEvent) => void>();

  const table = (resource: string): Table => {
    let t = tables.get(resource);
    if (!t) {
      t = { objects: new Map(), sorted: null, indexes: new Map() };
      tables.set(resource, t);
    }
    return t;
  };

  const indexAdd = (t: Table, key: string, obj: KubeObject) => {
    for (const idx of t.indexes.values()) {
      for (const v of idx.fn(obj)) {
        let s = idx.entries.get(v);
        if (!s) {
          s = new Set();
          idx.entries.set(v, s);
        }
        s.add(key);
      }
    }
  };
  const indexRemove = (t: Table, key: string, obj: KubeObject) => {
    for (const idx of t.indexes.values()) {
      for (const v of idx.fn(obj)) {
        const s = idx.entries.get(v);
        s?.delete(key);
        if (s && s.size === 0) idx.entries.delete(v);
      }
    }
  };

  const emit = (type: EventType, resource: string, object: KubeObject, previous?: KubeObject) => {
    const ev = { rv, type, resource, object, previous };
    events.push(ev);
    // Trimmed in batches: trimming one event per write would copy the whole log on every write.
    if (events.length > 2 * EVENT_LOG_SIZE) events.splice(0, events.length - EVENT_LOG_SIZE);
    for (const l of listeners) l(ev);
  };

  const sortedOf = (t: Table): KubeObject[] => {
    if (!t.sorted) {
      const keys = [...t.objects.keys()].sort();
      t.sorted = keys.map((k) => t.objects.get(k)!);
    }
    return t.sorted;
  };

  const lowerBound = (arr: readonly KubeObject[], key: string): number => {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (objectKey(arr[mid].metadata.namespace, arr[mid].metadata.name) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    rv: () => rv,
    get: (resource, namespace, name) => table(resource).objects.get(objectKey(namespace, name)),
    list(resource, namespace) {
      const all = sortedOf(table(resource));
      if (namespace === undefined) return all;
      return all.slice(lowerBound(all, `${namespace}/`), lowerBound(all, `${namespace}0`));
    },
    byIndex(resource, index, value) {
      const t = table(resource);
      const keys = t.indexes.get(index)?.entries.get(value);
      if (!keys) return [];
      return [...keys].sort().map((k) => t.objects.get(k)!);
    },
    put(resource, obj, type) {
      const t = table(resource);
      const key = objectKey(obj.metadata.namespace, obj.metadata.name);
      rv++;
      const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
      const prev = t.objects.get(key);
      if (prev) indexRemove(t, key, prev);
      t.objects.set(key, stored);
      indexAdd(t, key, stored);
      t.sorted = null;
      emit(type, resource, stored, prev);
      return stored;
    },
    remove(resource, obj) {
      const t = table(resource);
      const key = objectKey(obj.metadata.namespace, obj.metadata.name);
      const prev = t.objects.get(key);
      if (!prev) return obj;
      indexRemove(t, key, prev);
      t.objects.delete(key);
      t.sorted = null;
      rv++;
      const gone = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rv) } };
      emit("DELETED", resource, gone);
      return gone;
    },
    defineIndex(resource, name, fn) {
      const t = table(resource);
      t.indexes.set(name, { fn, entries: new Map() });
      for (const [k, o] of t.objects) indexAdd(t, k, o);
    },
    eventsSince(since) {
      if (since >= rv) return [];
      if (events.length === 0 || events[0].rv > since + 1) return undefined;
      let lo = 0;
      let hi = events.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (events[mid].rv <= since) lo = mid + 1;
        else hi = mid;
      }
      return events.slice(lo);
    },
    oldestWatchable: () => (events.length ? events[0].rv - 1 : rv),
    compact() {
      events.length = 0;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    count: (resource) => table(resource).objects.size,
  };
}
