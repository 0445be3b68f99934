// Watch: a chunked stream of JSON lines ({"type","object"}), starting from a resourceVersion (replayed from the
// event log) or from the current state (synthetic ADDED events), with periodic BOOKMARKs when asked for and an
// end after timeoutSeconds. Objects that stop (or start) matching the selectors leave (or enter) as DELETED (ADDED).
import type * as http from "node:http";
import { statusBody } from "./errors";
import { queryFlag } from "./params";
import { gvString } from "./resources";
import { compileFieldSelector, matchesLabels, parseLabelSelector } from "./selectors";
import type { Store, StoreEvent } from "./store";
import { type IncludeObject, toTable } from "./tables";
import type { Json, KubeObject, ResourceType } from "./types";

export interface WatchOptions {
  table: boolean;
  includeObject: IncludeObject;
  bookmarkIntervalMs: number;
  /** Registers a closer so that stop() ends open watches. */
  track(close: () => void): () => void;
}

export function serveWatch(
  store: Store,
  rt: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: WatchOptions,
): void {
  const labels = parseLabelSelector(q.get("labelSelector"));
  const fields = compileFieldSelector(rt, q.get("fieldSelector"));
  const matches = (o: KubeObject | undefined) =>
    o !== undefined &&
    (ns === undefined || o.metadata.namespace === ns) &&
    matchesLabels(labels, o.metadata.labels) &&
    fields(o);
  const rvParam = q.get("resourceVersion");
  const since = rvParam && rvParam !== "0" ? Number(rvParam) : undefined;

  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  // Headers go out at once, as with the real server: clients wait for them before the first event.
  res.flushHeaders();
  let first = true;
  const send = (type: string, obj: Json) => {
    if (res.writableEnded) return;
    let object = obj;
    if (opts.table && type !== "BOOKMARK" && type !== "ERROR") {
      object = toTable(rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, opts.includeObject, first);
      first = false;
    } else if (rt.view && type !== "BOOKMARK" && type !== "ERROR") object = rt.view.fromStored(obj);
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const deliver = (ev: StoreEvent) => {
    // A watch from a resourceVersion the store has not reached yet starts once it has (the watch cache's rule).
    if (ev.resource !== rt.resource || (since !== undefined && ev.rv <= since)) return;
    const now = matches(ev.object);
    const before = ev.type === "MODIFIED" ? matches(ev.previous) : now;
    if (ev.type === "MODIFIED" && before && !now) send("DELETED", ev.object);
    else if (ev.type === "MODIFIED" && !before && now) send("ADDED", ev.object);
    else if (now) send(ev.type, ev.object);
  };

  let backlog: StoreEvent[] | undefined;
  if (since !== undefined) {
    backlog = store.eventsSince(since);
    if (!backlog) {
      send("ERROR", statusBody(410, "Expired", `too old resource version: ${since} (${store.oldestWatchable()})`));
      res.end();
      return;
    }
  }
  if (backlog) for (const ev of backlog) deliver(ev);
  else for (const o of store.list(rt.resource, ns)) if (matches(o)) send("ADDED", o);

  const unsubscribe = store.subscribe(deliver);
  const bookmarks = queryFlag(q, "allowWatchBookmarks")
    ? setInterval(
        () =>
          send("BOOKMARK", {
            kind: rt.kind,
            apiVersion: gvString(rt),
            metadata: { resourceVersion: String(store.rv()) },
          }),
        opts.bookmarkIntervalMs,
      )
    : undefined;
  const timeoutSeconds = Number(q.get("timeoutSeconds") ?? 1800);
  let untrack = () => {};
  const close = () => {
    unsubscribe();
    clearTimeout(timer);
    if (bookmarks) clearInterval(bookmarks);
    untrack();
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(close, timeoutSeconds * 1000);
  untrack = opts.track(close);
  req.on("close", close);
  res.on("close", close);
}
