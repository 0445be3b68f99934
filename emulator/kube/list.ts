// Lists with label and field selectors, limit/continue over a consistent snapshot and resourceVersion checks.
// A page never copies the store: the first page keeps a reference to the sorted, immutable object array and
// later pages resume from a binary search for the last key served.
import { ApiError, badRequest, expiredContinue } from "./errors";
import { gvString } from "./resources";
import { compileFieldSelector, equalityValue, matchesLabels, parseLabelSelector } from "./selectors";
import { SERVICE_NAME_LABEL } from "./slices";
import { objectKey, type Store } from "./store";
import type { Json, KubeObject, ResourceType } from "./types";

const SNAPSHOT_TTL_MS = 5 * 60_000; // etcd compaction makes real continue tokens expire after about 5 minutes
const MAX_SNAPSHOTS = 256;

interface Snapshot {
  items: readonly KubeObject[];
  rv: number;
  at: number;
}

export interface Paginator {
  snapshots: Map<string, Snapshot>;
  next: number;
}

export const createPaginator = (): Paginator => ({ snapshots: new Map(), next: 1 });

export interface ListResult {
  items: KubeObject[];
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

interface Token {
  rv: number;
  start: string;
  snap: string;
}

function decodeToken(s: string): Token {
  try {
    const t = JSON.parse(Buffer.from(s, "base64").toString("utf8"));
    if (typeof t.start === "string" && typeof t.snap === "string") return t;
  } catch {
    // fall through to the server's own wording
  }
  throw badRequest(`continue key is not valid: ${s.length ? "incorrect encoded start resourceVersion" : "empty"}`);
}

const keyOf = (o: KubeObject) => objectKey(o.metadata.namespace, o.metadata.name);

function firstAfter(items: readonly KubeObject[], start: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(items[mid]) <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Candidate objects, through an index when the selectors pin one (slices of one service, pods of one node). */
function candidates(
  store: Store,
  rt: ResourceType,
  ns: string | undefined,
  labelSel: string | null,
  nodeName?: string,
) {
  if (rt.resource === "endpointslices" && labelSel) {
    const svc = equalityValue(parseLabelSelector(labelSel), SERVICE_NAME_LABEL);
    if (svc !== undefined && ns !== undefined) return store.byIndex("endpointslices", "service", `${ns}/${svc}`);
    if (svc !== undefined) return store.byIndex("endpointslices", "serviceName", svc);
  }
  if (rt.resource === "pods" && nodeName !== undefined && nodeName !== "") {
    const onNode = store.byIndex("pods", "node", nodeName);
    return ns === undefined ? onNode : onNode.filter((p) => p.metadata.namespace === ns);
  }
  return store.list(rt.resource, ns);
}

export function listObjects(
  store: Store,
  pager: Paginator,
  rt: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
  expireContinue: () => boolean,
): ListResult {
  const labelSel = q.get("labelSelector");
  const fieldSel = q.get("fieldSelector");
  const labels = parseLabelSelector(labelSel);
  const fields = compileFieldSelector(rt, fieldSel);
  const limitRaw = q.get("limit");
  const limit = limitRaw ? Number(limitRaw) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit must be a non-negative integer, got ${limitRaw}`);
  const cont = q.get("continue");
  let items: readonly KubeObject[];
  let rv: number;
  let from = 0;
  let snapId: string | undefined;
  if (cont) {
    const tok = decodeToken(cont);
    const snap = pager.snapshots.get(tok.snap);
    if (!snap || Date.now() - snap.at > SNAPSHOT_TTL_MS || expireContinue()) {
      pager.snapshots.delete(tok.snap);
      throw expiredContinue();
    }
    items = snap.items;
    rv = snap.rv;
    from = firstAfter(items, tok.start);
    snapId = tok.snap;
  } else {
    const rvParam = q.get("resourceVersion");
    if (rvParam && rvParam !== "0" && Number(rvParam) > store.rv()) {
      throw new ApiError(504, "Timeout", `Too large resource version: ${rvParam}, current: ${store.rv()}`, {
        causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
        retryAfterSeconds: 1,
      });
    }
    items = candidates(store, rt, ns, labelSel, fields.nodeName);
    rv = store.rv();
  }
  const page: KubeObject[] = [];
  let i = from;
  let more = false;
  for (; i < items.length; i++) {
    const o = items[i];
    if (!matchesLabels(labels, o.metadata.labels) || !fields(o)) continue;
    if (limit > 0 && page.length === limit) {
      more = true;
      break;
    }
    page.push(o);
  }
  const metadata: ListResult["metadata"] = { resourceVersion: String(rv) };
  if (more) {
    if (!snapId) {
      snapId = String(pager.next++);
      pager.snapshots.set(snapId, { items, rv, at: Date.now() });
      if (pager.snapshots.size > MAX_SNAPSHOTS) pager.snapshots.delete(pager.snapshots.keys().next().value!);
    }
    const token: Token = { rv, start: keyOf(page[page.length - 1]), snap: snapId };
    metadata.continue = Buffer.from(JSON.stringify(token)).toString("base64");
    // Like the real store, the count is only known when nothing is filtered.
    if (!labelSel && !fieldSel) metadata.remainingItemCount = items.length - i;
  }
  return { items: page, metadata };
}

/** The JSON list body: built-in list items carry no apiVersion/kind, custom resource items keep them. */
export function listBody(rt: ResourceType, result: ListResult): Json {
  const items = rt.crd ? result.items : result.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  return { kind: `${rt.kind}List`, apiVersion: gvString(rt), metadata: result.metadata, items };
}
