// The demo's topology picture and text, from a controller view: the picture users know from AKO's documentation
// (VS -> pool -> pods -> nodes -> routes), in Mermaid and in SVG.
import * as assert from "node:assert/strict";
import { type ClusterNames, formatView, viewDifference } from "../../examples/demo/format";
import { buildTopology, toMermaid, toSvg } from "../../examples/demo/topology";
import { type ControllerView, refUuid } from "../../examples/demo/view";

function seedView(): ControllerView {
  const server = (ip: string, node: string) => ({ ip, port: 8080, node, enabled: true });
  return {
    virtualServices: [
      {
        name: "demo--default-web",
        vip: "10.10.10.50",
        ports: [80],
        cluster: "demo",
        pools: [
          {
            name: "demo--default-web-TCP-80",
            servers: [
              server("192.168.101.13", "node1"),
              server("192.168.101.22", "node1"),
              server("192.168.102.17", "node2"),
              server("192.168.102.36", "node2"),
            ],
          },
        ],
      },
    ],
    poolCount: 1,
    vsVipCount: 1,
    vrf: "global",
    routes: [
      { prefix: "10.200.0.0/16", nextHop: "10.100.1.1" },
      { prefix: "192.168.101.0/24", nextHop: "10.100.1.101", cluster: "demo" },
      { prefix: "192.168.102.0/24", nextHop: "10.100.1.102", cluster: "demo" },
    ],
  };
}

function seedNames(): ClusterNames {
  return {
    podByIp: new Map([
      ["192.168.101.13", "web-a"],
      ["192.168.101.22", "web-b"],
      ["192.168.102.17", "web-c"],
      ["192.168.102.36", "web-d"],
    ]),
    nodeByAddress: new Map([
      ["10.100.1.101", "node1"],
      ["10.100.1.102", "node2"],
    ]),
  };
}

describe("demo topology picture", () => {
  it("links VS -> pool -> each pod -> its node -> that node's route, leaving out routes to no node", () => {
    const t = buildTopology(seedView(), seedNames());
    const label = (id: string) => t.nodes.find((n) => n.id === id)?.lines[0];
    const edges = t.edges.map(([a, b]) => `${label(a)} -> ${label(b)}`).sort();
    assert.deepEqual(edges, [
      "demo--default-web -> demo--default-web-TCP-80",
      "demo--default-web-TCP-80 -> web-a",
      "demo--default-web-TCP-80 -> web-b",
      "demo--default-web-TCP-80 -> web-c",
      "demo--default-web-TCP-80 -> web-d",
      "node1 -> 192.168.101.0/24",
      "node2 -> 192.168.102.0/24",
      "web-a -> node1",
      "web-b -> node1",
      "web-c -> node2",
      "web-d -> node2",
    ]);
    assert.ok(!t.nodes.some((n) => n.lines[0] === "10.200.0.0/16"), "the foreign route has no node to hang from");
  });

  it("writes Mermaid with one box per object and SVG with one box per object, text escaped", () => {
    const view = seedView();
    const first = view.virtualServices[0];
    assert.ok(first);
    first.name = 'a<b>&"c"';
    const t = buildTopology(view, seedNames());
    const mermaid = toMermaid(t);
    assert.match(mermaid, /^flowchart LR\n/);
    assert.equal((mermaid.match(/ --> /g) ?? []).length, t.edges.length);
    assert.ok(mermaid.includes("a<b>&#quot;c#quot;"), "quotes cannot end a Mermaid label");
    const svg = toSvg(t);
    assert.equal((svg.match(/<rect /g) ?? []).length, t.nodes.length + 1, "one box per object plus the background");
    assert.equal((svg.match(/<line /g) ?? []).length, t.edges.length);
    assert.ok(svg.includes("a&lt;b&gt;&amp;&quot;c&quot;"));
    assert.ok(!svg.includes('a<b>&"c"'));
  });

  it("prints each server as pod -> IP:port on node and tells our routes from others", () => {
    const text = formatView(seedView(), seedNames()).join("\n");
    assert.match(text, /web-a +-> 192\.168\.101\.13:8080 +on node1/);
    assert.match(text, /192\.168\.102\.0\/24 +-> 10\.100\.1\.102 +\(node2\) +clustername=demo/);
    assert.match(text, /10\.200\.0\.0\/16 +-> 10\.100\.1\.1 .*not ours/);
  });

  it("a moved pod shows as one server gone and one added; an identical read shows no difference", () => {
    const names = seedNames();
    const before = seedView();
    const after = seedView();
    const pool = after.virtualServices[0]?.pools[0];
    assert.ok(pool);
    pool.servers = pool.servers.map((s) =>
      s.ip === "192.168.101.13" ? { ...s, ip: "192.168.102.2", node: "node2" } : s,
    );
    names.podByIp.set("192.168.102.2", "web-a");
    const diff = viewDifference(before, after, names);
    assert.equal(diff.length, 2);
    assert.match(diff[0] ?? "", /^- server .*web-a +-> 192\.168\.101\.13:8080 +on node1/);
    assert.match(diff[1] ?? "", /^\+ server .*web-a +-> 192\.168\.102\.2:8080 +on node2/);
    assert.deepEqual(viewDifference(before, seedView(), names), ["(no difference)"]);
  });

  it("reads the uuid out of every ref form the controller returns", () => {
    assert.equal(refUuid("https://10.0.0.1/api/pool/pool-1234#web-pool"), "pool-1234");
    assert.equal(refUuid("/api/vsvip/vsvip-9?include_name=true"), "vsvip-9");
    assert.equal(refUuid(undefined), undefined);
  });
});
