/**
 * Remote public-inbox sources, the pure part: what a user pastes -> where it
 * lives, proxied URLs, and which feed entries are new since the last sync.
 */
import type { AtomEntry } from './atom';
import { assertNever, type QueryNode } from './query/ast';
import { DAY } from './constants';

/** Where a pasted URL or Message-ID points. */
export interface RemoteRef {
  scheme: 'http' | 'https';
  host: string;
  /** null for the scheme's default port. */
  port: number | null;
  /** Inbox name on the host (`all` is lore's every-inbox view), null for a bare Message-ID. */
  inbox: string | null;
  /** Message-ID without angle brackets, null for an inbox URL. */
  msgid: string | null;
}

/** A parse result: the reference, or a sentence saying why it is not one. */
export type ParseResult = { ok: true; ref: RemoteRef } | { ok: false; error: string };

/** The host used for bare Message-IDs when no remote inbox knows them. */
export const DEFAULT_HOST = { scheme: 'https', host: 'lore.kernel.org', port: null } as const;

/** new.atom holds this many entries (public-inbox's fixed page size). */
export const FEED_SIZE = 25;
/** Search feeds (`?x=A`) hold this many entries a page. */
export const SEARCH_PAGE = 200;

// Per-message URL tails public-inbox serves below MSGID/.
const MSG_TAILS = new Set(['', 'T', 't', 'raw', 't.mbox.gz', 't.atom', 'f']);
// Inbox-level files that are not Message-IDs.
const INBOX_FILES = new Set(['new.atom', 'new.html', 'all.mbox.gz', '_', 'manifest.js.gz']);

