// The topology picture from AKO's documentation, drawn from what the controller holds: virtual service -> pool ->
// pods (pool servers) -> nodes -> static routes. Written as Mermaid (renders on GitHub and in most editors) and as a
// plain SVG laid out here in columns, so no browser or renderer is needed.
import type { ClusterNames } from "./format";
import type { ControllerView } from "./view";

export interface TopologyNode {
  id: string;
  column: number;
  lines: string[];
}
export interface Topology {
  nodes: TopologyNode[];
  edges: [string, string][];
}

export const COLUMNS = ["virtual service", "pool", "pods (servers)", "nodes", "VRF routes"];

/** The graph: one box per VS, pool, server, node and route; edges follow the packet's way to a pod. */
export function buildTopology(view: ControllerView, names: ClusterNames): Topology {
  const nodes: TopologyNode[] = [];
  const edges: [string, string][] = [];
  const ids = new Map<string, string>();
  const add = (key: string, column: number, lines: string[]): string => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
      nodes.push({ id, column, lines });
    }
    return id;
  };
  const edge = (a: string, b: string) => {
    if (!edges.some(([x, y]) => x === a && y === b)) edges.push([a, b]);
  };
  const addressOf = (node: string) => [...names.nodeByAddress].find(([, n]) => n === node)?.[0];
  for (const vs of view.virtualServices) {
    const v = add(`vs/${vs.name}`, 0, [vs.name, `VIP ${vs.vip}:${vs.ports.join(",")}`]);
    for (const pool of vs.pools) {
      const p = add(`pool/${pool.name}`, 1, [pool.name, `${pool.servers.length} servers`]);
      edge(v, p);
      for (const s of pool.servers) {
        const pod = names.podByIp.get(s.ip) ?? "pod";
        const sv = add(`server/${s.ip}:${s.port}`, 2, [pod, `${s.ip}:${s.port}`]);
        edge(p, sv);
        if (!s.node) continue;
        const address = addressOf(s.node);
        const n = add(`node/${s.node}`, 3, [s.node, address ?? ""]);
        edge(sv, n);
      }
    }
  }
  // Routes to the cluster's nodes only: a route someone else placed leads nowhere in this picture.
  for (const r of view.routes) {
    const nodeName = names.nodeByAddress.get(r.nextHop);
    if (!nodeName) continue;
    const rt = add(`route/${r.prefix}`, 4, [
      r.prefix,
      `via ${r.nextHop}`,
      r.cluster ? `clustername=${r.cluster}` : "no clustername label",
    ]);
    edge(add(`node/${nodeName}`, 3, [nodeName, r.nextHop]), rt);
  }
  return { nodes, edges };
}

const mermaidText = (s: string) => s.replace(/"/g, "#quot;");

export function toMermaid(t: Topology): string {
  const out = ["flowchart LR"];
  COLUMNS.forEach((title, c) => {
    const members = t.nodes.filter((n) => n.column === c);
    if (members.length === 0) return;
    out.push(`  subgraph col${c}["${title}"]`);
    for (const n of members) out.push(`    ${n.id}["${n.lines.filter(Boolean).map(mermaidText).join("<br/>")}"]`);
    out.push("  end");
  });
  for (const [a, b] of t.edges) out.push(`  ${a} --> ${b}`);
  return `${out.join("\n")}\n`;
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const BOX_W = 190;
const BOX_H = 52;
const COL_GAP = 60;
const ROW_GAP = 16;
const TOP = 50;
const LEFT = 20;

/** Columns left to right, boxes top to bottom, each column centred on the tallest; straight arrows. */
export function toSvg(t: Topology): string {
  const perColumn = COLUMNS.map((_, c) => t.nodes.filter((n) => n.column === c));
  const rows = Math.max(1, ...perColumn.map((c) => c.length));
  const height = TOP + rows * (BOX_H + ROW_GAP) + 20;
  const width = LEFT * 2 + COLUMNS.length * BOX_W + (COLUMNS.length - 1) * COL_GAP;
  const pos = new Map<string, { x: number; y: number }>();
  perColumn.forEach((members, c) => {
    const offset = ((rows - members.length) * (BOX_H + ROW_GAP)) / 2;
    members.forEach((n, i) => {
      pos.set(n.id, { x: LEFT + c * (BOX_W + COL_GAP), y: TOP + offset + i * (BOX_H + ROW_GAP) });
    });
  });
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  COLUMNS.forEach((title, c) => {
    const x = LEFT + c * (BOX_W + COL_GAP) + BOX_W / 2;
    parts.push(`<text x="${x}" y="28" text-anchor="middle" font-weight="bold">${xml(title)}</text>`);
  });
  for (const [a, b] of t.edges) {
    const p = pos.get(a);
    const q = pos.get(b);
    if (!p || !q) continue;
    parts.push(
      `<line x1="${p.x + BOX_W}" y1="${p.y + BOX_H / 2}" x2="${q.x}" y2="${q.y + BOX_H / 2}" stroke="#555" marker-end="url(#arrow)"/>`,
    );
  }
  const fill = ["#dbeafe", "#e0e7ff", "#dcfce7", "#fef9c3", "#fee2e2"];
  for (const n of t.nodes) {
    const p = pos.get(n.id);
    if (!p) continue;
    parts.push(
      `<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${fill[n.column] ?? "#eee"}" stroke="#333"/>`,
    );
    n.lines.filter(Boolean).forEach((line, i, all) => {
      const y = p.y + BOX_H / 2 + (i - (all.length - 1) / 2) * 14 + 4;
      parts.push(`<text x="${p.x + BOX_W / 2}" y="${y}" text-anchor="middle">${xml(line)}</text>`);
    });
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
