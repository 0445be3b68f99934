// Field-level helpers shared by the models: defaults, loose booleans, ranges, addresses, static routes.
import { isIP } from "node:net";
import { fail, isObj, type Obj } from "./json";

export function setDefaults(obj: Obj, defaults: Obj): void {
  for (const [k, v] of Object.entries(defaults)) if (obj[k] === undefined) obj[k] = v;
}

export function toBool(obj: Obj, key: string): void {
  if (obj[key] === "true") obj[key] = true;
  else if (obj[key] === "false") obj[key] = false;
}

export function intIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

export function checkIpAddr(where: string, ip: unknown, allowHostname: boolean): void {
  if (!isObj(ip) || typeof ip.addr !== "string" || ip.addr === "") fail(400, `${where}: addr is required`);
  if (!["V4", "V6", "DNS"].includes(ip.type)) fail(400, `${where}: type must be one of V4, V6, DNS`);
  if (allowHostname) return;
  if (ip.type === "V4" && isIP(ip.addr) !== 4) fail(400, `${where}: ${ip.addr} is not a valid IPv4 address`);
  if (ip.type === "V6" && isIP(ip.addr) !== 6) fail(400, `${where}: ${ip.addr} is not a valid IPv6 address`);
}

export function checkRoute(r: unknown): asserts r is Obj {
  if (!isObj(r)) fail(400, "static_routes: each route must be an object");
  if (typeof r.route_id !== "string" || r.route_id === "") fail(400, "static_routes.route_id is required");
  const id = r.route_id;
  if (!isObj(r.prefix)) fail(400, `static route ${id}: prefix is required`);
  checkIpAddr(`static route ${id} prefix.ip_addr`, r.prefix.ip_addr, false);
  const max = r.prefix.ip_addr.type === "V6" ? 128 : 32;
  if (!intIn(r.prefix.mask, 0, max)) fail(400, `static route ${id}: prefix.mask must be 0-${max}`);
  if (r.next_hop === undefined) fail(400, `static route ${id}: next_hop is required`);
  checkIpAddr(`static route ${id} next_hop`, r.next_hop, false);
  if (r.next_hop.type !== r.prefix.ip_addr.type) fail(400, `static route ${id}: next_hop and prefix families differ`);
  if (r.labels !== undefined) {
    if (!Array.isArray(r.labels)) fail(400, `static route ${id}: labels must be a list`);
    if (r.labels.length > 1) fail(400, `static route ${id}: labels has more than 1 item`);
    for (const l of r.labels)
      if (!isObj(l) || typeof l.key !== "string") fail(400, `static route ${id}: label key is required`);
  }
}
