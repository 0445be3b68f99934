// The live view: logs in through the controller's own /login, reads /ui/api/state and /ui/api/changes with the
// session cookie, and follows /ui/events (server-sent events) to redraw within moments of every write. The
// password only ever travels in the login request body; nothing here stores or shows it.
import { buildPicture, defaultVrf, isOurs, renderPicture } from "./topology.mjs";
import { createVirtualList } from "./vlist.mjs";

const $ = (id) => document.getElementById(id);
const FRESH_MS = 6000;
const MAX_CHANGES = 200;
const nf = new Intl.NumberFormat("en-US");
const byName = new Intl.Collator("en", { numeric: true });

/** Sort key of an address: IPv4 as a number (before any IPv6), else its text; cheap enough for thousands. */
function addressKey(ip) {
  const p = ip.split(".");
  if (p.length === 4) return ((Number(p[0]) * 256 + Number(p[1])) * 256 + Number(p[2])) * 256 + Number(p[3]);
  return Number.MAX_SAFE_INTEGER;
}

function byAddress(servers) {
  const keyed = servers.map((s) => ({ s, k: addressKey(s.ip) }));
  keyed.sort((a, b) => a.k - b.k || (a.s.ip < b.s.ip ? -1 : a.s.ip > b.s.ip ? 1 : 0) || a.s.port - b.s.port);
  return keyed.map((x) => x.s);
}

