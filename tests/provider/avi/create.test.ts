// No blind replay of a create: after a 502/503/504 or a broken connection the POST may have been applied, so the
// client looks the object up by name before creating it again, and adopts it only when its markers are ours.
import * as assert from "node:assert/strict";
import { AviError, createAviSession, markersFor } from "../../../provider/avi";
import { upsert } from "../../../provider/avi/store";
import { loginReply, type SeenRequest, startTiny, type TinyController } from "./tiny-controller";

type Json = Record<string, unknown>;
const scope = { cluster: "c1", namespace: "default", service: "web" };
const body = { name: "c1--default-web-TCP-80", servers: [], markers: markersFor(scope) };

/** A controller that stores pools, and answers the first `failFirst` POSTs with `status` (after or before storing). */
function controller(opts: { status: number; applied: boolean; failFirst?: number; existing?: Json }) {
  const pools = new Map<string, Json>();
  if (opts.existing) pools.set(String(opts.existing.name), opts.existing);
  let failures = opts.failFirst ?? 1;
  return (r: SeenRequest) => {
    if (r.url === "/login") return loginReply();
    if (r.method === "POST" && r.url === "/api/pool") {
      const obj: Json = { ...(JSON.parse(r.body) as Json), uuid: `pool-${pools.size + 1}` };
      if (failures-- > 0) {
        if (opts.applied) pools.set(String(obj.name), obj);
        return { status: opts.status, body: "" };
      }
      pools.set(String(obj.name), obj);
      return { status: 201, body: obj };
    }
    if (r.method === "GET" && r.url.startsWith("/api/pool?")) {
      const name = new URL(r.url, "http://x").searchParams.get("name");
      const results = [...pools.values()].filter((p) => p.name === name);
      return { status: 200, body: { count: results.length, results } };
    }
    return undefined;
  };
}

describe("provider/avi: creates are looked up before they are sent again", () => {
  let tiny: TinyController | undefined;
  afterEach(async () => {
    await tiny?.stop();
    tiny = undefined;
  });
  const posts = () => tiny?.seen.filter((r) => r.method === "POST" && r.url === "/api/pool").length;
  const session = () => createAviSession({ controller: tiny!.url, username: "admin", password: "pw", retryBaseMs: 1 });

  for (const status of [502, 503, 504]) {
    it(`adopts the pool a create answered with ${status} had made, without a second POST`, async () => {
      tiny = await startTiny(controller({ status, applied: true }));
      const pool = await upsert(session(), scope, "pool", undefined, body, { writes: 0 });
      assert.equal(pool.uuid, "pool-1");
      assert.equal(posts(), 1, "the create landed: sending it again would make a second pool or a 409");
    });
  }

  it("refuses an object of that name whose markers are not ours, and does not send the create again", async () => {
    const foreign = { name: body.name, uuid: "pool-x", markers: markersFor({ ...scope, cluster: "other" }) };
    tiny = await startTiny(controller({ status: 502, applied: false, existing: foreign }));
    const err = await upsert(session(), scope, "pool", undefined, body, { writes: 0 }).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.match(err.message, /exists but is not ours \(markers say cluster other/);
    assert.equal(posts(), 1);
  });

  it("sends the create again when the lookup shows it did not land", async () => {
    tiny = await startTiny(controller({ status: 503, applied: false }));
    const pool = await upsert(session(), scope, "pool", undefined, body, { writes: 0 });
    assert.equal(pool.name, body.name);
    assert.equal(posts(), 2);
    const gets = tiny.seen.filter((r) => r.method === "GET").length;
    assert.equal(gets, 1, "one lookup before the second POST");
  });

  it("never repeats a create the controller itself refused (500), and looks nothing up", async () => {
    tiny = await startTiny(controller({ status: 500, applied: false }));
    const err = await upsert(session(), scope, "pool", undefined, body, { writes: 0 }).catch((e: unknown) => e);
    assert.ok(err instanceof AviError);
    assert.equal(err.status, 500);
    assert.equal(posts(), 1);
  });
});
