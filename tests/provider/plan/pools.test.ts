import * as assert from "node:assert/strict";
import { diffServers, planPools, poolConflicts, poolName, virtualServiceName } from "../../../provider/plan";
import type { EndpointPlacement, ServicePlacement } from "../../../provider/plan/types";

function ep(ip: string, node: string, over: Partial<EndpointPlacement> = {}): EndpointPlacement {
  return { ip, family: "ipv4", port: 8080, node, ready: true, serving: true, terminating: false, ...over };
}

const web: ServicePlacement = {
  namespace: "default",
  name: "web",
  ports: [
    {
      name: "http",
      port: 80,
      protocol: "TCP",
      targetPort: "http",
      endpoints: [
        ep("192.168.102.36", "node2", { pod: { namespace: "default", name: "web-d" } }),
        ep("192.168.101.13", "node1"),
        ep("192.168.102.17", "node2"),
        ep("192.168.101.22", "node1"),
      ],
    },
  ],
};

describe("planPools", () => {
  it("names pools like AKO and lists the seed servers on the target port, sorted", () => {
    const pools = planPools("c1", web);
    assert.equal(pools.length, 1);
    assert.equal(pools[0]?.name, "c1--default-web-TCP-80");
    assert.equal(pools[0]?.servicePort, 80);
    assert.deepEqual(
      pools[0]?.servers.map((s) => `${s.ip}:${s.port}@${s.node}`),
      [
        "192.168.101.13:8080@node1",
        "192.168.101.22:8080@node1",
        "192.168.102.17:8080@node2",
        "192.168.102.36:8080@node2",
      ],
    );
    assert.equal(pools[0]?.servers[3]?.pod, "web-d");
    assert.equal(virtualServiceName("c1", "default", "web"), "c1--default-web");
    assert.equal(poolName("c1", "ns", "dns", "UDP", 53), "c1--ns-dns-UDP-53");
  });

  it("keeps not-ready and terminating endpoints as disabled servers so connections drain", () => {
    const svc: ServicePlacement = {
      ...web,
      ports: [
        {
          port: 80,
          protocol: "TCP",
          targetPort: 8080,
          endpoints: [
            ep("10.0.0.1", "n1"),
            ep("10.0.0.2", "n1", { ready: false, serving: false }),
            ep("10.0.0.3", "n1", { ready: false, serving: true, terminating: true }),
          ],
        },
      ],
    };
    assert.deepEqual(
      planPools("c1", svc)[0]?.servers.map((s) => [s.ip, s.enabled]),
      [
        ["10.0.0.1", true],
        ["10.0.0.2", false],
        ["10.0.0.3", false],
      ],
    );
  });

  it("merges an endpoint listed twice into one server, enabled if either copy is ready", () => {
    const svc: ServicePlacement = {
      ...web,
      ports: [
        {
          port: 80,
          protocol: "TCP",
          targetPort: 8080,
          endpoints: [ep("10.0.0.1", "n1", { ready: false }), ep("10.0.0.1", "n1")],
        },
      ],
    };
    assert.deepEqual(
      planPools("c1", svc)[0]?.servers.map((s) => [s.ip, s.enabled]),
      [["10.0.0.1", true]],
    );
  });

  it("reports a port without endpoints", () => {
    const svc: ServicePlacement = { ...web, ports: [{ port: 443, protocol: "TCP", targetPort: 8443, endpoints: [] }] };
    const c = poolConflicts(svc);
    assert.equal(c.length, 1);
    assert.equal(c[0]?.kind, "no-endpoints");
    assert.match(c[0]?.message ?? "", /default\/web port 443\/TCP/);
    assert.deepEqual(poolConflicts(web), []);
  });
});

describe("diffServers", () => {
  it("adds, updates (enabled or node changed), removes and keeps servers keyed by ip:port", () => {
    const a = { ip: "10.0.0.1", port: 80, enabled: true, node: "n1" };
    const b = { ip: "10.0.0.2", port: 80, enabled: true, node: "n1" };
    const c = { ip: "10.0.0.3", port: 80, enabled: true, node: "n2" };
    const d = { ip: "10.0.0.1", port: 81, enabled: true, node: "n1" };
    const result = diffServers([a, { ...b, enabled: false }, d], [a, b, c]);
    assert.deepEqual(result.unchanged, [a]);
    assert.deepEqual(result.update, [{ from: b, to: { ...b, enabled: false } }]);
    assert.deepEqual(result.add, [d]);
    assert.deepEqual(result.remove, [c]);
  });
});
