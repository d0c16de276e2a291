/**
 * Date ranges for `d:`, `dt:` and `rt:`, following public-inbox: each side of
 * `A..B` is a git "approxidate"-like expression, either side may be empty, and a
 * single value covers a span (a whole day for dates). All arithmetic is UTC.
 */
import type { DateField, Range } from './ast';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** The interval an expression denotes, both ends inclusive. */
interface Span {
  start: number;
  end: number;
  /** True for a single moment ("2.days.ago", an epoch), false for a calendar span. */
  instant: boolean;
}

type DateResult = { ok: true; range: Range } | { ok: false; message: string };

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

const UNIT_ALIASES: ReadonlyMap<string, Unit> = new Map<string, Unit>([
  ['s', 'second'],
  ['sec', 'second'],
  ['secs', 'second'],
  ['second', 'second'],
  ['seconds', 'second'],
  ['min', 'minute'],
  ['mins', 'minute'],
  ['minute', 'minute'],
  ['minutes', 'minute'],
  ['hour', 'hour'],
  ['hours', 'hour'],
  ['day', 'day'],
  ['days', 'day'],
  ['week', 'week'],
  ['weeks', 'week'],
  ['month', 'month'],
  ['months', 'month'],
  ['year', 'year'],
  ['years', 'year'],
]);

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['a', 1],
  ['an', 1],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
]);

function startOfDay(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

function daySpan(t: number): Span {
  const start = startOfDay(t);
  return { start, end: start + DAY - 1, instant: false };
}

function instant(t: number): Span {
  const start = Math.floor(t / SECOND) * SECOND;
  return { start, end: start + SECOND - 1, instant: true };
}

/** Years 0..9999 keep toISOString() at four digits and reject absurd epochs. */
const MIN_TIME = -62167219200000;
const MAX_TIME = 253402300799999;

/** Date.UTC without its two-digit-year mapping and without rolling over bad fields. */
function utc(y: number, mo: number, d = 1, h = 0, mi = 0, s = 0): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.getTime();
}

function subtract(now: number, count: number, unit: Unit): number {
  switch (unit) {
    case 'second':
      return now - count * SECOND;
    case 'minute':
      return now - count * MINUTE;
    case 'hour':
      return now - count * HOUR;
    case 'day':
      return now - count * DAY;
    case 'week':
      return now - count * WEEK;
    case 'month': {
      const d = new Date(now);
      d.setUTCMonth(d.getUTCMonth() - count);
      return d.getTime();
    }
    case 'year': {
      const d = new Date(now);
      d.setUTCFullYear(d.getUTCFullYear() - count);
      return d.getTime();
    }
    default:
      return assertUnit(unit);
  }
}

function assertUnit(unit: never): never {
  throw new Error(`unknown unit ${String(unit)}`);
}

function parseAbsolute(s: string, field: DateField): Span | null {
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m && field !== 'rt') {
    const t = utc(+m[1], +m[2], +m[3]);
    return t === null ? null : daySpan(t);
  }
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (m && field !== 'rt') {
    const t = utc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
    return t === null ? null : instant(t);
  }
  // public-inbox hands 5+ digit rt: values to Xapian as epoch seconds.
  if (/^\d{5,}$/.test(s)) return instant(Number(s) * SECOND);
  m = /^(\d{4})$/.exec(s);
  if (m) {
    const start = utc(+m[1], 1) ?? NaN;
    return { start, end: (utc(+m[1] + 1, 1) ?? NaN) - 1, instant: false };
  }
  m = /^(\d{4})-(\d{1,2})$/.exec(s);
  if (m) {
    const start = utc(+m[1], +m[2]);
    if (start === null) return null;
    const next = +m[2] === 12 ? utc(+m[1] + 1, 1) : utc(+m[1], +m[2] + 1);
    return { start, end: (next ?? NaN) - 1, instant: false };
  }
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t.](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?z?)?$/.exec(s);
  if (m) {
    const hasTime = m[4] !== undefined;
    const t = utc(+m[1], +m[2], +m[3], hasTime ? +m[4] : 0, hasTime ? +m[5] : 0, +(m[6] ?? 0));
    if (t === null) return null;
    return hasTime ? instant(t) : daySpan(t);
  }
  return null;
}

function parseRelative(s: string, now: number): Span | null {
  switch (s) {
    case 'now':
      return instant(now);
    case 'today':
      return daySpan(now);
    case 'yesterday':
      return daySpan(now - DAY);
  }
  const words = s.split('.').filter((w) => w !== '');
  if (words[words.length - 1] === 'ago') words.pop();
  if (words[0] === 'last') words[0] = '1';
  if (words.length !== 2) return null;
  const count = /^\d+$/.test(words[0]) ? Number(words[0]) : NUMBER_WORDS.get(words[0]);
  const unit = UNIT_ALIASES.get(words[1]);
  if (count === undefined || unit === undefined) return null;
  return instant(subtract(now, count, unit));
}

/** Parses one side of a range; `d:` widens every span to whole UTC days. */
function parsePoint(raw: string, field: DateField, now: number): Span | null {
  const s = raw.toLowerCase().replace(/[\s_,]+/g, '.');
  const span = parseAbsolute(s, field) ?? parseRelative(s, now);
  if (span === null || !(span.start >= MIN_TIME && span.end <= MAX_TIME)) return null;
  if (field === 'd') {
    return { start: startOfDay(span.start), end: startOfDay(span.end) + DAY - 1, instant: false };
  }
  return span;
}

/** Resolves a `d:`/`dt:`/`rt:` value such as `2.weeks.ago..` or `20200520..20200525`. */
export function parseDateRange(value: string, field: DateField, now: number): DateResult {
  const parts = value.split('..');
  if (parts.length > 2) return { ok: false, message: `too many ".." in ${field}:${value}` };
  if (parts.length === 1) {
    const span = parsePoint(parts[0], field, now);
    if (span === null) return { ok: false, message: badDate(parts[0], field) };
    // Like public-inbox, a moment on its own means the day that follows it.
    const to = span.instant ? Math.min(span.start + DAY - 1, MAX_TIME) : span.end;
    return { ok: true, range: { from: span.start, to } };
  }
  const [fromText, toText] = parts;
  if (fromText === '' && toText === '') {
    return { ok: false, message: `${field}:.. needs a date on at least one side` };
  }
  let from: number | null = null;
  let to: number | null = null;
  if (fromText !== '') {
    const span = parsePoint(fromText, field, now);
    if (span === null) return { ok: false, message: badDate(fromText, field) };
    from = span.start;
  }
  if (toText !== '') {
    const span = parsePoint(toText, field, now);
    if (span === null) return { ok: false, message: badDate(toText, field) };
    to = span.end;
  }
  if (from !== null && to !== null && from > to) {
    return { ok: false, message: `${field}:${value} ends before it starts` };
  }
  return { ok: true, range: { from, to } };
}

function badDate(text: string, field: DateField): string {
  return (
    `bad date "${text}" in ${field}: (try YYYYMMDD, YYYY-MM-DD, yesterday, ` +
    `2.weeks.ago or last.month)`
  );
}

/** Formats a range bound back into a form parseDateRange accepts. */
export function formatDateBound(t: number, side: 'from' | 'to'): string {
  const dayAligned = side === 'from' ? t % DAY === 0 : (t + 1) % DAY === 0;
  const iso = new Date(side === 'from' ? t : t - (t % SECOND)).toISOString();
  if (dayAligned) return iso.slice(0, 10);
  return `${iso.slice(0, 19)}Z`;
}
