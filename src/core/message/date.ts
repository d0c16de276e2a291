/**
 * A message's date: its Date header, else the newest Received header that has one.
 */
import { readHeaders } from '../headers';

const MIN_DATE = Date.UTC(1970, 0, 2);

/** Parses an RFC 5322 date; returns NaN when it cannot be understood. */
export function parseDate(value: string | undefined, now = Date.now()): number {
  if (!value) return NaN;
  // Drop comments like "(PDT)" and a trailing "UT"; Date.parse copes with the rest.
  let v = value.replace(/\([^)]*\)/g, ' ').trim();
  v = v.replace(/^[A-Za-z]{3},?\s*/, '');
  // "-0700" must be glued to the time for some engines; also accept "+0000 GMT".
  v = v.replace(/\s+(GMT|UT|UTC)$/i, ' +0000').replace(/\s+/g, ' ');
  let t = Date.parse(v);
  if (Number.isNaN(t)) {
    const m =
      /(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{2,4}) (\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4})?/.exec(
        v,
      );
    if (!m) return NaN;
    let year = Number(m[3]);
    if (year < 100) year += year < 50 ? 2000 : 1900;
    const tz = m[7] ?? '+0000';
    t = Date.parse(`${m[2]} ${m[1]} ${year} ${m[4]}:${m[5]}:${m[6] ?? '00'} ${tz}`);
  }
  if (Number.isNaN(t) || t < MIN_DATE || t > now + 366 * 86400e3) return NaN;
  return t;
}

const RECEIVED: ReadonlySet<string> = new Set(['received']);

/** The date of the newest Received header of the header block raw[0, headEnd) that has one. */
export function dateFromReceived(raw: Uint8Array, headEnd: number, now: number): number {
  for (const r of readHeaders(raw, headEnd, RECEIVED).headers.get('received') ?? []) {
    const semi = r.lastIndexOf(';');
    if (semi < 0) continue;
    const t = parseDate(r.slice(semi + 1), now);
    if (!Number.isNaN(t)) return t;
  }
  return NaN;
}
