// Laying out and drawing the live view's topology picture as SVG: columns left to right, boxes placed next to what
// they are joined to, curved arrows. Builds DOM nodes, so names are never parsed as markup.

export const COLUMNS = ["virtual service", "pool", "pods (servers)", "nodes", "VRF routes"];

export const BOX = { w: 214, h: 52, colGap: 54, rowGap: 12, top: 40, left: 12 };

/**
 * Positions: the fullest column evenly spaced; every other column, working outwards from it, puts each box at the
 * mean height of the boxes it is joined to, then pushes overlapping boxes apart in order.
 */
export function layoutPicture(picture) {
  const pitch = BOX.h + BOX.rowGap;
  const cols = COLUMNS.map((_, c) => picture.boxes.filter((b) => b.col === c));
  const neighbours = new Map(picture.boxes.map((b) => [b.id, []]));
  for (const [a, b] of picture.edges) {
    neighbours.get(a)?.push(b);
    neighbours.get(b)?.push(a);
  }
  const pos = new Map();
  const anchor = cols.reduce((best, c, i) => (c.length > cols[best].length ? i : best), 0);
  for (const [i, b] of cols[anchor].entries()) pos.set(b.id, BOX.top + i * pitch);
  const order = COLUMNS.map((_, c) => c).sort((a, b) => Math.abs(a - anchor) - Math.abs(b - anchor) || a - b);
  for (const c of order) {
    if (c === anchor) continue;
    const wanted = cols[c].map((b, i) => {
      const ys = neighbours
        .get(b.id)
        .map((id) => pos.get(id))
        .filter((y) => y !== undefined);
      // A box joined to nothing placed yet goes below the others.
      return { b, i, y: ys.length ? ys.reduce((s, y) => s + y, 0) / ys.length : Number.POSITIVE_INFINITY };
    });
    wanted.sort((p, q) => p.y - q.y || p.i - q.i);
    let next = BOX.top;
    for (const w of wanted) {
      const y = Number.isFinite(w.y) ? Math.max(w.y, next) : next;
      pos.set(w.b.id, y);
      next = y + pitch;
    }
  }
  const height = Math.max(BOX.top + pitch, ...[...pos.values()].map((y) => y + pitch)) + 8;
  const width = BOX.left * 2 + COLUMNS.length * BOX.w + (COLUMNS.length - 1) * BOX.colGap;
  const at = new Map(
    picture.boxes.map((b) => [b.id, { x: BOX.left + b.col * (BOX.w + BOX.colGap), y: pos.get(b.id) }]),
  );
  return { at, width, height };
}

const SVG = "http://www.w3.org/2000/svg";

function el(doc, name, attrs = {}, text) {
  const e = doc.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function clip(text, px) {
  const max = Math.floor((BOX.w - 22) / px);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The picture as an <svg> element (its own DOM nodes: no markup is parsed). */
export function renderPicture(doc, picture) {
  const { at, width, height } = layoutPicture(picture);
  const svg = el(doc, "svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "topology-svg", role: "img" });
  svg.append(el(doc, "title", {}, "Topology: virtual services, pools, pods, nodes and VRF routes"));
  const defs = el(doc, "defs");
  const marker = el(doc, "marker", {
    id: "arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 6,
    markerHeight: 6,
    orient: "auto",
  });
  marker.append(el(doc, "path", { d: "M0,1 L9,5 L0,9 z", class: "arrow" }));
  defs.append(marker);
  svg.append(defs);
  COLUMNS.forEach((title, c) => {
    if (!picture.boxes.some((b) => b.col === c)) return;
    const x = BOX.left + c * (BOX.w + BOX.colGap) + BOX.w / 2;
    svg.append(el(doc, "text", { x, y: 18, class: "col-title", "text-anchor": "middle" }, title.toUpperCase()));
  });
  const edges = el(doc, "g", { class: "edges" });
  for (const [a, b] of picture.edges) {
    const p = at.get(a);
    const q = at.get(b);
    if (!p || !q) continue;
    const x1 = p.x + BOX.w;
    const y1 = p.y + BOX.h / 2;
    const x2 = q.x - 2;
    const y2 = q.y + BOX.h / 2;
    const dx = (x2 - x1) / 2;
    edges.append(
      el(doc, "path", {
        d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`,
        class: "edge",
        "marker-end": "url(#arrow)",
      }),
    );
  }
  svg.append(edges);
  for (const b of picture.boxes) {
    const p = at.get(b.id);
    const g = el(doc, "g", { class: `box ${b.cls}`, transform: `translate(${p.x},${p.y})`, "data-key": b.key });
    if (b.ip) g.setAttribute("data-ip", b.ip);
    g.append(el(doc, "title", {}, b.lines.filter(Boolean).join("\n")));
    g.append(el(doc, "rect", { width: BOX.w, height: BOX.h, rx: 8, class: "body" }));
    g.append(el(doc, "rect", { width: 5, height: BOX.h, rx: 2, class: "accent" }));
    const lines = b.lines.filter(Boolean).slice(0, 3);
    const step = lines.length === 3 ? 14 : 16;
    for (const [i, line] of lines.entries()) {
      const y = BOX.h / 2 + (i - (lines.length - 1) / 2) * step + 4;
      const cls = i === 0 ? "l1" : "l2";
      g.append(el(doc, "text", { x: 14, y, class: cls }, clip(line, i === 0 ? 7.0 : 6.2)));
    }
    svg.append(g);
  }
  return svg;
}
