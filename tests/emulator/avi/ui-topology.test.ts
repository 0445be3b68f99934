// The live view's topology picture (emulator/avi/ui/topology.mjs, the browser module, loaded here as it is
// shipped): which boxes and arrows the seed state gives, how nodes find their routes, and that a large controller
// is summarised into a picture a person can read.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { LiveState } from "../../../emulator/avi";

interface Box {
  id: string;
  key: string;
  col: number;
  lines: string[];
  cls: string;
}
interface Picture {
  boxes: Box[];
  edges: [string, string][];
  summarised: boolean;
  notes: string[];
}
interface TopologyModule {
  buildPicture(state: LiveState, selection?: { vs?: string; vrf?: string }): Picture;
  layoutPicture(p: Picture): { at: Map<string, { x: number; y: number }>; width: number; height: number };
  routeIndex(routes: { prefix: string }[]): (ip: string) => { prefix: string }[];
  BOX: { h: number };
}

// Node 20.19+ loads an ES module with require(); the page's modules need no build step, so neither does this.
const topo = require(path.resolve(__dirname, "../../../../emulator/avi/ui/topology.mjs")) as TopologyModule;

const route = (id: string, prefix: string, nextHop: string, cluster?: string) => ({
  id,
  prefix,
  nextHop,
  labels: cluster ? [{ key: "clustername", value: cluster }] : [],
});

function seedState(): LiveState {
  const server = (ip: string, node: string) => ({ ip, port: 8080, enabled: true, node });
  return {
    version: 5,
    controllerVersion: "30.2.1",
    virtualServices: [
      {
        uuid: "vs-1",
        name: "demo--default-web",
        tenant: "admin",
        enabled: true,
        vips: ["10.10.10.50"],
        ports: [80],
        cluster: "demo",
        service: "default/web",
        pools: ["pool-1"],
      },
    ],
    pools: [
      {
        uuid: "pool-1",
        name: "demo--default-web-TCP-80",
        tenant: "admin",
        servers: [
          server("192.168.101.13", "node1"),
          server("192.168.101.22", "node1"),
          server("192.168.102.17", "node2"),
          server("192.168.102.36", "node2"),
        ],
      },
    ],
    vrfs: [
      {
        uuid: "vrf-g",
        name: "global",
        cloud: "Default-Cloud",
        routes: [
          route("demo-1", "192.168.101.0/24", "10.100.1.101", "demo"),
          route("demo-2", "192.168.102.0/24", "10.100.1.102", "demo"),
          route("ops-uplink", "10.200.0.0/16", "10.100.1.1"),
        ],
      },
    ],
  };
}

function edgeTexts(p: Picture): string[] {
  const first = new Map(p.boxes.map((b) => [b.id, b.lines[0]]));
  return p.edges.map(([a, b]) => `${first.get(a)} -> ${first.get(b)}`).sort();
}

