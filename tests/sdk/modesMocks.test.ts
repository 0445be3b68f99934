// The mode-neutral names under pulumi.runtime.setMocks: AviK8sIntegration in a node-port mode declares no routes
// and hands kubernetes.mode (and annotateService) to its virtual services; ClusterIpIntegration refuses such a mode
// and points to the other name; AviK8sVirtualService is the same resource type as ClusterIpVirtualService.
import * as assert from "node:assert/strict";
import { runProgram, stripSecrets } from "../../emulator/engine";
import { AviK8sIntegration, AviK8sVirtualService, ClusterIpIntegration } from "../../sdk";
import { ROUTES_TYPE, VS_TYPE } from "./support";

describe("mode-neutral resource names under mocks", function () {
  this.timeout(60_000);

  it("AviK8sIntegration in mode nodeportlocal declares no routes and passes the mode and annotateService on", async () => {
    let routes: unknown = "unset";
    const run = await runProgram(() => {
      const it = new AviK8sIntegration("np", {
        cluster: "c1",
        kubernetes: { mode: "nodeportlocal" },
        services: [{ service: { name: "web" }, vip: { address: "10.10.10.50" }, annotateService: true }],
      });
      routes = it.routes;
      return { routes: it.routeList };
    });
    assert.equal(routes, undefined);
    assert.equal(
      run.resources.filter((r) => r.type === ROUTES_TYPE).length,
      0,
      "no routes resource in a node-port mode",
    );
    const web = stripSecrets<Record<string, unknown>>(run.resource("np-web").inputs);
    assert.equal(run.resource("np-web").type, VS_TYPE);
    assert.deepEqual([web.mode, web.annotateService], ["nodeportlocal", true]);
  });

  it("ClusterIpIntegration refuses a node-port mode and names AviK8sIntegration", async () => {
    await assert.rejects(
      runProgram(() => {
        new ClusterIpIntegration("x", { cluster: "c1", kubernetes: { mode: "nodeport" } });
        return {};
      }),
      /mode nodeport has no static routes; use AviK8sIntegration/,
    );
  });

  it("AviK8sVirtualService registers the ClusterIpVirtualService type, with the node selector it was given", async () => {
    const run = await runProgram(() => {
      new AviK8sVirtualService("web", {
        cluster: "c1",
        service: { name: "web" },
        kubernetes: { mode: "nodeport", nodeSelector: "node-role.kubernetes.io/worker" },
        nodeNetworks: ["10.100.1.0/24"],
      });
      return {};
    });
    const r = run.resource("web");
    assert.equal(r.type, VS_TYPE);
    const inputs = stripSecrets<Record<string, unknown>>(r.inputs);
    assert.deepEqual(
      [inputs.mode, inputs.nodeSelector, inputs.nodeNetworks],
      ["nodeport", "node-role.kubernetes.io/worker", ["10.100.1.0/24"]],
    );
  });
});
