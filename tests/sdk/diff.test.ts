// The providers' diff() on the shapes the engine hands back: keys sorted by the Struct round trip, unknowns from
// preview, and the array-shaped state an earlier version wrote. What is a replacement and what is a plain update
// decides whether users lose a VIP.
import * as assert from "node:assert/strict";
import { structRoundTrip, UNKNOWN } from "../../emulator/engine";
import type { L4Plan } from "../../provider/plan";
import type { RoutesOuts, RoutesProps, VirtualServiceOuts, VirtualServiceProps } from "../../sdk/providers/props";
import { diff as diffRoutes } from "../../sdk/providers/routesOps";
import { diff as diffVs } from "../../sdk/providers/virtualServiceOps";

const location = { controllerUrl: "https://avi-a.example", kubeServer: "https://k8s.example:6443" };
const routesIn: RoutesProps = {
  ...location,
  cluster: "c1",
  vrf: "global",
  cloud: "Default-Cloud",
  tenant: "admin",
  cni: "auto",
  nodeNetworks: [],
  routes: { "192.168.101.0/24": "10.100.1.101 node1", "192.168.102.0/24": "10.100.1.102 node2" },
};
const routesOut: RoutesOuts = {
  ...routesIn,
  routes: { "192.168.101.0/24": "10.100.1.101", "192.168.102.0/24": "10.100.1.102" },
  cniSource: "default",
  conflicts: [],
};

const POOL = "c1--default-web-TCP-80";
const vsIn: VirtualServiceProps = {
  ...location,
  cluster: "c1",
  namespace: "default",
  service: "web",
  vrf: "global",
  cloud: "Default-Cloud",
  tenant: "admin",
  vip: { address: "10.10.10.50" },
  pools: {
    [POOL]: {
      servicePort: 80,
      protocol: "TCP",
      servers: { "192.168.101.13:8080": "node1/web-a", "192.168.102.17:8080": "node2/web-c" },
    },
  },
};
const vsOut: VirtualServiceOuts = {
  ...vsIn,
  pools: {
    [POOL]: {
      uuid: "pool-1",
      servicePort: 80,
      protocol: "TCP",
      servers: { "192.168.101.13:8080": "node1", "192.168.102.17:8080": "node2" },
    },
  },
  virtualServiceName: "c1--default-web",
  virtualServiceUuid: "virtualservice-1",
  vsVipUuid: "vsvip-1",
  vipAddress: "10.10.10.50",
  conflicts: [],
  warnings: [],
};

/** Outputs as version 0.1.0 stored them: arrays, every input repeated, no recorded controller. */
const oldRoutesOut = {
  cluster: "c1",
  vrf: "global",
  cloud: "Default-Cloud",
  tenant: "admin",
  cni: "auto",
  nodeNetworks: [],
  routes: [
    { routeId: "c1-192.168.102.0-24", prefix: "192.168.102.0/24", nextHop: "10.100.1.102", node: "node2" },
    { routeId: "c1-192.168.101.0-24", prefix: "192.168.101.0/24", nextHop: "10.100.1.101", node: "node1" },
  ],
  cniSource: "default",
  conflicts: [],
} as unknown as RoutesOuts;
const oldVsOut = {
  ...vsOut,
  controllerUrl: undefined,
  kubeServer: undefined,
  pools: [
    {
      name: POOL,
      uuid: "pool-1",
      servicePort: 80,
      protocol: "TCP",
      servers: [
        { ip: "192.168.102.17", port: 8080, enabled: true, node: "node2" },
        { ip: "192.168.101.13", port: 8080, enabled: true, node: "node1" },
      ],
    },
  ],
} as unknown as VirtualServiceOuts;

