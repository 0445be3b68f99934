// Kubernetes Events about a Service (events.k8s.io/v1, `regarding` the Service by uid), so `kubectl describe svc`
// tells what the load balancer did. Recording never fails the caller: a refused or lost event is reported to
// `onError` and forgotten. Events are bounded per Service and reason: the first goes at once, the others within
// `intervalMs` are folded into one event at the end of the interval that says how many it stands for, so a rollout
// of 30 pods writes a few events, not 30. Needs only `create` on events.k8s.io events.
import { randomBytes } from "node:crypto";
import type { KubeClient } from "./client";
import type { Permission } from "./errors";

export interface EventRegarding {
  namespace: string;
  name: string;
  uid?: string;
}

export interface EventSpec {
  type: "Normal" | "Warning";
  /** CamelCase, e.g. "PoolUpdated". */
  reason: string;
  /** What was done, e.g. "UpdatePool". */
  action: string;
  note: string;
}

export interface EventRecorder {
  record(regarding: EventRegarding, event: EventSpec): void;
  /** Writes what is held back and waits for every write in flight. */
  flush(): Promise<void>;
}

export interface RecorderOptions {
  /** reportingController: a qualified name such as avi-k8s.io/sync. */
  controller: string;
  /** reportingInstance: which process (a pod name, a host); at most 128 characters. */
  instance: string;
  /** Events per Service and reason: one at once, the rest folded at the end of this interval; 0 writes each. */
  intervalMs?: number;
  onError?(err: Error, event: EventSpec): void;
  /** Called just before each write; throwing stops it (the sync's leader check). */
  beforeWrite?(): void;
}

const NOTE_LIMIT = 1024;

/** A MicroTime as the API server wants it: six fractional digits. */
function microTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}.${String(d.getMilliseconds()).padStart(3, "0")}000Z`;
}

function clip(text: string): string {
  return text.length <= NOTE_LIMIT ? text : `${text.slice(0, NOTE_LIMIT - 1)}…`;
}

export function createEventRecorder(client: KubeClient, o: RecorderOptions): EventRecorder {
  const interval = Math.max(0, o.intervalMs ?? 0);
  const held = new Map<
    string,
    { regarding: EventRegarding; event: EventSpec; folded: number; timer?: NodeJS.Timeout }
  >();
  const inFlight = new Set<Promise<void>>();

  function write(regarding: EventRegarding, event: EventSpec): void {
    try {
      o.beforeWrite?.();
    } catch {
      return;
    }
    const now = new Date();
    const body = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: {
        name: `${regarding.name}.${now.getTime().toString(16)}${randomBytes(3).toString("hex")}`,
        namespace: regarding.namespace,
      },
      eventTime: microTime(now),
      reportingController: o.controller,
      reportingInstance: o.instance.slice(0, 128),
      action: event.action,
      reason: event.reason,
      type: event.type,
      note: clip(event.note),
      regarding: {
        apiVersion: "v1",
        kind: "Service",
        namespace: regarding.namespace,
        name: regarding.name,
        ...(regarding.uid ? { uid: regarding.uid } : {}),
      },
    };
    const perm: Permission = {
      verb: "create",
      resource: "events",
      group: "events.k8s.io",
      namespace: regarding.namespace,
    };
    const path = `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(regarding.namespace)}/events`;
    const p = client
      .send("POST", path, body, perm)
      .then((r) => {
        if (r.status < 200 || r.status >= 300) {
          const m = (r.body as { message?: unknown } | undefined)?.message;
          throw new Error(
            `create event ${event.reason} on Service ${regarding.namespace}/${regarding.name}: ${r.status}${typeof m === "string" ? ` ${m}` : ""}`,
          );
        }
      })
      .catch((err: unknown) => o.onError?.(err instanceof Error ? err : new Error(String(err)), event))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  function release(key: string): void {
    const h = held.get(key);
    if (!h) return;
    if (h.folded === 0) {
      held.delete(key);
      return;
    }
    const seconds = Math.round(interval / 1000);
    const more = h.folded - 1;
    const suffix =
      more > 0 ? ` (and ${more} earlier event${more === 1 ? "" : "s"} like it in the last ${seconds} s)` : "";
    write(h.regarding, { ...h.event, note: `${h.event.note}${suffix}` });
    h.folded = 0;
    h.timer = setTimeout(() => release(key), interval);
    h.timer.unref?.();
  }

  return {
    record(regarding, event) {
      if (interval === 0) return write(regarding, event);
      const key = `${regarding.uid ?? `${regarding.namespace}/${regarding.name}`}|${event.reason}`;
      const h = held.get(key);
      if (h) {
        h.regarding = regarding;
        h.event = event;
        h.folded++;
        return;
      }
      write(regarding, event);
      const timer = setTimeout(() => release(key), interval);
      timer.unref?.();
      held.set(key, { regarding, event, folded: 0, timer });
    },
    async flush() {
      for (const [key, h] of [...held]) {
        clearTimeout(h.timer);
        if (h.folded > 0) release(key);
        clearTimeout(held.get(key)?.timer);
        held.delete(key);
      }
      await Promise.all([...inFlight]);
    },
  };
}
