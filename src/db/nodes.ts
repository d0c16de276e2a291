/**
 * Which thread every stored message and ghost id belongs to: the threader's lookup
 * table. It lives in IndexedDB as an append-only log (`nodeLog`) and in memory as a
 * map, because Chromium charges 0.1-0.3 ms for every IndexedDB request whatever its
 * size: a row and a lookup per message were a quarter of an import's time. A write
 * is one log row; a transaction first replays the rows written since this realm
 * last looked, so the map is exact inside it. Only the ingest worker writes the
 * log (one per open tab); the page replays it to find the thread of a ghost id,
 * and read-only transactions may replay side by side.
 */
import Dexie from 'dexie';
import { eachNode, logRow, type NodeLogRow } from './node-log';
import type { LoupeDB } from './schema';

/**
 * A write folds the log into one snapshot row once the rows since the last one
 * hold more entries than the map (at least FOLD_ENTRIES), or number more than
 * FOLD_ROWS: a fold rewrites every id, so it waits until about as many were
 * logged, and a start never replays much more than the map's size.
 */
const FOLD_ENTRIES = 50_000;
const FOLD_ROWS = 1000;

interface Replayed {
  map: Map<string, string>;
  /** The last row applied. */
  seq: number;
  /** Rows applied since the last snapshot, and the ids they held. */
  rows: number;
  logged: number;
}

const replayed = new WeakMap<LoupeDB, Replayed>();
const ofTransaction = new WeakMap<IDBTransaction, Promise<NodeMap>>();

/** The thread of each id as this transaction sees it; changes go to the log as one row. */
export interface NodeMap {
  /** The thread of a stored message or ghost id. */
  get(id: string): string | undefined;
  /** Records threads of ids (null: the id left the store). Nothing is written for no changes. */
  write(changes: Iterable<readonly [string, string | null]>): Promise<void>;
}

function apply(r: Replayed, row: NodeLogRow): void {
  if (row.snapshot) {
    r.map.clear();
    r.rows = 0;
    r.logged = 0;
  } else {
    r.rows++;
    r.logged += row.ids.length;
  }
  eachNode(row, (id, thread) => {
    if (thread === null) r.map.delete(id);
    else r.map.set(id, thread);
  });
  r.seq = row.seq ?? r.seq;
}

/**
 * The node map inside the current transaction, which must include `db.nodeLog`
 * (read-write to write). The first call in a realm reads the whole log.
 */
export function nodeMap(db: LoupeDB): Promise<NodeMap> {
  const tx = Dexie.currentTransaction;
  if (!tx) throw new Error('nodeMap runs inside a transaction over nodeLog');
  // One map per transaction: a second replay would apply its own uncommitted rows.
  let map = ofTransaction.get(tx.idbtrans);
  if (!map) ofTransaction.set(tx.idbtrans, (map = openNodeMap(db, tx.idbtrans)));
  return map;
}

async function openNodeMap(db: LoupeDB, tx: IDBTransaction): Promise<NodeMap> {
  let r = replayed.get(db);
  if (!r) {
    r = { map: new Map(), seq: 0, rows: 0, logged: 0 };
    replayed.set(db, r);
  }
  const state = r;
  // Read-only transactions may replay side by side: a row one of them applied
  // already is not applied again (it would undo what later rows changed).
  const replay = (row: NodeLogRow) => {
    if ((row.seq ?? 0) > state.seq) apply(state, row);
  };
  for (const row of await db.nodeLog.where(':id').above(state.seq).toArray()) replay(row);
  // This transaction's rows reach the shared map once it commits (unless a later
  // replay applied them first); a transaction that fails leaves it as it was.
  const written = new Map<string, string | null>();
  const rows: NodeLogRow[] = [];
  let rowsSinceFold = state.rows;
  let idsSinceFold = state.logged;
  tx.addEventListener('complete', () => rows.forEach(replay));
  return {
    get(id) {
      const w = written.get(id);
      return w === undefined ? state.map.get(id) : (w ?? undefined);
    },
    async write(changes) {
      const row = logRow(changes);
      if (!row.ids.length) return;
      // No other writer can come between the replay above and this row (same transaction).
      row.seq = await db.nodeLog.add(row);
      rows.push(row);
      eachNode(row, (id, thread) => written.set(id, thread));
      rowsSinceFold++;
      idsSinceFold += row.ids.length;
      if (idsSinceFold <= Math.max(FOLD_ENTRIES, state.map.size) && rowsSinceFold <= FOLD_ROWS)
        return;
      const all = new Map(state.map);
      for (const [id, thread] of written) {
        if (thread === null) all.delete(id);
        else all.set(id, thread);
      }
      const snapshot = logRow(all, true);
      snapshot.seq = await db.nodeLog.add(snapshot);
      await db.nodeLog.where(':id').below(snapshot.seq).delete();
      rows.push(snapshot);
      rowsSinceFold = 0;
      idsSinceFold = 0;
    },
  };
}
