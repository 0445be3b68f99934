// Programs using the resources under pulumi.runtime.setMocks: the resource graph they register, what they put in
// state (secrets, the serialized provider), and, through the harness's mini-engine (each resource's own stored
// provider run in-process), their outputs and validation errors against both emulators.
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CheckFailedError, providerOf, runProgram, secretKeys, stripSecrets } from "../../emulator/engine";
import { ClusterIpIntegration, ClusterIpRoutes, ClusterIpVirtualService } from "../../sdk";
import { controllerRoutes, controllerServers, type Lab, ROUTES_TYPE, startLab, VS_TYPE } from "./support";

const COMPONENT_TYPE = "avi-k8s:index:ClusterIpIntegration";

describe("sdk resources under mocks", function () {
  this.timeout(60_000);
  let lab: Lab;

  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  it("an integration registers its routes and one virtual service per Service, given by name or as a Service", async () => {
    const run = await runProgram(() => {
      const api = new k8s.core.v1.Service("api", {
        metadata: { name: "api", namespace: "shop" },
        spec: { selector: { app: "api" }, ports: [{ port: 443, targetPort: 8443 }] },
      });
      const it = new ClusterIpIntegration("seed", {
        cluster: "c1",
        vrf: "blue",
        avi: { controller: "https://avi.example", username: "admin", password: "s3cret-pw" },
        services: [
          { service: { name: "web" }, vip: { address: "10.10.10.50" } },
          { service: api, key: "api", vip: { network: "vip-net", subnet: "10.10.20.0/24" }, ports: [443] },
        ],
      });
      return { vips: it.vipAddresses };
    });
    const byName = (n: string) => run.resource(n);
    assert.equal(byName("seed").type, COMPONENT_TYPE);
    assert.equal(byName("seed-routes").type, ROUTES_TYPE);
    assert.equal(byName("seed-web").type, VS_TYPE);
    assert.equal(byName("seed-api").type, VS_TYPE);
    const api = stripSecrets<Record<string, unknown>>(byName("seed-api").inputs);
    assert.deepEqual([api.namespace, api.service, api.cluster, api.vrf], ["shop", "api", "c1", "blue"]);
    const web = stripSecrets<Record<string, unknown>>(byName("seed-web").inputs);
    assert.deepEqual([web.namespace, web.service], ["default", "web"]);
    // The virtual services wait for the routes: their servers are only reachable through them.
    const routesAnswered = byName("seed-routes").answeredAt ?? Number.POSITIVE_INFINITY;
    assert.ok(byName("seed-web").registeredAt > routesAnswered);
    assert.ok(byName("seed-api").registeredAt > routesAnswered);
  });

  it("an integration passes L4 settings through and registers a shared VIP as one resource owning its members", async () => {
    const run = await runProgram(() => {
      const udp = new k8s.core.v1.Service("dns-udp", {
        metadata: { name: "dns-udp", namespace: "kube-system" },
        spec: { selector: { app: "dns" }, ports: [{ port: 53, protocol: "UDP" }] },
      });
      new ClusterIpIntegration("lb", {
        cluster: "c1",
        services: [
          {
            service: { name: "web" },
            vip: { address: "10.10.10.50" },
            healthMonitor: { fromReadinessProbe: true },
            pool: { lbAlgorithm: "ROUND_ROBIN", gracefulDisableTimeout: 5 },
            portPools: { "80": { persistence: false } },
            sourceRanges: ["10.0.0.0/8"],
            fullClientLogs: true,
          },
        ],
        sharedVips: [
          {
            key: "dns",
            namespace: "kube-system",
            vip: { address: "10.10.10.53" },
            services: [{ service: "dns-tcp", pool: { minServersUp: 1 } }, { service: udp }],
          },
        ],
      });
    });
    const web = stripSecrets<Record<string, unknown>>(run.resource("lb-web").inputs);
    assert.deepEqual(web.healthMonitor, { fromReadinessProbe: true });
    assert.deepEqual(web.pool, { lbAlgorithm: "ROUND_ROBIN", gracefulDisableTimeout: 5 });
    assert.deepEqual(web.portPools, { "80": { persistence: false } });
    assert.deepEqual([web.sourceRanges, web.fullClientLogs], [["10.0.0.0/8"], true]);
    const dns = run.resource("lb-shared-dns");
    assert.equal(dns.type, "pulumi-nodejs:dynamic/avi-k8s:ClusterIpSharedVip");
    const inputs = stripSecrets<Record<string, unknown>>(dns.inputs);
    assert.deepEqual([inputs.cluster, inputs.namespace, inputs.service], ["c1", "kube-system", "dns"]);
    assert.deepEqual(inputs.members, [
      { service: "dns-tcp", pool: { minServersUp: 1 } },
      { service: "dns-udp", namespace: "kube-system" },
    ]);
  });

  it('ClusterIpIntegration gives its membership to its shared VIPs too (membership "sync")', async () => {
    const run = await runProgram(() => {
      new ClusterIpIntegration("lb", {
        cluster: "c1",
        membership: "sync",
        services: [{ service: { name: "web" }, vip: { address: "10.10.10.50" } }],
        sharedVips: [{ key: "dns", vip: { address: "10.10.10.53" }, services: [{ service: "dns-tcp" }] }],
      });
    });
    for (const name of ["lb-routes", "lb-web", "lb-shared-dns"]) {
      assert.equal(stripSecrets<Record<string, unknown>>(run.resource(name).inputs).membership, "sync", name);
    }
  });

  it("a password given as an arg is a secret input, and the stored provider holds no secret", async () => {
    const run = await runProgram(() => {
      new ClusterIpRoutes("r", {
        cluster: "c1",
        avi: { controller: "https://avi.example", username: "admin", password: "s3cret-pw", token: "t0k3n" },
        kubernetes: { kubeconfig: "apiVersion: v1\nkind: Config\n" },
      });
    });
    const r = run.resource("r");
    assert.deepEqual(secretKeys(r.inputs), ["kubeconfig", "password", "token"]);
    const stored = providerOf(r);
    assert.equal(stored.containsSecrets, false);
    for (const secret of ["s3cret-pw", "t0k3n", "kind: Config"]) assert.ok(!stored.text.includes(secret));
    console.log(`      serialized ClusterIpRoutes provider (in the repository): ${stored.bytes} bytes`);
  });

  it("the mini-engine runs each stored provider: the seed routes, pool servers and VIP come back as outputs", async () => {
    const run = await runProgram(
      () => {
        const it = new ClusterIpIntegration("seed", {
          cluster: "c1",
          services: [{ service: { namespace: "default", name: "web" }, vip: { address: "10.10.10.50" } }],
        });
        return {
          routes: it.routeList,
          vips: it.vipAddresses,
          pools: it.virtualServices[0]!.poolList,
          routeMap: it.routes.routes,
          vsUuid: it.virtualServices[0]!.virtualServiceUuid,
        };
      },
      { miniEngine: true, config: lab.config() },
    );
    assert.deepEqual(
      run.result.routes.map((r) => `${r.routeId}: ${r.prefix} via ${r.nextHop}`),
      [
        "c1-192.168.101.0-24: 192.168.101.0/24 via 10.100.1.101",
        "c1-192.168.102.0-24: 192.168.102.0/24 via 10.100.1.102",
      ],
    );
    // The stored output is keyed by prefix: what the VRF holds.
    assert.deepEqual(run.result.routeMap, { "192.168.101.0/24": "10.100.1.101", "192.168.102.0/24": "10.100.1.102" });
    assert.deepEqual(run.result.vips, ["10.10.10.50"]);
    assert.deepEqual(
      run.result.pools[0]!.servers.map((s) => `${s.ip}:${s.port}`),
      ["192.168.101.13:8080", "192.168.101.22:8080", "192.168.102.17:8080", "192.168.102.36:8080"],
    );
    assert.match(run.result.vsUuid, /^virtualservice-/);
    assert.equal(controllerRoutes(lab).length, 2);
    assert.equal(controllerServers(lab, "c1--default-web-TCP-80").length, 4);
    // Outputs must cross the engine: nothing undefined anywhere.
    for (const r of run.resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic"))) {
      assert.doesNotMatch(
        JSON.stringify(r.state, (_k, v) => (v === undefined ? "<undefined>" : v)),
        /<undefined>/,
      );
    }
  });

  it("preview under the mini-engine shows the resolved routes and servers without writing to the controller", async () => {
    const writes = lab.avi.writes().length;
    const run = await runProgram(
      () => {
        new ClusterIpRoutes("preview-routes", { cluster: "c7" });
        new ClusterIpVirtualService("preview-web", {
          cluster: "c7",
          service: { name: "web" },
          vip: { address: "10.10.10.77" },
        });
      },
      { miniEngine: true, preview: true, config: lab.config() },
    );
    // Preview shows the desired routes and servers by key, with the node (and pod) names from the cluster.
    assert.deepEqual(run.resource("preview-routes").state?.routes, {
      "192.168.101.0/24": "10.100.1.101 node1",
      "192.168.102.0/24": "10.100.1.102 node2",
    });
    const pools = run.resource("preview-web").state?.pools as Record<string, { servers: Record<string, string> }>;
    assert.deepEqual(pools["c7--default-web-TCP-80"]?.servers, {
      "192.168.101.13:8080": "node1/web-a",
      "192.168.101.22:8080": "node1/web-b",
      "192.168.102.17:8080": "node2/web-c",
      "192.168.102.36:8080": "node2/web-d",
    });
    assert.equal(lab.avi.writes().length, writes, "preview never writes");
  });

  it("invalid args fail the program with a message naming each field", async () => {
    const failure = await runProgram(
      () => {
        new ClusterIpRoutes("bad", {
          cluster: "has space",
          cni: "weave" as never,
          nodeNetworks: ["10.1.0.0/16", "10.2.0.0/40"],
        });
      },
      { miniEngine: true, config: lab.config() },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(failure instanceof CheckFailedError);
    assert.deepEqual(failure.failures.map((f) => f.property).sort(), ["cluster", "cni", "nodeNetworks[1]"]);
    assert.match(failure.message, /cluster 'has space' may contain only letters/);
  });

  it("without credentials in args, config or environment, check says where to put them", async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith("AVI_")) delete process.env[k];
    try {
      const failure = await runProgram(
        () => {
          new ClusterIpVirtualService("nocreds", {
            cluster: "c1",
            service: { name: "web" },
            vip: { address: "10.10.10.50" },
            kubernetes: { kubeconfig: pulumi.output(lab.kube.kubeconfigContent) },
          });
        },
        { miniEngine: true, config: {} },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(failure instanceof CheckFailedError);
      assert.deepEqual(failure.failures.map((f) => f.property).sort(), ["controller", "password", "username"]);
      assert.match(failure.message, /avi-k8s:controller in stack config or AVI_CONTROLLER/);
    } finally {
      process.env = saved;
    }
  });
});
