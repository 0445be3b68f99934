// Small DOM and formatting helpers of the live view. h() builds elements from text, never from markup, so names
// and labels from the controller cannot inject anything into the page.

export const $ = (id) => document.getElementById(id);

export const nf = new Intl.NumberFormat("en-US");

export const byName = new Intl.Collator("en", { numeric: true });

/** Sort key of an address: IPv4 as a number (before any IPv6), else its text; cheap enough for thousands. */
function addressKey(ip) {
  const p = ip.split(".");
  if (p.length === 4) return ((Number(p[0]) * 256 + Number(p[1])) * 256 + Number(p[2])) * 256 + Number(p[3]);
  return Number.MAX_SAFE_INTEGER;
}

export function byAddress(servers) {
  const keyed = servers.map((s) => ({ s, k: addressKey(s.ip) }));
  keyed.sort((a, b) => a.k - b.k || (a.s.ip < b.s.ip ? -1 : a.s.ip > b.s.ip ? 1 : 0) || a.s.port - b.s.port);
  return keyed.map((x) => x.s);
}

/** h("div", {class: "x"}, "text", child): a DOM element; strings become text nodes, never markup. */
export function h(tag, props = {}, ...children) {
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

/** Replaces a select's options only when they changed, so an open drop-down survives a live update. */
export function setOptions(select, pairs) {
  const key = JSON.stringify(pairs);
  if (select.dataset.options === key) return;
  select.dataset.options = key;
  select.replaceChildren(...pairs.map(([value, label]) => h("option", { value }, label)));
}

export function sameChildren(parent, wanted) {
  const now = parent.children;
  return now.length === wanted.length && wanted.every((w, i) => now[i] === w);
}

export function clock(t) {
  const d = new Date(t);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
