/**
 * Local search: an inverted index written inside the import transaction, and
 * query execution by candidate-then-verify.
 *
 * Index layout: every import batch is a segment. Per token and segment one row
 * `postings[token+seg]` packs `(no - seg) << GROUP_BITS | fieldGroups` per
 * message, so a batch is written with appends only (no read-modify-write) and a
 * token's postings are one key-range read. `searchSegs` maps a segment's posting
 * numbers to Message-IDs (plus date/size/inboxes, which the planner narrows on).
 *
 * Queries: the positive terms narrow to candidates; every candidate is then
 * verified with matchMessage over the stored message, so the result set is
 * exactly what a full scan gives. Queries with nothing to narrow on scan in
 * date order and stop once a page is full.
 */
import Dexie from 'dexie';
import {
  matchMessage,
  queryTerms,
  diffFiles,
  tokenize,
  type QueryNode,
  type QueryTerm,
  type SearchDoc,
  type TextField,
} from '../core/query';
import { CostLru } from '../core/lru';
import type { Address, CrashSummary, MessageRecord, ThreadNode } from '../core/types';
import type {
  LoupeDB,
  OopsRow,
  PostingRow,
  SavedSearchRow,
  SearchSegRow,
  StoredMessage,
} from './schema';

// Field groups: one bit each in a posting's low GROUP_BITS bits.
const S = 1;
const F = 2;
const T = 4;
const B = 8;
const O = 16;
const N = 32;
const I = 64;
const L = 128;
/** File names in diff headers (dfn:): in the body too, but this group keeps dfn: exact. */
const D = 256;
const GROUP_BITS = 12;
const ANY = (1 << GROUP_BITS) - 1;
/** A segment holds at most this many messages (postings keep the offset in the high bits). */
const SEGMENT_MAX = 2 ** (32 - GROUP_BITS);

/** Which groups can hold a word of each text field (a superset is enough: verify is exact). */
const FIELD_MASK: Record<TextField, number> = {
  default: S | F | B | N | I,
  s: S,
  f: F,
  t: T,
  c: T,
  tc: T,
  a: T | F,
  tcf: T | F,
  b: B,
  bs: S | B,
  // Quoted text, diff file names, +/- lines and hunk headers are all cut out of the body.
  nq: B,
  q: B,
  dfn: D,
  dfa: B,
  dfb: B,
  dfctx: B,
  dfhh: B,
  n: N,
  l: L,
  m: I,
  oops: O,
};

/** Relevance weight of a hit in each group. */
const GROUP_WEIGHT: [number, number][] = [
  [S, 4],
  [O, 3],
  [F, 2],
  [I, 2],
  [D, 2],
  [T, 1],
  [N, 1],
  [L, 1],
  [B, 1],
];

/** Relevance weight of each combination of groups: that of its heaviest group. */
const WEIGHT = Float32Array.from({ length: ANY + 1 }, (_, g) =>
  GROUP_WEIGHT.reduce((w, [bit, gw]) => (g & bit ? Math.max(w, gw) : w), 0),
);

// Longer words are indexed truncated: a lookup truncates too, and verify decides.
const MAX_TOKEN = 64;
const SPECIAL = '\u0001';
/**
 * A key with more postings than this in a segment gets a posting row of its own
 * (`t` = OWN + key), out of its bucket, so that looking up "thompson" does not read
 * the lists of "the", "this" and "that". In 2,000-message segments of generated
 * mail that is about 180 keys, 40% of the posting bytes.
 */
const OWN_ROW_MIN = 512;
const OWN = '\u0002';
/** Marks a cached range of posting rows apart from the rows of one `t`. */
const MANY = '\u0003';
const PATCH_KEY = `${SPECIAL}is:patch`;
const OOPS_KEY = `${SPECIAL}is:oops`;
const TYPE_KEY = `${SPECIAL}type:`;
const LID_KEY = `${SPECIAL}lid:`;

/** The inbox name meaning "every inbox" (same as queries.ts ALL). */
const ALL = '*';

/** What the indexer and the verifier need of a message. */
export type IndexableMessage = Pick<
  MessageRecord,
  | 'id'
  | 'subject'
  | 'from'
  | 'to'
  | 'cc'
  | 'date'
  | 'text'
  | 'attachments'
  | 'hasPatch'
  | 'hasOops'
  | 'listId'
>;

/**
 * The index terms of a run of messages (a parse worker's chunk), gathered in one
 * pass so that they travel and merge as one table: each key once, then for each
 * message holding it `(index in run) << GROUP_BITS | groups`, ascending.
 */
export interface TermRun {
  /** Messages in the run. */
  size: number;
  keys: string[];
  /** The entries of keys[k] are entries[starts[k]] up to entries[starts[k + 1]]. */
  starts: Uint32Array<ArrayBuffer>;
  entries: Uint32Array<ArrayBuffer>;
}

/** Where a message's terms are: its index in a term run. */
export interface RunRef {
  run: TermRun;
  at: number;
}

/** A message as storeBatch hands it over; `terms` when a parse worker already tokenized it. */
export type IndexItem = IndexableMessage & {
  crash?: CrashSummary | null;
  raw?: Uint8Array;
  terms?: RunRef;
};

function addr(a: Address): string {
  return a.name && a.address ? `${a.name} <${a.address}>` : a.name || a.address;
}

const exactKey = (s: string) => s.toLowerCase().replace(/^<(.*)>$/, '$1');
const clip = (t: string) => (t.length > MAX_TOKEN ? t.slice(0, MAX_TOKEN) : t);

