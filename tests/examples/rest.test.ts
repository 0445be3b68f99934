// The demo reads the controller back with a plain REST client of its own (examples/demo/rest.ts), never with the
// product's client: a bug in provider/avi must not be able to hide itself in what the demo shows.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { addForeignRoute, FOREIGN_ROUTE } from "../../examples/demo/cluster";
import { type RestClient, restLogin } from "../../examples/demo/rest";
import { readControllerView } from "../../examples/demo/view";

const DEMO = path.resolve(__dirname, "../../../examples/demo");

describe("demo: reading the controller back with plain REST calls", function () {
  this.timeout(30_000);
  let avi: AviEmulator;
  let rest: RestClient;

  before(async () => {
    avi = await startAviEmulator();
    rest = await restLogin({ url: avi.url, username: avi.username, password: avi.password, caCert: avi.caCert });
  });
  after(async () => {
    await rest?.logout();
    await avi?.stop();
  });

  it("lists every object of a type across pages, as the controller holds them", async () => {
    const all = avi
      .objects("healthmonitor")
      .map((o) => o.uuid)
      .sort();
    assert.ok(all.length > 3, "a fresh controller has its System-* monitors");
    const from = avi.requestLog.length;
    const paged = (await rest.list("healthmonitor", { page_size: "2" })).map((o) => o.uuid).sort();
    assert.deepEqual(paged, all);
    const pages = avi.requestLog.slice(from).filter((e) => e.path.startsWith("/api/healthmonitor"));
    assert.equal(pages.length, Math.ceil(all.length / 2), "one request per page, following next");
  });

  it("writes the route someone placed by hand, with CSRF and Referer as the controller demands, and reads it back", async () => {
    await addForeignRoute(rest);
    const global = avi.objects("vrfcontext").find((v) => v.name === "global");
    const routes = (global?.static_routes ?? []) as { route_id: string; labels?: unknown }[];
    assert.deepEqual(
      routes.map((r) => [r.route_id, r.labels]),
      [["ops-uplink", undefined]],
    );
    const view = await readControllerView(rest);
    assert.deepEqual(view.routes, [{ prefix: FOREIGN_ROUTE.prefix, nextHop: FOREIGN_ROUTE.nextHop }]);
    assert.deepEqual(view.virtualServices, []);
  });

  it("names the call and the controller's status when the controller refuses", async () => {
    await assert.rejects(
      restLogin({ url: avi.url, username: avi.username, password: "wrong", caCert: avi.caCert }),
      /POST \/login on the controller answered 401/,
    );
  });

  it("the demo's read-back and its hand-placed route use nothing of provider/ or sdk/", () => {
    for (const file of ["rest.ts", "view.ts", "cluster.ts", "format.ts", "topology.ts"]) {
      const text = fs.readFileSync(path.join(DEMO, file), "utf8");
      const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string);
      assert.deepEqual(
        imports.filter((i) => /(^|\/)(provider|sdk)(\/|$)/.test(i)),
        [],
        `${file} imports the product`,
      );
    }
  });
});
