/**
 * Planning a query: the positive terms narrow to candidate posting numbers (a
 * superset of the matches; verify decides), scoring relevance on the way.
 */
import Dexie from 'dexie';
import type { QueryNode } from '../../core/query';
import {
  ANY,
  GROUP_BITS,
  LID_KEY,
  MAX_TOKEN,
  OOPS_KEY,
  PATCH_KEY,
  TYPE_KEY,
  WEIGHT,
  clip,
} from '../../core/query/terms';
import { TEXT_FIELDS } from '../../core/query/fields';
import type { LoupeDB, PostingRow } from '../schema';
import { BUCKET_CACHE_BYTES, NOT_LIVE, allIds, type DocCache } from './cache';
import { MANY, OWN, eachPosting, find, listAt, postingRowBytes, rowKeys } from './postings';

export type NoSet = Uint32Array;

function intersect(a: NoSet, b: NoSet): NoSet {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      out[n++] = a[i];
      i++;
      j++;
    }
  }
  return out.slice(0, n);
}

function union(sets: NoSet[]): NoSet {
  const all = new Uint32Array(sets.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of sets) {
    all.set(s, at);
    at += s.length;
  }
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[w++] = all[i];
  return all.slice(0, w);
}

export interface PlanCtx {
  db: LoupeDB;
  cache: DocCache;
  /** Relevance per posting number; null when ordering by date. */
  scores: Float32Array | null;
  /**
   * Read marks, to narrow candidates by read state. Only counts pass them: a display
   * query with `is:unread OR word` keeps its date order (a scan) rather than ranking.
   */
  reads?: Set<string> | null;
}

/**
 * The posting rows whose `t` is `t`, or starts with it (`many`). Segments are
 * only ever appended (a deletion starts a new cache generation), so rows of one
 * `t` read once stay right and a later query reads only the segments written
 * since; a range of `t` is read again whole once the index has grown. Ranges
 * of one character span a whole letter: read, not kept.
 */
async function postingRows(ctx: PlanCtx, t: string, many: boolean): Promise<PostingRow[]> {
  const range = ctx.db.postings.where('[t+seg]');
  const starting = range.between([t, Dexie.minKey], [t + '\uffff', Dexie.maxKey], true, true);
  if (many && t.replace(OWN, '').length < 2) return starting.toArray();
  const { cache } = ctx;
  keepBudget(cache);
  const name = many ? t + MANY : t;
  const hit = cache.buckets.get(name);
  if (hit && hit.from >= cache.next) return hit.rows;
  const from = many ? 0 : (hit?.from ?? 0);
  const fresh = await (
    many ? starting : range.between([t, from], [t, Dexie.maxKey], true, true)
  ).toArray();
  for (const r of fresh) cache.bucketBytes += postingRowBytes(r);
  // Rows of a segment written after the doc cache loaded may be among them (postings()
  // skips them until it knows their numbers): the next read starts past every row read.
  const next = fresh.reduce((m, r) => Math.max(m, r.seg + 1), Math.max(from, cache.next));
  // A range read again replaces the rows kept of it: they no longer count.
  if (hit && many) for (const r of hit.rows) cache.bucketBytes -= postingRowBytes(r);
  const rows = hit && !many ? [...hit.rows, ...fresh] : fresh;
  cache.buckets.set(name, { from: next, rows });
  return rows;
}

/**
 * The posting rows that can hold `key` (or, for a prefix, keys starting with it),
 * in segment order: its bucket's, and its own rows where it is common.
 */
async function rowsOf(ctx: PlanCtx, key: string, prefix: boolean): Promise<PostingRow[]> {
  const [bucketKey, ownKey] = rowKeys(key);
  let bucket: PostingRow[];
  let own: PostingRow[];
  if (prefix)
    [bucket, own] = await Promise.all([
      postingRows(ctx, bucketKey, key.length < 2),
      postingRows(ctx, ownKey, true),
    ]);
  else {
    // A segment where a whole word has a row of its own holds none of it in its bucket,
    // so its own rows come first and only the other segments' bucket rows are read: a
    // common word ("use", "kernel", "patch") skips buckets of 300-700 KB at 100k messages.
    let segs: number[];
    [own, segs] = await Promise.all([postingRows(ctx, ownKey, false), segments(ctx)]);
    const covered = new Set(own.map((r) => r.seg));
    const need = segs.filter((seg) => !covered.has(seg));
    bucket =
      need.length === segs.length
        ? await postingRows(ctx, bucketKey, false)
        : await bucketRowsIn(ctx, bucketKey, need);
  }
  return own.length ? [...bucket, ...own].sort((a, b) => a.seg - b.seg) : bucket;
}