/** The SearchDoc of a stored message: what both the index and the brute-force check see. */
export function toSearchDoc(
  m: IndexableMessage,
  inboxes: string[],
  crash: Pick<CrashSummary, 'title' | 'type'> | null | undefined,
  unread: boolean,
  size: number,
): SearchDoc {
  return {
    id: m.id,
    subject: m.subject,
    from: addr(m.from),
    to: m.to.map(addr).join(', '),
    cc: m.cc.map(addr).join(', '),
    body: m.text,
    date: m.date,
    inboxes,
    unread,
    hasPatch: m.hasPatch,
    oopsTitles: crash ? [crash.title] : [],
    oopsTypes: crash?.type ? [crash.type] : [],
    size,
    attachmentNames: m.attachments.map((a) => a.filename).filter(Boolean),
    listId: m.listId ?? undefined,
  };
}

/** Index keys of one doc with the groups each occurs in. */
export function docTokens(doc: SearchDoc): Map<string, number> {
  const out = new Map<string, number>();
  eachToken(doc, (k, bits) => out.set(k, (out.get(k) ?? 0) | bits));
  return out;
}

/** Hands every index key of a doc to `out` with a group it occurs in (keys repeat). */
function eachToken(doc: SearchDoc, out: (key: string, bits: number) => void): void {
  const add = (text: string, bit: number) => {
    for (const t of tokenize(text)) out(clip(t), bit);
  };
  add(doc.subject, S);
  add(doc.from, F);
  add(doc.to, T);
  add(doc.cc, T);
  add(doc.body, B);
  // Only diff headers (`diff --git`, `+++ `) name files: most bodies skip the split.
  if (doc.body.includes('diff --git ') || doc.body.includes('+++ '))
    for (const f of diffFiles(doc.body)) add(f, D);
  add(doc.id, I);
  for (const t of doc.oopsTitles) add(t, O);
  for (const n of doc.attachmentNames ?? []) add(n, N);
  if (doc.listId !== undefined) {
    add(doc.listId, L);
    out(LID_KEY + exactKey(doc.listId), ANY);
  }
  if (doc.hasPatch) out(PATCH_KEY, ANY);
  if (doc.oopsTitles.length || doc.oopsTypes.length) out(OOPS_KEY, ANY);
  for (const t of doc.oopsTypes) out(TYPE_KEY + exactKey(t), ANY);
}

/**
 * The index terms of messages about to be stored, as one run (done where they are
 * parsed, off the writer's thread).
 */
export function termRun(
  msgs: { m: IndexableMessage; crash: CrashSummary | null | undefined }[],
): TermRun {
  if (msgs.length > SEGMENT_MAX)
    throw new Error(`a term run holds at most ${SEGMENT_MAX} messages`);
  const lists = new Map<string, number[]>();
  let total = 0;
  msgs.forEach(({ m, crash }, i) => {
    const base = i * 2 ** GROUP_BITS;
    eachToken(toSearchDoc(m, [], crash, true, 0), (k, bits) => {
      const list = lists.get(k);
      if (!list) {
        lists.set(k, [base + bits]);
        total++;
      } else if (list[list.length - 1] >= base) {
        list[list.length - 1] = (list[list.length - 1] | bits) >>> 0;
      } else {
        list.push(base + bits);
        total++;
      }
    });
  });
  const keys = [...lists.keys()];
  const starts = new Uint32Array(keys.length + 1);
  const entries = new Uint32Array(total);
  let at = 0;
  keys.forEach((k, j) => {
    const list = lists.get(k) as number[];
    entries.set(list, at);
    at += list.length;
    starts[j + 1] = at;
  });
  return { size: msgs.length, keys, starts, entries };
}

async function meta(db: LoupeDB, key: string): Promise<number> {
  return (await db.searchMeta.get(key))?.value ?? 0;
}

async function bumpGen(db: LoupeDB): Promise<void> {
  await db.searchMeta.put({ key: 'gen', value: (await meta(db, 'gen')) + 1 });
}

/** The tables an index write touches; storeBatch adds them to its transaction. */
export function searchTables(db: LoupeDB) {
  return [db.searchSegs, db.searchInboxes, db.postings, db.searchMeta];
}

/** Where some indexed messages are: their segment row and index in it, by Message-ID. */
async function findIndexed(
  db: LoupeDB,
  ids: string[],
): Promise<Map<string, { row: SearchSegRow; i: number }>> {
  const out = new Map<string, { row: SearchSegRow; i: number }>();
  if (!ids.length) return out;
  const wanted = new Set(ids);
  for (const row of await db.searchSegs.where('ids').anyOf(ids).distinct().toArray())
    row.ids.forEach((id, i) => {
      if (wanted.has(id)) out.set(id, { row, i });
    });
  return out;
}

async function writeSegment(
  db: LoupeDB,
  items: { m: IndexItem; inboxes: string[]; crash: CrashSummary | null; size: number }[],
  maybeIndexed: string[] = items.map((x) => x.m.id),
): Promise<void> {
  if (!items.length) return;
  if (items.length > SEGMENT_MAX)
    throw new Error(`a segment holds at most ${SEGMENT_MAX} messages`);
  const stale = await findIndexed(db, maybeIndexed);
  if (stale.size) {
    // A message deleted and imported again: its old postings die with the old number.
    const rows = new Set<SearchSegRow>();
    for (const { row, i } of stale.values()) {
      row.ids[i] = '';
      rows.add(row);
    }
    await db.searchSegs.bulkPut([...rows]);
    await bumpGen(db);
  }
  const seg = Math.max(1, await meta(db, 'nextNo'));
  await db.searchMeta.put({ key: 'nextNo', value: seg + items.length });
  await db.searchSegs.add({
    seg,
    ids: items.map((x) => x.m.id),
    dates: Float64Array.from(items, (x) => x.m.date),
    sizes: Float64Array.from(items, (x) => x.size),
    inboxes: items.map((x) => x.inboxes),
  });
  const byToken = segmentPostings(items);
  const rows = new Map<string, string[]>();
  for (const key of [...byToken.keys()].sort()) {
    const t = (byToken.get(key) as number[]).length > OWN_ROW_MIN ? OWN + key : bucketOf(key);
    const keys = rows.get(t);
    if (keys) keys.push(key);
    else rows.set(t, [key]);
  }
  await db.postings.bulkAdd(
    Array.from(rows, ([t, keys]): PostingRow => {
      const starts = new Uint32Array(keys.length + 1);
      keys.forEach((k, i) => (starts[i + 1] = starts[i] + (byToken.get(k) as number[]).length));
      const lists = new Uint32Array(starts[keys.length]);
      keys.forEach((k, i) => lists.set(byToken.get(k) as number[], starts[i]));
      return { t, seg, keys, lists, starts };
    }),
  );
}

