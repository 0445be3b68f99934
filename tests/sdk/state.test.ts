// What the providers store: routes and servers once each as keyed maps (preview shows exactly the keys that
// change), small enough per route for 20,000-route clusters, and the array-shaped state version 0.1.0 wrote is
// still read, updated and deleted.
import * as assert from "node:assert/strict";
import { type AviEmulator, startAviEmulator } from "../../emulator/avi";
import { serializeProvider } from "../../emulator/engine";
import { generateCluster, type KubeEmulator, startKubeEmulator } from "../../emulator/kube";
import { routesProvider, virtualServiceProvider } from "../../sdk";
import { closeSessions } from "../../sdk/providers/common";
import type { RoutesProps } from "../../sdk/providers/props";
import * as routesOps from "../../sdk/providers/routesOps";
import { controllerRoutes, controllerServers, ROUTES_TYPE, useLabHost, VS_TYPE } from "./support";

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** The target of issue 12: inputs and outputs together, per route, at most this many bytes. */
const ROUTE_BYTES = 80;

describe("sdk state", function () {
  this.timeout(120_000);

  describe(`bytes per route (target ${ROUTE_BYTES} B, inputs and outputs together)`, () => {
    let avi: AviEmulator;
    let kube: KubeEmulator;
    before(async () => {
      const objects = generateCluster({ nodes: 500, services: 1, pods: 10, cni: "calico", calicoBlocksPerNode: 4 });
      [avi, kube] = await Promise.all([startAviEmulator({ http: true }), startKubeEmulator({ objects })]);
    });
    after(async () => {
      await closeSessions();
      await avi?.stop();
      await kube?.stop();
    });

    it("2,000 Calico routes: each adds at most 80 B to the state, and is stored once per side", async () => {
      const settings = {
        controller: avi.url,
        username: avi.username,
        password: avi.password,
        kubeconfigPath: kube.kubeconfig,
      };
      const checked = await routesOps.check({ cluster: "bench" }, settings);
      assert.deepEqual(checked.failures, []);
      const routes = checked.inputs.routes as Record<string, string>;
      assert.equal(Object.keys(routes).length, 2000);
      const { outs } = await routesOps.create(checked.inputs, settings);
      const empty = { ...checked.inputs, routes: {} } as RoutesProps;
      const perRoute = (bytes(checked.inputs) + bytes(outs) - bytes(empty) - bytes({ ...outs, routes: {} })) / 2000;
      console.log(`      state per route: ${perRoute.toFixed(1)} B (inputs ${bytes(routes) / 2000} + outputs)`);
      assert.ok(perRoute <= ROUTE_BYTES, `${perRoute.toFixed(1)} B per route`);
      // No other key repeats the routes (0.1.0 kept them twice on each side, as objects).
      const others = (p: object) => JSON.stringify({ ...p, routes: undefined });
      assert.ok(others(checked.inputs).length < 2000 && others(outs).length < 2000);
    });
  });

  describe("version 0.1.0 state (arrays, every input repeated in the outputs, no recorded controller)", () => {
    const t = useLabHost();

    it("is refreshed, updated and deleted by this version, which writes the keyed shape", async () => {
      const routesCode = (await serializeProvider(routesProvider)).text;
      const vsCode = (await serializeProvider(virtualServiceProvider)).text;
      // Make the objects as 0.1.0 did, then hand this version the state 0.1.0 stored for them.
      const seeded = {
        r: await t.host.check({ type: ROUTES_TYPE, name: "routes", news: { __provider: routesCode, cluster: "c1" } }),
        v: await t.host.check({
          type: VS_TYPE,
          name: "web",
          news: { __provider: vsCode, cluster: "c1", service: "web", vip: { address: "10.10.10.50" } },
        }),
      };
      await t.host.create({ type: ROUTES_TYPE, name: "routes", properties: seeded.r.inputs });
      const vs = await t.host.create({ type: VS_TYPE, name: "web", properties: seeded.v.inputs });
      const poolUuid = (vs.properties.pools as Record<string, { uuid: string }>)["c1--default-web-TCP-80"]?.uuid;

      const oldRoutes = [
        { routeId: "c1-192.168.101.0-24", prefix: "192.168.101.0/24", nextHop: "10.100.1.101", node: "node1" },
        { routeId: "c1-192.168.102.0-24", prefix: "192.168.102.0/24", nextHop: "10.100.1.102", node: "node2" },
      ];
      const common = { cluster: "c1", vrf: "global", cloud: "Default-Cloud", tenant: "admin" };
      const oldRoutesState = {
        ...common,
        __provider: routesCode,
        cni: "auto",
        nodeNetworks: [],
        routes: oldRoutes,
        cniSource: "default",
        conflicts: [],
      };
      const server = (ip: string, node: string, pod: string) => ({ ip, port: 8080, enabled: true, node, pod });
      const oldServers = [
        server("192.168.101.13", "node1", "web-a"),
        server("192.168.101.22", "node1", "web-b"),
        server("192.168.102.17", "node2", "web-c"),
        server("192.168.102.36", "node2", "web-d"),
      ];
      const oldVsInputs = {
        ...common,
        __provider: vsCode,
        namespace: "default",
        service: "web",
        vip: { address: "10.10.10.50" },
        pools: [{ name: "c1--default-web-TCP-80", servicePort: 80, protocol: "TCP", servers: oldServers }],
        conflicts: [],
      };
      const oldVsOutputs = {
        ...oldVsInputs,
        pools: [{ ...oldVsInputs.pools[0], uuid: poolUuid }],
        virtualServiceName: "c1--default-web",
        virtualServiceUuid: vs.properties.virtualServiceUuid,
        vsVipUuid: vs.properties.vsVipUuid,
        vipAddress: "10.10.10.50",
        warnings: [],
      };

      // refresh: the keyed shape, the controller recorded, and inputs the next preview compares with.
      const rr = await t.host.read({ type: ROUTES_TYPE, name: "routes", id: "x", properties: oldRoutesState });
      assert.deepEqual(rr.properties.routes, {
        "192.168.101.0/24": "10.100.1.101",
        "192.168.102.0/24": "10.100.1.102",
      });
      assert.equal(rr.properties.controllerUrl, new URL(t.lab.avi.url).origin);
      assert.deepEqual(Object.keys(rr.inputs?.routes as object), ["192.168.101.0/24", "192.168.102.0/24"]);
      const vr = await t.host.read({ type: VS_TYPE, name: "web", id: "c1--default-web", properties: oldVsOutputs });
      assert.deepEqual(Object.keys(vr.properties.pools as object), ["c1--default-web-TCP-80"]);

      // diff against the old outputs: nothing changed, so no update; update writes the new shape.
      const news = await t.host.check({ type: VS_TYPE, name: "web", olds: oldVsInputs, news: seeded.v.inputs });
      assert.deepEqual(news.failures, []);
      const d = await t.host.diff({
        type: VS_TYPE,
        name: "web",
        id: "c1--default-web",
        olds: oldVsOutputs,
        news: news.inputs,
      });
      assert.equal(d.changes, "none");
      t.lab.kube.movePod("default", "web-a", "node2");
      const moved = await t.host.check({ type: VS_TYPE, name: "web", olds: oldVsInputs, news: seeded.v.inputs });
      const u = await t.host.update({
        type: VS_TYPE,
        name: "web",
        id: "c1--default-web",
        olds: oldVsOutputs,
        news: moved.inputs,
      });
      const servers = Object.keys(
        (u.properties.pools as Record<string, { servers: object }>)["c1--default-web-TCP-80"]!.servers,
      );
      assert.equal(servers.length, 4);
      assert.ok(!servers.includes("192.168.101.13:8080"), "web-a left node1");
      assert.equal(controllerServers(t.lab, "c1--default-web-TCP-80").length, 4);

      // destroy with the old outputs removes everything.
      await t.host.delete({ type: VS_TYPE, name: "web", id: "c1--default-web", properties: oldVsOutputs });
      await t.host.delete({ type: ROUTES_TYPE, name: "routes", id: "x", properties: oldRoutesState });
      assert.deepEqual(t.lab.avi.objects("virtualservice"), []);
      assert.deepEqual(t.lab.avi.objects("pool"), []);
      assert.deepEqual(controllerRoutes(t.lab), []);
    });
  });
});
