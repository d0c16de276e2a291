/**
 * Writing the index: every import batch is a segment. Per token and segment
 * one posting row packs `(no - seg) << GROUP_BITS | fieldGroups` per message,
 * so a batch is written with appends only (no read-modify-write); `searchSegs`
 * maps a segment's posting numbers to Message-IDs (plus date/size/inboxes,
 * which the planner narrows on). Also the backlog of mail stored before the
 * index, and deleting an inbox from it.
 */
import type { CrashSummary } from '../../core/types';
import { INDEX_VERSION } from '../../core/query/index-version';
import {
  ANY,
  GROUP_BITS,
  SEGMENT_MAX,
  termRun,
  type IndexItem,
  type TermRun,
} from '../../core/query/terms';
import type { LoupeDB, PostingRow, SearchSegRow, StoredMessage } from '../schema';
import { bumpGen, crashRows, indexComplete, meta, searchTables } from './meta';
import { postingNumbers, type PostingNumbers } from './numbers';
import { OWN, OWN_ROW_MIN, bucketOf } from './postings';

/**
 * Takes messages out of the index (their numbers no longer resolve): messages
 * deleted and imported again, whose old postings die with the old number.
 */
async function unindex(db: LoupeDB, numbers: PostingNumbers, ids: string[]): Promise<void> {
  const stale = ids.flatMap((id) => {
    const no = numbers.get(id);
    return no === undefined ? [] : [{ id, no }];
  });
  if (!stale.length) return;
  const rows = new Map<number, SearchSegRow>();
  for (const { id, no } of stale) {
    let row = [...rows.values()].find((r) => r.seg <= no && no < r.seg + r.ids.length);
    if (!row) {
      row = (await db.searchSegs.where('seg').belowOrEqual(no).last()) as SearchSegRow;
      rows.set(row.seg, row);
    }
    row.ids[no - row.seg] = '';
    numbers.set(id, null);
  }
  await db.searchSegs.bulkPut([...rows.values()]);
  await bumpGen(db);
}

async function writeSegment(
  db: LoupeDB,
  items: { m: IndexItem; inboxes: string[]; crash: CrashSummary | null; size: number }[],
  numbers: PostingNumbers | null,
): Promise<void> {
  if (!items.length) return;
  if (items.length > SEGMENT_MAX)
    throw new Error(`a segment holds at most ${SEGMENT_MAX} messages`);
  const nextNo = await meta(db, 'nextNo');
  // The first segment of an index says which version of the indexer wrote it.
  if (!nextNo) await db.searchMeta.put({ key: 'version', value: INDEX_VERSION });
  const seg = Math.max(1, nextNo);
  await db.searchMeta.put({ key: 'nextNo', value: seg + items.length });
  await db.searchSegs.add({
    seg,
    ids: items.map((x) => x.m.id),
    dates: Float64Array.from(items, (x) => x.m.date),
    sizes: Float64Array.from(items, (x) => x.size),
    inboxes: items.map((x) => x.inboxes),
  });
  items.forEach((x, i) => numbers?.set(x.m.id, seg + i));
  const { keys, starts, lists } = segmentPostings(items);
  // Each key's row: its own when common, else its bucket's; rows in the order of their first key.
  const rows = new Map<string, number[]>();
  keys.forEach((key, k) => {
    const t = starts[k + 1] - starts[k] > OWN_ROW_MIN ? OWN + key : bucketOf(key);
    const ks = rows.get(t);
    if (ks) ks.push(k);
    else rows.set(t, [k]);
  });
  await db.postings.bulkAdd(
    Array.from(rows, ([t, ks]): PostingRow => {
      const rowStarts = new Uint32Array(ks.length + 1);
      ks.forEach((k, i) => (rowStarts[i + 1] = rowStarts[i] + starts[k + 1] - starts[k]));
      // A row owns its buffer: a view of the segment's would be stored whole.
      const rowLists = new Uint32Array(rowStarts[ks.length]);
      ks.forEach((k, i) => rowLists.set(lists.subarray(starts[k], starts[k + 1]), rowStarts[i]));
      return { t, seg, keys: ks.map((k) => keys[k]), lists: rowLists, starts: rowStarts };
    }),
  );
}

/**
 * The postings of a segment, merged from the items' term runs (items without terms
 * are tokenized here): its keys sorted, and for keys[k] the entries
 * `i << GROUP_BITS | groups` of its i-th items in lists[starts[k]] up to lists[starts[k + 1]].
 * Each key's postings are counted first and then written in place into one typed
 * array, instead of pushed onto a growing array of numbers per key.
 */
function segmentPostings(items: { m: IndexItem; crash: CrashSummary | null }[]): {
  keys: string[];
  starts: Uint32Array;
  lists: Uint32Array;
} {
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
  const counts = new Map<string, number>();
  for (const [run, place] of places) {
    const whole = place.every((i) => i >= 0);
    const { keys, starts, entries } = run;
    for (let k = 0; k < keys.length; k++) {
      let n = starts[k + 1] - starts[k];
      if (!whole)
        for (let j = starts[k]; j < starts[k + 1]; j++)
          if (place[entries[j] >>> GROUP_BITS] < 0) n--;
      if (n) counts.set(keys[k], (counts.get(keys[k]) ?? 0) + n);
    }
  }
  const keys = [...counts.keys()].sort();
  const starts = new Uint32Array(keys.length + 1);
  const indexOf = new Map<string, number>();
  keys.forEach((key, k) => {
    starts[k + 1] = starts[k] + (counts.get(key) as number);
    indexOf.set(key, k);
  });
  const lists = new Uint32Array(starts[keys.length]);
  const next = starts.slice(0, keys.length);
  const unsorted = new Set<number>();
  for (const [run, place] of places) {
    const { keys: runKeys, starts: runStarts, entries } = run;
    for (let r = 0; r < runKeys.length; r++) {
      const k = indexOf.get(runKeys[r]);
      if (k === undefined) continue;
      let w = next[k];
      for (let j = runStarts[r]; j < runStarts[r + 1]; j++) {
        const i = place[entries[j] >>> GROUP_BITS];
        if (i < 0) continue;
        const e = i * 2 ** GROUP_BITS + (entries[j] & ANY);
        if (w > starts[k] && lists[w - 1] > e) unsorted.add(k);
        lists[w++] = e;
      }
      next[k] = w;
    }
  }
  for (const k of unsorted) lists.subarray(starts[k], starts[k + 1]).sort();
  return { keys, starts, lists };
}