/** The posting list of a row's i-th key. */
function listAt(r: PostingRow, i: number): Uint32Array {
  return 'p' in r ? r.p[i] : r.lists.subarray(r.starts[i], r.starts[i + 1]);
}

/** About what a posting row takes in memory. */
export function postingRowBytes(r: PostingRow): number {
  const lists = 'p' in r ? r.p.reduce((n, a) => n + a.byteLength, 0) : r.lists.byteLength;
  return lists + 2 * r.keys.join('').length;
}

/**
 * The postings of a segment per key, `i << GROUP_BITS | groups` for its i-th item,
 * merged from the items' term runs; items without terms are tokenized here.
 */
function segmentPostings(
  items: { m: IndexItem; crash: CrashSummary | null }[],
): Map<string, number[]> {
  const own = items.filter((x) => !x.m.terms);
  const ownRun = own.length ? termRun(own) : null;
  // Per run, the segment position of each of its messages (-1: not in this segment).
  const places = new Map<TermRun, Int32Array>();
  let ownAt = 0;
  items.forEach(({ m }, i) => {
    const { run, at } = m.terms ?? { run: ownRun as TermRun, at: ownAt++ };
    let place = places.get(run);
    if (!place) places.set(run, (place = new Int32Array(run.size).fill(-1)));
    place[at] = i;
  });
  const byToken = new Map<string, number[]>();
  const unsorted = new Set<number[]>();
  for (const [run, place] of places) {
    const { keys, starts, entries } = run;
    for (let k = 0; k < keys.length; k++) {
      let list = byToken.get(keys[k]);
      for (let j = starts[k]; j < starts[k + 1]; j++) {
        const i = place[entries[j] >>> GROUP_BITS];
        if (i < 0) continue;
        const e = i * 2 ** GROUP_BITS + (entries[j] & ANY);
        if (!list) byToken.set(keys[k], (list = []));
        else if (list.length && list[list.length - 1] > e) unsorted.add(list);
        list.push(e);
      }
    }
  }
  for (const list of unsorted) list.sort((a, b) => a - b);
  return byToken;
}

/**
 * Indexes the messages a batch stored for the first time, and records cross-posts.
 * Runs inside storeBatch's transaction (which must include searchTables(db)).
 * `maybeIndexed`: the fresh ids that may still have an index entry (default: all).
 */
export async function indexMessages(
  db: LoupeDB,
  fresh: IndexItem[],
  inbox: string,
  crossPosted: { id: string }[] = [],
  maybeIndexed?: string[],
): Promise<void> {
  const ib = inbox.toLowerCase();
  if (crossPosted.length) {
    const found = await findIndexed(
      db,
      crossPosted.map((m) => m.id),
    );
    await db.searchInboxes.bulkPut(
      [...found.values()].flatMap(({ row, i }) =>
        row.inboxes[i].includes(ib) ? [] : [{ no: row.seg + i, inbox: ib }],
      ),
    );
    // Searchers keep inbox membership in memory: a changed membership starts them over.
    await bumpGen(db);
  }
  await writeSegment(
    db,
    fresh.map((m) => ({ m, inboxes: [ib], crash: m.crash ?? null, size: m.raw?.length ?? 0 })),
    maybeIndexed,
  );
}

/** The crash rows of some messages (each a crash report), by message id. */
async function crashRows(db: LoupeDB, ids: string[]): Promise<Map<string, OopsRow | undefined>> {
  const rows = ids.length ? await db.oopses.bulkGet(ids) : [];
  return new Map(ids.map((id, k) => [id, rows[k]]));
}

/**
 * Indexes stored messages that have no index entry yet (mail stored before the
 * index existed, or before an upgrade dropped it); `onProgress` hears how far it got.
 */
export async function indexBacklog(
  db: LoupeDB,
  batch = 2000,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  // Every import indexes what it stores, so once the backlog is done a marker saves
  // counting every message on each start (a schema upgrade that drops the index clears it).
  if (await meta(db, 'complete')) return 0;
  const done = () => db.searchMeta.put({ key: 'complete', value: 1 });
  const [messages, indexed] = await Promise.all([
    db.messages.count(),
    db.searchSegs.orderBy('ids').uniqueKeys(),
  ]).then(([n, ids]) => [n, new Set(ids.filter(Boolean))] as const);
  if (messages <= indexed.size) {
    await done();
    return 0;
  }
  const missing = (await db.messages.toCollection().primaryKeys()).filter((id) => !indexed.has(id));
  for (let i = 0; i < missing.length; i += batch) {
    onProgress?.(i, missing.length);
    const ids = missing.slice(i, i + batch);
    await db.transaction('rw', [db.messages, db.oopses, db.raws, ...searchTables(db)], async () => {
      const have = await findIndexed(db, ids);
      const todo = ids.filter((id) => !have.has(id));
      const msgs = (await db.messages.bulkGet(todo)).filter((m): m is StoredMessage => !!m);
      // Only crash reports have a crash row; rows stored before v8 keep their raw bytes
      // (read for their size, z:) in `raws`.
      const older = msgs.flatMap((m) => (m.raw ? [] : [m.id]));
      const [crashOf, raws] = await Promise.all([
        crashRows(
          db,
          msgs.flatMap((m) => (m.hasOops ? [m.id] : [])),
        ),
        older.length ? db.raws.bulkGet(older) : [],
      ]);
      const sizeOf = new Map(raws.flatMap((r) => (r ? [[r.id, r.raw.length]] : [])));
      await writeSegment(
        db,
        msgs.map((m) => ({
          m,
          inboxes: m.inboxes.map((x) => x.toLowerCase()),
          crash: crashOf.get(m.id) ?? null,
          size: m.raw?.length ?? sizeOf.get(m.id) ?? 0,
        })),
      );
    });
  }
  await done();
  onProgress?.(missing.length, missing.length);
  return missing.length;
}

