// Label and field selectors with the grammar and error texts of k8s.io/apimachinery (labels.Parse,
// fields.ParseSelector) and the per-type field allow-lists of the real registries.
import { badRequest } from "./errors";
import type { KubeObject, ResourceType } from "./types";

export type LabelOp = "=" | "!=" | "in" | "notin" | "exists" | "!" | ">" | "<";
export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

type Token = { kind: "id" | "op" | "," | "(" | ")" | "!"; text: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const two = s.slice(i, i + 2);
    if (/\s/.test(c)) i++;
    else if (two === "!=" || two === "==") {
      out.push({ kind: "op", text: two === "==" ? "=" : "!=" });
      i += 2;
    } else if (c === "=" || c === "<" || c === ">") {
      out.push({ kind: "op", text: c });
      i++;
    } else if (c === "!" || c === "," || c === "(" || c === ")") {
      out.push({ kind: c, text: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !/[\s!=,()<>]/.test(s[j])) j++;
      const word = s.slice(i, j);
      out.push({ kind: word === "in" || word === "notin" ? "op" : "id", text: word });
      i = j;
    }
  }
  return out;
}

/** Parses a label selector; throws a 400 BadRequest with the apimachinery wording on bad syntax. */
export function parseLabelSelector(selector: string | null | undefined): LabelRequirement[] {
  if (!selector || selector.trim() === "") return [];
  const toks = tokenize(selector);
  const reqs: LabelRequirement[] = [];
  let p = 0;
  const fail = (found: string | undefined, expected: string) =>
    badRequest(`unable to parse requirement: found '${found ?? ""}', expected: ${expected}`);
  const identifier = (expected: string): string => {
    const t = toks[p++];
    if (t?.kind !== "id") throw fail(t?.text, expected);
    return t.text;
  };
  while (p < toks.length) {
    if (toks[p].kind === "!") {
      p++;
      reqs.push({ key: identifier("identifier after '!'"), op: "!", values: [] });
    } else {
      const key = identifier("identifier");
      const t = toks[p];
      if (!t || t.kind === ",") reqs.push({ key, op: "exists", values: [] });
      else if (t.kind === "op" && (t.text === "in" || t.text === "notin")) {
        p++;
        if (toks[p]?.kind !== "(") throw fail(toks[p]?.text, "'('");
        p++;
        const values: string[] = [];
        while (toks[p] && toks[p].kind !== ")") {
          if (toks[p].kind === ",") p++;
          else values.push(identifier("value"));
        }
        if (!toks[p]) throw fail(undefined, "')'");
        p++;
        reqs.push({ key, op: t.text as LabelOp, values });
      } else if (t.kind === "op") {
        p++;
        const value = toks[p]?.kind === "id" ? toks[p++].text : "";
        if ((t.text === "<" || t.text === ">") && !/^-?\d+$/.test(value)) {
          throw badRequest("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
        }
        reqs.push({ key, op: t.text as LabelOp, values: [value] });
      } else throw fail(t.text, "in, notin, =, ==, !=, gt, lt");
    }
    if (p < toks.length) {
      if (toks[p].kind !== ",") throw fail(toks[p].text, "',' or 'end of string'");
      p++;
    }
  }
  return reqs;
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    let ok: boolean;
    switch (r.op) {
      case "exists":
        ok = has;
        break;
      case "!":
        ok = !has;
        break;
      case "=":
        ok = has && v === r.values[0];
        break;
      case "!=":
        ok = !has || v !== r.values[0];
        break;
      case "in":
        ok = has && r.values.includes(v);
        break;
      case "notin":
        ok = !has || !r.values.includes(v);
        break;
      case ">":
        ok = has && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0]);
        break;
      case "<":
        ok = has && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0]);
        break;
    }
    if (!ok) return false;
  }
  return true;
}

/** The value an equality requirement pins a key to, used to pick an index instead of scanning. */
export function equalityValue(reqs: LabelRequirement[], key: string): string | undefined {
  return reqs.find((r) => r.key === key && (r.op === "=" || (r.op === "in" && r.values.length === 1)))?.values[0];
}

interface FieldTerm {
  field: string;
  negate: boolean;
  value: string;
}

function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === ",") {
      out.push(cur);
      cur = "";
    } else cur += s[i];
  }
  out.push(cur);
  return out.filter((t) => t !== "");
}

function parseFieldSelector(s: string): FieldTerm[] {
  return splitTerms(s).map((term) => {
    for (const op of ["!=", "==", "="]) {
      const at = term.indexOf(op);
      if (at >= 0) {
        const value = term.slice(at + op.length).replace(/\\(.)/g, "$1");
        return { field: term.slice(0, at).trim(), negate: op === "!=", value };
      }
    }
    throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
  });
}

function pathValue(obj: KubeObject, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) cur = cur == null ? undefined : (cur as Record<string, unknown>)[k];
  return cur;
}

/** A field's value as the registry's field-label function computes it (strings; absent is ""). */
function fieldValue(rt: ResourceType, obj: KubeObject, field: string): string | string[] {
  if (rt.resource === "pods" && field === "spec.hostNetwork") return obj.spec?.hostNetwork ? "true" : "false";
  if (rt.resource === "pods" && field === "status.podIPs")
    return (obj.status?.podIPs ?? []).map((x: { ip: string }) => x.ip);
  if (rt.resource === "nodes" && field === "spec.unschedulable") return obj.spec?.unschedulable ? "true" : "false";
  if (rt.resource === "namespaces" && field === "status.phase") return obj.status?.phase ?? "Active";
  // The event registry's "source" is the old source.component, or the newer reportingComponent.
  if (rt.resource === "events" && field === "source") return obj.source?.component || obj.reportingComponent || "";
  const v = pathValue(obj, field);
  return v == null ? "" : String(v);
}

export type FieldMatcher = ((obj: KubeObject) => boolean) & { pinnedName?: string; nodeName?: string };

/** Validates a field selector against the type's selectable fields and returns a matcher. */
export function compileFieldSelector(rt: ResourceType, selector: string | null | undefined): FieldMatcher {
  const terms = selector ? parseFieldSelector(selector) : [];
  for (const t of terms) {
    // The pod registry still converts the old spec.host label.
    if (rt.resource === "pods" && t.field === "spec.host") t.field = "spec.nodeName";
    if (!rt.fieldSelectors.includes(t.field)) {
      if (rt.fieldError === "known") {
        throw badRequest(`"${t.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
      throw badRequest(`field label not supported: ${t.field}`);
    }
    t.field = rt.fieldAliases?.[t.field] ?? t.field;
  }
  const m: FieldMatcher = (obj) =>
    terms.every((t) => {
      const v = fieldValue(rt, obj, t.field);
      const eq = Array.isArray(v) ? v.includes(t.value) : v === t.value;
      return t.negate ? !eq : eq;
    });
  m.pinnedName = terms.find((t) => t.field === "metadata.name" && !t.negate)?.value;
  m.nodeName = terms.find((t) => t.field === "spec.nodeName" && !t.negate)?.value;
  return m;
}
