/**
 * The one Dexie database: every table, every schema version and upgrade.
 * The rest of the app goes through the typed functions in src/db.
 */
import Dexie, { type EntityTable, type PromiseExtended } from 'dexie';
import { decodeText } from '../core/decode';
import { logRow, type NodeLogRow } from './node-log';
import type { SyncOutcome } from '../core/autosync';
import type { CrashSummary, MessageRecord, ThreadRecord } from '../core/types';

export type { NodeLogRow } from './node-log';

/**
 * A message row. Since v15 it keeps its text, its raw size, and `piece`: where the
 * rest of its raw bytes are in a chunk of `rawChunks` (src/db/raw-chunks.ts): the
 * header block when `textAt` is set (the raw message is that block followed by the
 * UTF-8 of `text`), else the whole message. Rows stored from v8 to v14 hold their
 * raw bytes in `raw`, and plain mail its body only there: `text` is left empty and
 * `textAt` says where it starts in `raw` (the table's reading hook fills `text` in).
 * Rows stored before v8 keep `text`, and their raw bytes in `raws`.
 */
export type StoredMessage = Omit<MessageRecord, 'raw'> & {
  raw?: Uint8Array;
  textAt?: number;
  /** [chunk key, offset, length] in `rawChunks`. */
  piece?: [number, number, number];
  /** Raw bytes of the message (rows with `piece`). */
  size?: number;
};

/** A message as it is written: a row whose text can be read from its raw bytes leaves `text` empty. */
export function messageRow<T extends StoredMessage>(m: T): T {
  return m.textAt !== undefined && m.raw ? { ...m, text: '' } : m;
}

/** Fills in the text of a row that keeps it only in its raw bytes. */
function withText(m: StoredMessage | undefined): StoredMessage | undefined {
  if (m && m.textAt !== undefined && m.raw && m.text === '')
    m.text = decodeText(m.raw.subarray(m.textAt));
  return m;
}

/** The Message-IDs whose pieces a chunk of `rawChunks` holds: the chunk goes when they all have. */
export interface RawChunkIdsRow {
  chunk: number;
  ids: string[];
}

/** Raw bytes of a message stored before v8, for raw view, export and re-parsing. */
export interface RawRow {
  id: string;
  raw: Uint8Array;
}

/**
 * A thread row: the summary plus every node id (ghosts too) for incremental threading.
 * `listKeys` holds `[inbox, lastDate]` for each of its inboxes: a multiEntry index
 * on it is each inbox's list by last activity (a row of its own per inbox and
 * thread, as before v12, was a second write for every thread an import touched).
 */
export interface StoredThread extends ThreadRecord {
  nodeIds: string[];
  subjectKey: string;
  unread: number;
  listKeys: [string, number][];
}

/** A thread row with its list keys in step with its inboxes and last date. */
export function threadRow(t: Omit<StoredThread, 'listKeys'>): StoredThread {
  return { ...t, listKeys: t.inboxes.map((ib): [string, number] => [ib, t.lastDate]) };
}

/** Which thread a message or ghost id belongs to: a row per id, up to v9. */
export interface NodeRow {
  id: string;
  threadId: string;
}

/** A source of mail: a remote public-inbox URL, or a local collection. */
export interface InboxRow {
  name: string;
  /** Base URL on a public-inbox host (ends with /), or null for local imports. */
  url: string | null;
  title: string;
  addedAt: number;
  lastSync: number | null;
  /** Ids of the newest feed entries seen, to tell what is new on the next sync. */
  feedSeen: string[];
  messageCount: number;
}

/** A message the reader has read. */
export interface ReadRow {
  id: string;
  threadId: string;
  at: number;
}

/** One message's crash summary, indexed by title to group the same crash across threads. */
export interface OopsRow extends CrashSummary {
  id: string;
  date: number;
}

/** How an inbox's last sync ended (src/db/sync-status.ts), so a reload still tells it. */
export interface SyncStatusRow extends SyncOutcome {
  inbox: string;
}

