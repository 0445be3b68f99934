// The topology picture of the live view: virtual service -> pool -> pods (pool servers) -> nodes -> VRF routes,
// drawn from the live state alone. The controller knows no node addresses, so a node is tied to a route when the
// route's prefix holds one of the node's pod IPs (longest prefix wins); the route's next hop is then the node's
// address. Past a size the picture is summarised: pods grouped per node, the busiest nodes drawn, the rest counted.
// buildPicture is pure (no DOM): the page draws its result with picture.mjs, the tests read it in Node.

import { parseAddress, routeIndex } from "./addresses.mjs";

/** Beyond these the picture groups pods per node. */
export const FULL_LIMITS = { servers: 24, nodes: 12, routes: 16, virtualServices: 8, pools: 10 };
/** How many of each the summarised picture draws before counting the rest. */
export const SUMMARY_LIMITS = { virtualServices: 6, pools: 8, nodes: 10 };

export { parseAddress, routeIndex } from "./addresses.mjs";
export { BOX, COLUMNS, layoutPicture, renderPicture } from "./picture.mjs";

export const isOurs = (route) => route.labels.some((l) => l.key === "clustername");

function routeLines(r) {
  const label = r.labels.find((l) => l.key === "clustername");
  const other = r.labels.map((l) => (l.value === undefined ? l.key : `${l.key}=${l.value}`)).join(", ");
  return [
    r.prefix,
    `via ${r.nextHop}`,
    label ? `ours · clustername=${label.value ?? ""}` : `foreign${other ? ` · ${other}` : ""}`,
  ];
}

const numbers = new Intl.NumberFormat("en-US");
const num = (n) => numbers.format(n);