describe("live view: the topology picture", () => {
  it("draws the seed as VS -> pool -> 4 pods -> 2 nodes (addressed by their routes) -> routes, foreign marked", () => {
    const p = topo.buildPicture(seedState());
    assert.equal(p.summarised, false);
    const col = (c: number) => p.boxes.filter((b) => b.col === c).map((b) => b.lines.join(" | "));
    assert.deepEqual(col(0), ["demo--default-web | VIP 10.10.10.50:80"]);
    assert.deepEqual(col(1), ["demo--default-web-TCP-80 | 4 servers · 4 up"]);
    assert.equal(col(2).length, 4);
    assert.deepEqual(col(3).sort(), [
      "next hop 10.100.1.1 | no pool servers behind it",
      "node1 | 10.100.1.101",
      "node2 | 10.100.1.102",
    ]);
    assert.deepEqual(col(4).sort(), [
      "10.200.0.0/16 | via 10.100.1.1 | foreign",
      "192.168.101.0/24 | via 10.100.1.101 | ours · clustername=demo",
      "192.168.102.0/24 | via 10.100.1.102 | ours · clustername=demo",
    ]);
    const edges = edgeTexts(p);
    for (const e of [
      "demo--default-web -> demo--default-web-TCP-80",
      "192.168.101.13:8080 -> node1",
      "192.168.102.36:8080 -> node2",
      "node1 -> 192.168.101.0/24",
      "node2 -> 192.168.102.0/24",
      "next hop 10.100.1.1 -> 10.200.0.0/16",
    ]) {
      assert.ok(edges.includes(e), `edge ${e}`);
    }
    assert.ok(!edges.includes("node1 -> 192.168.102.0/24"));
    assert.equal(p.boxes.find((b) => b.lines[0] === "10.200.0.0/16")?.cls, "route foreign");
  });

  it("shows a disabled server as such, and a node's second pod CIDR by its next hop", () => {
    const s = seedState();
    const pool = s.pools[0];
    if (pool?.servers[0]) pool.servers[0].enabled = false;
    s.vrfs[0]?.routes.push(route("demo-3", "192.168.201.0/24", "10.100.1.101", "demo"));
    const p = topo.buildPicture(s);
    const pod = p.boxes.find((b) => b.lines[0] === "192.168.101.13:8080");
    assert.equal(pod?.cls, "pod off");
    assert.equal(pod?.lines[1], "disabled");
    assert.ok(edgeTexts(p).includes("node1 -> 192.168.201.0/24"));
  });

  it("finds the longest matching prefix, IPv4 and IPv6", () => {
    const find = topo.routeIndex([
      { prefix: "10.0.0.0/8" },
      { prefix: "10.1.0.0/16" },
      { prefix: "fd00:10::/64" },
      { prefix: "0.0.0.0/0" },
    ]);
    assert.equal(find("10.1.2.3")[0]?.prefix, "10.1.0.0/16");
    assert.equal(find("10.9.2.3")[0]?.prefix, "10.0.0.0/8");
    assert.equal(find("192.0.2.1")[0]?.prefix, "0.0.0.0/0");
    assert.equal(find("fd00:10::1:2")[0]?.prefix, "fd00:10::/64");
    assert.deepEqual(find("fd00:11::1"), []);
    assert.deepEqual(find("not-an-ip"), []);
  });

  it("summarises 1,000 servers on 200 nodes and 5,000 routes into a few dozen boxes, none overlapping", () => {
    const servers = Array.from({ length: 1000 }, (_, i) => ({
      ip: `10.${128 + Math.floor(i / 5 / 250)}.${(Math.floor(i / 5) % 250) + 1}.${(i % 5) + 10}`,
      port: 8080,
      enabled: i % 97 !== 0,
      node: `node-${String(Math.floor(i / 5)).padStart(4, "0")}`,
    }));
    const routes = Array.from({ length: 5000 }, (_, n) => {
      const a = 128 + Math.floor(n / 250);
      return route(
        `r${n}`,
        `10.${a}.${(n % 250) + 1}.0/24`,
        `172.16.${Math.floor(n / 250)}.${(n % 250) + 1}`,
        n % 10 === 9 ? undefined : "big",
      );
    });
    const state: LiveState = {
      version: 1,
      controllerVersion: "30.2.1",
      virtualServices: [
        { uuid: "vs", name: "big", tenant: "admin", enabled: true, vips: ["10.0.0.1"], ports: [80], pools: ["p"] },
      ],
      pools: [{ uuid: "p", name: "big-pool", tenant: "admin", servers }],
      vrfs: [{ uuid: "g", name: "global", cloud: "Default-Cloud", routes }],
    };
    const p = topo.buildPicture(state);
    assert.equal(p.summarised, true);
    assert.ok(p.boxes.length <= 40, `${p.boxes.length} boxes`);
    const col = (c: number) => p.boxes.filter((b) => b.col === c);
    assert.equal(col(3).length, 11, "10 busiest nodes and one box for the rest");
    assert.ok(
      col(2).some((b) => /^\+950 pods$/.test(b.lines[0] ?? "")),
      col(2)
        .map((b) => b.lines[0])
        .join(),
    );
    assert.ok(
      col(4).some((b) => /^\+\d/.test(b.lines[0] ?? "")),
      "the other routes are counted",
    );
    const drawnPods = col(2).reduce(
      (n, b) => n + Number(/(\d[\d,]*) pods?/.exec(b.lines[0] ?? "")?.[1]?.replace(/,/g, "")),
      0,
    );
    assert.equal(drawnPods, 1000, "every server is accounted for");
    // Our routes are all drawn or counted; the foreign ones no pod sits behind are only noted.
    assert.match(p.notes.join(" "), /^480 routes of VRF global not drawn \(480 foreign, 0 ours\)/);
    const { at } = topo.layoutPicture(p);
    for (let c = 0; c < 5; c++) {
      const ys = col(c)
        .map((b) => at.get(b.id)?.y ?? Number.NaN)
        .sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) {
        assert.ok((ys[i] as number) - (ys[i - 1] as number) >= topo.BOX.h, `column ${c} boxes overlap`);
      }
    }
  });
});