/** Starts of the segments the doc cache knows, per doc cache and size (one key read). */
const segmentStarts = new WeakMap<DocCache, { next: number; segs: Promise<number[]> }>();

function segments(ctx: PlanCtx): Promise<number[]> {
  const { cache } = ctx;
  const known = segmentStarts.get(cache);
  if (known && known.next === cache.next) return known.segs;
  const next = cache.next;
  // Words looked up together share the one read.
  const segs = ctx.db.searchSegs
    .toCollection()
    .primaryKeys()
    .then((all) => all.filter((seg) => seg < next));
  segmentStarts.set(cache, { next, segs });
  segs.catch(() => {
    if (segmentStarts.get(cache)?.segs === segs) segmentStarts.delete(cache);
  });
  return segs;
}

/** Bucket rows read segment by segment, per doc cache: null where a segment has none. */
const bucketSegs = new WeakMap<DocCache, Map<string, Map<number, PostingRow | null>>>();

/** Drops every kept posting row once they pass the budget. */
function keepBudget(cache: DocCache): void {
  if (cache.bucketBytes <= BUCKET_CACHE_BYTES) return;
  cache.buckets.clear();
  bucketSegs.delete(cache);
  cache.bucketBytes = 0;
}

/** The rows of bucket `t` in the segments `need` (ascending), from what was read before if it can. */
async function bucketRowsIn(ctx: PlanCtx, t: string, need: number[]): Promise<PostingRow[]> {
  if (!need.length) return [];
  const { cache } = ctx;
  keepBudget(cache);
  const whole = cache.buckets.get(t);
  if (whole && whole.from >= cache.next) {
    const want = new Set(need);
    return whole.rows.filter((r) => want.has(r.seg));
  }
  let kept = bucketSegs.get(cache);
  if (!kept) bucketSegs.set(cache, (kept = new Map()));
  let bySeg = kept.get(t);
  if (!bySeg) kept.set(t, (bySeg = new Map()));
  const missing = need.filter((seg) => !bySeg.has(seg));
  if (missing.length) {
    const rows = await ctx.db.postings.bulkGet(missing.map((seg): [string, number] => [t, seg]));
    rows.forEach((r, k) => {
      bySeg.set(missing[k], r ?? null);
      if (r) cache.bucketBytes += postingRowBytes(r);
    });
  }
  return need.flatMap((seg) => bySeg.get(seg) ?? []);
}

/** One word of a text term: its key, its bucket's rows and how many postings it has. */
interface Word {
  key: string;
  prefix: boolean;
  rows: PostingRow[];
  /** A whole word's posting list in each segment that has it, in segment order (none for a prefix). */
  lists: { seg: number; list: Uint32Array }[];
  /** Postings of the key in every group (Infinity for a prefix, which is never counted). */
  df: number;
}

async function word(ctx: PlanCtx, key: string, prefix: boolean): Promise<Word> {
  const rows = await rowsOf(ctx, key, prefix);
  const lists: Word['lists'] = [];
  if (!prefix)
    for (const r of rows) {
      const i = r.seg < ctx.cache.next ? find(r.keys, key) : -1;
      if (i >= 0) lists.push({ seg: r.seg, list: listAt(r, i) });
    }
  const df = prefix ? Infinity : lists.reduce((n, l) => n + l.list.length, 0);
  return { key, prefix, rows, lists, df };
}

/** Adds a word's relevance to a message: rarer words weigh more, as do heavier groups. */
function idf(ctx: PlanCtx, df: number): number {
  return Math.log(1 + ctx.cache.order.length / Math.max(1, df));
}

/** Postings of a word (every key starting with it, for a prefix) with a group in `mask`. */
function collect(ctx: PlanCtx, w: Word, mask: number, score: boolean): NoSet {
  // A whole word's count is known: its arrays never grow.
  const size = w.prefix ? 1024 : Math.max(1, w.df);
  let nos = new Uint32Array(size);
  let weights = new Float32Array(size);
  let n = 0;
  // Numbers the doc cache does not know yet (written since it loaded) wait for the next query.
  eachPosting(w.rows, w.key, w.prefix, ctx.cache.next, (no, groups) => {
    if (!(groups & mask)) return;
    if (n === nos.length) {
      nos = grow(nos);
      weights = grow(weights);
    }
    nos[n] = no;
    weights[n++] = WEIGHT[groups & mask];
  });
  const { scores } = ctx;
  if (score && scores && n) {
    const f = idf(ctx, w.prefix ? n : w.df);
    for (let i = 0; i < n; i++) scores[nos[i]] += f * weights[i];
  }
  // Segments never overlap and are read in key order, so one key's numbers come sorted.
  return w.prefix ? union([nos.subarray(0, n)]) : nos.slice(0, n);
}

