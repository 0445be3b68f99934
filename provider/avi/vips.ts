// The addresses a virtual service answers on, for the Service's status.loadBalancer.ingress: every address of its
// VsVip (ip_address for IPv4, ip6_address for IPv6, so a dual-stack VIP gives two). Reads only.
import type { AviSession } from "./session";

type Json = Record<string, unknown>;

/** Every address a VsVip holds, IPv4 first then IPv6, each once. */
export function vipAddressesOf(vsvip: Json | undefined): string[] {
  const vips = Array.isArray(vsvip?.vip) ? (vsvip.vip as Json[]) : [];
  const out: string[] = [];
  for (const field of ["ip_address", "ip6_address"]) {
    for (const v of vips) {
      const addr = (v?.[field] as { addr?: unknown } | undefined)?.addr;
      if (typeof addr === "string" && addr !== "" && !out.includes(addr)) out.push(addr);
    }
  }
  return out;
}

/** The addresses of one VsVip by uuid; [] when it is gone (404). */
export async function readVsVipAddresses(s: AviSession, vsvipUuid: string, tenant?: string): Promise<string[]> {
  try {
    const vsvip = await s.get<Json>(`vsvip/${encodeURIComponent(vsvipUuid)}`, {
      ...(tenant ? { tenant } : {}),
      object: `vsvip ${vsvipUuid}`,
    });
    return vipAddressesOf(vsvip);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return [];
    throw err;
  }
}

/**
 * The VIP addresses of the virtual service that uses a pool (the sync knows its pools, not their virtual service):
 * one list of the virtual services referring to the pool, then its VsVip. [] when no virtual service uses it.
 */
export async function readPoolVips(s: AviSession, poolUuid: string): Promise<string[]> {
  const vss = await s.list<Json>("virtualservice", {
    object: `virtual service of pool ${poolUuid}`,
    params: { refers_to: `pool:${poolUuid}`, fields: "name,vsvip_ref" },
  });
  const ref = vss.map((v) => v.vsvip_ref).find((r): r is string => typeof r === "string" && r !== "");
  const uuid = ref?.split("/").pop()?.split("#")[0];
  return uuid ? readVsVipAddresses(s, uuid) : [];
}
