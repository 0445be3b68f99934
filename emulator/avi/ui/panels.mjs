// The summary cards, the topology picture, the routes list and the change log.
import { $, clock, h, nf, setOptions } from "./dom.mjs";
import { buildPicture, isOurs, renderPicture } from "./topology.mjs";
import { selectedVrf, view } from "./view.mjs";
import { createVirtualList } from "./vlist.mjs";

const MAX_CHANGES = 200;

function stat(label, value, detail, cls = "") {
  return h(
    "div",
    { class: `stat ${cls}` },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat-value" }, value),
    h("div", { class: "stat-detail" }, detail),
  );
}

export function renderStats() {
  const s = view.state;
  const servers = s.pools.flatMap((p) => p.servers);
  const up = servers.filter((x) => x.enabled).length;
  const nodes = new Set(servers.map((x) => x.node).filter(Boolean)).size;
  const vrf = selectedVrf();
  const routes = vrf ? vrf.routes : [];
  const ours = routes.filter(isOurs).length;
  const last = view.changes[0];
  $("stats").replaceChildren(
    stat(
      "Virtual services",
      nf.format(s.virtualServices.length),
      `${nf.format(s.virtualServices.filter((v) => v.enabled).length)} enabled`,
      "vs",
    ),
    stat(
      "Pools",
      nf.format(s.pools.length),
      `${nf.format(s.pools.filter((p) => !s.virtualServices.some((v) => v.pools.includes(p.uuid))).length)} without a virtual service`,
      "pool",
    ),
    stat(
      "Pool servers",
      nf.format(servers.length),
      `${nf.format(up)} enabled · ${nf.format(servers.length - up)} disabled`,
      "pod",
    ),
    stat("Nodes", nf.format(nodes), "named by the servers", "node"),
    stat(
      `Routes · VRF ${vrf?.name ?? "–"}`,
      nf.format(routes.length),
      `${nf.format(ours)} ours · ${nf.format(routes.length - ours)} foreign`,
      "route",
    ),
    stat("Writes", nf.format(s.version), last ? `last ${clock(last.time)}` : "none yet", "writes"),
  );
}

export function renderPictureCard() {
  const s = view.state;
  const select = $("picture-of");
  setOptions(select, [["all", "all virtual services"], ...s.virtualServices.map((v) => [v.uuid, v.name])]);
  select.value = view.pictureOf;
  const picture = buildPicture(s, { vs: view.pictureOf, vrf: view.vrf });
  const note = [
    picture.summarised ? "summarised: pods grouped per node, the busiest nodes drawn" : "",
    ...picture.notes,
  ]
    .filter(Boolean)
    .join(" · ");
  $("picture-note").textContent = note;
  const target = $("topology");
  if (picture.boxes.length === 0) {
    target.replaceChildren(
      h(
        "p",
        { class: "empty" },
        "No virtual services yet. `pulumi up` (or the demo) creates them, and this page follows by itself.",
      ),
    );
    return;
  }
  target.replaceChildren(renderPicture(document, picture));
}

function routeRow(r) {
  const ours = isOurs(r);
  const cluster = r.labels.find((l) => l.key === "clustername");
  return h(
    "div",
    {
      class: `route-row routes-grid ${ours ? "ours" : "foreign"}`,
      "data-prefix": r.prefix,
      "data-owner": ours ? "ours" : "foreign",
    },
    h(
      "span",
      {},
      h("span", { class: `badge ${ours ? "ours" : "foreign"}` }, ours ? `ours · ${cluster.value ?? ""}` : "foreign"),
    ),
    h("span", { class: "mono" }, r.prefix),
    h("span", { class: "mono" }, r.nextHop),
    h("span", { class: "mono muted", title: r.id }, r.id),
    h(
      "span",
      {},
      r.labels.length
        ? r.labels.map((l) => h("span", { class: "chip label" }, l.value === undefined ? l.key : `${l.key}=${l.value}`))
        : h("span", { class: "muted" }, "no label"),
    ),
  );
}

export function renderRoutes() {
  const s = view.state;
  const select = $("vrf");
  setOptions(
    select,
    s.vrfs.map((v) => [v.uuid, `${v.name}${v.cloud ? ` (${v.cloud})` : ""} · ${nf.format(v.routes.length)}`]),
  );
  if (view.vrf) select.value = view.vrf;
  const routes = selectedVrf()?.routes ?? [];
  const ours = routes.filter(isOurs).length;
  const counts = { all: routes.length, ours, foreign: routes.length - ours };
  $("route-chips").replaceChildren(
    ...["all", "ours", "foreign"].map((k) =>
      h(
        "button",
        {
          type: "button",
          class: `chip-button ${k}${view.routeKind === k ? " active" : ""}`,
          "aria-pressed": view.routeKind === k ? "true" : "false",
          onclick: () => {
            view.routeKind = k;
            renderRoutes();
          },
        },
        `${k} ${nf.format(counts[k])}`,
      ),
    ),
  );
  const q = view.routeQuery;
  const shown = routes.filter((r) => {
    if (view.routeKind === "ours" && !isOurs(r)) return false;
    if (view.routeKind === "foreign" && isOurs(r)) return false;
    if (!q) return true;
    const text = `${r.prefix} ${r.nextHop} ${r.id} ${r.labels.map((l) => `${l.key}=${l.value ?? ""}`).join(" ")}`;
    return text.toLowerCase().includes(q);
  });
  if (!view.routeList) {
    view.routeList = createVirtualList({ rowHeight: 32, maxHeight: 420, renderRow: routeRow, empty: "no routes" });
    $("routes").replaceChildren(view.routeList.element);
  }
  view.routeList.setItems(shown);
}

function changeItem(e) {
  return h(
    "li",
    { class: `change m-${e.method.toLowerCase()}`, "data-seq": e.seq },
    h(
      "div",
      { class: "change-head" },
      h("span", { class: "time mono" }, clock(e.time)),
      h("span", { class: "method" }, e.method),
      h("span", { class: "object" }, h("span", { class: "kind" }, e.type), e.name),
    ),
    h(
      "ul",
      { class: "summary" },
      e.summary.map((line) => h("li", {}, line)),
    ),
    h(
      "div",
      { class: "by muted small", title: e.agent },
      `by ${e.user || "?"}${e.agent ? ` · ${e.agent}` : ""}${e.tenant && e.tenant !== "admin" ? ` · tenant ${e.tenant}` : ""}`,
    ),
  );
}

export function addChanges(entries) {
  const newest = view.changes[0]?.seq ?? 0;
  const fresh = entries.filter((e) => e.seq > newest).sort((a, b) => b.seq - a.seq);
  if (fresh.length === 0) return;
  view.changes = [...fresh, ...view.changes].slice(0, MAX_CHANGES);
  const list = $("changes");
  const items = fresh.map(changeItem);
  if (newest > 0) for (const i of items) i.classList.add("new");
  list.prepend(...items);
  while (list.children.length > MAX_CHANGES) list.lastElementChild.remove();
  $("changes-note").textContent = `last ${nf.format(view.changes.length)} writes, newest first`;
  if (view.state) renderStats();
}

export function resetChanges() {
  view.changes = [];
  $("changes").replaceChildren();
}
