// The topology picture from AKO's documentation, drawn from what the controller holds: virtual service -> pool ->
// pods (pool servers) -> nodes -> static routes. Given an earlier read, what changed since is marked (servers and
// routes added, and those gone, drawn faded); routes without our label are drawn as well, marked as not ours.
// Written as Mermaid (renders on GitHub and in most editors) and as SVG (svg.ts), so no renderer is needed.
import type { ClusterNames } from "./format";
import type { ControllerView, RouteView } from "./view";

/** added / removed: since the earlier read; foreign: a route without this cluster's label. */
export type Mark = "added" | "removed" | "foreign";

export interface TopologyNode {
  id: string;
  column: number;
  lines: string[];
  mark?: Mark;
  /** Where a box sorts within its column: servers by node then pod, routes by node then prefix. */
  order: string;
}
export interface TopologyEdge {
  from: string;
  to: string;
  /** removed: the way to a server that is gone. */
  mark?: "added" | "removed";
}
export interface Topology {
  /** One line saying what the picture shows, e.g. what changed since the earlier read. */
  caption: string;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

export const COLUMNS = ["virtual service", "pool", "pods (servers)", "nodes", "VRF routes"];

export interface TopologyOptions {
  /** An earlier read: what differs from it is marked. */
  before?: ControllerView;
  /** The cluster whose routes are ours (routes labelled clustername=<cluster>). */
  cluster: string;
  caption?: string;
}

type Server = { pool: string; ip: string; port: number; node?: string; pod?: string };

function servers(view: ControllerView): Map<string, Server> {
  const out = new Map<string, Server>();
  for (const vs of view.virtualServices) {
    for (const pool of vs.pools) {
      for (const s of pool.servers) out.set(`${pool.name}>${s.ip}:${s.port}`, { pool: pool.name, ...s });
    }
  }
  return out;
}

const routeKey = (r: RouteView) => `${r.prefix}>${r.nextHop}`;

/** The graph: one box per VS, pool, server, node and route; edges follow the packet's way to a pod. */
export function buildTopology(view: ControllerView, names: ClusterNames, o: TopologyOptions): Topology {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const ids = new Map<string, string>();
  const add = (key: string, node: Omit<TopologyNode, "id">): string => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
      nodes.push({ id, ...node });
    }
    return id;
  };
  const edge = (from: string, to: string, mark?: TopologyEdge["mark"]) => {
    if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, ...(mark ? { mark } : {}) });
  };
  const addressOf = (node: string) => [...names.nodeByAddress].find(([, n]) => n === node)?.[0] ?? "";
  const nodeBox = (name: string) => add(`node/${name}`, { column: 3, lines: [name, addressOf(name)], order: name });

  const now = servers(view);
  const earlier = o.before ? servers(o.before) : now;
  const gone = [...earlier].filter(([k]) => !now.has(k));
  const serverBox = (key: string, s: Server, mark?: Mark) => {
    const pod = names.podByIp.get(s.ip) ?? s.pod ?? (names.nodeByAddress.has(s.ip) ? "nodePort (kube-proxy)" : "pod");
    const tag = mark === "added" ? " (new)" : mark === "removed" ? " (gone)" : "";
    const lines = [`${pod}${tag}`, `${s.ip}:${s.port}`];
    return add(`server/${key}`, {
      column: 2,
      lines,
      order: `${s.node ?? "~"}/${pod}/${s.ip}`,
      ...(mark ? { mark } : {}),
    });
  };

  for (const vs of view.virtualServices) {
    const v = add(`vs/${vs.name}`, {
      column: 0,
      lines: [vs.name, `VIP ${vs.vip}:${vs.ports.join(",")}`],
      order: vs.name,
    });
    for (const pool of vs.pools) {
      const p = add(`pool/${pool.name}`, {
        column: 1,
        lines: [pool.name, `${pool.servers.length} servers`],
        order: pool.name,
      });
      edge(v, p);
      for (const s of pool.servers) {
        const key = `${pool.name}>${s.ip}:${s.port}`;
        const mark = earlier.has(key) ? undefined : "added";
        const sv = serverBox(key, { pool: pool.name, ...s }, mark);
        edge(p, sv, mark);
        if (s.node) edge(sv, nodeBox(s.node), mark);
      }
      for (const [key, s] of gone.filter(([, g]) => g.pool === pool.name)) {
        const sv = serverBox(key, s, "removed");
        edge(p, sv, "removed");
        if (s.node) edge(sv, nodeBox(s.node), "removed");
      }
    }
  }

  const earlierRoutes = new Set((o.before ?? view).routes.map(routeKey));
  const nowRoutes = new Set(view.routes.map(routeKey));
  const goneRoutes = (o.before?.routes ?? []).filter((r) => !nowRoutes.has(routeKey(r)));
  for (const r of [...view.routes, ...goneRoutes]) {
    const ours = r.cluster === o.cluster;
    const node = names.nodeByAddress.get(r.nextHop);
    const mark: Mark | undefined = !nowRoutes.has(routeKey(r))
      ? "removed"
      : !earlierRoutes.has(routeKey(r))
        ? "added"
        : ours
          ? undefined
          : "foreign";
    const owner = r.cluster ? `clustername=${r.cluster}` : "no clustername label";
    const lines = [r.prefix, `via ${r.nextHop}${node ? ` (${node})` : ""}`, ours ? owner : `not ours: ${owner}`];
    const rt = add(`route/${routeKey(r)}`, {
      column: 4,
      lines,
      // Ours next to their node; others after every node's routes.
      order: `${ours && node ? node : "~"}/${r.prefix}`,
      ...(mark ? { mark } : {}),
    });
    if (node) edge(nodeBox(node), rt, mark === "removed" || mark === "added" ? mark : undefined);
  }
  const added = nodes.filter((n) => n.mark === "added").length;
  const removed = nodes.filter((n) => n.mark === "removed").length;
  const caption =
    o.caption ??
    (o.before
      ? `Changed since the previous picture: ${added} added, ${removed} gone (highlighted).`
      : "What the controller holds.");
  return { caption, nodes, edges };
}

const mermaidText = (s: string) => s.replace(/"/g, "#quot;");

const MERMAID_CLASSES: Record<Mark, string> = {
  added: "fill:#ffedd5,stroke:#c2410c,stroke-width:3px",
  removed: "fill:#f3f4f6,stroke:#9ca3af,stroke-dasharray:5 4,color:#6b7280",
  foreign: "fill:#ffffff,stroke:#6b7280,stroke-dasharray:5 4",
};

export function toMermaid(t: Topology): string {
  const out = ["flowchart LR", `  %% ${t.caption}`];
  COLUMNS.forEach((title, c) => {
    const members = t.nodes.filter((n) => n.column === c).sort((a, b) => (a.order < b.order ? -1 : 1));
    if (members.length === 0) return;
    out.push(`  subgraph col${c}["${title}"]`);
    for (const n of members) out.push(`    ${n.id}["${n.lines.filter(Boolean).map(mermaidText).join("<br/>")}"]`);
    out.push("  end");
  });
  for (const e of t.edges) out.push(`  ${e.from} ${e.mark === "removed" ? "-.->" : "-->"} ${e.to}`);
  for (const mark of Object.keys(MERMAID_CLASSES) as Mark[]) {
    const members = t.nodes.filter((n) => n.mark === mark).map((n) => n.id);
    if (members.length === 0) continue;
    out.push(`  classDef ${mark} ${MERMAID_CLASSES[mark]}`, `  class ${members.join(",")} ${mark}`);
  }
  return `${out.join("\n")}\n`;
}
