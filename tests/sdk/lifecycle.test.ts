// The seed scenario as `pulumi up / refresh / destroy` would drive it, through the harness's engine loop over the
// real host: the operations each resource gets and what the controller holds after each step.
import * as assert from "node:assert/strict";
import { createStack, serializeProvider } from "../../emulator/engine";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import { controllerRoutes, controllerServers, deleteRouteByHand, ROUTES_TYPE, useLabHost, VS_TYPE } from "./support";

const POOL = "c1--default-web-TCP-80";

describe("sdk lifecycle: up, pod moves, up, hand-made drift, refresh, up, destroy", function () {
  this.timeout(60_000);
  const t = useLabHost();

  it("converges the controller at each step and shows in preview what up will change", async () => {
    const stack = createStack(t.host);
    const routes = { __provider: (await serializeProvider(routesProvider)).text, cluster: "c1" };
    const web = {
      __provider: (await serializeProvider(virtualServiceProvider)).text,
      cluster: "c1",
      service: "web",
      vip: { address: "10.10.10.50" },
    };
    const up = async () => [
      (await stack.up(ROUTES_TYPE, "routes", routes)).op,
      (await stack.up(VS_TYPE, "web", web)).op,
    ];

    assert.deepEqual(await up(), ["create", "create"]);
    assert.equal(controllerRoutes(t.lab).length, 2);
    assert.equal(controllerServers(t.lab, POOL).length, 4);
    assert.deepEqual(await up(), ["same", "same"], "a second up changes nothing");

    t.lab.kube.movePod("default", "web-d", "node1");
    const preview = await stack.preview(VS_TYPE, "web", web);
    assert.equal(preview.op, "update");
    const ips = (inputs: Record<string, unknown> | undefined) =>
      Object.keys((inputs?.pools as Record<string, { servers: object }> | undefined)?.[POOL]?.servers ?? {}).map(
        (k) => k.split(":")[0],
      );
    assert.ok(ips(preview.oldInputs).includes("192.168.102.36"));
    assert.ok(!ips(preview.newInputs).includes("192.168.102.36"), "preview's inputs show the server leaving");
    assert.deepEqual(await up(), ["same", "update"]);
    assert.deepEqual(
      controllerServers(t.lab, POOL),
      ips(preview.newInputs)
        .map((ip) => `${ip}:8080`)
        .sort(),
    );

    await deleteRouteByHand(t.lab, "192.168.101.0/24");
    assert.deepEqual(await up(), ["same", "same"], "without a refresh the engine cannot know");
    await stack.refresh("routes");
    assert.equal((await stack.preview(ROUTES_TYPE, "routes", routes)).op, "update");
    assert.deepEqual(await up(), ["update", "same"]);
    assert.equal(controllerRoutes(t.lab).length, 2, "the route is back");

    await stack.destroy("web");
    await stack.destroy("routes");
    assert.deepEqual(controllerRoutes(t.lab), []);
    assert.deepEqual(t.lab.avi.objects("virtualservice"), []);
  });
});
