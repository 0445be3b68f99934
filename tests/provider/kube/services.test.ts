import * as assert from "node:assert/strict";
import { servicePlacementFrom } from "../../../provider/kube";
import type { RawEndpointSlice, RawService } from "../../../provider/kube/raw";

const service: RawService = {
  metadata: { name: "web", namespace: "shop", uid: "u1" },
  spec: {
    selector: { app: "web" },
    ports: [
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
      { name: "metrics", port: 9090, targetPort: 9100, protocol: "TCP" },
    ],
  },
};

const v4: RawEndpointSlice = {
  addressType: "IPv4",
  ports: [
    { name: "http", port: 8080, protocol: "TCP" },
    { name: "metrics", port: 9100, protocol: "TCP" },
  ],
  endpoints: [
    {
      addresses: ["10.244.1.17", "10.244.1.99"],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: "worker-1",
      targetRef: { kind: "Pod", namespace: "shop", name: "web-a", uid: "p1" },
    },
    { addresses: ["10.244.2.5"], conditions: { ready: false, serving: true, terminating: true }, nodeName: "worker-2" },
    { addresses: ["10.244.2.6"], conditions: {} },
  ],
};

describe("servicePlacementFrom", () => {
  it("maps each Service port to its slice port by name: the resolved target port, named or numeric", () => {
    const p = servicePlacementFrom(service, [v4]);
    assert.equal(p.uid, "u1");
    assert.deepEqual(
      p.ports.map((x) => [x.name, x.port, x.targetPort, [...new Set(x.endpoints.map((e) => e.port))]]),
      [
        ["http", 80, "http", [8080]],
        ["metrics", 9090, 9100, [9100]],
      ],
    );
  });

  it("takes the first address of each endpoint, keeps its node and pod, and reads nil conditions as ready", () => {
    const eps = servicePlacementFrom(service, [v4]).ports[0]?.endpoints ?? [];
    assert.deepEqual(
      eps.map((e) => [e.ip, e.node, e.ready, e.serving, e.terminating]),
      [
        ["10.244.1.17", "worker-1", true, true, false],
        ["10.244.2.5", "worker-2", false, true, true],
        ["10.244.2.6", undefined, true, true, false],
      ],
    );
    assert.deepEqual(eps[0]?.pod, { namespace: "shop", name: "web-a", uid: "p1" });
  });

  it("joins the IPv4 and IPv6 slices of a dual-stack service", () => {
    const v6: RawEndpointSlice = {
      addressType: "IPv6",
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      endpoints: [{ addresses: ["fd00:10:244:1::11"], conditions: { ready: true } }],
    };
    const http = servicePlacementFrom(service, [v4, v6]).ports[0];
    assert.deepEqual(
      http?.endpoints.map((e) => [e.ip, e.family]),
      [
        ["10.244.1.17", "ipv4"],
        ["10.244.2.5", "ipv4"],
        ["10.244.2.6", "ipv4"],
        ["fd00:10:244:1::11", "ipv6"],
      ],
    );
  });

  it("ignores slice ports of another protocol and tolerates null ports and endpoints", () => {
    const udp: RawEndpointSlice = {
      addressType: "IPv4",
      ports: [{ name: "http", port: 8080, protocol: "UDP" }],
      endpoints: [{ addresses: ["10.9.9.9"] }],
    };
    const empty: RawEndpointSlice = { addressType: "IPv4", ports: null, endpoints: null };
    const p = servicePlacementFrom(service, [udp, empty]);
    assert.deepEqual(
      p.ports.map((x) => x.endpoints.length),
      [0, 0],
    );
  });

  it("matches a hand-written single-port slice to a single-port service whatever the port name", () => {
    const one: RawService = {
      metadata: { name: "db", namespace: "shop" },
      spec: { ports: [{ port: 5432, targetPort: 5432 }] },
    };
    const slice: RawEndpointSlice = {
      addressType: "IPv4",
      ports: [{ name: "pg", port: 15432, protocol: "TCP" }],
      endpoints: [{ addresses: ["10.1.1.1"] }],
    };
    assert.deepEqual(
      servicePlacementFrom(one, [slice]).ports[0]?.endpoints.map((e) => `${e.ip}:${e.port}`),
      ["10.1.1.1:15432"],
    );
  });
});