function plural(n, one, many = `${one}s`) {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** IPv4 addresses in numeric order, anything else after them. */
function addressOrder(ip) {
  const a = parseAddress(ip);
  return a && a.bits === 32 ? a.value : Number.MAX_SAFE_INTEGER;
}

function upLine(servers) {
  const up = servers.filter((s) => s.enabled).length;
  const down = servers.length - up;
  return down === 0 ? `${num(up)} up` : `${num(up)} up · ${num(down)} disabled`;
}

function graph() {
  const boxes = [];
  const edges = [];
  const byKey = new Map();
  const seen = new Set();
  return {
    boxes,
    edges,
    box(key, col, lines, cls, extra = {}) {
      let b = byKey.get(key);
      if (!b) {
        b = { id: `b${boxes.length}`, key, col, lines, cls, ...extra };
        byKey.set(key, b);
        boxes.push(b);
      }
      return b;
    },
    get: (key) => byKey.get(key),
    edge(a, b) {
      const k = `${a.id}>${b.id}`;
      if (seen.has(k)) return;
      seen.add(k);
      edges.push([a.id, b.id]);
    },
  };
}

/** The VRF the picture and the routes list show by default: global, else the one with the most routes. */
export function defaultVrf(state) {
  const withRoutes = [...state.vrfs].sort((a, b) => b.routes.length - a.routes.length);
  return state.vrfs.find((v) => v.name === "global" && v.routes.length > 0) ?? withRoutes[0];
}

/**
 * The picture for the selected virtual services ("all" or one uuid) and VRF uuid:
 * {boxes: [{id, col, lines, cls}], edges: [[id, id]], summarised, notes: [string]}.
 */
export function buildPicture(state, selection = {}) {
  const vrf = state.vrfs.find((v) => v.uuid === selection.vrf) ?? defaultVrf(state);
  const routes = vrf ? vrf.routes : [];
  const lookup = routeIndex(routes);
  const poolByUuid = new Map(state.pools.map((p) => [p.uuid, p]));
  const services = state.virtualServices.filter(
    (v) => !selection.vs || selection.vs === "all" || v.uuid === selection.vs,
  );
  const vsPools = services.map((vs) => ({ vs, pools: vs.pools.map((u) => poolByUuid.get(u)).filter(Boolean) }));
  const pools = [...new Set(vsPools.flatMap((x) => x.pools))];
  const servers = pools.flatMap((p) => p.servers.map((s) => ({ pool: p, s, routes: lookup(s.ip) })));
  const nodeHop = new Map();
  for (const x of servers)
    if (x.s.node && x.routes[0] && !nodeHop.has(x.s.node)) nodeHop.set(x.s.node, x.routes[0].nextHop);
  const nodes = new Set(servers.map((x) => x.s.node).filter(Boolean));
  const hops = new Set(nodeHop.values());
  const holding = new Set(servers.flatMap((x) => x.routes));
  const linked = routes.filter((r) => hops.has(r.nextHop) || holding.has(r));
  const linkedSet = new Set(linked);
  // Our routes to next hops no pool server sits behind: nodes without pods of these services.
  const loose = routes.filter((r) => isOurs(r) && !linkedSet.has(r));
  const full =
    servers.length <= FULL_LIMITS.servers &&
    nodes.size + new Set(loose.map((r) => r.nextHop)).size <= FULL_LIMITS.nodes &&
    linked.length + loose.length <= FULL_LIMITS.routes &&
    services.length <= FULL_LIMITS.virtualServices &&
    pools.length <= FULL_LIMITS.pools;
  const g = graph();
  const drawn = new Set();
  const notes = [];
  const vsBox = (vs) => {
    const vip = vs.vips.length ? vs.vips.join(", ") : "no VIP";
    const ports = vs.ports.length ? `:${vs.ports.join(",")}` : "";
    return g.box(`vs/${vs.uuid}`, 0, [vs.name, `VIP ${vip}${ports}`], vs.enabled ? "vs" : "vs off");
  };
  const poolBox = (p) => {
    const up = p.servers.filter((s) => s.enabled).length;
    const off = p.servers.length - up;
    const lines = [p.name, `${plural(p.servers.length, "server")} · ${num(up)} up`];
    if (off) lines.push(`${num(off)} disabled`);
    return g.box(`pool/${p.uuid}`, 1, lines, "pool");
  };
  const nodeBox = (name) => g.box(`node/${name}`, 3, [name, nodeHop.get(name) ?? "address unknown"], "node");
  const routeBox = (r) => {
    drawn.add(r);
    return g.box(`route/${r.id}/${r.prefix}`, 4, routeLines(r), isOurs(r) ? "route ours" : "route foreign");
  };

  if (full) {
    for (const { vs, pools: ps } of vsPools) {
      const v = vsBox(vs);
      for (const p of ps) g.edge(v, poolBox(p));
    }
    for (const x of servers) {
      const label = x.s.pod ?? `${x.s.ip}:${x.s.port}`;
      const sub = x.s.pod ? `${x.s.ip}:${x.s.port}` : x.s.enabled ? "enabled" : "disabled";
      const sv = g.box(
        `server/${x.pool.uuid}/${x.s.ip}:${x.s.port}`,
        2,
        [label, sub],
        x.s.enabled ? "pod" : "pod off",
        {
          ip: x.s.ip,
          port: x.s.port,
        },
      );
      g.edge(g.get(`pool/${x.pool.uuid}`), sv);
      if (x.s.node) g.edge(sv, nodeBox(x.s.node));
      else for (const r of x.routes) g.edge(sv, routeBox(r));
    }
    for (const name of nodes) {
      const hop = nodeHop.get(name);
      for (const r of linked) {
        const holdsPod = servers.some((x) => x.s.node === name && x.routes.includes(r));
        if (holdsPod || (hop !== undefined && r.nextHop === hop)) g.edge(nodeBox(name), routeBox(r));
      }
    }
    // Routes no pool server sits behind: ours always, foreign ones while the picture stays small.
    const foreign = routes.filter((r) => !isOurs(r) && !linkedSet.has(r));
    const extra = linked.length + loose.length + foreign.length <= FULL_LIMITS.routes ? foreign : [];
    for (const r of [...loose, ...extra]) {
      const n = g.box(`hop/${r.nextHop}`, 3, [`next hop ${r.nextHop}`, "no pool servers behind it"], "node idle");
      g.edge(n, routeBox(r));
    }
  } else {
    summarise(g, drawn, { vsPools, servers, nodeHop, routes, loose, holding, vsBox, poolBox, nodeBox, routeBox });
  }
  const rest = routes.filter((r) => !drawn.has(r));
  if (rest.length > 0) {
    const foreign = rest.filter((r) => !isOurs(r)).length;
    notes.push(
      `${plural(rest.length, "route")} of VRF ${vrf?.name ?? "?"} not drawn (${num(foreign)} foreign, ` +
        `${num(rest.length - foreign)} ours): see the routes list`,
    );
  }
  return { boxes: g.boxes, edges: g.edges, summarised: !full, notes, vrf: vrf?.name };
}

/** Pods grouped per node; the busiest nodes drawn, the others (and their routes) in one box each. */
function summarise(g, drawn, { vsPools, servers, nodeHop, routes, loose, holding, vsBox, poolBox, nodeBox, routeBox }) {
  const size = (ps) => ps.reduce((n, p) => n + p.servers.length, 0);
  const shownVs = [...vsPools].sort((a, b) => size(b.pools) - size(a.pools)).slice(0, SUMMARY_LIMITS.virtualServices);
  const shownPools = new Set();
  for (const { vs, pools } of shownVs) {
    const v = vsBox(vs);
    for (const p of pools) {
      if (shownPools.size >= SUMMARY_LIMITS.pools && !shownPools.has(p)) continue;
      shownPools.add(p);
      g.edge(v, poolBox(p));
    }
  }
  const hiddenVs = vsPools.filter((x) => !shownVs.includes(x));
  if (hiddenVs.length > 0) {
    const count = size(hiddenVs.flatMap((x) => x.pools));
    g.box("vs/more", 0, [`+${plural(hiddenVs.length, "virtual service")}`, plural(count, "server")], "vs more");
  }
  const perNode = new Map();
  for (const x of servers.filter((x) => shownPools.has(x.pool))) {
    const k = x.s.node ?? "";
    if (!perNode.has(k)) perNode.set(k, []);
    perNode.get(k).push(x);
  }
  const ranked = [...perNode.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const shown = ranked.slice(0, SUMMARY_LIMITS.nodes);
  const hidden = ranked.slice(SUMMARY_LIMITS.nodes);
  const drawnHops = new Set();
  const byHop = new Map();
  for (const r of routes) {
    if (!byHop.has(r.nextHop)) byHop.set(r.nextHop, []);
    byHop.get(r.nextHop).push(r);
  }
  for (const [node, xs] of shown) {
    const all = xs.map((x) => x.s);
    const cls = all.every((s) => s.enabled) ? "pod" : all.some((s) => s.enabled) ? "pod mixed" : "pod off";
    const ips = xs.map((x) => x.s.ip).sort((a, b) => addressOrder(a) - addressOrder(b) || (a < b ? -1 : 1));
    const span = ips.length > 1 ? `${ips[0]} … ${ips[ips.length - 1]}` : ips[0];
    const pods = g.box(`pods/${node}`, 2, [plural(xs.length, "pod"), upLine(all), span], cls);
    for (const p of new Set(xs.map((x) => x.pool))) g.edge(g.get(`pool/${p.uuid}`), pods);
    if (!node) continue;
    const n = nodeBox(node);
    g.edge(pods, n);
    const hop = nodeHop.get(node);
    if (hop !== undefined) drawnHops.add(hop);
    const mine = [...new Set([...(hop === undefined ? [] : (byHop.get(hop) ?? [])), ...xs.flatMap((x) => x.routes)])];
    if (mine.length === 1) g.edge(n, routeBox(mine[0]));
    if (mine.length > 1) {
      const ours = mine.filter(isOurs).length === mine.length;
      const lines = [plural(mine.length, "route"), `${mine[0].prefix}, …`, `via ${mine[0].nextHop}`];
      g.edge(n, g.box(`routes/${node}`, 4, lines, ours ? "route ours" : "route foreign"));
      for (const r of mine) drawn.add(r);
    }
  }
  if (hidden.length > 0) {
    const count = hidden.reduce((n, [, xs]) => n + xs.length, 0);
    const pods = g.box(
      "pods/more",
      2,
      [`+${plural(count, "pod")}`, `on ${plural(hidden.length, "more node")}`],
      "pod more",
    );
    for (const p of new Set(hidden.flatMap(([, xs]) => xs.map((x) => x.pool)))) g.edge(g.get(`pool/${p.uuid}`), pods);
    g.edge(pods, g.box("node/more", 3, [`+${plural(hidden.length, "node")}`, "not drawn one by one"], "node more"));
  }
  // Our routes and those holding pool servers that no drawn node leads to: one box.
  const looseSet = new Set(loose);
  const others = routes.filter(
    (r) => !drawn.has(r) && !drawnHops.has(r.nextHop) && (looseSet.has(r) || holding.has(r)),
  );
  if (others.length > 0) {
    const ours = others.filter(isOurs).length;
    const hops = new Set(others.map((r) => r.nextHop)).size;
    const lines = [
      `+${plural(others.length, "route")}`,
      `via ${plural(hops, "next hop")}`,
      `${num(ours)} ours · ${num(others.length - ours)} foreign`,
    ];
    const box = g.box("routes/more", 4, lines, "route more");
    g.edge(
      g.get("node/more") ?? g.box("hop/more", 3, [plural(hops, "next hop"), "no pool servers drawn"], "node idle more"),
      box,
    );
    for (const r of others) drawn.add(r);
  }
}
