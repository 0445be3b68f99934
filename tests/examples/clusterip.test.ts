// examples/clusterip, the seed scenario program, under Pulumi's mocks: what it declares by default and from stack
// config, and (through the harness's mini-engine, each resource's own stored provider run in-process) what it
// makes on the emulators when the only change is stack config pointing at them.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, stripSecrets } from "../../emulator/engine";
import { clusterIpProgram, readSettings } from "../../examples/clusterip/program";
import { clusterRoutes, poolServers, type Sites, startSites } from "./support";

const PROJECT = "avi-k8s-demo";
const SEED_SERVERS = ["192.168.101.13:8080", "192.168.101.22:8080", "192.168.102.17:8080", "192.168.102.36:8080"];
const SEED_ROUTES = ["192.168.101.0/24 via 10.100.1.101", "192.168.102.0/24 via 10.100.1.102"];

function withConfig(values: Record<string, string>): void {
  pulumi.runtime.setAllConfig(values, []);
}

describe("examples/clusterip", function () {
  this.timeout(60_000);
  let sites: Sites;

  before(async () => {
    sites = await startSites();
  });
  after(async () => {
    withConfig({});
    await sites?.stop();
  });

  it("declares the cluster's routes and a virtual service with a VIP for Service default/web, with no connection in the code", async () => {
    withConfig({});
    const run = await runProgram(() => clusterIpProgram(), { project: PROJECT });
    const routes = stripSecrets<Record<string, unknown>>(run.resource("demo-routes").inputs);
    const vs = stripSecrets<Record<string, unknown>>(run.resource("demo-web").inputs);
    assert.equal(routes.cluster, "demo");
    assert.deepEqual(
      [vs.cluster, vs.namespace, vs.service, vs.vip],
      ["demo", "default", "web", { address: "10.10.10.50" }],
    );
    // The connection is left to stack config or the environment, so the same program serves any site.
    for (const r of [routes, vs]) {
      for (const key of ["controller", "username", "password", "kubeconfig", "kubeconfigPath"]) {
        assert.equal(r[key], undefined, `${key} must not be set by the program`);
      }
    }
  });

  it("takes the cluster, Service, VIP network and SE group from the project's stack config", async () => {
    withConfig({
      [`${PROJECT}:cluster`]: "prod-east",
      [`${PROJECT}:namespace`]: "shop",
      [`${PROJECT}:service`]: "cart",
      [`${PROJECT}:vipNetwork`]: "vip-net",
      [`${PROJECT}:seGroup`]: "k8s-prod-east",
      [`${PROJECT}:nodeNetworks`]: '["10.100.1.0/24"]',
    });
    const run = await runProgram(() => clusterIpProgram(readSettings(new pulumi.Config(PROJECT))), {
      project: PROJECT,
    });
    const vs = stripSecrets<Record<string, unknown>>(run.resource("prod-east-cart").inputs);
    assert.deepEqual(
      [vs.cluster, vs.namespace, vs.service, vs.vip, vs.seGroup],
      ["prod-east", "shop", "cart", { network: "vip-net" }, "k8s-prod-east"],
    );
    const routes = stripSecrets<Record<string, unknown>>(run.resource("prod-east-routes").inputs);
    assert.deepEqual(routes.nodeNetworks, ["10.100.1.0/24"]);
    withConfig({});
  });

  it("pointed at the emulators by stack config alone, it makes the seed's pool (4 servers) and routes (2)", async () => {
    withConfig({});
    const run = await runProgram(() => clusterIpProgram(), {
      project: PROJECT,
      miniEngine: true,
      config: sites.config(),
    });
    assert.equal(run.result.vip, "10.10.10.50");
    assert.deepEqual([...run.result.routes].sort(), SEED_ROUTES);
    assert.equal(run.result.servers.length, 4);
    assert.deepEqual(clusterRoutes(sites.avi, "demo"), SEED_ROUTES);
    assert.deepEqual(poolServers(sites.avi), SEED_SERVERS);
    assert.deepEqual(run.result.conflicts, []);
  });

  it("pointed at the emulators by AVI_* environment variables alone, it makes the same objects", async () => {
    const fresh = await startSites();
    const env = {
      AVI_CONTROLLER: fresh.avi.url,
      AVI_USERNAME: fresh.avi.username,
      AVI_PASSWORD: fresh.avi.password,
      AVI_CA_BUNDLE: fresh.avi.caFile ?? "",
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      withConfig({});
      // Only the cluster is named in stack config here; the controller comes from the environment.
      const run = await runProgram(() => clusterIpProgram(), {
        project: PROJECT,
        miniEngine: true,
        config: { "avi-k8s:kubeconfigPath": fresh.kube.kubeconfig },
      });
      assert.equal(run.result.vip, "10.10.10.50");
      assert.deepEqual(clusterRoutes(fresh.avi, "demo"), SEED_ROUTES);
      assert.deepEqual(poolServers(fresh.avi), SEED_SERVERS);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await fresh.stop();
    }
  });
});