/**
 * The numbers of `among` that have a posting of a (whole) word with a group in
 * `mask`: a binary search per number in its segment's list, for a common word
 * met after a rare one, instead of a walk over all of its postings.
 */
function lookup(ctx: PlanCtx, w: Word, mask: number, among: NoSet, score: boolean): NoSet {
  const { lists } = w;
  const { scores } = ctx;
  const f = score && scores ? idf(ctx, w.df) : 0;
  const out = new Uint32Array(among.length);
  let n = 0;
  let j = 0;
  for (const no of among) {
    // Rows come in segment order: the segment holding `no` is the last one starting at or before it.
    while (j + 1 < lists.length && lists[j + 1].seg <= no) j++;
    if (!lists.length || lists[j].seg > no) continue;
    const { seg, list } = lists[j];
    const off = no - seg;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = list[mid] >>> GROUP_BITS;
      if (at < off) lo = mid + 1;
      else if (at > off) hi = mid - 1;
      else {
        const g = list[mid] & mask;
        if (g) {
          out[n++] = no;
          if (f && scores) scores[no] += f * WEIGHT[g];
        }
        break;
      }
    }
  }
  return out.slice(0, n);
}

/** Postings of one key (or every key starting with it), keeping messages with a group in `mask`. */
export async function postings(
  ctx: PlanCtx,
  key: string,
  mask: number,
  prefix: boolean,
  score: boolean,
): Promise<NoSet> {
  return collect(ctx, await word(ctx, key, prefix), mask, score);
}

/** A typed array twice as long, with the same start. */
function grow<A extends Uint32Array<ArrayBuffer> | Float32Array<ArrayBuffer>>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(a.length * 2);
  b.set(a);
  return b;
}

function fromCache(ctx: PlanCtx, keep: (no: number) => boolean): NoSet {
  const out: number[] = [];
  const { next, rank } = ctx.cache;
  for (let no = 1; no < next; no++) if (rank[no] !== NOT_LIVE && keep(no)) out.push(no);
  return Uint32Array.from(out);
}

const inRange = (t: number, from: number | null, to: number | null) =>
  !Number.isNaN(t) && (from === null || t >= from) && (to === null || t <= to);

/** A key looked up in the posting rows: a whole word, or every key starting with it. */
interface Lookup {
  key: string;
  prefix: boolean;
}

/** The posting keys that planning a term looks up (none for a term answered from the doc cache). */
function lookups(node: QueryNode): Lookup[] {
  switch (node.kind) {
    case 'text':
      return node.tokens.map((tok, i) => ({
        key: clip(tok),
        prefix: (node.prefix && i === node.tokens.length - 1) || tok.length > MAX_TOKEN,
      }));
    case 'exact':
      if (node.field !== 'type' && node.field !== 'lid') return [];
      return [
        { key: (node.field === 'type' ? TYPE_KEY : LID_KEY) + node.value, prefix: node.prefix },
      ];
    case 'flag':
      if (node.flag === 'patch') return [{ key: PATCH_KEY, prefix: false }];
      if (node.flag === 'oops') return [{ key: OOPS_KEY, prefix: false }];
      return [];
    case 'and':
    case 'or':
    case 'xor':
      return node.children.flatMap(lookups);
    default:
      return [];
  }
}

/**
 * Reads the posting rows a query will look up, all at once (one word per bucket, whose
 * rows are kept), so that planning, which goes word by word, finds them read: IndexedDB
 * answers requests asked together one after the other without a round trip between
 * them. `also` adds keys looked up after planning (crash reports).
 */
export async function prefetch(node: QueryNode, ctx: PlanCtx, also: Lookup[]): Promise<void> {
  const first = new Map<string, Lookup>();
  for (const l of [...lookups(node), ...also]) {
    const [bucket] = rowKeys(l.key);
    // A range of one character is read whole and not kept (see postingRows).
    if (!(l.prefix && l.key.length < 2) && !first.has(bucket)) first.set(bucket, l);
  }
  if (first.size > 1)
    await Promise.all([...first.values()].map((l) => rowsOf(ctx, l.key, l.prefix)));
}

