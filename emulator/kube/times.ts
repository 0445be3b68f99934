// Timestamps as the API server decodes and re-encodes them. metav1.Time is RFC 3339 (any fraction accepted,
// whole seconds kept); metav1.MicroTime (Lease acquire/renew times, Event eventTime) is parsed with the layout
// 2006-01-02T15:04:05.000000Z07:00 and needs exactly six fractional digits: a JavaScript Date's
// toISOString() (three) is refused, which is why client-node has V1MicroTime. Both come back in UTC.

const RFC3339 = "2006-01-02T15:04:05Z07:00";
const RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00";

/** A value that does not decode: the message is Go's time.ParseError text (or encoding/json's). */
export class DecodeError extends Error {}

const parseError = (value: string, layout: string, valueElem: string, layoutElem: string) =>
  new DecodeError(
    `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(valueElem)} as ${JSON.stringify(layoutElem)}`,
  );

function parse(value: unknown, micro: boolean): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") {
    throw new DecodeError(`json: cannot unmarshal ${typeof value} into Go value of type string`);
  }
  const layout = micro ? RFC3339_MICRO : RFC3339;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) throw parseError(value, layout, value, "2006");
  let rest = value.slice(19);
  let fraction = "";
  if (micro) {
    if (rest.length < 7 || !/^[.,]\d{6}/.test(rest)) throw parseError(value, layout, rest, ".000000");
    fraction = rest.slice(1, 7);
    rest = rest.slice(7);
  } else {
    const f = /^[.,]\d+/.exec(rest);
    if (f) rest = rest.slice(f[0].length);
  }
  let offsetMinutes = 0;
  if (rest !== "Z") {
    const tz = /^([+-])(\d{2}):(\d{2})$/.exec(rest);
    if (!tz) throw parseError(value, layout, rest, "Z07:00");
    offsetMinutes = (tz[1] === "-" ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]));
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const utc = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000);
  const base = utc.toISOString().slice(0, 19);
  return micro ? `${base}.${fraction}Z` : `${base}Z`;
}

/** A metav1.MicroTime field's stored form; throws DecodeError for what the real server cannot decode. */
export const microTime = (value: unknown): string | null => parse(value, true);

/** A metav1.Time field's stored form (whole seconds, UTC). */
export const wholeTime = (value: unknown): string | null => parse(value, false);