/** Removes an inbox from the index: its messages go unless another inbox holds them too. */
export async function deleteInboxIndex(db: LoupeDB, inbox: string): Promise<void> {
  const ib = inbox.toLowerCase();
  await db.transaction('rw', searchTables(db), async () => {
    await db.searchInboxes.where('inbox').equals(ib).delete();
    // Numbers still held by another inbox they were cross-posted to later.
    const elsewhere = new Set((await db.searchInboxes.toArray()).map((r) => r.no));
    for (const row of await db.searchSegs.toArray()) {
      let changed = false;
      row.inboxes = row.inboxes.map((list, i) => {
        const left = list.includes(ib) ? list.filter((x) => x !== ib) : list;
        changed ||= left !== list;
        if (row.ids[i] && !left.length && !elsewhere.has(row.seg + i)) {
          row.ids[i] = '';
          changed = true;
        }
        return left;
      });
      if (!changed) continue;
      if (row.ids.some(Boolean)) {
        await db.searchSegs.put(row);
      } else {
        // Postings of a segment with no live message left are dead weight; others are
        // skipped at query time because their numbers no longer resolve.
        await db.searchSegs.delete(row.seg);
        await db.postings.where('seg').equals(row.seg).delete();
      }
    }
    await bumpGen(db);
  });
}

/** Raw bytes and count of the indexed messages of every inbox (lowercased), without reading mail. */
export async function indexedSizes(
  db: LoupeDB,
): Promise<Map<string, { bytes: number; count: number }>> {
  const out = new Map<string, { bytes: number; count: number }>();
  const add = (ib: string, size: number) => {
    const s = out.get(ib) ?? { bytes: 0, count: 0 };
    if (!s.count) out.set(ib, s);
    s.bytes += size;
    s.count++;
  };
  const sizeOf = new Map<number, number>();
  await db.transaction('r', [db.searchSegs, db.searchInboxes], async () => {
    for (const row of await db.searchSegs.toArray())
      row.ids.forEach((id, i) => {
        if (!id) return;
        sizeOf.set(row.seg + i, row.sizes[i]);
        for (const ib of row.inboxes[i]) add(ib, row.sizes[i]);
      });
    for (const r of await db.searchInboxes.toArray())
      if (sizeOf.has(r.no)) add(r.inbox, sizeOf.get(r.no) as number);
  });
  return out;
}

// ---------------------------------------------------------------- queries

/** Posting number -> Message-ID, date and size, kept per realm; reloaded when the index changes. */
class DocCache {
  gen = -1;
  next = 1;
  ids: (string | undefined)[] = [];
  dates = new Float64Array(0);
  sizes = new Float64Array(0);
  /** Live posting numbers, newest first. */
  order = new Uint32Array(0);
  /** Position of each number in `order` (NOT_LIVE when deleted or unknown). */
  rank = new Uint32Array(0);
  /** Per lowercased inbox, 1 for each posting number it holds. */
  inboxes = new Map<string, Uint8Array<ArrayBuffer>>();
  /** Posting rows read so far, per bucket, with the segment to read on from. */
  buckets = new Map<string, { from: number; rows: PostingRow[] }>();
  bucketBytes = 0;
  /** Thread context of hits, valid until the next import (which changes `next`). */
  threads = new Map<string, HitThread | null>();
  /**
   * Messages read to verify and show hits, valid until the next import (which may
   * move them to a merged thread) or the next change of generation (a cross-post
   * or a deletion: a new cache).
   */
  messages = new CostLru<string, StoredMessage>(MESSAGE_CACHE_BYTES);
}

interface HitThread {
  subject: string;
  count: number;
  /** Message-IDs in thread order. */
  order: string[];
}

/** Messages kept in memory between queries, at most (the least recently used go first). */
const MESSAGE_CACHE_BYTES = 32 * 1024 * 1024;

/** Posting rows kept in memory between queries, at most (they are dropped all at once past it). */
const BUCKET_CACHE_BYTES = 96 * 1024 * 1024;

const NOT_LIVE = 0xffffffff;
const caches = new WeakMap<LoupeDB, DocCache>();

/** Reading at least this many index rows to know the posting numbers saves them for the next start. */
const SAVE_AFTER = 500;

/** Sets the live numbers, newest first, and each number's place among them. */
function setOrder(c: DocCache, order: Uint32Array<ArrayBuffer>): void {
  c.order = order;
  c.rank = new Uint32Array(c.next).fill(NOT_LIVE);
  order.forEach((no, i) => (c.rank[no] = i));
}

