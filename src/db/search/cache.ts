/**
 * What a searcher keeps in memory between queries: posting numbers with their
 * date, size, inboxes and Message-ID (saved to searchCache so the next start
 * need not read every segment; the ids only as the hits that show them ask),
 * posting rows read so far, and the messages and threads of recent hits.
 * Reloaded when the index changes.
 */
import { CostLru } from '../../core/lru';
import { mergeSorted } from '../../core/sorted';
import type { ThreadNode } from '../../core/types';
import type { LoupeDB, PostingRow, StoredMessage } from '../schema';
import { meta } from './meta';
import { IDS_PER_ROW, saveDocCache, savedDocs, savedIds, type DocTable } from './saved';

/** Posting number -> Message-ID, date and size, kept per realm; reloaded when the index changes. */
export class DocCache {
  gen = -1;
  next = 1;
  /** Message-IDs known so far: below `savedBelow`, only those of the id rows read (see idsOf). */
  ids: (string | undefined)[] = [];
  /** Numbers below this have their ids in the saved id rows, read when asked for. */
  savedBelow = 0;
  /** Saved id rows read so far (row r holds numbers from r * IDS_PER_ROW). */
  idRows = new Set<number>();
  dates = new Float64Array(0);
  /** Raw sizes in bytes (a message's fits in 32 bits: half the bytes of the saved table's dates). */
  sizes = new Uint32Array(0);
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

export interface HitThread {
  subject: string;
  count: number;
  /** Message-IDs in thread order. */
  order: string[];
}

/** Messages kept in memory between queries, at most (the least recently used go first). */
const MESSAGE_CACHE_BYTES = 32 * 1024 * 1024;

/** Posting rows kept in memory between queries, at most (they are dropped all at once past it). */
export const BUCKET_CACHE_BYTES = 96 * 1024 * 1024;

export const NOT_LIVE = 0xffffffff;
const caches = new WeakMap<LoupeDB, DocCache>();

/** Reading at least this many index rows to know the posting numbers saves them for the next start. */
const SAVE_AFTER = 500;

/** Sets the live numbers, newest first, and each number's place among them. */
function setOrder(c: DocCache, order: Uint32Array<ArrayBuffer>): void {
  c.order = order;
  c.rank = new Uint32Array(c.next).fill(NOT_LIVE);
  order.forEach((no, i) => (c.rank[no] = i));
}

/** A cache started from the saved table of posting numbers, if it still describes the index. */
async function savedCache(db: LoupeDB, gen: number, next: number): Promise<DocCache | null> {
  const row = await savedDocs(db, gen, next);
  if (!row) return null;
  const c = new DocCache();
  c.gen = row.gen;
  c.next = row.next;
  c.savedBelow = row.next;
  c.dates = row.dates;
  // Tables saved before sizes had 32 bits hold them as doubles.
  c.sizes = row.sizes instanceof Uint32Array ? row.sizes : Uint32Array.from(row.sizes);
  c.inboxes = new Map(row.inboxes);
  setOrder(c, row.order);
  return c;
}

/**
 * The Message-IDs of some live posting numbers, reading the saved id rows that hold
 * the ones not known yet (kept afterwards). A saved row missing or of another
 * generation (another searcher saved since) is read from the index rows instead.
 */
export async function idsOf(db: LoupeDB, c: DocCache, nos: ArrayLike<number>): Promise<string[]> {
  const rows = new Set<number>();
  for (let k = 0; k < nos.length; k++) {
    const no = nos[k];
    const row = Math.floor(no / IDS_PER_ROW);
    if (no < c.savedBelow && !c.idRows.has(row)) rows.add(row);
  }
  if (rows.size) await readIdRows(db, c, [...rows]);
  return Array.from(nos, (no) => c.ids[no] ?? '');
}

/** Every Message-ID of the cache (for the few queries that look at all of them: `mid:`, read state). */
export async function allIds(db: LoupeDB, c: DocCache): Promise<(string | undefined)[]> {
  const rows = unreadIdRows(c);
  if (rows.length) await readIdRows(db, c, rows);
  return c.ids;
}

/** The saved id rows not read yet, in order. */
function unreadIdRows(c: DocCache): number[] {
  const rows: number[] = [];
  for (let row = 0; row * IDS_PER_ROW < c.savedBelow; row++) if (!c.idRows.has(row)) rows.push(row);
  return rows;
}

/** Saved id rows read in one step of fillIds: about 360 KB, tens of ms that a query may wait behind. */
const FILL_STEP = 64;

/**
 * Reads the saved ids not read yet, a step at a time, each after `pause` (which waits
 * while a reader's query runs): a later query, `mid:` or a read-state count then finds
 * them in memory. Stops when the cache is replaced (the index changed).
 */
export async function fillIds(db: LoupeDB, c: DocCache, pause: () => Promise<void>): Promise<void> {
  for (;;) {
    await pause();
    if (caches.get(db) !== c) return;
    // Queries meanwhile may have read some: what is left is looked at again each step.
    const step = unreadIdRows(c).slice(0, FILL_STEP);
    if (!step.length) return;
    await readIdRows(db, c, step);
  }
}

async function readIdRows(db: LoupeDB, c: DocCache, rows: number[]): Promise<void> {
  const got = await savedIds(db, c.gen, rows);
  const missing: number[] = [];
  rows.forEach((row, k) => {
    const ids = got[k];
    if (!ids) return void missing.push(row);
    const from = row * IDS_PER_ROW;
    const end = Math.min(ids.length, c.savedBelow - from);
    for (let i = 0; i < end; i++) if (ids[i]) c.ids[from + i] = ids[i];
  });
  for (const row of missing) {
    const from = row * IDS_PER_ROW;
    const to = Math.min(from + IDS_PER_ROW, c.savedBelow);
    // Segments do not overlap and grow with their numbers: the ones holding [from, to)
    // are those below `to`, downwards until one ends at `from` or before.
    const segs = await db.searchSegs
      .where('seg')
      .below(to)
      .reverse()
      .until((r) => r.seg + r.ids.length <= from)
      .toArray();
    for (const r of segs)
      r.ids.forEach((id, i) => {
        const no = r.seg + i;
        if (id && no >= from && no < to) c.ids[no] = id;
      });
  }
  for (const row of rows) c.idRows.add(row);
}

/**
 * Stores the table of posting numbers for the next start. A searcher that must
 * not write (the search worker) hands it to the writer instead.
 */
export type SaveDocs = (table: DocTable) => Promise<void>;

async function saveCache(db: LoupeDB, c: DocCache, save: SaveDocs): Promise<void> {
  // The id rows below the saved table's end stay as saved; the one it ends in is written again.
  const idsFrom = Math.floor(c.savedBelow / IDS_PER_ROW) * IDS_PER_ROW;
  let lastNo = c.next - 1;
  while (lastNo > 0 && c.rank[lastNo] === NOT_LIVE) lastNo--;
  const first = Array.from({ length: c.savedBelow - idsFrom }, (_, i) => idsFrom + i);
  await idsOf(db, c, [...first, lastNo]);
  const next = c.next;
  const ids = Array.from({ length: next - idsFrom }, (_, i) => c.ids[idsFrom + i] ?? '');
  await save({
    gen: c.gen,
    next,
    lastNo,
    lastId: c.ids[lastNo] ?? '',
    dates: c.dates,
    sizes: c.sizes,
    inboxes: [...c.inboxes],
    order: c.order,
    idsFrom,
    ids,
  });
  // Saved: the next save of this cache, once it has grown, writes only the numbers
  // added since (their ids are all in memory, so no saved row needs reading).
  for (let row = idsFrom / IDS_PER_ROW; row * IDS_PER_ROW < next; row++) c.idRows.add(row);
  c.savedBelow = Math.max(c.savedBelow, next);
}

const loading = new WeakMap<LoupeDB, Promise<unknown>>();

/** One load at a time per database: a query that comes during the warm-up reuses what it read. */
export function loadCache(
  db: LoupeDB,
  save: SaveDocs = (table) => saveDocCache(db, table),
): Promise<DocCache> {
  const next = (loading.get(db) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => readCache(db, save));
  loading.set(db, next);
  return next;
}

async function readCache(db: LoupeDB, save: SaveDocs): Promise<DocCache> {
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
    const grow = <A extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(top);
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
    // The numbers the cache had are live as it knew them, in order (same generation:
    // none died); the new rows' numbers are live by their ids. Only those are sorted,
    // then merged in: a start that finds a segment past the saved table sorted all
    // 100k numbers again, 30-80 ms of the first query at that size.
    const added: number[] = [];
    for (let no = Math.max(1, c.rank.length); no < top; no++)
      if (c.ids[no] !== undefined) added.push(no);
    const dates = c.dates;
    const newer = (a: number, b: number) => dates[b] - dates[a] || b - a;
    c.gen = gen;
    c.next = top;
    setOrder(c, mergeSorted(c.order, Uint32Array.from(added).sort(newer), newer));
    return { c, read: docs };
  });
  caches.set(db, c);
  // Only a shortcut: a failure (a full disk) leaves the next start to read every row.
  if (read >= SAVE_AFTER) void saveCache(db, c, save).catch(() => undefined);
  return c;
}

function threadOrder(node: ThreadNode, out: string[]): string[] {
  if (!node.ghost) out.push(node.id);
  for (const c of node.children) threadOrder(c, out);
  return out;
}

/**
 * Messages by Message-ID, from the searcher's memory when a query read them
 * before. IndexedDB costs about 0.15 ms a row however small it is, so a query
 * that pages, changes order or grows by a letter reads only what it did not
 * see. Kept without their raw bytes, which no hit needs.
 */
export async function readMessages(
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
export async function loadThreads(
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
