/** Typed reads used by the UI; writes go through the ingest worker. */
import { ALL } from '../core/constants';
import { nodeMap } from './nodes';
import { meta } from './search/meta';
import { chunkedRaws } from './raw-chunks';
import type { InboxRow, LoupeDB, StoredMessage, StoredThread } from './schema';

/** Inboxes in the order they were added. */
export function listInboxes(db: LoupeDB): Promise<InboxRow[]> {
  return db.inboxes.orderBy('name').toArray();
}

/** Number of threads in an inbox (or all). */
/**
 * A key that changes whenever mail is stored (the search index's next number
 * grows) or read marks change: unread counts re-count when it does.
 */
export async function mailChangeKey(db: LoupeDB): Promise<string> {
  return `${await db.reads.count()}/${(await db.searchMeta.get('nextNo'))?.value ?? 0}`;
}

/** An inbox's threads by last activity (the `*listKeys` index), strictly between two dates when given. */
export function inboxList(db: LoupeDB, inbox: string, after = -Infinity, before = Infinity) {
  return db.threads
    .where('listKeys')
    .between([inbox, after], [inbox, before], after === -Infinity, before === Infinity);
}

export function countThreads(db: LoupeDB, inbox: string): Promise<number> {
  if (inbox === ALL) return db.threads.count();
  return inboxList(db, inbox).count();
}

/** Where counts are remembered between page loads (localStorage in the page). */
export type CountStore = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Number of threads in an inbox (or all), counted again only when they may have
 * changed. Counting walks every entry of the inbox's list: at 100k messages that
 * holds IndexedDB 1–2.5 s (machine load 14–20), and every other read of the
 * origin, a reload's first search included, waits behind it. Threads change only
 * with the search index (stored mail grows `nextNo`; removed mail and cross-posts
 * bump `gen`) or when an inbox is added again (`addedAt`), so that stamp says
 * when the remembered count still holds.
 */
export function rememberedThreadCount(
  db: LoupeDB,
  inbox: string,
  store: CountStore,
): Promise<number> {
  return db.transaction('r', [db.threads, db.searchMeta, db.inboxes], async () => {
    const [gen, next, inboxes] = await Promise.all([
      meta(db, 'gen'),
      meta(db, 'nextNo'),
      db.inboxes.toArray(),
    ]);
    const stamp = [gen, next, ...inboxes.map((ib) => `${ib.name}@${ib.addedAt}`)].join(' ');
    const key = `loupe.threadCount.${inbox}`;
    const saved = parseSaved(store.getItem(key));
    if (saved?.stamp === stamp) return saved.count;
    const count = await countThreads(db, inbox);
    try {
      store.setItem(key, JSON.stringify({ stamp, count }));
    } catch {
      // Only a shortcut: with storage full, the next load counts again.
    }
    return count;
  });
}

function parseSaved(text: string | null): { stamp: string; count: number } | null {
  try {
    const v: unknown = text ? JSON.parse(text) : null;
    if (typeof v !== 'object' || v === null) return null;
    const { stamp, count } = v as Record<string, unknown>;
    return typeof stamp === 'string' && typeof count === 'number' ? { stamp, count } : null;
  } catch {
    return null;
  }
}

/** A page of threads by last activity, newest first. */
export async function listThreads(
  db: LoupeDB,
  inbox: string,
  offset: number,
  limit: number,
): Promise<StoredThread[]> {
  if (inbox === ALL)
    return db.threads.orderBy('lastDate').reverse().offset(offset).limit(limit).toArray();
  return inboxList(db, inbox).reverse().offset(offset).limit(limit).toArray();
}

/**
 * A row of the list a read starts next to: `older` reads the rows after it in the
 * list (older ones), `newer` the rows before it.
 */
export interface ListAnchor {
  id: string;
  lastDate: number;
  side: 'older' | 'newer';
}

/**
 * Up to `limit` threads next to `anchor` in the list order (newest first), read
 * from its key instead of walking the list from its top: an offset read walks
 * every entry before it (at offset 5,000 of a 100k store, right after an import,
 * 0.9–1.5 s of the browser process). Threads of the same last date are ordered by
 * id, as the index orders them.
 */
export async function listThreadsBeside(
  db: LoupeDB,
  inbox: string,
  anchor: ListAnchor,
  limit: number,
): Promise<StoredThread[]> {
  const all = inbox === ALL;
  const index = all ? 'lastDate' : 'listKeys';
  const key = (date: number) => (all ? date : [inbox, date]);
  // Threads with the anchor's own date that sit on the anchor's side of it (by id).
  const ties = await db.threads.where(index).equals(key(anchor.lastDate)).primaryKeys();
  const side =
    anchor.side === 'older'
      ? ties.filter((id) => id < anchor.id).length
      : ties.filter((id) => id > anchor.id).length;
  const skip = ties.length - side;
  if (anchor.side === 'older')
    return db.threads
      .where(index)
      .between(key(-Infinity), key(anchor.lastDate), true, true)
      .reverse()
      .offset(skip)
      .limit(limit)
      .toArray();
  const rows = await db.threads
    .where(index)
    .between(key(anchor.lastDate), key(Infinity), true, true)
    .offset(skip)
    .limit(limit)
    .toArray();
  return rows.reverse();
}

/**
 * The rows of the list from position `from`: read beside `anchor` when one is
 * given (the row at `from - 1` for `older`, at `from + limit` for `newer`), else
 * by offset. With an anchor it also reads the list's first key, so that a live
 * query over it wakes on any change to the list, above the anchor too: a thread
 * added there moves every row down, and the anchor's position no longer holds.
 */