/** A saved table of posting numbers, if it still describes the index. */
async function savedCache(db: LoupeDB, gen: number, next: number): Promise<DocCache | null> {
  const row = await db.searchCache.get('docs');
  if (!row || row.gen !== gen || row.next > next) return null;
  // An index dropped and built again may reuse generation and numbers: the last doc must match.
  let last = row.next - 1;
  while (last > 0 && !row.ids[last]) last--;
  if (last > 0) {
    const seg = await db.searchSegs.where('seg').belowOrEqual(last).last();
    if (seg?.ids[last - seg.seg] !== row.ids[last]) return null;
  }
  const c = new DocCache();
  c.gen = row.gen;
  c.next = row.next;
  c.ids = row.ids.map((id) => id || undefined);
  c.dates = row.dates;
  c.sizes = row.sizes;
  c.inboxes = new Map(row.inboxes);
  setOrder(c, row.order);
  return c;
}

function saveCache(db: LoupeDB, c: DocCache): void {
  const ids = Array.from({ length: c.next }, (_, no) => c.ids[no] ?? '');
  const row = { key: 'docs', gen: c.gen, next: c.next, ids, dates: c.dates, sizes: c.sizes };
  // Only a shortcut: a failure (a full disk) leaves the next start to read every row.
  void db.searchCache
    .put({ ...row, inboxes: [...c.inboxes], order: c.order })
    .catch(() => undefined);
}

const loading = new WeakMap<LoupeDB, Promise<unknown>>();

/** One load at a time per database: a query that comes during the warm-up reuses what it read. */
function loadCache(db: LoupeDB): Promise<DocCache> {
  const next = (loading.get(db) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => readCache(db));
  loading.set(db, next);
  return next;
}

async function readCache(db: LoupeDB): Promise<DocCache> {
  const tables = [db.searchSegs, db.searchInboxes, db.searchMeta, db.searchCache];
  const { c, read } = await db.transaction('r', tables, async () => {
    const [gen, next] = await Promise.all([meta(db, 'gen'), meta(db, 'nextNo')]);
    const old = caches.get(db);
    if (old && old.gen === gen && old.next >= next) return { c: old, read: 0 };
    const c = (old && old.gen === gen ? old : await savedCache(db, gen, next)) ?? new DocCache();
    const rows = await db.searchSegs.where('seg').aboveOrEqual(c.next).toArray();
    if (!rows.length && c.gen === gen) return { c, read: 0 };
    // Cross-posts indexed later change the generation: a cache of this one has them.
    const extra = c.gen === gen ? [] : await db.searchInboxes.toArray();
    let top = Math.max(next, c.next);
    for (const r of rows) top = Math.max(top, r.seg + r.ids.length);
    const grow = (a: Float64Array) => {
      const b = new Float64Array(top);
      b.set(a);
      return b;
    };
    c.dates = grow(c.dates);
    c.sizes = grow(c.sizes);
    for (const [ib, bits] of c.inboxes) {
      const b = new Uint8Array(top);
      b.set(bits);
      c.inboxes.set(ib, b);
    }
    const member = (ib: string, no: number) => {
      let bits = c.inboxes.get(ib);
      if (!bits) c.inboxes.set(ib, (bits = new Uint8Array(top)));
      bits[no] = 1;
    };
    let docs = 0;
    for (const r of rows) {
      r.ids.forEach((id, i) => {
        if (!id) return;
        const no = r.seg + i;
        c.ids[no] = id;
        c.dates[no] = r.dates[i];
        c.sizes[no] = r.sizes[i];
        for (const ib of r.inboxes[i]) member(ib, no);
        docs++;
      });
    }
    for (const x of extra) if (c.ids[x.no] !== undefined) member(x.inbox, x.no);
    c.threads.clear();
    c.messages.clear();
    const live: number[] = [];
    for (let no = 1; no < top; no++) if (c.ids[no] !== undefined) live.push(no);
    const dates = c.dates;
    c.gen = gen;
    c.next = top;
    setOrder(
      c,
      Uint32Array.from(live).sort((a, b) => dates[b] - dates[a] || b - a),
    );
    return { c, read: docs };
  });
  caches.set(db, c);
  if (read >= SAVE_AFTER) saveCache(db, c);
  return c;
}

type NoSet = Uint32Array;

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

interface PlanCtx {
  db: LoupeDB;
  cache: DocCache;
  /** Relevance per posting number; null when ordering by date. */
  scores: Float32Array | null;
}

/** The `t` of the posting rows that can hold a whole key: its bucket's, and its own. */
export const rowKeys = (key: string): [string, string] => [bucketOf(key), OWN + key];

/** The posting bucket of a token: its first two characters. */
export function bucketOf(t: string): string {
  return t.slice(0, 2);
}

/** Index of `key` in sorted `keys`, or -1. */
function find(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] === key) return mid;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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
  if (cache.bucketBytes > BUCKET_CACHE_BYTES) {
    cache.buckets.clear();
    cache.bucketBytes = 0;
  }
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
  const [bucket, own] = await Promise.all([
    postingRows(ctx, bucketKey, prefix && key.length < 2),
    postingRows(ctx, ownKey, prefix),
  ]);
  return own.length ? [...bucket, ...own].sort((a, b) => a.seg - b.seg) : bucket;
}

/**
 * Calls `visit` with the posting number and field groups of each posting of `key`
 * (or of every key starting with it) in a bucket's rows, skipping segments from `below` on.
 */
