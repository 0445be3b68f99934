// Strict IP and CIDR parsing on top of ipaddr.js. ipaddr.js alone accepts legacy IPv4 forms ("10.1", "0x0a.1"):
// a route or server built from those would not be what the user wrote, so only four-part decimal IPv4 passes.
import ipaddr = require("ipaddr.js");
import type { Family } from "./types";

export interface ParsedIp {
  family: Family;
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  text: string;
  bytes: number[];
}

export interface ParsedCidr {
  family: Family;
  /** The network address in canonical text. */
  address: string;
  bits: number;
  /** `<address>/<bits>` in canonical text. */
  prefix: string;
  /** True when the input had host bits set ("192.168.101.5/24"). */
  hostBitsSet: boolean;
  bytes: number[];
}

export function parseIp(value: string): ParsedIp | undefined {
  if (typeof value !== "string") return undefined;
  const s = value.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) {
    const a = ipaddr.IPv4.parse(s);
    return { family: "ipv4", text: a.toString(), bytes: a.toByteArray() };
  }
  if (s.includes(":") && ipaddr.IPv6.isValid(s) && !s.includes("%")) {
    const a = ipaddr.IPv6.parse(s);
    return { family: "ipv6", text: a.toRFC5952String(), bytes: a.toByteArray() };
  }
  return undefined;
}

export function parseCidr(value: string): ParsedCidr | undefined {
  if (typeof value !== "string") return undefined;
  const s = value.trim();
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const width = ip.family === "ipv4" ? 32 : 128;
  if (bits > width) return undefined;
  const net = maskBytes(ip.bytes, bits);
  const hostBitsSet = net.some((b, i) => b !== ip.bytes[i]);
  const address = ipaddr.fromByteArray(net);
  const text = address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
  return { family: ip.family, address: text, bits, prefix: `${text}/${bits}`, hostBitsSet, bytes: net };
}

export function maskBytes(bytes: number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return keep === 0 ? 0 : b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** True when ip lies inside cidr (same family only). */
export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  const masked = maskBytes(ip.bytes, cidr.bits);
  return masked.every((b, i) => b === cidr.bytes[i]);
}

/** Orders addresses numerically, IPv4 before IPv6, for stable output. */
export function compareBytes(a: number[], b: number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}
