/**
 * Running a query: plan candidates from the index, verify each with
 * matchMessage over the stored message (so the result set is exactly what a
 * full scan gives), and stream hits with highlights and thread context.
 * Queries with nothing to narrow on scan in date order and stop once a page is full.
 */
import { ALL } from '../../core/constants';
import {
  matchMessage,
  queryTerms,
  type QueryNode,
  type QueryTerm,
  type SearchDoc,
} from '../../core/query';
import {
  BODY_FIELDS,
  FROM_FIELDS,
  SUBJECT_FIELDS,
  hitRanges,
  snippet,
  toSegs,
  type Seg,
} from '../../core/query/highlight';
import { ANY, OOPS_KEY, toSearchDoc } from '../../core/query/terms';
import type { LoupeDB, OopsRow, StoredMessage } from '../schema';
import {
  NOT_LIVE,
  fillIds,
  idsOf,
  loadCache,
  loadThreads,
  readMessages,
  type DocCache,
  type SaveDocs,
} from './cache';
import { crashBadge, crashRows, type HitCrash } from './meta';
import {
  knownFromCache,
  plan,
  postings,
  prefetch,
  usesCrashes,
  usesReadState,
  type PlanCtx,
} from './plan';
import { everything, ranked } from './rank';
import { readMarks } from './reads';

/** One search result with its thread context. */
export interface SearchHit {
  id: string;
  threadId: string;
  inboxes: string[];
  date: number;
  from: Seg[];
  subject: Seg[];
  snippet: Seg[];
  unread: boolean;
  hasPatch: boolean;
  /** The crash the message reports, named as the thread list's badge names it. */
  crash: HitCrash | null;
  thread: { subject: string; count: number; position: number } | null;
}

export type SearchOrder = 'relevance' | 'date';

export interface SearchOptions {
  /** Restrict to one inbox ('*' = all). */
  inbox?: string;
  order?: SearchOrder;
  /** Stop after this many matches. */
  limit?: number;
  /** Count only: no hits are built. */
  countOnly?: boolean;
  /** Where the table of posting numbers is saved (default: written here). */
  saveDocs?: SaveDocs;
  /** Stops after the chunk being verified. */
  signal?: AbortSignal;
  /** Receives hits as each verified chunk completes, in result order. */
  onHits?: (hits: SearchHit[]) => void;
  /**
   * Awaited before the query starts, once what it needs is loaded, and before each chunk
   * of messages is read: a background count waits there while a reader's query runs
   * (and a moment after), and reads smaller chunks.
   */
  pause?: () => Promise<void>;
}

export interface SearchSummary {
  matched: number;
  /** True when the limit stopped verification before every candidate was checked. */
  more: boolean;
  /** Candidates from the index, or null when the query needed a scan. */
  candidates: number | null;
  verified: number;
  cancelled: boolean;
  ms: number;
}

/** Runs a parsed query over the local index; hits stream through onHits. */
export async function runSearch(
  db: LoupeDB,
  query: QueryNode,
  opts: SearchOptions = {},
): Promise<SearchSummary> {
  const start = performance.now();
  const limit = opts.limit ?? 200;
  const inbox = opts.inbox ?? ALL;
  const needReads = usesReadState(query);
  const emit = opts.countOnly ? undefined : opts.onHits;
  await opts.pause?.();
  const [cache, reads] = await Promise.all([
    loadCache(db, opts.saveDocs),
    needReads || emit ? readMarks(db) : null,
  ]);
  // A query that came while they loaded goes first.
  await opts.pause?.();
  // The inbox is a filter on the candidates (a bitmap), not a term to intersect.
  const keep = inbox === ALL ? null : (cache.inboxes.get(inbox.toLowerCase()) ?? EMPTY);
  const ctx: PlanCtx = {
    db,
    cache,
    scores: opts.order === 'date' || opts.countOnly ? null : new Float32Array(cache.next),
    reads: opts.countOnly ? reads : null,
  };
  const crashKeys = usesCrashes(query) ? [{ key: OOPS_KEY, prefix: false }] : [];
  await prefetch(query, ctx, crashKeys);
  const set = await plan(query, ctx, true);
  if (opts.countOnly && set && ctx.reads && knownFromCache(query))
    return countLive(set, cache, keep, limit, start);
  const cands = set ? ranked(set, cache, ctx.scores, keep) : everything(cache, keep);
  const terms = opts.countOnly ? [] : queryTerms(query);
  let matched = 0;
  let verified = 0;
  let cancelled = false;
  /** Candidates handed out but never verified because the page filled up. */
  let unverified = false;
  // Crash rows matter only to a query about crashes. Crash reports are few: which
  // candidates have one is known from the postings, so their crash rows are read
  // alongside the messages, not after them.
  const crashBits = new Uint8Array(cache.next);
  for (const { key } of crashKeys)
    for (const no of await postings(ctx, key, ANY, false, false)) crashBits[no] = 1;
  const maxChunk = opts.pause ? BACKGROUND_CHUNK : MAX_CHUNK;
  const fetch = async (nos: Uint32Array) => {
    await opts.pause?.();
    const ids = await idsOf(db, cache, nos);
    const [msgs, crashOf] = await Promise.all([
      readMessages(db, cache, ids),
      crashRows(
        db,
        ids.filter((_, k) => crashBits[nos[k]] === 1),
      ),
    ]);
    return { nos, msgs, crashOf };
  };
  let next = cands.done ? null : fetch(cands.next(FIRST_CHUNK));
  for (let first = true; next; first = false) {
    const { nos, msgs, crashOf } = await next;
    next = null;
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    if (matched >= limit) {
      // The page filled up in the chunk before, read ahead of need.
      unverified ||= msgs.length > 0;
      continue;
    }
    const found: Found[] = [];
    for (let k = 0; k < msgs.length && matched < limit; k++) {
      const m = msgs[k];
      if (!m) continue;
      verified++;
      const unread = !reads?.has(m.id);
      const doc = toSearchDoc(m, m.inboxes, crashOf.get(m.id), unread, cache.sizes[nos[k]]);
      if (!matchMessage(query, doc)) continue;
      matched++;
      found.push({ m, doc, unread });
      unverified = matched >= limit && k < msgs.length - 1;
    }
    // Only hits need their thread context (not the candidates read ahead or rejected),
    // and a hit's badge its crash row (a query about crashes has read it already). They
    // are asked for before the next chunk, so its reads queue behind them.
    const hits = found.map(({ m }) => m);
    const threadsRead = emit && hits.length ? loadThreads(db, cache, hits) : null;
    const crashesRead = emit
      ? crashRows(
          db,
          found.flatMap(({ m }) => (m.hasOops && !crashOf.get(m.id) ? [m.id] : [])),
        )
      : null;
    // The first chunk is small, to paint the first hits soon. The second is as big as
    // the rest of the page (plus a few): even if every candidate matches, the page
    // needs that many more. Later chunks read about what the page still needs, judged
    // by how many candidates matched so far, while this one's hits are built and sent.
    if (first && !cands.done && limit > FIRST_CHUNK)
      next = fetch(cands.next(Math.min(maxChunk, limit - FIRST_CHUNK + 8)));
    else if (matched < limit && !cands.done) {
      const rate = Math.max(0.05, matched / Math.max(1, verified));
      const want = Math.ceil((limit - matched) / rate) + 8;
      next = fetch(cands.next(Math.min(maxChunk, Math.max(FIRST_CHUNK, want))));
    }
    await threadsRead;
    const crashes = await crashesRead;
    if (found.length && emit)
      emit(buildHits(cache, found, terms, (id) => crashOf.get(id) ?? crashes?.get(id)));
  }
  return {
    matched,
    more: unverified || !cands.done,
    candidates: set ? set.length : null,
    verified,
    cancelled,
    ms: performance.now() - start,
  };
}

