// Query parameters decoded the way the API server decodes them. ListOptions and DeleteOptions booleans go through
// apimachinery's Convert_Slice_string_To_bool: only "0" and "false" (any case) are false, and any other value,
// the empty one included, is true, so `?watch`, `?watch=1`, `?watch=t` and `?watch=yes` all start a watch.
// `pretty` alone is read with Go's strconv.ParseBool, where an unknown spelling means false.

/** A ListOptions/DeleteOptions boolean: absent, "0" or "false" in any case is false; anything else true. */
export function queryFlag(q: URLSearchParams, name: string): boolean {
  if (!q.has(name)) return false;
  const v = q.getAll(name)[0];
  return !(v === "0" || v.toLowerCase() === "false");
}

const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** Whether a response is indented: ?pretty= by strconv.ParseBool, else by the client (curl, Wget, browsers). */
export function wantsPretty(q: URLSearchParams, userAgent: string | undefined): boolean {
  const pretty = q.get("pretty");
  if (pretty) return GO_TRUE.has(pretty);
  return /^(curl|Wget|Mozilla\/5\.0)/.test(userAgent ?? "");
}