/** Candidates for a node: a superset of its matches, or null for "could be anything". */
export async function plan(
  node: QueryNode,
  ctx: PlanCtx,
  positive: boolean,
): Promise<NoSet | null> {
  switch (node.kind) {
    case 'all':
    case 'not':
      return null;
    case 'text': {
      const mask = TEXT_FIELDS[node.field].groups;
      const words: Word[] = [];
      for (const { key, prefix } of lookups(node)) words.push(await word(ctx, key, prefix));
      // Rarest word first, so a common word of a phrase ("c" in dfn:kernel/sched/fair.c)
      // is looked up for the few numbers left rather than walked whole.
      words.sort((a, b) => a.df - b.df);
      let set: NoSet | null = null;
      for (const w of words) {
        if (set && !w.prefix && set.length * 16 < w.df) set = lookup(ctx, w, mask, set, positive);
        else
          set = set
            ? intersect(set, collect(ctx, w, mask, positive))
            : collect(ctx, w, mask, positive);
      }
      return set;
    }
    case 'exact': {
      const { field, value, prefix } = node;
      if (field === 'type' || field === 'lid') {
        const [{ key }] = lookups(node);
        return postings(ctx, key, ANY, prefix, false);
      }
      if (field === 'inbox') {
        const sets = [...ctx.cache.inboxes].filter(([ib]) =>
          prefix ? ib.startsWith(value) : ib === value,
        );
        return fromCache(ctx, (no) => sets.some(([, bits]) => bits[no] === 1));
      }
      if (field === 'mid') {
        const ids = await allIds(ctx.db, ctx.cache);
        const want = value.toLowerCase();
        return fromCache(ctx, (no) => {
          const id = (ids[no] as string).toLowerCase();
          return prefix ? id.startsWith(want) : id === want;
        });
      }
      return null;
    }
    case 'date':
      return fromCache(ctx, (no) => inRange(ctx.cache.dates[no], node.from, node.to));
    case 'size':
      return fromCache(ctx, (no) => inRange(ctx.cache.sizes[no], node.from, node.to));
    case 'flag': {
      if (node.flag === 'patch' || node.flag === 'oops')
        return postings(ctx, lookups(node)[0].key, ANY, false, false);
      const { reads } = ctx;
      if (!reads || (node.flag !== 'unread' && node.flag !== 'read')) return null;
      const ids = await allIds(ctx.db, ctx.cache);
      const read = node.flag === 'read';
      return fromCache(ctx, (no) => reads.has(ids[no] as string) === read);
    }
    case 'and': {
      let set: NoSet | null = null;
      for (const c of node.children) {
        const s = await plan(c, ctx, positive);
        if (s) set = set ? intersect(set, s) : s;
      }
      return set;
    }
    case 'or':
    case 'xor': {
      const sets: NoSet[] = [];
      for (const c of node.children) {
        const s = await plan(c, ctx, positive);
        if (!s) return null;
        sets.push(s);
      }
      return union(sets);
    }
  }
}

/**
 * True when a query's candidates (planned with read marks) are exactly its matches:
 * read state and inboxes alone, as the unread badges ask (`is:unread AND (inbox:a OR
 * inbox:b)`), so counting needs no message read.
 */
export function knownFromCache(node: QueryNode): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'flag':
      return node.flag === 'unread' || node.flag === 'read';
    case 'exact':
      return node.field === 'inbox';
    case 'and':
    case 'or':
      return node.children.every(knownFromCache);
    default:
      return false;
  }
}

/** True when `test` holds for a term anywhere in the query. */
function someTerm(node: QueryNode, test: (term: QueryNode) => boolean): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
    case 'xor':
      return node.children.some((c) => someTerm(c, test));
    case 'not':
      return someTerm(node.child, test);
    default:
      return test(node);
  }
}

export const usesReadState = (q: QueryNode) =>
  someTerm(q, (t) => t.kind === 'flag' && (t.flag === 'unread' || t.flag === 'read'));

/** Crash titles and types are matched only by `oops:`, `type:` and `is:oops`. */
export const usesCrashes = (q: QueryNode) =>
  someTerm(
    q,
    (t) =>
      (t.kind === 'text' && t.field === 'oops') ||
      (t.kind === 'exact' && t.field === 'type') ||
      (t.kind === 'flag' && t.flag === 'oops'),
  );