/**
 * Indexes the messages a batch stored for the first time, and records cross-posts.
 * Runs inside storeBatch's transaction (which must include searchTables(db)).
 * `maybeIndexed`: the fresh ids that may still have an index entry (default: all);
 * `crossPosted`: stored rows that gain this inbox, with their inboxes before it.
 */
export async function indexMessages(
  db: LoupeDB,
  fresh: IndexItem[],
  inbox: string,
  crossPosted: { id: string; inboxes: string[] }[] = [],
  maybeIndexed: string[] = fresh.map((m) => m.id),
): Promise<void> {
  const ib = inbox.toLowerCase();
  // The map of posting numbers is read only when a batch may need it.
  const numbers = crossPosted.length || maybeIndexed.length ? await postingNumbers(db) : null;
  if (numbers && crossPosted.length) {
    // A row's inboxes, lowercased, are the ones its index entry lists (a first import's,
    // the backlog's, and every cross-post's row below).
    await db.searchInboxes.bulkPut(
      crossPosted.flatMap((m) => {
        const no = numbers.get(m.id);
        return no === undefined || m.inboxes.some((x) => x.toLowerCase() === ib)
          ? []
          : [{ no, inbox: ib }];
      }),
    );
    // Searchers keep inbox membership in memory: a changed membership starts them over.
    await bumpGen(db);
  }
  if (numbers) await unindex(db, numbers, maybeIndexed);
  await writeSegment(
    db,
    fresh.map((m) => ({ m, inboxes: [ib], crash: m.crash ?? null, size: m.raw?.length ?? 0 })),
    numbers,
  );
  await numbers?.settle();
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
  if (await indexComplete(db)) return 0;
  if (((await meta(db, 'version')) || 1) !== INDEX_VERSION) await dropIndex(db);
  const done = () => db.searchMeta.put({ key: 'complete', value: 1 });
  const missing = await db.transaction('r', [db.messages, ...searchTables(db)], async () => {
    const [messages, numbers] = await Promise.all([db.messages.count(), postingNumbers(db)]);
    if (messages <= numbers.size) return [];
    return (await db.messages.toCollection().primaryKeys()).filter(
      (id) => numbers.get(id) === undefined,
    );
  });
  if (!missing.length) {
    await done();
    return 0;
  }
  for (let i = 0; i < missing.length; i += batch) {
    onProgress?.(i, missing.length);
    const ids = missing.slice(i, i + batch);
    await db.transaction('rw', [db.messages, db.oopses, db.raws, ...searchTables(db)], async () => {
      const numbers = await postingNumbers(db);
      const todo = ids.filter((id) => numbers.get(id) === undefined);
      const msgs = (await db.messages.bulkGet(todo)).filter((m): m is StoredMessage => !!m);
      // Only crash reports have a crash row; rows since v15 keep their raw size, rows from
      // v8 their raw bytes, and rows stored before v8 keep them (read for their size,
      // z:) in `raws`.
      const older = msgs.flatMap((m) => (m.raw || m.size !== undefined ? [] : [m.id]));
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
          size: m.size ?? m.raw?.length ?? sizeOf.get(m.id) ?? 0,
        })),
        numbers,
      );
      await numbers.settle();
    });
  }
  await done();
  onProgress?.(missing.length, missing.length);
  return missing.length;
}

/**
 * Drops an index written by another INDEX_VERSION, for indexBacklog to write again.
 * Posting numbers go on from where they were and the generation moves on, so a
 * searcher holding the old index in memory starts over.
 */
async function dropIndex(db: LoupeDB): Promise<void> {
  await db.transaction('rw', [...searchTables(db), db.searchCache], async () => {
    await Promise.all([db.searchSegs.clear(), db.searchInboxes.clear(), db.postings.clear()]);
    await db.searchCache.clear();
    await db.searchMeta.delete('complete');
    await db.searchMeta.put({ key: 'version', value: INDEX_VERSION });
    await bumpGen(db);
  });
}

/** Removes an inbox from the index: its messages go unless another inbox holds them too. */
export async function deleteInboxIndex(db: LoupeDB, inbox: string): Promise<void> {
  const ib = inbox.toLowerCase();
  await db.transaction('rw', searchTables(db), async () => {
    await db.searchInboxes.where('inbox').equals(ib).delete();
    // Numbers still held by another inbox they were cross-posted to later.
    const elsewhere = new Set((await db.searchInboxes.toArray()).map((r) => r.no));
    const dead = new Set<number>();
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
        dead.add(row.seg);
      }
    }
    // Posting rows are keyed [t, seg] with no index by segment (one less index entry per
    // row on import), so a dead segment's rows are found among the primary keys.
    if (dead.size)
      await db.postings.bulkDelete(
        (await db.postings.toCollection().primaryKeys()).filter(([, seg]) => dead.has(seg)),
      );
    await bumpGen(db);
  });
}