/**
 * A thread the reader watches: its t.atom is polled with its inbox's sync, and
 * replies that arrive are kept apart to count them (src/db/watches.ts).
 */
export interface WatchRow {
  /** The Message-ID the thread is watched by (the root, when it is stored). */
  id: string;
  /** The remote inbox whose server is asked. */
  inbox: string;
  subject: string;
  addedAt: number;
  /** Message-IDs of the thread as of the last poll, to tell new replies from old. */
  known: string[];
  /** Replies that arrived since it was watched, oldest first; the unread ones are "new". */
  replies: string[];
  /** Date of the thread's newest message. */
  lastActivity: number;
  polledAt: number | null;
  error: { kind: string; message: string } | null;
}

/** A key/value setting. */
export interface SettingRow {
  key: string;
  value: unknown;
}

/**
 * The messages of one index segment (an import batch): posting numbers `seg`,
 * `seg + 1`, … in order, with what the query planner narrows on. Numbers are
 * allocated from searchMeta `nextNo`; postings store them, not Message-IDs.
 */
export interface SearchSegRow {
  seg: number;
  /** Message-ID per number ('' once the message left the index). */
  ids: string[];
  dates: Float64Array<ArrayBuffer>;
  /** Raw sizes in bytes, for `z:`. */
  sizes: Float64Array<ArrayBuffer>;
  /** Lowercased inbox names per number when indexed (the `inbox:` prefix compares lowercased). */
  inboxes: string[][];
}

/** A message indexed in one inbox that it was cross-posted to later (the segment row stays as written). */
export interface SearchInboxRow {
  no: number;
  inbox: string;
}

/**
 * The postings of one segment for every token starting with the bucket `t`
 * (its first two characters), or for one common token (`t` = "\u0002" + token):
 * `keys` sorted, and for each key `(no - seg) << 12 | fieldGroups` per message
 * holding it, ascending. Bucketing keeps a batch to a few hundred rows instead
 * of one row per distinct word.
 */
export type PostingRow = {
  t: string;
  seg: number;
  keys: string[];
} & (
  | {
      /**
       * The lists of all keys end to end: keys[i]'s is lists[starts[i]] up to
       * lists[starts[i + 1]]. One buffer per row, because reading a row makes an
       * allocation per typed array in it (6x slower with one array per key).
       */
      lists: Uint32Array<ArrayBuffer>;
      starts: Uint32Array<ArrayBuffer>;
    }
  | {
      /** Rows written before: one array per key. */
      p: Uint32Array[];
    }
);

/** How a saved search's last run on the server went. */
export interface SavedSearchRun {
  at: number;
  /** Why the run failed, for the reader; null when it went through. */
  error: string | null;
  /** Matches the server lists, as far as runs have read them. */
  matches: number;
  /** The server holds more matches than were read. */
  more: boolean;
  /** Matches this run found that were new to the search. */
  found: number;
  /** Messages stored by this run (the whole threads of matches not cached). */
  added: number;
  /** Threads whose download failed (fetched again by the next run). */
  failed: number;
}

/** A search the reader saved for the sidebar. */
export interface SavedSearchRow {
  id?: number;
  name: string;
  query: string;
  inbox: string;
  /** Also run on the inbox's public-inbox server, fetching new matches (like `lei up`). */
  server?: boolean;
  lastRun?: SavedSearchRun;
  /** Server matches first found since the reader last opened the search. */
  fresh?: string[];
  /** The server matches found so far, newest first (capped), to tell what is new. */
  seen?: string[];
}

/**
 * The search worker's table of posting numbers, saved so a reload does not read every
 * index row (src/db/search/saved.ts). This row holds what a query narrows and ranks on;
 * the Message-IDs, which a query needs only for the hits it shows, are in rows of their
 * own (SearchIdsRow).
 */