export async function listWindow(
  db: LoupeDB,
  inbox: string,
  from: number,
  limit: number,
  anchor: ListAnchor | null,
): Promise<StoredThread[]> {
  if (!anchor) return listThreads(db, inbox, from, limit);
  const list = inbox === ALL ? db.threads.orderBy('lastDate') : inboxList(db, inbox);
  const rows = await db.transaction('r', db.threads, async () => {
    const [, beside] = await Promise.all([
      list.limit(1).primaryKeys(),
      listThreadsBeside(db, inbox, anchor, limit),
    ]);
    return beside;
  });
  // Fewer rows above the anchor than its position says: the list changed since.
  if (anchor.side === 'newer' && rows.length < limit) return listThreads(db, inbox, from, limit);
  return rows;
}

/**
 * What every thread row write changes: rows are written only when mail is stored
 * (`nextNo` grows), removed or cross-posted (`gen`), or marked read (`reads`).
 */
export function threadRowsStamp(db: LoupeDB): Promise<number[]> {
  return Promise.all([meta(db, 'gen'), meta(db, 'nextNo'), meta(db, 'reads')]);
}

/**
 * The rows `read` of the list beside `anchor` (see listWindow), joined to `kept`:
 * rows read before, on the anchor's side of them (above for `older`, below for
 * `newer`). A live query over it wakes when a kept row changes, which the rows it
 * reads would not tell it, through the stamp it reads too (threadRowsStamp).
 */
export async function listWindowKeeping(
  db: LoupeDB,
  inbox: string,
  read: { from: number; limit: number },
  anchor: ListAnchor,
  kept: StoredThread[],
): Promise<StoredThread[]> {
  const [rows] = await Promise.all([
    read.limit > 0 ? listWindow(db, inbox, read.from, read.limit, anchor) : [],
    threadRowsStamp(db),
  ]);
  return anchor.side === 'older' ? [...kept, ...rows] : [...rows, ...kept];
}

/** One message without its raw bytes. */
export function getMessage(db: LoupeDB, id: string): Promise<StoredMessage | undefined> {
  return db.messages.get(id);
}

/**
 * The thread a message (or ghost) belongs to. A thread's id is its root's; a stored
 * message names its thread; any other ghost is looked up in the node log, which a
 * first lookup in this realm reads whole.
 */
export async function threadOf(db: LoupeDB, id: string): Promise<StoredThread | undefined> {
  const own = await db.threads.get(id);
  if (own) return own;
  // Read raw: the row's text is not needed.
  const m = await db.messages.where(':id').equals(id).raw().first();
  if (m) return db.threads.get(m.threadId);
  return db.transaction('r', db.nodeLog, db.threads, async () => {
    const thread = (await nodeMap(db)).get(id);
    return thread === undefined ? undefined : db.threads.get(thread);
  });
}

/** Some stored messages, by id (missing ones are left out). */
export async function messagesById(
  db: LoupeDB,
  ids: string[],
): Promise<Map<string, StoredMessage>> {
  const rows = await db.messages.bulkGet(ids);
  return new Map(rows.flatMap((m) => (m ? [[m.id, m]] : [])));
}

/** Every stored message of a thread, by id. */
export async function threadMessages(
  db: LoupeDB,
  threadId: string,
): Promise<Map<string, StoredMessage>> {
  const rows = await db.messages.where('threadId').equals(threadId).toArray();
  return new Map(rows.map((m) => [m.id, m]));
}

/**
 * Raw bytes of some messages, by id: in chunks (v15), in their rows (v8 to v14), or
 * in `raws` for mail stored before v8.
 */
export async function rawsById(db: LoupeDB, ids: string[]): Promise<(Uint8Array | undefined)[]> {
  // raw(): the rows skip the reading hook, which would decode text nobody reads here.
  const rows = await db.messages.where(':id').anyOf(ids).raw().toArray();
  const chunked = await chunkedRaws(db, rows);
  const inline = new Map(rows.map((m, i) => [m.id, m.raw ?? chunked[i]]));
  const raws = ids.map((id) => inline.get(id));
  const older = ids.filter((_, i) => !raws[i]);
  if (older.length) {
    const rows = new Map((await db.raws.bulkGet(older)).flatMap((r) => (r ? [[r.id, r.raw]] : [])));
    ids.forEach((id, i) => (raws[i] ??= rows.get(id)));
  }
  return raws;
}

/** Raw bytes of a message. */
export async function getRaw(db: LoupeDB, id: string): Promise<Uint8Array | undefined> {
  return (await rawsById(db, [id]))[0];
}

/** Ids of the read messages among a thread's messages. */
export async function readIds(db: LoupeDB, threadId: string): Promise<Set<string>> {
  return new Set(await db.reads.where('threadId').equals(threadId).primaryKeys());
}

/** The thread after (older, dir 1) or before (newer, dir -1) `t` in the list order of an inbox. */
export async function adjacentThread(
  db: LoupeDB,
  inbox: string,
  t: StoredThread,
  dir: 1 | -1,
  unreadOnly = false,
): Promise<StoredThread | undefined> {
  const accept = (x: StoredThread | undefined) =>
    !!x && x.id !== t.id && (!unreadOnly || x.unread > 0);
  if (inbox === ALL) {
    const range =
      dir === 1
        ? db.threads.where('lastDate').below(t.lastDate).reverse()
        : db.threads.where('lastDate').above(t.lastDate);
    return range.filter((x) => accept(x)).first();
  }
  const range =
    dir === 1
      ? inboxList(db, inbox, -Infinity, t.lastDate).reverse()
      : inboxList(db, inbox, t.lastDate);
  return range.filter((x) => accept(x)).first();
}