/** The summary of a count whose candidates are its matches: the live ones in the inbox. */
function countLive(
  set: Uint32Array,
  cache: DocCache,
  keep: Uint8Array | null,
  limit: number,
  start: number,
): SearchSummary {
  let n = 0;
  for (const no of set) if (cache.rank[no] !== NOT_LIVE && (!keep || keep[no] === 1)) n++;
  const matched = Math.min(n, limit);
  return {
    matched,
    more: n > limit,
    candidates: set.length,
    verified: 0,
    cancelled: false,
    ms: performance.now() - start,
  };
}

const EMPTY = new Uint8Array(0);
/** Messages read at once to verify candidates: the first chunk, and at most. */
const FIRST_CHUNK = 24;
const MAX_CHUNK = 256;
/** At most, for a background count: a reader's query waits behind one chunk's reads at worst. */
const BACKGROUND_CHUNK = 48;

/**
 * Reads what every query needs (posting numbers, read marks) ahead of the first one;
 * given `pause`, then the rest of the saved Message-IDs in steps, each after it.
 */
export async function warmSearch(
  db: LoupeDB,
  saveDocs?: SaveDocs,
  pause?: () => Promise<void>,
): Promise<void> {
  const [cache] = await Promise.all([loadCache(db, saveDocs), readMarks(db)]);
  if (pause) void fillIds(db, cache, pause).catch(() => undefined);
}

/** Number of matches up to `cap`, for saved-search badges. */
export async function countMatches(
  db: LoupeDB,
  ast: QueryNode,
  inbox: string,
  cap: number,
  saveDocs?: SaveDocs,
  pause?: () => Promise<void>,
): Promise<{ count: number; capped: boolean }> {
  const opts = { inbox, countOnly: true, limit: cap, order: 'date', saveDocs, pause } as const;
  const r = await runSearch(db, ast, opts);
  return { count: r.matched, capped: r.more && r.matched >= cap };
}

interface Found {
  m: StoredMessage;
  doc: SearchDoc;
  unread: boolean;
}

function buildHits(
  cache: DocCache,
  found: Found[],
  terms: QueryTerm[],
  crashOf: (id: string) => OopsRow | undefined,
): SearchHit[] {
  const subjTerms = terms.filter((t) => SUBJECT_FIELDS.has(t.field));
  const fromTerms = terms.filter((t) => FROM_FIELDS.has(t.field));
  const bodyTerms = terms.filter((t) => BODY_FIELDS.has(t.field));
  return found.map(({ m, doc, unread }) => {
    const t = cache.threads.get(m.threadId) ?? null;
    return {
      id: m.id,
      threadId: m.threadId,
      inboxes: m.inboxes,
      date: m.date,
      from: toSegs(doc.from, hitRanges(doc.from, fromTerms)),
      subject: toSegs(m.subject, hitRanges(m.subject, subjTerms)),
      snippet: snippet(m.text, bodyTerms),
      unread,
      hasPatch: m.hasPatch,
      crash: crashBadge(m.hasOops ? crashOf(m.id) : undefined),
      thread: t
        ? { subject: t.subject, count: t.count, position: t.order.indexOf(m.id) + 1 }
        : null,
    };
  });
}
