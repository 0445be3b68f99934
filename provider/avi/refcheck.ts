// Whether the objects a plan names exist in the tenant (its own objects and the admin tenant's shared ones, as the
// controller resolves a ref by name): one list per type, `name.in` with every name of that type, only names.
// check() calls it so that a monitor or profile that does not exist fails preview, not the write.
import type { AviSession } from "./session";
import { callOpts } from "./store";

/** Missing names by type; types with no names cost no request. */
export async function missingObjects(
  s: AviSession,
  scope: { tenant?: string },
  wanted: Record<string, readonly string[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [type, names] of Object.entries(wanted)) {
    const unique = [...new Set(names)].filter((n) => n !== "");
    if (unique.length === 0) continue;
    const params = { "name.in": unique.join(","), fields: "name" };
    const found = await s.list<{ name?: unknown }>(type, callOpts(scope, `${type} ${unique.join(", ")}`, params));
    const have = new Set(found.map((o) => String(o.name)));
    const missing = unique.filter((n) => !have.has(n));
    if (missing.length > 0) out[type] = missing;
  }
  return out;
}
