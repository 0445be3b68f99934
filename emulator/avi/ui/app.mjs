// The live view: logs in through the controller's own /login, reads /ui/api/state and /ui/api/changes with the
// session cookie, and follows /ui/events (server-sent events) to redraw within moments of every write. The
// password only ever travels in the login request body; nothing here stores or shows it.
import { $, debounce } from "./dom.mjs";
import { addChanges, renderPictureCard, renderRoutes, renderStats, resetChanges } from "./panels.mjs";
import { renderServices } from "./services.mjs";
import { defaultVrf } from "./topology.mjs";
import { FRESH_MS, serverKey, view } from "./view.mjs";

class SignedOut extends Error {}

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
  resetChanges();
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
    // A version below what we have seen: the emulator restarted, and its change log with it.
    if (version < (view.changes[0]?.seq ?? 0)) resetChanges();
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
      // Fetches never overlap, so the one just read is the newest (a restarted emulator counts from 0 again).
      applyState(next);
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

// ---- wiring ------------------------------------------------------------------------------------------------------

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