export interface SearchDocsRow {
  key: string;
  /** The index generation and next posting number it was read at. */
  gen: number;
  next: number;
  /** The highest live number and its Message-ID, to tell an index built again over the same numbers. */
  lastNo: number;
  lastId: string;
  dates: Float64Array<ArrayBuffer>;
  /** Raw sizes in bytes; doubles in a row saved before they had 32 bits. */
  sizes: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
  inboxes: [string, Uint8Array<ArrayBuffer>][];
  /** Live numbers, newest first. */
  order: Uint32Array<ArrayBuffer>;
}

/** The saved Message-IDs of a run of posting numbers (key `ids:N`: the N-th run). */
export interface SearchIdsRow {
  key: string;
  /** The index generation it was saved at: a row of another is not read. */
  gen: number;
  /** Message-ID per posting number ('' for none). */
  ids: string[];
}

export type SearchCacheRow = SearchDocsRow | SearchIdsRow;

/**
 * Counters of the search index: `nextNo`, `gen` (bumped when docs are removed or
 * change inbox), `reads` (stamped when read marks change), `version` (the
 * INDEX_VERSION it was written at; none: 1) and `complete` (set once
 * every stored message is indexed).
 */
export interface SearchMetaRow {
  key: string;
  value: number;
}

/** The Loupe IndexedDB database. */
export class LoupeDB extends Dexie {
  messages!: EntityTable<StoredMessage, 'id'>;
  raws!: EntityTable<RawRow, 'id'>;
  rawChunks!: Dexie.Table<Uint8Array<ArrayBuffer>, number>;
  rawChunkIds!: EntityTable<RawChunkIdsRow, 'chunk'>;
  threads!: EntityTable<StoredThread, 'id'>;
  inboxes!: EntityTable<InboxRow, 'name'>;
  reads!: EntityTable<ReadRow, 'id'>;
  settings!: EntityTable<SettingRow, 'key'>;
  oopses!: EntityTable<OopsRow, 'id'>;
  nodeLog!: EntityTable<NodeLogRow, 'seq'>;
  searchSegs!: EntityTable<SearchSegRow, 'seg'>;
  searchInboxes!: Dexie.Table<SearchInboxRow, [number, string]>;
  postings!: Dexie.Table<PostingRow, [string, number]>;
  savedSearches!: EntityTable<SavedSearchRow, 'id'>;
  searchMeta!: EntityTable<SearchMetaRow, 'key'>;
  searchCache!: EntityTable<SearchCacheRow, 'key'>;
  syncStatus!: EntityTable<SyncStatusRow, 'inbox'>;
  watches!: EntityTable<WatchRow, 'id'>;

  /** A database stored by an older Loupe brought up to date, once, before this connection opens. */
  private upToDate: Promise<void> | null = null;

  constructor(name = 'loupe') {
    super(name);
    // Dexie parses every version declared so far at each one declared: with the whole
    // history (declareHistory) a connection took 20-35 ms to make, at every start of
    // the page and of each worker. A database at the latest version, or a new one,
    // needs only the latest tables; an older one is upgraded first on a connection
    // of its own that declares the history.
    this.version(LATEST).stores(LATEST_STORES);
    this.messages.hook('reading', withText);
  }

  /** Opens the database, first upgrading it when an older Loupe stored it. */
  override open(): PromiseExtended<Dexie> {
    const upgrade = (this.upToDate ??= upgradeOlder(this.name));
    // A failed upgrade is tried again at the next open.
    upgrade.catch(() => (this.upToDate = null));
    return Dexie.Promise.resolve(upgrade).then(() => super.open());
  }
}

/**
 * Upgrades the database when it was stored at a version before LATEST, through every
 * version's upgrade (declareHistory), on a connection closed once it is done.
 */
async function upgradeOlder(name: string): Promise<void> {
  const stored = await storedVersion(name);
  if (stored !== null && (stored === 0 || stored >= LATEST * 10)) return;
  const db = new Dexie(name);
  declareHistory(db);
  try {
    await db.open();
  } finally {
    db.close();
  }
}

/** The latest schema version: the one `LATEST_STORES` describes. */
const LATEST = 15;

