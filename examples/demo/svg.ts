// The topology as SVG, laid out here so no renderer is needed. Columns left to right; pods grouped by node, each
// node level with its pods and each route level with its node, so most arrows run straight. Each box spreads its
// arrows' ends along its side (ordered by the other end's height), so arrowheads never pile up at one point.
import { COLUMNS, type Mark, type Topology, type TopologyEdge, type TopologyNode } from "./topology";

const BOX_W = 220;
const BOX_H = 54;
const COL_GAP = 90;
const ROW = BOX_H + 16;
/** Extra space between the pods of two nodes. */
const GROUP_GAP = 14;
const LEFT = 20;
const TOP = 70;
const LINE = 14;

const FILL = ["#dbeafe", "#e0e7ff", "#dcfce7", "#fef9c3", "#fee2e2"];
const STYLE: Record<Mark, { fill: string; stroke: string; width: number; dash?: string; text: string }> = {
  added: { fill: "#ffedd5", stroke: "#c2410c", width: 3, text: "#111827" },
  removed: { fill: "#f3f4f6", stroke: "#9ca3af", width: 1.5, dash: "6 4", text: "#6b7280" },
  foreign: { fill: "#ffffff", stroke: "#6b7280", width: 1.5, dash: "6 4", text: "#374151" },
};
const LEGEND: Record<Mark, string> = {
  added: "added since the previous picture",
  removed: "gone since the previous picture",
  foreign: "not ours: left alone by apply and destroy",
};
const EDGE = {
  plain: { stroke: "#4b5563", width: 1.3, dash: undefined, marker: "arrow" },
  added: { stroke: "#c2410c", width: 2.2, dash: undefined, marker: "arrow-added" },
  removed: { stroke: "#9ca3af", width: 1.3, dash: "5 4", marker: "arrow-removed" },
} as const;

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const byOrder = (a: TopologyNode, b: TopologyNode) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0);
const mean = (xs: number[]) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Top y of every box. */
export function layout(t: Topology): Map<string, number> {
  const y = new Map<string, number>();
  const column = (c: number) => t.nodes.filter((n) => n.column === c).sort(byOrder);
  const ends = (id: string, side: "from" | "to") =>
    t.edges.filter((e) => e[side] === id).map((e) => y.get(side === "from" ? e.to : e.from));
  const known = (xs: (number | undefined)[]) => xs.filter((v): v is number => v !== undefined);

  /** Places a column at the wanted heights (unknown ones last), then pushes boxes down until none overlap. */
  const place = (c: number, wanted: (n: TopologyNode) => number | undefined) => {
    const members = column(c).map((n, i) => ({ n, i, want: wanted(n) }));
    members.sort((a, b) => (a.want ?? Number.POSITIVE_INFINITY) - (b.want ?? Number.POSITIVE_INFINITY) || a.i - b.i);
    let next = TOP;
    for (const m of members) {
      const top = Math.max(m.want ?? next, next);
      y.set(m.n.id, top);
      next = top + ROW;
    }
  };

  // Pods first, in node order with a gap between nodes; everything else is placed relative to them.
  let group = "";
  let gaps = 0;
  column(2).forEach((n, i) => {
    const g = n.order.split("/")[0] ?? "";
    if (i > 0 && g !== group) gaps++;
    group = g;
    y.set(n.id, TOP + i * ROW + gaps * GROUP_GAP);
  });
  place(3, (n) => mean(known(ends(n.id, "to"))));
  place(4, (n) => mean(known(ends(n.id, "to"))));
  place(1, (n) => mean(known(ends(n.id, "from"))));
  place(0, (n) => mean(known(ends(n.id, "from"))));
  return y;
}

