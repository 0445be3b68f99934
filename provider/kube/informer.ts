// List, then watch, for one collection: what client-go's informers do, minus the object cache. Only a short
// fingerprint of what matters about each object is kept (the caller's `meaning`, hashed), plus a tag (e.g. the
// Service an EndpointSlice belongs to), so 150,000 pods' worth of EndpointSlices cost a few hundred kilobytes.
// - A change is reported only when the meaning changed: a kubelet's status heartbeat or a resourceVersion-only
//   update of a Node changes nothing we write and is dropped here.
// - The watch resumes from the last resourceVersion seen (events, bookmarks) when the server ends it or the
//   connection drops; a 410 (too old) lists again, and the difference between the new list and the fingerprints
//   becomes the changes (objects changed or deleted while nobody watched).
// - Failures back off (jittered, 0.5 s doubling to 5 s: a handful of watches retrying every few seconds costs the
//   API server nothing, and the sync is back within seconds of an outage) and are reported; the fingerprints stay
//   as they were, so a failed list is never taken for an empty cluster.
import { createHash } from "node:crypto";
import type { KubeClient, WatchEvent } from "./client";
import type { Permission } from "./errors";

export interface InformerSpec {
  /** The collection, e.g. /apis/discovery.k8s.io/v1/namespaces/default/endpointslices. */
  path: string;
  /** labelSelector / fieldSelector. */
  query?: Record<string, string>;
  perm: Permission;
  /** What about an object matters; equal strings mean no change worth reporting. */
  meaning(object: Record<string, unknown>): string;
  /** Kept with the fingerprint and given back with every change, deletions included. */
  tag?(object: Record<string, unknown>): string;
  pageSize?: number;
  /** How long one watch request runs before the server ends it (and it resumes); default 300. */
  timeoutSeconds?: number;
}

export interface InformerChange {
  kind: "added" | "updated" | "deleted";
  /** namespace/name, or name for cluster-scoped objects. */
  key: string;
  tag: string;
  /** The object, except for deletions found by a relist (only the key and tag are known then). */
  object?: Record<string, unknown>;
}

export interface InformerHooks {
  onChange(change: InformerChange): void;
  /** Every watch event that carried an object, and whether the filter dropped it (metrics). */
  onEvent?(type: WatchEvent["type"], dropped: boolean): void;
  /** After each complete list. */
  onSynced?(): void;
  onError?(error: Error): void;
}

export interface Informer {
  /** True once a first list has completed. */
  synced(): boolean;
  size(): number;
  stop(): void;
}

interface Entry {
  fp: string;
  tag: string;
}

function keyOf(o: Record<string, unknown>): string {
  const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return m.namespace ? `${m.namespace}/${m.name ?? ""}` : String(m.name ?? "");
}

const WATCH_BACKOFF_MAX_MS = 5_000;

const fingerprint = (text: string) => createHash("sha1").update(text).digest("base64").slice(0, 16);

/** 0.5 s doubling to `maxMs`, each wait drawn between half and all of it. */
export function backoffMs(failures: number, random: () => number = Math.random, maxMs = 30_000): number {
  const cap = Math.min(maxMs, 500 * 2 ** Math.min(failures, 10));
  return cap / 2 + (random() * cap) / 2;
}

export function startInformer(client: KubeClient, spec: InformerSpec, hooks: InformerHooks): Informer {
  const entries = new Map<string, Entry>();
  const controller = new AbortController();
  const signal = controller.signal;
  let synced = false;
  let timer: NodeJS.Timeout | undefined;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });

  function record(o: Record<string, unknown>): { changed: boolean; existed: boolean; tag: string } {
    const key = keyOf(o);
    const fp = fingerprint(spec.meaning(o));
    const tag = spec.tag?.(o) ?? "";
    const old = entries.get(key);
    entries.set(key, { fp, tag });
    return { changed: !old || old.fp !== fp || old.tag !== tag, existed: old !== undefined, tag };
  }

  async function list(): Promise<string> {
    const seen = new Set<string>();
    const first = !synced;
    const rv = await client.listEach(spec.path, spec.query ?? {}, spec.pageSize ?? 500, spec.perm, (item) => {
      const o = item as Record<string, unknown>;
      const key = keyOf(o);
      seen.add(key);
      const r = record(o);
      if (!first && r.changed) hooks.onChange({ kind: r.existed ? "updated" : "added", key, tag: r.tag, object: o });
    });
    for (const [key, e] of [...entries]) {
      if (seen.has(key)) continue;
      entries.delete(key);
      if (!first) hooks.onChange({ kind: "deleted", key, tag: e.tag });
    }
    synced = true;
    hooks.onSynced?.();
    return rv;
  }

  function onEvent(ev: WatchEvent, setRv: (rv: string) => void): void {
    const o = ev.object ?? {};
    const rv = (o.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (rv) setRv(rv);
    if (ev.type === "BOOKMARK") return;
    const key = keyOf(o);
    if (ev.type === "DELETED") {
      const old = entries.get(key);
      entries.delete(key);
      hooks.onEvent?.(ev.type, false);
      hooks.onChange({ kind: "deleted", key, tag: old?.tag ?? spec.tag?.(o) ?? "", object: o });
      return;
    }
    const r = record(o);
    hooks.onEvent?.(ev.type, !r.changed);
    if (r.changed) hooks.onChange({ kind: r.existed ? "updated" : "added", key, tag: r.tag, object: o });
  }

  void (async () => {
    let rv: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (rv === undefined) rv = await list();
        const query = {
          ...(spec.query ?? {}),
          resourceVersion: rv,
          allowWatchBookmarks: "true",
          timeoutSeconds: String(spec.timeoutSeconds ?? 300),
        };
        let progressed = false;
        const started = Date.now();
        await client.watch(
          spec.path,
          query,
          { ...spec.perm, verb: "watch" },
          (ev) =>
            onEvent(ev, (next) => {
              rv = next;
              progressed = true;
            }),
          signal,
        );
        if (progressed) failures = 0;
        // A stream the server ends at once, again and again, must not turn into a busy loop.
        else if (Date.now() - started < 1000) await wait(backoffMs(failures++, Math.random, WATCH_BACKOFF_MAX_MS));
      } catch (err) {
        if (signal.aborted) break;
        if ((err as { status?: number }).status === 410) {
          // Too old: list again now (the difference becomes the changes).
          rv = undefined;
          continue;
        }
        hooks.onError?.(err as Error);
        await wait(backoffMs(failures++, Math.random, WATCH_BACKOFF_MAX_MS));
      }
    }
  })();

  return {
    synced: () => synced,
    size: () => entries.size,
    stop() {
      controller.abort();
      if (timer) clearTimeout(timer);
    },
  };
}