/**
 * Every table as the history below leaves it at LATEST
 * (tests/unit/db/schema-upgrade.test.ts compares the two on disk).
 */
const LATEST_STORES = {
  messages: 'id, threadId, *inboxes',
  raws: 'id',
  rawChunks: '++',
  rawChunkIds: 'chunk',
  threads: 'id, lastDate, subjectKey, *listKeys',
  inboxes: 'name',
  reads: 'id, threadId',
  settings: 'key',
  oopses: 'id, title, type, date',
  nodeLog: '++seq',
  searchSegs: 'seg',
  searchInboxes: '[no+inbox], inbox',
  postings: '[t+seg]',
  savedSearches: '++id',
  searchMeta: 'key',
  searchCache: 'key',
  syncStatus: 'inbox',
  watches: 'id, inbox',
};

/**
 * The version of the database on disk as IndexedDB stores it (Dexie's times ten):
 * 0 when there is none, null when the browser cannot tell.
 */
async function storedVersion(name: string): Promise<number | null> {
  const factory = Dexie.dependencies.indexedDB;
  if (typeof factory?.databases !== 'function') return null;
  try {
    return (await factory.databases()).find((d) => d.name === name)?.version ?? 0;
  } catch {
    return null;
  }
}

/**
 * Every version up to LATEST, with the upgrade that brings a database written at one
 * up to the next: declared only on the connection that upgrades an older store.
 */
