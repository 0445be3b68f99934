// The placement reader against the Kubernetes emulator: real HTTPS, a bearer token, paged lists, derived
// EndpointSlices, and fault knobs for the error paths.
import * as assert from "node:assert/strict";
import { fixturePath, type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import {
  type KubeConnection,
  KubeReadError,
  readNodes,
  readPlacement,
  readServicePlacement,
} from "../../../provider/kube";
import { diffRoutes, diffServers, planPools, planRoutes } from "../../../provider/plan";
import type { ActualRoute, CniChoice, DesiredServer, Placement } from "../../../provider/plan/types";

const WEB = { namespace: "default", name: "web" };

function routesOf(p: { nodes: Placement["nodes"] }): string[] {
  return planRoutes("c1", p.nodes).routes.map((r) => `${r.prefix} via ${r.nextHop} (${r.node})`);
}

function serversOf(p: Placement): string[] {
  const svc = p.services[0];
  assert.ok(svc);
  return (planPools("c1", svc)[0]?.servers ?? []).map((s) => `${s.ip}:${s.port}${s.enabled ? "" : " disabled"}`);
}

async function rejects(promise: Promise<unknown>, reason: string, pattern: RegExp): Promise<KubeReadError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KubeReadError, `expected a KubeReadError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    assert.match(err.message, pattern);
    return err;
  }
  assert.fail("expected the read to fail");
}

describe("placement reader against the Kubernetes emulator", function () {
  this.timeout(30000);

  describe("seed topology", () => {
    let kube: KubeEmulator;
    let conn: KubeConnection;
    beforeEach(async () => {
      kube = await startKubeEmulator();
      conn = { kubeconfigPath: kube.kubeconfig };
    });
    afterEach(async () => {
      await kube.stop();
    });

    it("gives exactly the two routes and the four pool servers on the target port", async () => {
      const p = await readPlacement(conn, { cni: "auto", services: [WEB] });
      assert.equal(p.cniSource, "default");
      assert.ok(p.detection.some((n) => /auto chose default/.test(n)));
      assert.deepEqual(routesOf(p), [
        "192.168.101.0/24 via 10.100.1.101 (node1)",
        "192.168.102.0/24 via 10.100.1.102 (node2)",
      ]);
      assert.deepEqual(serversOf(p), [
        "192.168.101.13:8080",
        "192.168.101.22:8080",
        "192.168.102.17:8080",
        "192.168.102.36:8080",
      ]);
      const nodesOfServers = planPools("c1", p.services[0] as Placement["services"][0])[0]?.servers.map((s) => s.node);
      assert.deepEqual(nodesOfServers, ["node1", "node1", "node2", "node2"]);
    });

    it("reads a service from its own Service and EndpointSlices only, never the cluster's pods", async () => {
      const calls: string[] = [];
      await readServicePlacement(conn, WEB, { onRequest: (r) => calls.push(r.path) });
      assert.equal(calls.length, 2);
      assert.match(calls[0] ?? "", /^\/api\/v1\/namespaces\/default\/services\/web$/);
      assert.match(calls[1] ?? "", /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/default\/endpointslices\?/);
      assert.match(decodeURIComponent(calls[1] ?? ""), /labelSelector=kubernetes\.io\/service-name=web/);
      assert.ok(kube.requestLog.every((e) => !/\/pods/.test(e.path)));
    });

    it("pages node lists with limit/continue and gets the same nodes at any page size", async () => {
      for (let i = 3; i <= 7; i++) {
        kube.addNode({ name: `node${i}`, internalIP: `10.100.1.${100 + i}`, podCIDRs: [`192.168.${100 + i}.0/24`] });
      }
      const whole = await readNodes(conn, { cni: "default" });
      const calls: string[] = [];
      const paged = await readNodes(conn, { cni: "default", pageSize: 3, onRequest: (r) => calls.push(r.path) });
      assert.deepEqual(paged, whole);
      assert.equal(whole.nodes.length, 7);
      const nodeCalls = calls.filter((c) => c.startsWith("/api/v1/nodes?"));
      assert.equal(nodeCalls.length, 3);
      assert.ok(nodeCalls.every((c) => c.includes("limit=3")));
      assert.ok(nodeCalls.slice(1).every((c) => c.includes("continue=")));
    });

    it("starts a listing over when its continue token expires, and retries a 429", async () => {
      kube.setFaults({ expireContinue: 1 });
      const expired = await readNodes(conn, { cni: "default", pageSize: 1 });
      assert.deepEqual(
        expired.nodes.map((n) => n.name),
        ["node1", "node2"],
      );
      assert.ok(kube.requestLog.some((e) => e.status === 410));
      kube.setFaults({ tooManyRequests: 1, retryAfterSeconds: 0 });
      const throttled = await readNodes(conn, { cni: "default" });
      assert.equal(throttled.nodes.length, 2);
      assert.ok(kube.requestLog.some((e) => e.status === 429));
    });

    it("moving a pod changes only that pod's server; routes stay", async () => {
      const before = await readPlacement(conn, { cni: "default", services: [WEB] });
      kube.movePod("default", "web-a", "node2");
      const after = await readPlacement(conn, { cni: "default", services: [WEB] });
      assert.deepEqual(routesOf(after), routesOf(before));
      const servers = (p: Placement): DesiredServer[] =>
        planPools("c1", p.services[0] as Placement["services"][0])[0]?.servers ?? [];
      const d = diffServers(servers(after), servers(before));
      assert.deepEqual(
        d.remove.map((s) => s.ip),
        ["192.168.101.13"],
      );
      assert.equal(d.add.length, 1);
      assert.equal(d.add[0]?.node, "node2");
      assert.match(d.add[0]?.ip ?? "", /^192\.168\.102\./);
      assert.equal(d.unchanged.length, 3);
      assert.deepEqual(d.update, []);
    });

    it("adding and removing a node changes exactly its route (and its pods' servers)", async () => {
      const toActual = (p: Placement): ActualRoute[] =>
        planRoutes("c1", p.nodes).routes.map((r) => ({ ...r, labels: [{ key: "clustername", value: "c1" }] }));
      const start = await readPlacement(conn, { cni: "default", services: [WEB] });
      kube.addNode({ name: "node3", internalIP: "10.100.1.103", podCIDRs: ["192.168.103.0/24"] });
      const added = await readPlacement(conn, { cni: "default", services: [WEB] });
      const add = diffRoutes("c1", planRoutes("c1", added.nodes).routes, toActual(start));
      assert.deepEqual(
        add.add.map((r) => `${r.prefix} via ${r.nextHop}`),
        ["192.168.103.0/24 via 10.100.1.103"],
      );
      assert.deepEqual([add.update, add.remove, add.unchanged.length], [[], [], 2]);
      kube.removeNode("node2");
      const removed = await readPlacement(conn, { cni: "default", services: [WEB] });
      const rm = diffRoutes("c1", planRoutes("c1", removed.nodes).routes, toActual(added));
      assert.deepEqual(
        rm.remove.map((r) => r.prefix),
        ["192.168.102.0/24"],
      );
      assert.deepEqual([rm.add, rm.update, rm.unchanged.length], [[], [], 2]);
      assert.deepEqual(serversOf(removed), ["192.168.101.13:8080", "192.168.101.22:8080"]);
    });

    it("names the missing permission on 403 and says 401 is about credentials", async () => {
      kube.setFaults({ forbidden: 1, pathPattern: /^\/api\/v1\/nodes/ });
      await rejects(
        readNodes(conn, { cni: "default" }),
        "forbidden",
        /may not list nodes .*resources \["nodes"\], verbs \["list"\]/,
      );
      kube.setFaults({ forbidden: 1, pathPattern: /endpointslices/ });
      await rejects(
        readServicePlacement(conn, WEB),
        "forbidden",
        /may not list endpointslices\.discovery\.k8s\.io in namespace default.*Role in namespace default/,
      );
      kube.setFaults({ forbidden: 1, pathPattern: /blockaffinities/ });
      await rejects(readNodes(conn, { cni: "calico" }), "forbidden", /list blockaffinities\.crd\.projectcalico\.org/);
      kube.clearFaults();
      kube.setFaults({ unauthorized: 1 });
      await rejects(readNodes(conn, { cni: "default" }), "unauthorized", /401 Unauthorized.*token, certificate/);
    });

    it("reports a missing service, a service without selector, and an unknown context clearly", async () => {
      await rejects(
        readServicePlacement(conn, { namespace: "default", name: "nope" }),
        "not-found",
        /Service default\/nope was not found/,
      );
      kube.apply({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "external-db", namespace: "default" },
        spec: { ports: [{ port: 5432, protocol: "TCP" }] },
      });
      await rejects(
        readServicePlacement(conn, { namespace: "default", name: "external-db" }),
        "no-selector",
        /has no selector.*add a spec\.selector/,
      );
      await rejects(
        readNodes({ ...conn, context: "prod" }, { cni: "default" }),
        "invalid",
        /Context 'prod' is not in .*emulator/,
      );
    });

    it("loads inline kubeconfig content and a named context", async () => {
      const r = await readNodes({ kubeconfigContent: kube.kubeconfigContent, context: "emulator" }, { cni: "default" });
      assert.equal(r.nodes.length, 2);
    });

    it("says the API server is unreachable when nothing listens", async () => {
      const content = kube.kubeconfigContent;
      await kube.stop();
      await rejects(
        readNodes({ kubeconfigContent: content }, { cni: "default" }),
        "unreachable",
        /Could not reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ to list nodes/,
      );
    });
  });

  describe("before any request", () => {
    let kube: KubeEmulator;
    before(async () => {
      kube = await startKubeEmulator();
    });
    after(async () => {
      await kube.stop();
    });

    it("rejects an unknown CNI, a bad node network and in-cluster mode outside a pod", async () => {
      const conn = { kubeconfigPath: kube.kubeconfig };
      await rejects(readNodes(conn, { cni: "weave" as CniChoice }), "invalid", /Unknown CNI 'weave'/);
      await rejects(
        readNodes(conn, { cni: "default", nodeNetworks: ["10.0.0.0/40"] }),
        "invalid",
        /Node network '10\.0\.0\.0\/40'/,
      );
      const saved = process.env.KUBERNETES_SERVICE_HOST;
      delete process.env.KUBERNETES_SERVICE_HOST;
      try {
        await rejects(
          readNodes({ inCluster: true }, { cni: "default" }),
          "invalid",
          /in-cluster service account.*not running in a pod/,
        );
      } finally {
        if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
      }
      await rejects(
        readNodes({ kubeconfigPath: "/nonexistent/kubeconfig" }, { cni: "default" }),
        "invalid",
        /kubeconfig file \/nonexistent\/kubeconfig/,
      );
    });
  });

  const fixtures: { name: string; cni: CniChoice; routes: string[]; servers?: string[] }[] = [
    {
      name: "calico",
      cni: "calico",
      routes: [
        "192.168.101.0/26 via 10.100.1.101 (node1)",
        "192.168.101.64/26 via 10.100.1.101 (node1)",
        "192.168.102.0/26 via 10.100.1.102 (node2)",
        "192.168.102.64/26 via 10.100.1.102 (node2)",
      ],
    },
    {
      name: "cilium",
      cni: "cilium",
      routes: ["10.244.1.0/24 via 10.100.1.101 (node1)", "10.244.2.0/24 via 10.100.1.102 (node2)"],
    },
    {
      name: "ovn",
      cni: "ovn-kubernetes",
      routes: ["10.244.0.0/24 via 10.100.1.101 (node1)", "10.244.1.0/24 via 10.100.1.102 (node2)"],
    },
    {
      name: "antrea",
      cni: "antrea",
      routes: [
        "192.168.101.0/24 via 10.100.2.101 (node1)",
        "192.168.102.0/25 via 10.100.2.102 (node2)",
        "192.168.102.128/25 via 10.100.2.102 (node2)",
      ],
    },
    {
      name: "dualstack",
      cni: "default",
      routes: [
        "192.168.101.0/24 via 10.100.1.101 (node1)",
        "192.168.102.0/24 via 10.100.1.102 (node2)",
        "fd00:10:244:101::/64 via fd00:10:100:1::101 (node1)",
        "fd00:10:244:102::/64 via fd00:10:100:1::102 (node2)",
      ],
    },
    {
      name: "readiness",
      cni: "default",
      routes: ["192.168.101.0/24 via 10.100.1.101 (node1)", "192.168.102.0/24 via 10.100.1.102 (node2)"],
      servers: [
        "192.168.101.13:8080",
        "192.168.101.22:8080 disabled",
        "192.168.102.17:8080",
        "192.168.102.36:8080 disabled",
      ],
    },
  ];

  for (const f of fixtures) {
    it(`${f.name} fixture: --cni ${f.cni} and auto give the expected routes`, async () => {
      const kube = await startKubeEmulator({ topology: fixturePath(`${f.name}.yaml`) });
      try {
        const conn = { kubeconfigPath: kube.kubeconfig };
        const chosen = await readPlacement(conn, { cni: f.cni, services: [WEB] });
        assert.deepEqual(routesOf(chosen), f.routes);
        assert.deepEqual(planRoutes("c1", chosen.nodes).conflicts, []);
        const auto = await readNodes(conn, { cni: "auto" });
        assert.equal(auto.cniSource, f.cni);
        assert.deepEqual(routesOf(auto), f.routes);
        if (f.servers) assert.deepEqual(serversOf(chosen), f.servers);
        else assert.ok(serversOf(chosen).length > 0);
        if (f.name === "dualstack") {
          const families = new Set(chosen.services[0]?.ports[0]?.endpoints.map((e) => e.family));
          assert.deepEqual([...families].sort(), ["ipv4", "ipv6"]);
        }
      } finally {
        await kube.stop();
      }
    });
  }
});