function stripId(s: string): string {
  return s
    .trim()
    .replace(/^id:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .trim();
}

function looksLikeMsgId(s: string): boolean {
  return /^[^\s<>@]+@[^\s<>@]+$/.test(s);
}

/** Parses a lore/public-inbox URL, a Message-ID (`<x@y>`, `x@y`) or `id:x@y`. */
export function parseRemoteInput(input: string): ParseResult {
  const text = input.trim();
  if (!text) return { ok: false, error: 'Paste a lore URL or a Message-ID.' };
  if (!/^https?:\/\//i.test(text)) {
    const id = stripId(text);
    if (looksLikeMsgId(id)) {
      return { ok: true, ref: { scheme: 'https', host: '', port: null, inbox: null, msgid: id } };
    }
    return {
      ok: false,
      error: `"${text}" is neither a web address (https://…) nor a Message-ID (name@host).`,
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `"${text}" is not a valid web address.` };
  }
  const scheme = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : null;
  const host = url.hostname.toLowerCase();
  // Split the raw path: a Message-ID may contain an encoded "/" (%2F).
  const segs = url.pathname.split('/').slice(1);
  if (segs[segs.length - 1] === '') segs.pop();
  // lore's /r/MSGID short links resolve across every inbox, like /all/.
  const first = segs[0] ? safeDecode(segs[0]) : '';
  const inbox = first === 'r' ? 'all' : first;
  if (!inbox) {
    return {
      ok: false,
      error: `${url.origin}/ is a host; paste an inbox address like ${url.origin}/linux-usb/.`,
    };
  }
  let msgid: string | null = null;
  if (segs.length >= 2 && !INBOX_FILES.has(segs[1])) {
    const tail = segs.slice(2).join('/');
    const candidate = stripId(safeDecode(segs[1]));
    if (MSG_TAILS.has(tail) && candidate.includes('@')) msgid = candidate;
    else if (MSG_TAILS.has(tail) && segs.length === 2 && candidate) msgid = candidate;
  }
  return { ok: true, ref: { scheme, host, port, inbox, msgid } };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// public-inbox's mid_escape (PublicInbox::Hval): keeps RFC 3986 unreserved, sub-delims, ":" and "@".
const MID_KEEP = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

/** Percent-encodes a Message-ID for a URL path the way public-inbox does. */
export function encodeMsgIdPath(id: string): string {
  let out = '';
  for (const ch of id) {
    if (MID_KEEP.test(ch)) out += ch;
    else
      for (const b of new TextEncoder().encode(ch))
        out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `scheme://host[:port]` of a reference. */
export function originOf(ref: Pick<RemoteRef, 'scheme' | 'host' | 'port'>): string {
  return `${ref.scheme}://${ref.host}${ref.port ? `:${ref.port}` : ''}`;
}

/** The inbox base URL (ends with /), e.g. https://lore.kernel.org/linux-usb/. */
export function inboxUrl(ref: Pick<RemoteRef, 'scheme' | 'host' | 'port'>, inbox: string): string {
  return `${originOf(ref)}/${encodeURIComponent(inbox)}/`;
}

/** URL of a message's whole thread as mbox.gz, below an inbox base URL. */
export function threadMboxUrl(base: string, msgid: string): string {
  return `${base}${encodeMsgIdPath(msgid)}/t.mbox.gz`;
}

/** A short label for an inbox base URL, for messages to the user (`lore.kernel.org/linux-usb/`). */
export function labelOf(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/** The same-origin proxy URL (`_/HOST[:PORT]/PATH?Q`) for a remote URL, relative to the app's base URL. */
export function proxiedUrl(remote: string, appBase: string): string {
  const u = new URL(remote);
  return new URL(`_/${u.host}${u.pathname}${u.search}`, appBase).href;
}

/** `YYYYMMDD` (UTC) for public-inbox's `d:` search prefix. */
export function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The search feed of messages dated FROM or later, one page: `?q=d:FROM..&x=A&o=N`. */
export function searchFeedUrl(base: string, fromMs: number, offset = 0): string {
  return `${base}?q=${encodeURIComponent(`d:${ymd(fromMs)}..`)}&x=A${offset ? `&o=${offset}` : ''}`;
}

/** The search-results mbox.gz (POST) for messages dated FROM..TO, both days included. */
export function searchMboxUrl(base: string, fromMs: number, toMs: number): string {
  return `${base}?q=${encodeURIComponent(`d:${ymd(fromMs)}..${ymd(toMs)}`)}&x=m`;
}

/** Splits [from, to] into day-aligned windows of `days` days, newest first (backfill reads recent mail first). */
export function dateWindows(
  fromMs: number,
  toMs: number,
  days: number,
): { from: number; to: number }[] {
  const start = Math.floor(fromMs / DAY) * DAY;
  const out: { from: number; to: number }[] = [];
  for (let end = Math.floor(toMs / DAY) * DAY; end >= start; end -= days * DAY) {
    out.push({ from: Math.max(start, end - (days - 1) * DAY), to: end });
  }
  return out;
}

/** The key remembered per feed entry: its id and updated time (public-inbox sends no ETag). */
export function entryKey(e: Pick<AtomEntry, 'entryId' | 'updated'>): string {
  return `${e.entryId} ${Number.isNaN(e.updated) ? '' : e.updated}`;
}

/** Which entries of a fetched feed are new, and whether older pages must be read too. */
export interface FeedDiff {
  fresh: AtomEntry[];
  /** True when every entry of a full feed is new: more may have arrived than the feed shows. */
  pageBack: boolean;
}

/** Compares a fetched feed with the entry keys seen last time. */
export function diffFeed(
  entries: AtomEntry[],
  seen: readonly string[],
  pageSize = FEED_SIZE,
): FeedDiff {
  const known = new Set(seen);
  const fresh = entries.filter((e) => !known.has(entryKey(e)));
  // The first sync has nothing to catch up with: older mail is what backfill is for.
  const pageBack = seen.length > 0 && entries.length >= pageSize && fresh.length === entries.length;
  return { fresh, pageBack };
}

/**
 * Groups new entries into threads to fetch: entries joined by visible
 * in-reply-to links, or replying to the same parent, share one download.
 * Each group lists its Message-IDs, the one to fetch first (oldest root-most).
 */
export function groupThreads(
  entries: readonly Pick<AtomEntry, 'messageId' | 'inReplyTo' | 'updated'>[],
): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    for (let up = parent.get(r); up !== undefined && up !== r; up = parent.get(r)) r = up;
    parent.set(x, r);
    return r;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string) => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  type Linked = Pick<AtomEntry, 'messageId' | 'inReplyTo' | 'updated'>;
  const withId = entries.filter((e): e is Linked & { messageId: string } => !!e.messageId);
  for (const e of withId) {
    add(e.messageId);
    if (e.inReplyTo) union(e.inReplyTo, e.messageId);
  }
  const isEntry = new Set(withId.map((e) => e.messageId));
  const groups = new Map<string, Linked[]>();
  for (const e of withId) {
    const r = find(e.messageId);
    groups.set(r, [...(groups.get(r) ?? []), e]);
  }
  return [...groups.values()].map((g) => {
    // Root-most first (no visible parent), then oldest: that message names the thread.
    const rank = (e: Linked) => (e.inReplyTo && isEntry.has(e.inReplyTo) ? 1 : 0);
    const sorted = [...g].sort((a, b) => rank(a) - rank(b) || (a.updated || 0) - (b.updated || 0));
    return [...new Set(sorted.map((e) => e.messageId as string))];
  });
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds, null when absent or bad. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Backoff before retry number `attempt` (0-based): Retry-After when given, else exponential with jitter, capped. */
export function backoffMs(
  attempt: number,
  retryAfter: number | null,
  random = Math.random,
  capMs = 30_000,
): number {
  if (retryAfter !== null) return Math.min(capMs, retryAfter);
  const base = 1000 * 2 ** attempt;
  return Math.min(capMs, base / 2 + random() * base);
}

/** The local inbox name for a remote inbox (`all` on a host becomes the host's name). */
export function localInboxName(ref: Pick<RemoteRef, 'host' | 'port' | 'inbox'>): string {
  if (!ref.inbox || ref.inbox === 'all') return ref.port ? `${ref.host}:${ref.port}` : ref.host;
  return ref.inbox;
}

/** One page of server search results as Atom: `?q=QUERY&x=A` (`&r` orders by relevance, `&o=N` pages). */
export function serverSearchUrl(
  base: string,
  query: string,
  opts: { offset?: number; relevance?: boolean } = {},
): string {
  const q = encodeURIComponent(query).replace(/%20/g, '+');
  return `${base}?q=${q}&x=A${opts.relevance ? '&r' : ''}${opts.offset ? `&o=${opts.offset}` : ''}`;
}

/** The whole inbox as one mboxrd.gz download (public-inbox 1.9 serves it for v1 and v2 inboxes). */
export function wholeInboxUrl(base: string): string {
  return `${base}all.mbox.gz`;
}

/** Inboxes with at most this many messages count as small enough to download whole. */
export const SMALL_INBOX = 5000;

/**
 * The search feed page starting just past SMALL_INBOX messages: any entry in it means
 * the inbox is bigger. public-inbox answers past the end with an empty (even
 * malformed) feed, and 404 when nothing matches at all.
 */
export function sizeProbeUrl(base: string): string {
  return serverSearchUrl(base, 'd:19700101..', { offset: SMALL_INBOX });
}

/** The query terms that exist only in Loupe (`is:`, `oops:`, `inbox:`, `type:`), in order, without repeats. */
export function localOnlyTerms(ast: QueryNode): string[] {
  const out = new Set<string>();
  const walk = (n: QueryNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
      case 'xor':
        n.children.forEach(walk);
        return;
      case 'not':
        walk(n.child);
        return;
      case 'flag':
        out.add(`is:${n.flag}`);
        return;
      case 'text':
        if (n.field === 'oops') out.add('oops:');
        return;
      case 'exact':
        if (n.field === 'inbox' || n.field === 'type') out.add(`${n.field}:`);
        return;
      case 'date':
      case 'size':
      case 'all':
        return;
      default:
        assertNever(n);
    }
  };
  walk(ast);
  return [...out];
}

/** Whether a query goes to the server as typed, or why it does not. */
export type ServerQueryPlan = { run: true } | { run: false; reason: string };

/**
 * Decides whether a (valid) query can run on a public-inbox server. Loupe-only
 * terms are not stripped: without them the server would answer a broader
 * question and list mail that does not match what was typed.
 */
export function planServerQuery(ast: QueryNode): ServerQueryPlan {
  if (ast.kind === 'all') return { run: false, reason: 'the query is empty' };
  const own = localOnlyTerms(ast);
  if (!own.length) return { run: true };
  const list = own.join(', ');
  return {
    run: false,
    reason: `${list} ${own.length === 1 ? 'is a Loupe term' : 'are Loupe terms'} the server does not know`,
  };
}

/** A short plain-text snippet of an Atom entry's body: quotes and attribution lines left out. */
export function entrySnippet(content: string, max = 240): string {
  const all = content.split('\n');
  const sig = all.findIndex((l) => /^-- ?$/.test(l));
  const lines = sig >= 0 ? all.slice(0, sig) : all;
  const own = lines.filter((l) => !/^\s*>/.test(l) && !/\bwrote:\s*$/.test(l));
  const text = (own.length ? own : lines).join(' ').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** public-inbox's HTML search page for a query: its header says how many messages match. */
export function resultCountUrl(base: string, query: string): string {
  return `${base}?q=${encodeURIComponent(query)}`;
}

/**
 * The number of matches a public-inbox search page states ("Results 1-200 of ~354",
 * "No more results, only 12", "[No results found]"), or null when it states none.
 * The `~` marks Xapian's estimate, exact for the date ranges asked here.
 */
export function parseResultCount(html: string): number | null {
  const m = /Results \d+-\d+ of ~?(\d+)|No more results, only (\d+)/.exec(html);
  if (m) return Number(m[1] ?? m[2]);
  return /\[No results found\]/.test(html) ? 0 : null;
}

/** How much history adding an inbox fetches: days back, 0 = the newest messages only, null = all. */
export const HISTORY = [
  { label: 'Newest messages only', days: 0 },
  { label: 'Last 2 weeks', days: 14 },
  { label: 'Last 3 months', days: 92 },
  { label: 'Last year', days: 366 },
  { label: 'Everything', days: null },
] as const;

/** The history fetched when the user does not choose. */
export const DEFAULT_HISTORY_DAYS = 14;
