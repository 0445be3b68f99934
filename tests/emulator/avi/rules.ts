// Assertions shared by the field-rule tests: a refused write is a 400 whose `{"error": ...}` names the field, and
// nothing of that name was stored.
import * as assert from "node:assert/strict";
import type { Resp, Session } from "./http";

export function assertRefused(r: Resp, pattern: RegExp, status = 400): void {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.equal(typeof r.json?.error, "string", `the body is {"error": ...}: ${r.text}`);
  assert.match(r.json.error, pattern);
}

export async function assertAbsent(s: Session, type: string, name: string): Promise<void> {
  const list = await s.call("GET", `/api/${type}?name=${encodeURIComponent(name)}`);
  assert.equal(list.json.count, 0, `${type} ${name} must not have been written`);
}

/** POST that must be refused with a 400 naming the field; checks nothing was created. */
export async function refuses(
  s: Session,
  type: string,
  body: { name: string; [field: string]: unknown },
  pattern: RegExp,
): Promise<void> {
  assertRefused(await s.call("POST", `/api/${type}`, body), pattern);
  await assertAbsent(s, type, body.name);
}

/** POST that must succeed; returns the created object. */
// biome-ignore lint/suspicious/noExplicitAny: tests walk dynamic JSON.
export async function creates(s: Session, type: string, body: unknown): Promise<any> {
  const r = await s.call("POST", `/api/${type}`, body);
  assert.equal(r.status, 201, `create ${type}: ${r.text}`);
  return r.json;
}
