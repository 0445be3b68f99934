// examples/with-workload under Pulumi's mocks: the Deployment and Service it makes with @pulumi/kubernetes, and the
// virtual service fronting that Service (its identity taken from the Service resource, not retyped), run through
// the mini-engine against the emulators where a Service of that name already has the seed's four pods.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, stripSecrets } from "../../emulator/engine";
import { readSettings, withWorkloadProgram } from "../../examples/with-workload/program";
import { poolServers, type Sites, startSites } from "./support";

interface DeploymentInputs {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { spec: { containers: { ports: unknown[] }[] } };
  };
}
interface ServiceInputs {
  spec: { type: string; selector: Record<string, string>; ports: unknown[] };
}
const PROJECT = "avi-k8s-with-workload";

describe("examples/with-workload", function () {
  this.timeout(60_000);
  let sites: Sites;

  before(async () => {
    sites = await startSites();
  });
  after(async () => {
    pulumi.runtime.setAllConfig({}, []);
    await sites?.stop();
  });

  it("makes a Deployment and a ClusterIP Service whose target port is the pods' named port", async () => {
    pulumi.runtime.setAllConfig({ [`${PROJECT}:replicas`]: "3", [`${PROJECT}:app`]: "shop" }, []);
    const run = await runProgram(() => withWorkloadProgram(readSettings(new pulumi.Config(PROJECT))), {
      project: PROJECT,
    });
    pulumi.runtime.setAllConfig({}, []);
    const byType = (type: string) => {
      const r = run.resources.find((x) => x.type === type);
      assert.ok(r, `a ${type} is registered`);
      return r;
    };
    assert.equal(byType("kubernetes:apps/v1:Deployment").name, "shop");
    const deployment = stripSecrets<DeploymentInputs>(byType("kubernetes:apps/v1:Deployment").inputs);
    const svc = stripSecrets<ServiceInputs>(byType("kubernetes:core/v1:Service").inputs);
    assert.equal(deployment.spec.replicas, 3);
    const container = deployment.spec.template.spec.containers[0];
    assert.deepEqual(container.ports, [{ name: "http", containerPort: 8080 }]);
    assert.deepEqual(svc.spec.selector, deployment.spec.selector.matchLabels);
    assert.equal(svc.spec.type, "ClusterIP");
    assert.deepEqual(svc.spec.ports, [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }]);
    const vs = stripSecrets<Record<string, unknown>>(run.resource("demo-shop-shop").inputs);
    assert.deepEqual([vs.namespace, vs.service, vs.ports], ["default", "shop", [80]]);
  });

  it("fronts the Service: the virtual service's pool holds the Service's pod IPs on the emulators", async () => {
    const run = await runProgram(() => withWorkloadProgram(readSettings(new pulumi.Config(PROJECT))), {
      project: PROJECT,
      miniEngine: true,
      config: sites.config(),
    });
    assert.equal(run.result.service, "default/web");
    assert.equal(run.result.vip, "10.10.10.60");
    assert.equal(run.result.routes.length, 2);
    const pods = sites.kube
      .list("pods", "default")
      .filter((p) => p.metadata?.labels?.app === "web")
      .map((p) => `${p.status?.podIP}:8080`)
      .sort();
    assert.equal(pods.length, 4);
    assert.deepEqual(poolServers(sites.avi), pods);
    assert.deepEqual(run.result.servers.map((s) => s.split(" ")[0]).sort(), pods);
  });
});
