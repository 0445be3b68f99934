// The demo's topology picture and text, from a controller view: the picture users know from AKO's documentation
// (VS -> pool -> pods -> nodes -> routes), in Mermaid and in SVG.
import * as assert from "node:assert/strict";
import { type ClusterNames, destroyReport, formatView, viewDifference } from "../../examples/demo/format";
import { layout, toSvg } from "../../examples/demo/svg";
import { buildTopology, toMermaid } from "../../examples/demo/topology";
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
    poolNames: ["demo--default-web-TCP-80"],
    vsVipNames: ["demo--default-web"],
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

/** The seed after web-a moved to node2 (a new IP there). */
function movedView(): { view: ControllerView; names: ClusterNames } {
  const view = seedView();
  const names = seedNames();
  const pool = view.virtualServices[0]?.pools[0];
  assert.ok(pool);
  pool.servers = pool.servers.map((s) =>
    s.ip === "192.168.101.13" ? { ...s, ip: "192.168.102.2", node: "node2" } : s,
  );
  names.podByIp.set("192.168.102.2", "web-a");
  return { view, names };
}

const OPTS = { cluster: "demo" };

describe("demo topology picture", () => {
  it("links VS -> pool -> each pod -> its node -> that node's route, and draws the foreign route as not ours", () => {
    const t = buildTopology(seedView(), seedNames(), OPTS);
    const label = (id: string) => t.nodes.find((n) => n.id === id)?.lines[0];
    const edges = t.edges.map((e) => `${label(e.from)} -> ${label(e.to)}`).sort();
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
    const foreign = t.nodes.find((n) => n.lines[0] === "10.200.0.0/16");
    assert.equal(foreign?.mark, "foreign");
    assert.deepEqual(foreign?.lines.slice(1), ["via 10.100.1.1", "not ours: no clustername label"]);
    assert.equal(
      t.nodes.filter((n) => n.mark !== undefined).length,
      1,
      "nothing else is marked without an earlier read",
    );
  });

  it("after a pod moves, marks the new server and its arrows as added and keeps the old one, faded, as gone", () => {
    const { view, names } = movedView();
    const t = buildTopology(view, names, { ...OPTS, before: seedView() });
    const marked = t.nodes.filter((n) => n.mark === "added" || n.mark === "removed").map((n) => [n.mark, ...n.lines]);
    assert.deepEqual(marked, [
      ["added", "web-a (new)", "192.168.102.2:8080"],
      ["removed", "web-a (gone)", "192.168.101.13:8080"],
    ]);
    const label = (id: string) => t.nodes.find((n) => n.id === id)?.lines[0];
    const markedEdges = t.edges.filter((e) => e.mark).map((e) => `${e.mark}: ${label(e.from)} -> ${label(e.to)}`);
    assert.deepEqual(markedEdges.sort(), [
      "added: demo--default-web-TCP-80 -> web-a (new)",
      "added: web-a (new) -> node2",
      "removed: demo--default-web-TCP-80 -> web-a (gone)",
      "removed: web-a (gone) -> node1",
    ]);
    assert.match(t.caption, /1 added, 1 gone/);
    const mermaid = toMermaid(t);
    assert.match(mermaid, /classDef added .*\n {2}class n\d+ added/);
    assert.equal((mermaid.match(/ -\.-> /g) ?? []).length, 2, "the ways to the gone server are dashed");
  });

  it("lays the SVG out with each node level with its pods and each route level with its node; no boxes overlap", () => {
    const t = buildTopology(seedView(), seedNames(), OPTS);
    const y = layout(t);
    const top = (line: string) => y.get(t.nodes.find((n) => n.lines[0] === line)?.id ?? "") ?? Number.NaN;
    const mid = (...xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.equal(top("node1"), mid(top("web-a"), top("web-b")));
    assert.equal(top("node2"), mid(top("web-c"), top("web-d")));
    assert.equal(top("192.168.101.0/24"), top("node1"));
    assert.equal(top("192.168.102.0/24"), top("node2"));
    assert.ok(top("10.200.0.0/16") > top("192.168.102.0/24"), "the foreign route comes after ours");
    for (let c = 0; c < 5; c++) {
      const tops = t.nodes
        .filter((n) => n.column === c)
        .map((n) => y.get(n.id) ?? 0)
        .sort((a, b) => a - b);
      for (let i = 1; i < tops.length; i++)
        assert.ok((tops[i] ?? 0) - (tops[i - 1] ?? 0) >= 54, `column ${c} overlaps`);
    }
  });

  it("spreads the arrowheads that reach one box along its side instead of piling them at one point", () => {
    const { view, names } = movedView();
    const svg = toSvg(buildTopology(view, names, { ...OPTS, before: seedView() }));
    const ends = [...svg.matchAll(/<path d="M[\d.]+,[\d.]+ C[\d., ]+ ([\d.]+),([\d.]+)"/g)].map(
      (m) => `${m[1]},${m[2]}`,
    );
    assert.equal(ends.length, 13, "one arrow per edge");
    assert.equal(new Set(ends).size, ends.length, "no two arrows end at the same point");
  });

  it("writes Mermaid with one box per object and SVG with one box per object, text escaped", () => {
    const view = seedView();
    const first = view.virtualServices[0];
    assert.ok(first);
    first.name = 'a<b>&"c"';
    const t = buildTopology(view, seedNames(), OPTS);
    const mermaid = toMermaid(t);
    assert.match(mermaid, /^flowchart LR\n/);
    assert.equal((mermaid.match(/ --> /g) ?? []).length, t.edges.length);
    assert.ok(mermaid.includes("a<b>&#quot;c#quot;"), "quotes cannot end a Mermaid label");
    const svg = toSvg(t);
    const legend = t.nodes.some((n) => n.mark) ? 1 : 0;
    assert.equal(
      (svg.match(/<rect /g) ?? []).length,
      t.nodes.length + 1 + legend,
      "one box per object, the background, the legend",
    );
    assert.equal((svg.match(/<path [^>]*marker-end=/g) ?? []).length, t.edges.length);
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

  it("says by name what a destroy removed and what it left on the controller", () => {
    const after: ControllerView = {
      ...seedView(),
      virtualServices: [],
      poolCount: 0,
      vsVipCount: 0,
      poolNames: [],
      vsVipNames: [],
      routes: [{ prefix: "10.200.0.0/16", nextHop: "10.100.1.1" }],
    };
    assert.deepEqual(destroyReport(seedView(), after, "demo"), [
      "removed (5):",
      "  - virtual service demo--default-web (VIP 10.10.10.50)",
      "  - VsVip demo--default-web",
      "  - pool demo--default-web-TCP-80 (4 servers)",
      "  - route 192.168.101.0/24 via 10.100.1.101 in VRF global (clustername=demo)",
      "  - route 192.168.102.0/24 via 10.100.1.102 in VRF global (clustername=demo)",
      "still on the controller (1):",
      "  = route 10.200.0.0/16 via 10.100.1.1 in VRF global (no clustername label: not ours)",
    ]);
  });

  it("reads the uuid out of every ref form the controller returns", () => {
    assert.equal(refUuid("https://10.0.0.1/api/pool/pool-1234#web-pool"), "pool-1234");
    assert.equal(refUuid("/api/vsvip/vsvip-9?include_name=true"), "vsvip-9");
    assert.equal(refUuid(undefined), undefined);
  });
});