describe("sdk diff()", () => {
  it("sees no change after a Struct round trip reorders every key, or when only names the controller does not hold differ", async () => {
    assert.deepEqual(await diffRoutes(structRoundTrip(routesOut), routesIn), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.equal((await diffVs(structRoundTrip(vsOut), vsIn)).changes, false);
    const renamed = {
      ...routesIn,
      routes: { "192.168.101.0/24": "10.100.1.101 n1", "192.168.102.0/24": "10.100.1.102" },
    };
    assert.equal((await diffRoutes(routesOut, renamed)).changes, false, "a node name is not something we write");
  });

  it("updates in place when a route's next hop or a pool's membership changes", async () => {
    const moved = { ...routesIn, routes: { ...(routesIn.routes as object), "192.168.101.0/24": "10.100.1.109 node1" } };
    assert.deepEqual(await diffRoutes(routesOut, moved), { changes: true, replaces: [], deleteBeforeReplace: false });
    const drained = structuredClone(vsIn);
    (drained.pools as Record<string, { servers: Record<string, string> }>)[POOL]!.servers["192.168.102.17:8080"] =
      "node2/web-c disabled";
    assert.deepEqual(await diffVs(vsOut, drained), { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces (deleting first) when cluster, VRF, cloud, tenant, the controller, the Service's identity or the VIP changes", async () => {
    for (const key of ["cluster", "vrf", "cloud", "tenant", "controllerUrl"] as const) {
      const d = await diffRoutes(routesOut, { ...routesIn, [key]: "other" });
      assert.deepEqual([d.replaces, d.deleteBeforeReplace], [[key], true], key);
    }
    for (const key of ["cluster", "namespace", "service", "vrf", "cloud", "tenant", "controllerUrl"] as const) {
      const d = await diffVs(vsOut, { ...vsIn, [key]: "other" });
      assert.deepEqual(d.replaces, [key], key);
    }
    // The controller cannot move a VsVip's address in place (AKO docs/objects.md): a new VIP is a new VsVip.
    for (const vip of [{ address: "10.10.10.51" }, { network: "vip-net" }]) {
      const d = await diffVs(vsOut, { ...vsIn, vip });
      assert.deepEqual([d.replaces, d.deleteBeforeReplace], [["vip"], true], JSON.stringify(vip));
    }
    const otherCluster = await diffRoutes(routesOut, { ...routesIn, kubeServer: "https://k8s-b.example:6443" });
    assert.deepEqual([otherCluster.changes, otherCluster.replaces], [true, []], "a new API server is an update");
  });

  it("treats an unknown value as a change, never as a replacement", async () => {
    const d = await diffRoutes(routesOut, { ...routesIn, cluster: UNKNOWN, routes: UNKNOWN });
    assert.deepEqual(d, { changes: true, replaces: [], deleteBeforeReplace: false });
    const v = await diffVs(vsOut, { ...vsIn, service: UNKNOWN, pools: UNKNOWN });
    assert.deepEqual([v.changes, v.replaces], [true, []]);
  });

  it("reads the array-shaped outputs an earlier version stored: same routes and servers are no change", async () => {
    assert.deepEqual(await diffRoutes(oldRoutesOut, routesIn), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.equal((await diffVs(oldVsOut, vsIn)).changes, false);
    // This version's check() adds `l4`; the default settings are what the earlier version wrote: no change.
    const l4: L4Plan = {
      pools: { [POOL]: { healthMonitor: "System-TCP", lbAlgorithm: "LEAST_CONNECTIONS", gracefulDisableTimeout: 1 } },
    };
    assert.equal((await diffVs(oldVsOut, { ...vsIn, l4 })).changes, false);
    assert.equal((await diffVs(vsOut, { ...vsIn, l4 })).changes, false, "state without l4 reads as the defaults");
    const tuned: L4Plan = { pools: { [POOL]: { ...l4.pools[POOL]!, lbAlgorithm: "ROUND_ROBIN" } } };
    assert.deepEqual(await diffVs(oldVsOut, { ...vsIn, l4: tuned }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const fewer = { ...routesIn, routes: { "192.168.101.0/24": "10.100.1.101 node1" } };
    assert.equal((await diffRoutes(oldRoutesOut, fewer)).changes, true);
  });
});
