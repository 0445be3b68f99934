// Declarative field rules taken from the controller's object models (alb-sdk swagger/<Type>.json, API 30.2.1):
// types, enums, "Allowed values are a-b", "Special values are ...", "Maximum/Minimum of N items", required
// sub-fields and defaults. Defaults of a nested message are filled only when that message is present (protobuf
// semantics: a recorded 20.1 virtual service created without analytics_policy reads back without one).
import { fail, isObj, type Obj } from "./json";

export type Field =
  | { t: "int"; min: number; max: number; special?: number[]; def?: number }
  | { t: "bool"; def?: boolean }
  | { t: "str"; def?: string }
  | { t: "enum"; values: readonly string[]; def?: string }
  | { t: "obj"; fields: Schema; required?: readonly string[] }
  | { t: "list"; of: Field; min?: number; max?: number };

export type Schema = Record<string, Field>;

/** 0..2^32-1, the range the models give unsigned 32-bit fields without a stated range. */
export const UINT32 = 4294967295;

export const int = (min: number, max: number, def?: number, special?: number[]): Field => ({
  t: "int",
  min,
  max,
  def,
  special,
});
export const bool = (def?: boolean): Field => ({ t: "bool", def });
export const str = (def?: string): Field => ({ t: "str", def });
export const oneOf = (values: readonly string[], def?: string): Field => ({ t: "enum", values, def });
export const obj = (fields: Schema, required?: readonly string[]): Field => ({ t: "obj", fields, required });
export const list = (of: Field, max?: number, min?: number): Field => ({ t: "list", of, max, min });

/** IpAddr and IpAddrPrefix, shared by several models. */
export const IP_ADDR = obj({ addr: str(), type: oneOf(["V4", "V6", "DNS"]) }, ["addr", "type"]);
export const IP_PREFIX = obj({ ip_addr: IP_ADDR, mask: int(0, 128) }, ["ip_addr", "mask"]);

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** 400 naming the field and what it accepts (the controller's `{"error": ...}` shape, research/avi-api.md §5). */
export function invalid(path: string, value: unknown, accepted: string): never {
  fail(400, `Invalid value ${show(value)} for field ${path}: ${accepted}`);
}

export function required(path: string): never {
  fail(400, `Field ${path} is required`);
}

function describeInt(f: Extract<Field, { t: "int" }>): string {
  const specials = (f.special ?? []).filter((s) => s < f.min || s > f.max);
  const range = `allowed values are ${f.min}-${f.max}`;
  return specials.length > 0 ? `${range}, special values ${specials.join(", ")}` : range;
}

/** Fill the defaults of every present (sub-)message. Booleans sent as "true"/"false" strings are normalised. */
export function fillDefaults(target: Obj, schema: Schema): void {
  for (const [key, field] of Object.entries(schema)) {
    const value = target[key];
    if (field.t === "bool" && (value === "true" || value === "false")) target[key] = value === "true";
    if (value === undefined) {
      if ("def" in field && field.def !== undefined) target[key] = field.def;
      continue;
    }
    if (field.t === "obj" && isObj(value)) fillDefaults(value, field.fields);
    if (field.t === "list" && field.of.t === "obj" && Array.isArray(value)) {
      const inner = field.of.fields;
      for (const item of value) if (isObj(item)) fillDefaults(item, inner);
    }
  }
}

function checkValue(path: string, value: unknown, field: Field): void {
  switch (field.t) {
    case "int": {
      const ok = typeof value === "number" && Number.isInteger(value);
      if (!ok || (!(field.special ?? []).includes(value) && (value < field.min || value > field.max))) {
        invalid(path, value, describeInt(field));
      }
      return;
    }
    case "bool":
      if (typeof value !== "boolean") invalid(path, value, "expected true or false");
      return;
    case "str":
      if (typeof value !== "string") invalid(path, value, "expected a string");
      return;
    case "enum":
      if (typeof value !== "string" || !field.values.includes(value)) {
        invalid(path, value, `allowed values are ${field.values.join(", ")}`);
      }
      return;
    case "obj":
      if (!isObj(value)) invalid(path, value, "expected an object");
      checkFields(value, field.fields, path, field.required);
      return;
    case "list": {
      if (!Array.isArray(value)) invalid(path, value, "expected a list");
      // An empty list reads as an unset repeated field, so "Minimum of N items" applies to non-empty lists.
      if (field.min !== undefined && value.length > 0 && value.length < field.min) {
        fail(400, `Field ${path} needs at least ${field.min} items, got ${value.length}`);
      }
      if (field.max !== undefined && value.length > field.max) {
        fail(400, `Field ${path} allows at most ${field.max} items, got ${value.length}`);
      }
      value.forEach((item, i) => {
        checkValue(`${path}[${i}]`, item, field.of);
      });
      return;
    }
  }
}

/** Check the fields a schema knows; fields it does not list are left to the model's own rules. */
export function checkFields(target: Obj, schema: Schema, prefix = "", requiredKeys: readonly string[] = []): void {
  const at = (key: string) => (prefix === "" ? key : `${prefix}.${key}`);
  for (const key of requiredKeys) if (target[key] === undefined || target[key] === null) required(at(key));
  for (const [key, field] of Object.entries(schema)) {
    const value = target[key];
    if (value === undefined || value === null) continue;
    checkValue(at(key), value, field);
  }
}