/** Where each edge leaves its source and reaches its target: spread along the side, ordered by the other end. */
function ports(t: Topology, y: Map<string, number>): Map<TopologyEdge, { y1: number; y2: number }> {
  const out = new Map<TopologyEdge, { y1: number; y2: number }>();
  const spread = (
    edges: TopologyEdge[],
    other: (e: TopologyEdge) => string,
    set: (e: TopologyEdge, v: number) => void,
  ) => {
    const sorted = [...edges].sort((a, b) => (y.get(other(a)) ?? 0) - (y.get(other(b)) ?? 0));
    const span = Math.min(BOX_H - 16, (sorted.length - 1) * 9);
    for (const [i, e] of sorted.entries()) {
      set(e, BOX_H / 2 - span / 2 + (sorted.length > 1 ? (span * i) / (sorted.length - 1) : 0));
    }
  };
  for (const e of t.edges) out.set(e, { y1: 0, y2: 0 });
  for (const n of t.nodes) {
    const top = y.get(n.id) ?? 0;
    spread(
      t.edges.filter((e) => e.from === n.id),
      (e) => e.to,
      (e, v) => {
        (out.get(e) as { y1: number }).y1 = top + v;
      },
    );
    spread(
      t.edges.filter((e) => e.to === n.id),
      (e) => e.from,
      (e, v) => {
        (out.get(e) as { y2: number }).y2 = top + v;
      },
    );
  }
  return out;
}

const colX = (c: number) => LEFT + c * (BOX_W + COL_GAP);

export function toSvg(t: Topology): string {
  const y = layout(t);
  const bottom = Math.max(TOP, ...[...y.values()].map((v) => v + BOX_H));
  const marks = (Object.keys(STYLE) as Mark[]).filter((m) => t.nodes.some((n) => n.mark === m));
  const legendY = bottom + 30;
  const height = legendY + (marks.length > 0 ? 30 : 0);
  const width = LEFT * 2 + COLUMNS.length * BOX_W + (COLUMNS.length - 1) * COL_GAP;
  const marker = (id: string, fill: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="${fill}"/></marker>`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(t.caption)}</title>`,
    `<defs>${marker("arrow", EDGE.plain.stroke)}${marker("arrow-added", EDGE.added.stroke)}${marker("arrow-removed", EDGE.removed.stroke)}</defs>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="24" font-size="14">${xml(t.caption)}</text>`,
  ];
  COLUMNS.forEach((title, c) => {
    parts.push(`<text x="${colX(c) + BOX_W / 2}" y="54" text-anchor="middle" font-weight="bold">${xml(title)}</text>`);
  });
  const column = new Map(t.nodes.map((n) => [n.id, n.column]));
  const at = ports(t, y);
  for (const e of t.edges) {
    const p = at.get(e);
    const a = column.get(e.from);
    const b = column.get(e.to);
    if (!p || a === undefined || b === undefined) continue;
    const x1 = colX(a) + BOX_W;
    const x2 = colX(b);
    const dx = (x2 - x1) / 2;
    const s = EDGE[e.mark ?? "plain"];
    parts.push(
      `<path d="M${x1},${p.y1} C${x1 + dx},${p.y1} ${x2 - dx},${p.y2} ${x2},${p.y2}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""} marker-end="url(#${s.marker})"/>`,
    );
  }
  for (const n of t.nodes) {
    const top = y.get(n.id);
    if (top === undefined) continue;
    const st = n.mark
      ? STYLE[n.mark]
      : { fill: FILL[n.column] ?? "#eee", stroke: "#374151", width: 1, text: "#111827" };
    const dash = "dash" in st && st.dash ? ` stroke-dasharray="${st.dash}"` : "";
    parts.push(
      `<rect x="${colX(n.column)}" y="${top}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="${st.fill}" stroke="${st.stroke}" stroke-width="${st.width}"${dash}/>`,
    );
    n.lines.filter(Boolean).forEach((line, i, all) => {
      const ty = top + BOX_H / 2 + (i - (all.length - 1) / 2) * LINE + 4;
      parts.push(
        `<text x="${colX(n.column) + BOX_W / 2}" y="${ty}" text-anchor="middle" fill="${st.text}">${xml(line)}</text>`,
      );
    });
  }
  let lx = LEFT;
  for (const m of marks) {
    const st = STYLE[m];
    parts.push(
      `<rect x="${lx}" y="${legendY - 12}" width="26" height="16" rx="3" fill="${st.fill}" stroke="${st.stroke}" stroke-width="${st.width}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ""}/>`,
      `<text x="${lx + 34}" y="${legendY + 1}">${xml(LEGEND[m])}</text>`,
    );
    lx += 34 + LEGEND[m].length * 6.5 + 30;
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
