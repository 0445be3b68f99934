// A delete that leaves objects behind says so: what is ours is deleted, and the delete fails naming each object
// it could not remove and why, so Pulumi keeps the resource instead of recording a clean delete.
import * as assert from "node:assert/strict";
import { HostCallError, serializeProvider } from "../../emulator/engine";
import { virtualServiceProvider } from "../../sdk";
import { useLabHost, VS_TYPE } from "./support";

type Json = Record<string, unknown>;

describe("sdk: a delete that leaves objects behind", function () {
  this.timeout(60_000);
  const t = useLabHost();

  it("deletes what is ours, then fails naming the pool someone else took over", async () => {
    const r = { type: VS_TYPE, name: "web" };
    const news = {
      __provider: (await serializeProvider(virtualServiceProvider)).text,
      cluster: "c1",
      service: "web",
      vip: { address: "10.10.10.50" },
    };
    const checked = await t.host.check({ ...r, news });
    const created = await t.host.create({ ...r, properties: checked.inputs });

    // Someone relabels our pool for another cluster (in the UI, or another tool with the same names).
    const s = t.lab.session();
    const [pool] = await s.list<Json>("pool", { params: { name: "c1--default-web-TCP-80" } });
    const markers = [{ key: "clustername", values: ["other"] }];
    await s.put(`pool/${String(pool?.uuid)}`, { ...pool, markers });

    const err = await t.host.delete({ ...r, id: created.id, properties: created.properties }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof HostCallError, "Pulumi must not record a clean delete");
    assert.match(err.details, /left 1 object there: pool c1--default-web-TCP-80 \(pool-[^)]+\): it is not ours/);
    assert.match(err.details, /markers say cluster other/);
    assert.deepEqual(t.lab.avi.objects("virtualservice"), [], "what was ours is gone");
    assert.deepEqual(t.lab.avi.objects("vsvip"), []);
    assert.equal(t.lab.avi.objects("pool").length, 1, "the foreign pool stays");
  });
});
