// Kubernetes label selectors in their string form (what `kubectl get nodes -l ...` takes), parsed and matched as
// k8s.io/apimachinery/pkg/labels does: requirements separated by commas, each `key`, `!key`, `key=value`,
// `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key>N` or `key<N`. Keys are qualified names
// (an optional DNS-subdomain prefix and '/', then a name of at most 63 characters) and values label values (at most
// 63, may be empty), so a typo fails check() with the position instead of silently matching no node. Pure.

export type SelectorOperator = "exists" | "!" | "=" | "==" | "!=" | "in" | "notin" | ">" | "<";

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  /** Empty for exists and !; one value for =, ==, !=, > and <; a set for in and notin. */
  values: string[];
}

export type ParsedSelector = { ok: true; requirements: Requirement[] } | { ok: false; error: string };

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SPECIAL = new Set([",", "=", "!", "(", ")", "<", ">"]);

interface Token {
  kind: "id" | "op" | "(" | ")" | ",";
  text: string;
  at: number;
}

function tokens(text: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ kind: c, text: c, at: i });
      i++;
      continue;
    }
    if (c === "=" || c === "!" || c === "<" || c === ">") {
      const two = text.slice(i, i + 2);
      const op = two === "==" || two === "!=" ? two : c;
      out.push({ kind: "op", text: op, at: i });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < text.length && !SPECIAL.has(text[j] as string) && !/\s/.test(text[j] as string)) j++;
    out.push({ kind: "id", text: text.slice(i, j), at: i });
    i = j;
  }
  return out;
}

/** Why `key` is not a qualified name, or undefined. */
export function keyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return `'${key}' has more than one '/'`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `the prefix of '${key}' is not a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253)`;
  }
  if (!name || name.length > 63 || !NAME.test(name)) {
    return `'${key}' is not a label key (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63, after an optional prefix/)`;
  }
  return undefined;
}

/** Why `value` is not a label value, or undefined. */
export function valueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  return value.length <= 63 && NAME.test(value)
    ? undefined
    : `'${value}' is not a label value (letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63)`;
}

/** Parses a selector string; "" selects everything. Errors name the position (1-based column) and the rule. */
export function parseSelector(text: string): ParsedSelector {
  const toks = tokens(text);
  if (typeof toks === "string") return { ok: false, error: toks };
  const requirements: Requirement[] = [];
  let i = 0;
  const fail = (t: Token | undefined, why: string): ParsedSelector => ({
    ok: false,
    error: t ? `at column ${t.at + 1} ('${t.text}'): ${why}` : `at the end: ${why}`,
  });
  while (i < toks.length) {
    let t = toks[i];
    let negated = false;
    if (t?.kind === "op" && t.text === "!") {
      negated = true;
      t = toks[++i];
    }
    if (t?.kind !== "id") return fail(t, "a label key was expected");
    const key = t.text;
    const badKey = keyProblem(key);
    if (badKey) return fail(t, badKey);
    i++;
    let next = toks[i];
    if (negated || next === undefined || next.kind === ",") {
      requirements.push({ key, operator: negated ? "!" : "exists", values: [] });
    } else if (next.kind === "op" && next.text !== "!") {
      const operator = next.text as SelectorOperator;
      const v = toks[i + 1];
      // `key=` (then a comma or the end) is the empty value.
      const value = v?.kind === "id" ? v.text : "";
      if (v?.kind === "id") i++;
      i++;
      if (operator === ">" || operator === "<") {
        if (!/^-?\d+$/.test(value)) return fail(next, `'${operator}' needs an integer value, got '${value}'`);
      } else {
        const badValue = valueProblem(value);
        if (badValue) return fail(v, badValue);
      }
      requirements.push({ key, operator, values: [value] });
    } else if (next.kind === "id" && (next.text === "in" || next.text === "notin")) {
      const operator = next.text;
      if (toks[i + 1]?.kind !== "(") return fail(toks[i + 1], `'${operator}' needs a list in parentheses, e.g. (a,b)`);
      i += 2;
      const values: string[] = [];
      for (;;) {
        const v = toks[i];
        if (v?.kind === ")" && values.length === 0) return fail(v, `'${operator}' needs at least one value`);
        const value = v?.kind === "id" ? v.text : "";
        if (v?.kind === "id") i++;
        const badValue = valueProblem(value);
        if (badValue) return fail(v, badValue);
        values.push(value);
        const sep = toks[i];
        i++;
        if (sep?.kind === ")") break;
        if (sep?.kind !== ",") return fail(sep, "',' or ')' was expected in the value list");
      }
      requirements.push({ key, operator, values: [...new Set(values)].sort() });
    } else {
      return fail(next, "an operator (=, ==, !=, in, notin, >, <) or ',' was expected");
    }
    next = toks[i];
    if (next === undefined) break;
    if (next.kind !== ",") return fail(next, "',' was expected between requirements");
    i++;
    if (toks[i] === undefined) return fail(undefined, "a requirement was expected after ','");
  }
  return { ok: true, requirements };
}

/** Whether a node's labels satisfy every requirement (apimachinery's Requirement.Matches). */
export function matchesSelector(requirements: readonly Requirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key] ?? "";
    switch (r.operator) {
      case "exists":
        return has;
      case "!":
        return !has;
      case "=":
      case "==":
      case "in":
        return has && r.values.includes(v);
      case "!=":
      case "notin":
        return !has || !r.values.includes(v);
      case ">":
      case "<": {
        if (!has || !/^-?\d+$/.test(v)) return false;
        const a = BigInt(v);
        const b = BigInt(r.values[0] ?? "0");
        return r.operator === ">" ? a > b : a < b;
      }
    }
    return false;
  });
}

/** One requirement as apimachinery prints it ("zone in (a,b)", "!gpu", "tier=edge"). */
export function requirementText(r: Requirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${r.values.join(",")})`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ""}`;
  }
}

/** The canonical form: requirements in key order, one each as requirementText. */
export function selectorText(requirements: readonly Requirement[]): string {
  return [...requirements]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(requirementText)
    .join(",");
}
