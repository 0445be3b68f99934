// Collection GETs: the {count, results, next} envelope, 1-based page/page_size (25 by default, at most 200),
// and the filters clients use (name, name.contains, uuid.in, refers_to, referred_by, cloud_ref.name/uuid,
// created_by and other scalar fields, fields=, sort=).
import { fail, type Obj } from "./json";
import { refsIn, visible } from "./refs";
import { all, find, type State, typeOfRef, uuidOfRef } from "./store";

const CONTROL = new Set([
  "page",
  "page_size",
  "fields",
  "include_name",
  "skip_default",
  "join_subresources",
  "sort",
  "refers_to",
  "referred_by",
  "name",
  "name.contains",
  "name.icontains",
  "name.in",
  "uuid.in",
  "cloud_ref.name",
  "cloud_ref.uuid",
  "cloud_uuid",
  "exclude",
]);

function parseTypedUuid(value: string, param: string): [string, string] {
  const at = value.indexOf(":");
  if (at <= 0) fail(400, `${param} must look like <type>:<uuid>`);
  return [value.slice(0, at), value.slice(at + 1)];
}

export function filterObjects(state: State, type: string, q: URLSearchParams, tenant: string): Obj[] {
  let items = all(state, type).filter((o) => visible(type, o, tenant));
  const name = q.get("name");
  if (name !== null) items = items.filter((o) => o.name === name);
  const contains = q.get("name.contains");
  if (contains !== null) items = items.filter((o) => String(o.name ?? "").includes(contains));
  const icontains = q.get("name.icontains");
  if (icontains !== null) {
    items = items.filter((o) =>
      String(o.name ?? "")
        .toLowerCase()
        .includes(icontains.toLowerCase()),
    );
  }
  const nameIn = q.get("name.in");
  if (nameIn !== null) items = items.filter((o) => nameIn.split(",").includes(String(o.name)));
  const uuidIn = q.get("uuid.in");
  if (uuidIn !== null) items = items.filter((o) => uuidIn.split(",").includes(String(o.uuid)));
  const cloudName = q.get("cloud_ref.name");
  if (cloudName !== null) {
    items = items.filter(
      (o) => typeof o.cloud_ref === "string" && find(state, "cloud", uuidOfRef(o.cloud_ref))?.name === cloudName,
    );
  }
  const cloudUuid = q.get("cloud_ref.uuid") ?? q.get("cloud_uuid");
  if (cloudUuid !== null) {
    items = items.filter((o) => typeof o.cloud_ref === "string" && uuidOfRef(o.cloud_ref) === cloudUuid);
  }
  const refersTo = q.get("refers_to");
  if (refersTo !== null) {
    const [t, u] = parseTypedUuid(refersTo, "refers_to");
    items = items.filter((o) => refsIn(o).includes(`/api/${t}/${u}`));
  }
  const referredBy = q.get("referred_by");
  if (referredBy !== null) {
    const [t, u] = parseTypedUuid(referredBy, "referred_by");
    const source = find(state, t, u);
    const targets = new Set(
      source
        ? refsIn(source)
            .filter((r) => typeOfRef(r) === type)
            .map((r) => uuidOfRef(r))
        : [],
    );
    items = items.filter((o) => targets.has(String(o.uuid)));
  }
  // Any other key=value is a scalar field filter (AKO filters on created_by=<user>).
  for (const [key, value] of q.entries()) {
    if (CONTROL.has(key)) continue;
    items = items.filter((o) => o[key] !== undefined && typeof o[key] !== "object" && String(o[key]) === value);
  }
  const sort = q.get("sort");
  if (sort) {
    const desc = sort.startsWith("-");
    const field = desc ? sort.slice(1) : sort;
    items = [...items].sort((a, b) => String(a[field] ?? "").localeCompare(String(b[field] ?? "")) * (desc ? -1 : 1));
  }
  return items;
}

export interface Page {
  items: Obj[];
  count: number;
  nextPage?: number;
}

export function paginate(items: Obj[], q: URLSearchParams): Page {
  const size = q.get("page_size") === null ? 25 : Number(q.get("page_size"));
  if (!Number.isInteger(size) || size < 1 || size > 200) fail(400, "page_size must be an integer from 1 to 200");
  const page = q.get("page") === null ? 1 : Number(q.get("page"));
  if (!Number.isInteger(page) || page < 1) fail(400, "page must be an integer from 1");
  const start = (page - 1) * size;
  const slice = items.slice(start, start + size);
  return { items: slice, count: items.length, nextPage: start + size < items.length ? page + 1 : undefined };
}

/** Only the requested fields, plus the ones the controller always returns. */
export function pickFields(obj: Obj, fields: string | null): Obj {
  if (!fields) return obj;
  const keep = new Set([...fields.split(","), "name", "uuid", "url"]);
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) if (keep.has(k)) out[k] = v;
  return out;
}
