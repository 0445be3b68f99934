// Virtual services and their pools: one card per virtual service (folding), a virtualised list of servers per pool.
// Cards are kept between updates and only their contents change, so scroll positions and folds survive a redraw.
import { $, byAddress, byName, h, nf, sameChildren } from "./dom.mjs";
import { serverKey, view } from "./view.mjs";
import { createVirtualList } from "./vlist.mjs";

/** A virtual service as a <details> card: open at first when there are few (or for the first), then as the user left it. */
function vsCard(vs, open, servers) {
  let v = view.vsViews.get(vs.uuid);
  if (!v) {
    const title = h("h3");
    const meta = h("div", { class: "vs-meta" });
    const count = h("span", { class: "vs-count" });
    const pools = h("div", { class: "vs-pools" });
    const root = h(
      "details",
      { class: "vs-card", "data-vs": vs.name, open },
      h("summary", { class: "vs-head" }, h("div", { class: "vs-title" }, title, count), meta),
      pools,
    );
    v = { root, title, meta, count, pools };
    view.vsViews.set(vs.uuid, v);
  }
  const up = servers.filter((s) => s.enabled).length;
  v.count.textContent = `${nf.format(servers.length)} servers · ${nf.format(up)} enabled`;
  v.title.replaceChildren(vs.name, vs.enabled ? "" : h("span", { class: "badge off" }, "disabled"));
  const ports = vs.ports.length ? vs.ports.join(", ") : "no ports";
  v.meta.replaceChildren(
    ...vs.vips.map((ip) => h("span", { class: "chip vip" }, `VIP ${ip}`)),
    h("span", { class: "chip" }, `port ${ports}`),
    vs.cluster ? h("span", { class: "chip marker" }, `cluster ${vs.cluster}`) : "",
    vs.service ? h("span", { class: "chip marker" }, `service ${vs.service}`) : "",
    vs.tenant !== "admin" ? h("span", { class: "chip" }, `tenant ${vs.tenant}`) : "",
  );
  return v;
}

function serverRow(pool) {
  return (s) => {
    const fresh = (view.fresh.get(serverKey(pool.uuid, s)) ?? 0) > Date.now();
    return h(
      "div",
      {
        class: `server-row servers-grid${s.enabled ? "" : " off"}${fresh ? " fresh" : ""}`,
        "data-ip": s.ip,
        "data-port": s.port,
      },
      h("span", { class: "state" }, h("span", { class: "dot" }), s.enabled ? "enabled" : "disabled"),
      h("span", { class: "mono" }, `${s.ip}:${s.port}`),
      h("span", { class: "node" }, s.node ?? "–"),
      h("span", { class: "pod" }, s.pod ?? "–"),
    );
  };
}

function matches(s, q) {
  return !q || `${s.ip}:${s.port} ${s.node ?? ""} ${s.pod ?? ""}`.toLowerCase().includes(q);
}

function poolCard(pool, before) {
  let v = view.poolViews.get(pool.uuid);
  if (!v) {
    const name = h("span", { class: "pool-name" });
    const counts = h("span", { class: "pool-counts" });
    const delta = h("span", { class: "delta" });
    const list = createVirtualList({ rowHeight: 30, maxHeight: 330, renderRow: (s) => v.row(s), empty: "no servers" });
    const head = h(
      "div",
      { class: "table-head servers-grid" },
      h("span", {}, "state"),
      h("span", {}, "server"),
      h("span", {}, "node"),
      h("span", {}, "pod"),
    );
    const root = h(
      "div",
      { class: "pool-card", "data-pool": pool.name },
      h("div", { class: "pool-head" }, name, counts, delta),
      head,
      list.element,
    );
    v = { root, name, counts, delta, list, row: serverRow(pool) };
    view.poolViews.set(pool.uuid, v);
  }
  v.row = serverRow(pool);
  v.root.classList.toggle("no-pods", !pool.servers.some((s) => s.pod));
  const up = pool.servers.filter((s) => s.enabled).length;
  v.name.replaceChildren(
    h("span", { class: "kind" }, "pool"),
    pool.name,
    pool.service && !pool.name.includes(pool.service.split("/").pop())
      ? h("span", { class: "muted" }, ` ${pool.service}`)
      : "",
  );
  v.counts.textContent = `${nf.format(pool.servers.length)} servers · ${nf.format(up)} enabled · ${nf.format(pool.servers.length - up)} disabled`;
  const old = before?.pools.find((p) => p.uuid === pool.uuid);
  if (old) {
    const had = new Set(old.servers.map((s) => `${s.ip}:${s.port}`));
    const has = new Set(pool.servers.map((s) => `${s.ip}:${s.port}`));
    const added = [...has].filter((k) => !had.has(k)).length;
    const removed = [...had].filter((k) => !has.has(k)).length;
    if (added || removed) {
      // A new element starts its fade afresh, without forcing a layout to restart the old one's animation.
      const delta = h(
        "span",
        { class: "delta show" },
        [added ? `+${added}` : "", removed ? `−${removed}` : ""].filter(Boolean).join(" "),
      );
      v.delta.replaceWith(delta);
      v.delta = delta;
    }
  }
  const q = view.serverQuery;
  const servers = byAddress(q ? pool.servers.filter((s) => matches(s, q)) : pool.servers);
  v.list.setItems(servers);
  return v.root;
}

export function renderServices(before) {
  const s = view.state;
  const poolByUuid = new Map(s.pools.map((p) => [p.uuid, p]));
  const used = new Set();
  const cards = [];
  const sorted = [...s.virtualServices].sort((a, b) => byName.compare(a.name, b.name));
  for (const [i, vs] of sorted.entries()) {
    const pools = vs.pools.map((u) => poolByUuid.get(u)).filter(Boolean);
    const v = vsCard(
      vs,
      sorted.length <= 4 || i === 0,
      pools.flatMap((p) => p.servers),
    );
    // A pool two virtual services share is listed under the first.
    const children = pools.filter((p) => !used.has(p.uuid)).map((p) => poolCard(p, before));
    for (const p of pools) used.add(p.uuid);
    if (pools.length === 0) children.push(h("p", { class: "muted small" }, "no pool"));
    if (!sameChildren(v.pools, children)) v.pools.replaceChildren(...children);
    cards.push(v.root);
  }
  const loose = s.pools.filter((p) => !used.has(p.uuid));
  if (loose.length > 0) {
    let v = view.vsViews.get("(loose)");
    if (!v) {
      const pools = h("div", { class: "vs-pools" });
      v = {
        root: h(
          "details",
          { class: "vs-card loose", open: true },
          h(
            "summary",
            { class: "vs-head" },
            h("div", { class: "vs-title" }, h("h3", {}, "Pools without a virtual service")),
          ),
          pools,
        ),
        pools,
      };
      view.vsViews.set("(loose)", v);
    }
    const children = loose.map((p) => poolCard(p, before));
    if (!sameChildren(v.pools, children)) v.pools.replaceChildren(...children);
    cards.push(v.root);
  }
  for (const [k] of view.poolViews) if (!poolByUuid.has(k)) view.poolViews.delete(k);
  for (const [k] of view.vsViews)
    if (k !== "(loose)" && !s.virtualServices.some((v) => v.uuid === k)) view.vsViews.delete(k);
  const target = $("vs-list");
  if (cards.length === 0) {
    target.replaceChildren(h("p", { class: "empty" }, "No virtual services or pools on the controller yet."));
  } else if (!sameChildren(target, cards)) {
    target.replaceChildren(...cards);
  }
}