export function eachPosting(
  rows: PostingRow[],
  key: string,
  prefix: boolean,
  below: number,
  visit: (no: number, groups: number) => void,
): void {
  const take = (seg: number, list: Uint32Array) => {
    for (let i = 0; i < list.length; i++) visit(seg + (list[i] >>> GROUP_BITS), list[i] & ANY);
  };
  for (const r of rows) {
    if (r.seg >= below) continue;
    if (!prefix) {
      const i = find(r.keys, key);
      if (i >= 0) take(r.seg, listAt(r, i));
      continue;
    }
    r.keys.forEach((k, i) => {
      if (k.startsWith(key)) take(r.seg, listAt(r, i));
    });
  }
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
async function postings(
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
  const { ids } = ctx.cache;
  for (let no = 1; no < ids.length; no++) if (ids[no] !== undefined && keep(no)) out.push(no);
  return Uint32Array.from(out);
}

const inRange = (t: number, from: number | null, to: number | null) =>
  !Number.isNaN(t) && (from === null || t >= from) && (to === null || t <= to);

/** Candidates for a node: a superset of its matches, or null for "could be anything". */
async function plan(node: QueryNode, ctx: PlanCtx, positive: boolean): Promise<NoSet | null> {
  switch (node.kind) {
    case 'all':
    case 'not':
      return null;
    case 'text': {
      const mask = FIELD_MASK[node.field];
      const words: Word[] = [];
      for (let i = 0; i < node.tokens.length; i++) {
        const tok = node.tokens[i];
        const prefix = (node.prefix && i === node.tokens.length - 1) || tok.length > MAX_TOKEN;
        words.push(await word(ctx, clip(tok), prefix));
      }
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
        const key = (field === 'type' ? TYPE_KEY : LID_KEY) + value;
        return postings(ctx, key, ANY, prefix, false);
      }
      if (field === 'inbox') {
        const sets = [...ctx.cache.inboxes].filter(([ib]) =>
          prefix ? ib.startsWith(value) : ib === value,
        );
        return fromCache(ctx, (no) => sets.some(([, bits]) => bits[no] === 1));
      }
      if (field === 'mid') {
        const ids = ctx.cache.ids;
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
    case 'flag':
      if (node.flag === 'patch') return postings(ctx, PATCH_KEY, ANY, false, false);
      if (node.flag === 'oops') return postings(ctx, OOPS_KEY, ANY, false, false);
      return null;
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

const usesReadState = (q: QueryNode) =>
  someTerm(q, (t) => t.kind === 'flag' && (t.flag === 'unread' || t.flag === 'read'));

/** Crash titles and types are matched only by `oops:`, `type:` and `is:oops`. */
const usesCrashes = (q: QueryNode) =>
  someTerm(
    q,
    (t) =>
      (t.kind === 'text' && t.field === 'oops') ||
      (t.kind === 'exact' && t.field === 'type') ||
      (t.kind === 'flag' && t.flag === 'oops'),
  );

/** Candidates in the order they are verified (and shown), handed out a chunk at a time. */
interface Candidates {
  next(n: number): Uint32Array;
  readonly done: boolean;
}

/** Every live message (in `keep`, when given), newest first. */
function everything(c: DocCache, keep: Uint8Array | null): Candidates {
  let at = 0;
  const { order } = c;
  return {
    get done() {
      return at >= order.length;
    },
    next(n) {
      if (!keep) return order.subarray(at, (at += n));
      const out = new Uint32Array(n);
      let k = 0;
      for (; at < order.length && k < n; at++) if (keep[order[at]] === 1) out[k++] = order[at];
      return out.subarray(0, k);
    },
  };
}

const RANK_BITS = 2 ** 24;

/**
 * Candidates by relevance (quantized score, then date) or by date alone. Each is
 * a float64 key with its date rank in the low 24 bits, so typed-array sorts run
 * natively, and only the chunks asked for are sorted (see smallestFirst).
 */
function ranked(
  set: NoSet,
  c: DocCache,
  scores: Float32Array | null,
  keep: Uint8Array | null,
): Candidates {
  const { rank } = c;
  const byScore = !!scores && set.some((no) => scores[no] > 0);
  const keys = new Float64Array(set.length);
  let n = 0;
  for (const no of set) {
    if (rank[no] === NOT_LIVE || (keep && keep[no] !== 1)) continue;
    const q = byScore ? Math.min(0xfffff, Math.round((scores as Float32Array)[no] * 1000)) : 0;
    keys[n++] = (0xfffff - q) * RANK_BITS + rank[no];
  }
  const queue = smallestFirst(keys.subarray(0, n));
  return {
    get done() {
      return queue.done;
    },
    next: (want) => Uint32Array.from(queue.next(want), (k) => c.order[k % RANK_BITS]),
  };
}

/**
 * Hands out `keys` smallest first, a chunk at a time, reordering them in place.
 * A chunk is picked by a linear-time selection and only it is sorted, so the
 * first page of a 100k-candidate query sorts a hundred keys, not 100k; once
 * little is left (under 4 chunks plus `sortBelow`), the rest is sorted at once.
 */
export function smallestFirst(keys: Float64Array, sortBelow = 1024) {
  let at = 0;
  let sortedTo = 0;
  return {
    get done() {
      return at >= keys.length;
    },
    next(want: number): Float64Array {
      const end = Math.min(keys.length, at + want);
      if (end > sortedTo) {
        if (keys.length - at > 4 * want + sortBelow) {
          selectSmallest(keys, at, keys.length - 1, end - 1);
          keys.subarray(at, end).sort();
          sortedTo = end;
        } else {
          keys.subarray(at).sort();
          sortedTo = keys.length;
        }
      }
      const out = keys.subarray(at, end);
      at = end;
      return out;
    },
  };
}

/** Reorders a[lo..hi] so that a[k] holds the value a sort would put there, smaller ones before it. */
export function selectSmallest(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    // Median of three as the pivot keeps sorted and reversed input linear.
    const mid = (lo + hi) >>> 1;
    const [x, y, z] = [a[lo], a[mid], a[hi]];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** One highlighted piece of text: mail is untrusted, so the UI renders these as text nodes. */
export interface Seg {
  text: string;
  hit: boolean;
}

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
  hasOops: boolean;
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
  isCancelled?: () => boolean;
  /** Receives hits as each verified chunk completes, in result order. */
  onHits?: (hits: SearchHit[]) => void;
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
  const [cache, reads] = await Promise.all([
    loadCache(db),
    needReads || emit ? readMarks(db) : null,
  ]);
  // The inbox is a filter on the candidates (a bitmap), not a term to intersect.
  const keep = inbox === ALL ? null : (cache.inboxes.get(inbox.toLowerCase()) ?? EMPTY);
  const ctx: PlanCtx = {
    db,
    cache,
    scores: opts.order === 'date' || opts.countOnly ? null : new Float32Array(cache.next),
  };
  const set = await plan(query, ctx, true);
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
  if (usesCrashes(query))
    for (const no of await postings(ctx, OOPS_KEY, ANY, false, false)) crashBits[no] = 1;
  const fetch = async (nos: Uint32Array) => {
    const ids = Array.from(nos, (no) => cache.ids[no] as string);
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
    if (opts.isCancelled?.()) {
      cancelled = true;
      break;
    }
    if (matched >= limit) {
      // The page filled up in the chunk before, read ahead of need.
      unverified ||= msgs.length > 0;
      continue;
    }
    // Thread context is asked for first, so the reads below queue behind it.
    const threadsRead = emit ? loadThreads(db, cache, msgs) : null;
    // The first chunk is small, to paint the first hits soon. The second is asked for
    // right behind it: even if every candidate matches, the page needs that many more.
    if (first && !cands.done && limit > FIRST_CHUNK)
      next = fetch(cands.next(Math.min(MAX_CHUNK, limit - FIRST_CHUNK + 8)));
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
    // Later chunks read about what the page still needs, judged by how many
    // candidates matched so far, while this one's hits are built and sent.
    if (!next && matched < limit && !cands.done) {
      const rate = Math.max(0.05, matched / Math.max(1, verified));
      const want = Math.ceil((limit - matched) / rate) + 8;
      next = fetch(cands.next(Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, want))));
    }
    await threadsRead;
    if (found.length && emit) emit(buildHits(cache, found, terms));
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

const EMPTY = new Uint8Array(0);
/** Messages read at once to verify candidates: the first chunk, and at most. */
const FIRST_CHUNK = 24;
const MAX_CHUNK = 256;

/** The reader's read marks, kept in memory and read again when searchMeta `reads` changes. */
const readCaches = new WeakMap<LoupeDB, { at: number; ids: Set<string> }>();

async function readMarks(db: LoupeDB): Promise<Set<string>> {
  const { at, ids } = await db.transaction('r', [db.reads, db.searchMeta], async () => {
    const at = await meta(db, 'reads');
    const old = readCaches.get(db);
    if (old && old.at === at) return old;
    return { at, ids: new Set(await db.reads.toCollection().primaryKeys()) };
  });
  readCaches.set(db, { at, ids });
  return ids;
}

/**
 * Tells searchers that read marks changed; call inside the transaction that
 * changes them (it must include db.searchMeta). The stamp is a clock, not a
 * count, so an index cleared and rebuilt cannot bring an old value back.
 */
export async function touchReadMarks(db: LoupeDB): Promise<void> {
  const at = Math.max(Date.now(), (await meta(db, 'reads')) + 1);
  await db.searchMeta.put({ key: 'reads', value: at });
}

/** Reads what every query needs (posting numbers, read marks) ahead of the first one. */
export async function warmSearch(db: LoupeDB): Promise<void> {
  await Promise.all([loadCache(db), readMarks(db)]);
}

/** Number of matches up to `cap`, for saved-search badges. */
export async function countMatches(
  db: LoupeDB,
  ast: QueryNode,
  inbox: string,
  cap: number,
): Promise<{ count: number; capped: boolean }> {
  const r = await runSearch(db, ast, { inbox, countOnly: true, limit: cap, order: 'date' });
  return { count: r.matched, capped: r.more && r.matched >= cap };
}

// ---------------------------------------------------------------- hits and snippets

const WORD = /[\p{L}\p{M}\p{N}_]+/gu;
const SUBJECT_FIELDS: ReadonlySet<TextField> = new Set<TextField>(['default', 's', 'bs']);
const FROM_FIELDS: ReadonlySet<TextField> = new Set<TextField>(['default', 'f', 'a', 'tcf']);
const BODY_FIELDS: ReadonlySet<TextField> = new Set<TextField>([
  'default',
  'b',
  'bs',
  'nq',
  'q',
  'dfn',
  'dfa',
  'dfb',
  'dfctx',
  'dfhh',
  'oops',
]);
const SNIPPET = 220;

/** Ranges of `text` where a term's words occur consecutively; stops `stopAfter` chars past the first. */
export function hitRanges(
  text: string,
  terms: QueryTerm[],
  stopAfter = Infinity,
): [number, number][] {
  if (!terms.length) return [];
  const words: { s: number; e: number; w: string }[] = [];
  const out: [number, number][] = [];
  const maxLen = Math.max(...terms.map((t) => t.tokens.length));
  const check = (upto: number) => {
    // Try every term ending at or before word `upto`, now that enough words are known.
    const i = upto - maxLen + 1;
    if (i < 0) return;
    for (const t of terms) {
      const last = t.tokens.length - 1;
      if (i + last >= words.length) continue;
      let ok = true;
      for (let j = 0; j <= last && ok; j++) {
        const w = words[i + j].w;
        ok = j === last && t.prefix ? w.startsWith(t.tokens[j]) : w === t.tokens[j];
      }
      if (ok) out.push([words[i].s, words[i + last].e]);
    }
  };
  for (const m of text.matchAll(WORD)) {
    words.push({ s: m.index, e: m.index + m[0].length, w: m[0].toLowerCase() });
    check(words.length - 1);
    if (out.length && m.index > out[0][0] + stopAfter) break;
  }
  for (let k = 0; k < maxLen - 1; k++) check(words.length + k);
  out.sort((a, b) => a[0] - b[0]);
  return out;
}

/** Splits text[from, to) into plain and hit pieces. */
export function toSegs(
  text: string,
  ranges: [number, number][],
  from = 0,
  to = text.length,
): Seg[] {
  const out: Seg[] = [];
  let at = from;
  for (const [s0, e0] of ranges) {
    const s = Math.max(s0, at);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    if (s > at) out.push({ text: text.slice(at, s), hit: false });
    out.push({ text: text.slice(s, e), hit: true });
    at = e;
  }
  if (at < to) out.push({ text: text.slice(at, to), hit: false });
  return out;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
/** Characters past the shown stretch that a phrase starting in it may reach. */
const REACH = 400;

/**
 * Where the first hit of any term starts, or -1. Finds each term's first word
 * by substring search and tokenizes only a short stretch after it: a hit at the
 * end of a long patch costs no more than one at the top.
 */
function firstHitAt(body: string, terms: QueryTerm[]): number {
  const lower = body.toLowerCase();
  if (lower.length !== body.length) {
    // Lowercasing changed the length (rare scripts): offsets would not line up.
    const r = hitRanges(body, terms, 0);
    return r.length ? r[0][0] : -1;
  }
  let best = -1;
  for (const t of terms) {
    const word = t.tokens[0];
    if (!word) continue;
    // Room for the term's words and some punctuation or space between them.
    const reach = 8 + 3 * t.tokens.reduce((n, w) => n + w.length, 0);
    for (let at = lower.indexOf(word), n = 0; at >= 0 && n < 500; n++) {
      if (best >= 0 && at >= best) break;
      if (at === 0 || !WORD_CHAR.test(body[at - 1])) {
        const r = hitRanges(body.slice(at, at + reach), [t], 0);
        if (r.length && r[0][0] === 0) {
          best = at;
          break;
        }
      }
      at = lower.indexOf(word, at + 1);
    }
  }
  return best;
}

function snippet(body: string, terms: QueryTerm[]): Seg[] {
  const at = terms.length ? firstHitAt(body, terms) : -1;
  let from = 0;
  if (at >= 0) {
    from = Math.max(0, at - 60);
    const space = body.lastIndexOf(' ', at);
    if (space > from && space - from < 30) from = space + 1;
  }
  const to = Math.min(body.length, from + SNIPPET);
  // Highlight within the shown stretch, tokenized from a word start before it.
  const base = from > 0 ? body.lastIndexOf(' ', from) + 1 : 0;
  const ranges = hitRanges(body.slice(base, to + REACH), terms).map(([s, e]): [number, number] => [
    s + base,
    e + base,
  ]);
  const segs = toSegs(body, ranges, from, to);
  if (from > 0) segs.unshift({ text: '…', hit: false });
  if (to < body.length) segs.push({ text: '…', hit: false });
  return segs;
}

function threadOrder(node: ThreadNode, out: string[]): string[] {
  if (!node.ghost) out.push(node.id);
  for (const c of node.children) threadOrder(c, out);
  return out;
}

interface Found {
  m: StoredMessage;
  doc: SearchDoc;
  unread: boolean;
}

/**
 * Messages by Message-ID, from the searcher's memory when a query read them
 * before. IndexedDB costs about 0.15 ms a row however small it is, so a query
 * that pages, changes order or grows by a letter reads only what it did not
 * see. Kept without their raw bytes, which no hit needs.
 */
async function readMessages(
  db: LoupeDB,
  cache: DocCache,
  ids: string[],
): Promise<(StoredMessage | undefined)[]> {
  const out = ids.map((id) => cache.messages.get(id));
  const missing = ids.filter((_, k) => !out[k]);
  if (!missing.length) return out;
  const rows = await db.messages.bulkGet(missing);
  let r = 0;
  for (let k = 0; k < out.length; k++) {
    if (out[k]) continue;
    const m = rows[r++];
    if (!m) continue;
    delete m.raw;
    // UTF-16 at worst, plus the headers and the object around them.
    cache.messages.set(m.id, m, 2 * m.text.length + 1024);
    out[k] = m;
  }
  return out;
}

/** Reads the thread context of messages into the cache (threads seen before are kept). */
async function loadThreads(
  db: LoupeDB,
  cache: DocCache,
  msgs: (StoredMessage | undefined)[],
): Promise<void> {
  const threads = cache.threads;
  const ids = new Set(msgs.flatMap((m) => (m ? [m.threadId] : [])));
  const missing = [...ids].filter((id) => !threads.has(id));
  if (!missing.length) return;
  (await db.threads.bulkGet(missing)).forEach((t, k) =>
    threads.set(
      missing[k],
      t ? { subject: t.subject, count: t.count, order: threadOrder(t.tree, []) } : null,
    ),
  );
}

function buildHits(cache: DocCache, found: Found[], terms: QueryTerm[]): SearchHit[] {
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
      hasOops: m.hasOops,
      thread: t
        ? { subject: t.subject, count: t.count, position: t.order.indexOf(m.id) + 1 }
        : null,
    };
  });
}

// ---------------------------------------------------------------- saved searches

/** Saved searches in the order they were saved. */
export function listSavedSearches(db: LoupeDB): Promise<SavedSearchRow[]> {
  return db.savedSearches.toArray();
}

/** Saves a search for the sidebar (once per query and inbox). */
export async function saveSearch(db: LoupeDB, query: string, inbox: string): Promise<void> {
  await db.transaction('rw', db.savedSearches, async () => {
    const all = await db.savedSearches.toArray();
    if (all.some((s) => s.query === query && s.inbox === inbox)) return;
    await db.savedSearches.add({ name: query || '(everything)', query, inbox });
  });
}

/** Forgets a saved search. */
export async function removeSavedSearch(db: LoupeDB, id: number): Promise<void> {
  await db.savedSearches.delete(id);
}
