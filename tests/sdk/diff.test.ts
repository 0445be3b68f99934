// The providers' diff() on the shapes the engine hands back: keys sorted by the Struct round trip, lists in any
// order, unknowns from preview. What is a replacement and what is a plain update decides whether users lose a VIP.
import * as assert from "node:assert/strict";
import { structRoundTrip, UNKNOWN } from "../../emulator/engine";
import { diff as diffRoutes } from "../../sdk/providers/routesOps";
import { diff as diffVs } from "../../sdk/providers/virtualServiceOps";
import type { RoutesOuts, RoutesProps, VirtualServiceOuts, VirtualServiceProps } from "../../sdk/providers/props";

const routesIn: RoutesProps = {
  cluster: "c1",
  vrf: "global",
  cloud: "Default-Cloud",
  tenant: "admin",
  cni: "auto",
  nodeNetworks: [],
  routes: [
    { routeId: "c1-192.168.101.0-24", prefix: "192.168.101.0/24", nextHop: "10.100.1.101", node: "node1" },
    { routeId: "c1-192.168.102.0-24", prefix: "192.168.102.0/24", nextHop: "10.100.1.102", node: "node2" },
  ],
};
const routesOut = { ...routesIn, cniSource: "default", conflicts: [] } as RoutesOuts;

const server = (ip: string, enabled = true) => ({ ip, port: 8080, enabled, node: "node1" });
const vsIn: VirtualServiceProps = {
  cluster: "c1",
  namespace: "default",
  service: "web",
  vrf: "global",
  cloud: "Default-Cloud",
  tenant: "admin",
  vip: { address: "10.10.10.50" },
  pools: [
    {
      name: "c1--default-web-TCP-80",
      servicePort: 80,
      protocol: "TCP",
      servers: [server("192.168.101.13"), server("192.168.102.17")],
    },
  ],
};
const vsOut = {
  ...vsIn,
  pools: (vsIn.pools as VirtualServiceOuts["pools"]).map((p) => ({ ...p, uuid: "pool-1" })),
  virtualServiceName: "c1--default-web",
  virtualServiceUuid: "virtualservice-1",
  vsVipUuid: "vsvip-1",
  vipAddress: "10.10.10.50",
  conflicts: [],
  warnings: [],
} as VirtualServiceOuts;

describe("sdk diff()", () => {
  it("sees no change after a Struct round trip reorders every key, or the controller lists things in another order", async () => {
    const reordered = structRoundTrip<RoutesOuts>({ ...routesOut, routes: [...(routesOut.routes ?? [])].reverse() });
    assert.deepEqual(await diffRoutes(reordered, routesIn), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const servers = structRoundTrip<VirtualServiceOuts>(vsOut);
    servers.pools[0]!.servers.reverse();
    assert.equal((await diffVs(servers, vsIn)).changes, false);
  });

  it("updates in place when a route's next hop or a pool's membership changes", async () => {
    const moved = {
      ...routesIn,
      routes: [{ ...(routesIn.routes as RoutesOuts["routes"])[0]!, nextHop: "10.100.1.109" }],
    };
    assert.deepEqual(await diffRoutes(routesOut, moved), { changes: true, replaces: [], deleteBeforeReplace: false });
    const pools = structuredClone(vsIn.pools) as VirtualServiceOuts["pools"];
    pools[0]!.servers[1] = server("192.168.102.17", false);
    assert.deepEqual(await diffVs(vsOut, { ...vsIn, pools }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces (deleting first) when cluster, VRF, cloud, tenant or the Service's identity changes", async () => {
    for (const key of ["cluster", "vrf", "cloud", "tenant"] as const) {
      const d = await diffRoutes(routesOut, { ...routesIn, [key]: "other" });
      assert.deepEqual([d.replaces, d.deleteBeforeReplace], [[key], true], key);
    }
    for (const key of ["cluster", "namespace", "service", "vrf", "cloud", "tenant"] as const) {
      const d = await diffVs(vsOut, { ...vsIn, [key]: "other" });
      assert.deepEqual(d.replaces, [key], key);
    }
    assert.deepEqual((await diffVs(vsOut, { ...vsIn, vip: { address: "10.10.10.51" } })).replaces, []);
  });

  it("treats an unknown value as a change, never as a replacement", async () => {
    const d = await diffRoutes(routesOut, { ...routesIn, cluster: UNKNOWN, routes: UNKNOWN });
    assert.deepEqual(d, { changes: true, replaces: [], deleteBeforeReplace: false });
    const v = await diffVs(vsOut, { ...vsIn, service: UNKNOWN, pools: UNKNOWN });
    assert.deepEqual([v.changes, v.replaces], [true, []]);
  });
});