function declareHistory(db: Dexie): void {
  db.version(1).stores({
    messages: 'id, threadId, date, *inboxes',
    raws: 'id',
    threads: 'id, lastDate, *nodeIds, subjectKey, *inboxes',
    inboxThreads: '[inbox+threadId], [inbox+lastDate], threadId',
    inboxes: 'name',
    reads: 'id, threadId',
    settings: 'key',
  });
  // v2: crash reports per message, and the crash badge on threads.
  db.version(2)
    .stores({ oopses: 'id, title, type, date' })
    .upgrade((tx) =>
      tx
        .table('threads')
        .toCollection()
        .modify((t: { crash?: unknown }) => {
          t.crash ??= null;
        }),
    );
  // v3: the local search index (src/db/search.ts). Messages stored before it
  // are indexed by the search worker on first use (indexBacklog).
  db.version(3).stores({
    searchDocs: 'no, &id, *inboxes, seg',
    postings: '[t+seg], seg',
    savedSearches: '++id',
    searchMeta: 'key',
  });
  // v4: postings bucketed by their first two characters; the old per-token rows are
  // dropped and every stored message is indexed again (indexBacklog) on first search.
  // Thread membership moves from a multiEntry index on threads to a `nodes` table,
  // which the threader reads by primary key (much cheaper to write and to look up).
  db.version(4)
    .stores({
      postings: '[t+seg], seg',
      threads: 'id, lastDate, subjectKey, *inboxes',
      nodes: 'id, threadId',
    })
    .upgrade(async (tx) => {
      await tx
        .table('threads')
        .each((t: StoredThread) =>
          tx.table('nodes').bulkPut(t.nodeIds.map((id) => ({ id, threadId: t.id }))),
        );
      await tx.table('postings').clear();
      await tx.table('searchDocs').clear();
      await tx.table('searchMeta').clear();
    });
  // v5: indexes nothing reads are dropped (message dates, thread inboxes, node
  // threads, doc segments): each one was a write per message on import.
  db.version(5).stores({
    messages: 'id, threadId, *inboxes',
    threads: 'id, lastDate, subjectKey',
    nodes: 'id',
    searchDocs: 'no, &id, *inboxes',
  });
  // v6: the search worker saves its table of posting numbers (searchCache).
  db.version(6).stores({ searchCache: 'key' });
  // v7: postings keep 12 field-group bits (diff file names got their own), so the
  // index is dropped and built again from the stored messages on first search.
  db.version(7)
    .stores({})
    .upgrade(async (tx) => {
      for (const t of ['postings', 'searchDocs', 'searchMeta', 'searchCache'])
        await tx.table(t).clear();
    });
  // v8: message rows keep their raw bytes, and plain mail its body only as those
  // bytes (`textAt`); rows stored before keep their layout, and `raws`.
  db.version(8).stores({});
  // v9: the index keeps one row per segment instead of one per message (a row per
  // message was a tenth of the import's time); cross-posts indexed later get a row
  // of their own. The per-message rows are folded into segments: postings stay.
  db.version(9)
    .stores({ searchDocs: null, searchSegs: 'seg, *ids', searchInboxes: '[no+inbox], inbox' })
    .upgrade(async (tx) => {
      const docs: {
        no: number;
        id: string;
        date: number;
        inboxes: string[];
        seg: number;
        size: number;
      }[] = await tx.table('searchDocs').toArray();
      const segs = new Map<number, typeof docs>();
      for (const d of docs) {
        const list = segs.get(d.seg) ?? [];
        if (!list.length) segs.set(d.seg, list);
        list.push(d);
      }
      const rows: SearchSegRow[] = [...segs].map(([seg, list]) => {
        const n = Math.max(...list.map((d) => d.no)) - seg + 1;
        const row: SearchSegRow = {
          seg,
          ids: Array<string>(n).fill(''),
          dates: new Float64Array(n),
          sizes: new Float64Array(n),
          inboxes: Array.from({ length: n }, (): string[] => []),
        };
        for (const d of list) {
          row.ids[d.no - seg] = d.id;
          row.dates[d.no - seg] = d.date;
          row.sizes[d.no - seg] = d.size;
          row.inboxes[d.no - seg] = d.inboxes;
        }
        return row;
      });
      await tx.table('searchSegs').bulkAdd(rows);
      await tx.table('searchCache').clear();
    });
  // v10: thread membership moves from a row per id to a log of a row per write
  // (src/db/nodes.ts): the rows are folded into one snapshot.
  db.version(10)
    .stores({ nodes: null, nodeLog: '++seq' })
    .upgrade(async (tx) => {
      const rows: NodeRow[] = await tx.table('nodes').toArray();
      const snapshot = logRow(
        rows.map((r) => [r.id, r.threadId] as const),
        true,
      );
      if (rows.length) await tx.table('nodeLog').add(snapshot);
    });
  // v11: syncing on its own keeps how each inbox's last sync went, and watched
  // threads are polled with their inbox.
  db.version(11).stores({ syncStatus: 'inbox', watches: 'id, inbox' });
  // v12: each inbox's list of threads by last activity is an index on the thread
  // rows (`*listKeys`) instead of a row per inbox and thread.
  db.version(12)
    .stores({ threads: 'id, lastDate, subjectKey, *listKeys', inboxThreads: null })
    .upgrade((tx) =>
      tx
        .table('threads')
        .toCollection()
        .modify((t: StoredThread) => {
          t.listKeys = threadRow(t).listKeys;
        }),
    );
  // v13: posting rows lose their index by segment, an index entry per row written
  // on import; deleting a dead segment's rows (rare) walks the primary keys instead.
  db.version(13).stores({ postings: '[t+seg]' });
  // v14: segment rows lose their multiEntry index on `ids`, an index entry per message
  // written on import; the writer finds a Message-ID's posting number in a map it
  // keeps in memory (search/numbers.ts).
  db.version(14).stores({ searchSegs: 'seg' });
  // v15: raw bytes leave the message rows for chunks of many messages in one value
  // (`rawChunks`, out-of-line keys), and plain mail keeps its text in its row, its
  // chunk only the header block. Rows stored before keep their layout.
  db.version(15).stores({ rawChunks: '++', rawChunkIds: 'chunk' });
}

let shared: LoupeDB | null = null;

/** The app's database, opened once per JavaScript realm (page or worker). */
export function getDB(): LoupeDB {
  shared ??= new LoupeDB();
  return shared;
}