/** h("div", {class: "x"}, "text", child): a DOM element; strings become text nodes, never markup. */
function h(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

class SignedOut extends Error {}

const view = {
  user: "",
  state: undefined,
  changes: [],
  source: undefined,
  vrf: undefined,
  pictureOf: "all",
  routeKind: "all",
  routeQuery: "",
  serverQuery: "",
  fresh: new Map(),
  vsViews: new Map(),
  poolViews: new Map(),
  routeList: undefined,
  firstPaint: false,
};

async function api(path) {
  const r = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (r.status === 401) throw new SignedOut();
  if (!r.ok) throw new Error(`${path} answered ${r.status}`);
  return r.json();
}

function cookie(name) {
  const m = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${name}=`));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : "";
}

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status-text").textContent = text;
}

// ---- login / logout ----------------------------------------------------------------------------------------------

function showLogin(message = "") {
  view.source?.close();
  view.source = undefined;
  $("app-view").hidden = true;
  $("who").hidden = true;
  $("login-view").hidden = false;
  $("login-error").textContent = message;
  setStatus("signed-out", "signed out");
  $("login-form")
    .elements.namedItem(message ? "password" : "username")
    .focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const username = form.elements.namedItem("username").value;
  const password = form.elements.namedItem("password");
  const body = JSON.stringify({ username, password: password.value });
  password.value = "";
  $("login-error").textContent = "";
  let r;
  try {
    r = await fetch("/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body,
    });
  } catch (e) {
    $("login-error").textContent = `The controller did not answer: ${e.message}`;
    return;
  }
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) {
    $("login-error").textContent = answer.error ?? answer.detail ?? `Login failed (${r.status}).`;
    return;
  }
  start(answer.user?.username ?? username, answer.version?.Version);
}

async function onLogout() {
  await fetch("/logout", {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": cookie("csrftoken") },
  }).catch(() => undefined);
  showLogin("Logged out.");
}

// ---- live data ---------------------------------------------------------------------------------------------------

function start(user, controllerVersion) {
  view.user = user;
  $("user").textContent = user;
  if (controllerVersion) $("controller").textContent = `controller ${controllerVersion} · ${location.host}`;
  $("who").hidden = false;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  connect();
  refresh();
  loadChanges();
}

function connect() {
  view.source?.close();
  setStatus("connecting", "connecting…");
  const es = new EventSource("/ui/events");
  view.source = es;
  es.addEventListener("hello", (e) => {
    setStatus("live", "live");
    const { version } = JSON.parse(e.data);
    if (!view.state || version !== view.state.version) {
      refresh();
      loadChanges();
    }
  });
  es.addEventListener("change", (e) => {
    const { entry } = JSON.parse(e.data);
    addChanges([entry]);
    refresh();
  });
  es.addEventListener("logout", () => showLogin("Your session ended: sign in again."));
  es.onerror = () => {
    if (view.source !== es) return;
    if (es.readyState !== EventSource.CLOSED) {
      setStatus("reconnecting", "reconnecting…");
      return;
    }
    // The stream was refused (401 after a restart or expiry) or the server went away: ask who we are.
    setStatus("reconnecting", "reconnecting…");
    api("/ui/api/session").then(
      (who) =>
        who.user
          ? setTimeout(() => view.source === es && connect(), 1000)
          : showLogin("Your session ended: sign in again."),
      () => setTimeout(() => view.source === es && connect(), 2000),
    );
  };
}

let loading = false;
let again = false;

/** Fetches the state; writes that land meanwhile cause one more fetch, not one each. */
async function refresh() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    do {
      again = false;
      const next = await api("/ui/api/state");
      if (!view.state || next.version >= view.state.version) applyState(next);
    } while (again);
  } catch (e) {
    if (e instanceof SignedOut) showLogin("Your session ended: sign in again.");
    else setStatus("reconnecting", `error: ${e.message}`);
  } finally {
    loading = false;
  }
}

async function loadChanges() {
  try {
    const { entries } = await api("/ui/api/changes");
    addChanges(entries);
  } catch (e) {
    if (e instanceof SignedOut) showLogin("Your session ended: sign in again.");
  }
}

const serverKey = (pool, s) => `${pool}/${s.ip}:${s.port}`;

function applyState(next) {
  const before = view.state;
  const now = Date.now();
  if (before) {
    const old = new Set(before.pools.flatMap((p) => p.servers.map((s) => serverKey(p.uuid, s))));
    for (const p of next.pools) {
      for (const s of p.servers)
        if (!old.has(serverKey(p.uuid, s))) view.fresh.set(serverKey(p.uuid, s), now + FRESH_MS);
    }
    for (const [k, until] of view.fresh) if (until < now) view.fresh.delete(k);
  }
  view.state = next;
  document.body.dataset.version = String(next.version);
  if (!next.vrfs.some((v) => v.uuid === view.vrf)) view.vrf = defaultVrf(next)?.uuid;
  if (view.pictureOf !== "all" && !next.virtualServices.some((v) => v.uuid === view.pictureOf)) view.pictureOf = "all";
  render(before);
}

// ---- rendering ---------------------------------------------------------------------------------------------------

function render(before) {
  const t = [performance.now()];
  renderStats();
  renderPictureCard();
  t.push(performance.now());
  renderServices(before);
  t.push(performance.now());
  renderRoutes();
  t.push(performance.now());
  // How long each redraw takes, for the benchmark (and anyone profiling the page).
  document.body.dataset.renderMs = [t[1] - t[0], t[2] - t[1], t[3] - t[2]].map((x) => x.toFixed(1)).join(",");
  if (!view.firstPaint) {
    view.firstPaint = true;
    requestAnimationFrame(() => {
      performance.mark("live-view-rendered");
      document.body.dataset.ready = "1";
    });
  }
}

function selectedVrf() {
  return view.state.vrfs.find((v) => v.uuid === view.vrf);
}

function stat(label, value, detail, cls = "") {
  return h(
    "div",
    { class: `stat ${cls}` },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat-value" }, value),
    h("div", { class: "stat-detail" }, detail),
  );
}

function renderStats() {
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

/** Replaces a select's options only when they changed, so an open drop-down survives a live update. */
function setOptions(select, pairs) {
  const key = JSON.stringify(pairs);
  if (select.dataset.options === key) return;
  select.dataset.options = key;
  select.replaceChildren(...pairs.map(([value, label]) => h("option", { value }, label)));
}

function renderPictureCard() {
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

function sameChildren(parent, wanted) {
  const now = parent.children;
  return now.length === wanted.length && wanted.every((w, i) => now[i] === w);
}

function renderServices(before) {
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

function renderRoutes() {
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

function clock(t) {
  const d = new Date(t);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
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

function addChanges(entries) {
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

// ---- wiring ------------------------------------------------------------------------------------------------------

function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

function wire() {
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", onLogout);
  $("picture-of").addEventListener("change", (e) => {
    view.pictureOf = e.target.value;
    renderPictureCard();
  });
  $("vrf").addEventListener("change", (e) => {
    view.vrf = e.target.value;
    renderStats();
    renderPictureCard();
    renderRoutes();
  });
  $("server-filter").addEventListener(
    "input",
    debounce((e) => {
      view.serverQuery = e.target.value.trim().toLowerCase();
      renderServices(view.state);
    }, 120),
  );
  $("route-filter").addEventListener(
    "input",
    debounce((e) => {
      view.routeQuery = e.target.value.trim().toLowerCase();
      renderRoutes();
    }, 120),
  );
  $("changes").addEventListener("animationend", (e) => e.target.classList?.remove("new"));
}

async function boot() {
  wire();
  try {
    const who = await api("/ui/api/session");
    if (who.user) start(who.user, who.controllerVersion);
    else showLogin();
  } catch (e) {
    showLogin(`The controller did not answer: ${e.message}`);
  }
}

boot();
