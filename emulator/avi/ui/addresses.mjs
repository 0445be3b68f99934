// Addresses and prefixes for the live view's picture: IPv4 and IPv6 literals, and a longest-prefix lookup over a
// VRF's static routes.

function parseV4(s) {
  const p = s.split(".");
  if (p.length !== 4) return undefined;
  let n = 0;
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x) || Number(x) > 255) return undefined;
    n = n * 256 + Number(x);
  }
  return n;
}

function parseV6(s) {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const part = (h) => (h === "" ? [] : h.split(":"));
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array(missing).fill("0"), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(`0x${g}`);
  }
  return n;
}

/** An address as {bits, value}; undefined when it is not an IPv4 or IPv6 literal. */
export function parseAddress(s) {
  if (typeof s !== "string") return undefined;
  if (s.includes(":")) {
    const v = parseV6(s);
    return v === undefined ? undefined : { bits: 128, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { bits: 32, value: v };
}

// IPv4 in plain numbers (BigInt only for IPv6): one lookup per pool server must stay cheap at thousands of routes.
function network(value, bits, mask) {
  if (bits === 32) return value - (value % 2 ** (32 - mask));
  return mask === 0 ? 0n : (value >> BigInt(bits - mask)) << BigInt(bits - mask);
}

/** Longest-prefix lookup over the routes: one map per (family, mask length), so n addresses cost n x masks. */
export function routeIndex(routes) {
  const tables = new Map();
  for (const r of routes) {
    const [a, m] = String(r.prefix).split("/");
    const ip = parseAddress(a);
    const mask = Number(m);
    if (!ip || !Number.isInteger(mask) || mask < 0 || mask > ip.bits) continue;
    const key = `${ip.bits}/${mask}`;
    if (!tables.has(key)) tables.set(key, { bits: ip.bits, mask, byNet: new Map() });
    const t = tables.get(key);
    const net = network(ip.value, ip.bits, mask);
    if (!t.byNet.has(net)) t.byNet.set(net, []);
    t.byNet.get(net).push(r);
  }
  const ordered = [...tables.values()].sort((x, y) => y.mask - x.mask);
  return (address) => {
    const ip = parseAddress(address);
    if (!ip) return [];
    for (const t of ordered) {
      if (t.bits !== ip.bits) continue;
      const hit = t.byNet.get(network(ip.value, ip.bits, t.mask));
      if (hit) return hit;
    }
    return [];
  };
}
