/**
 * Which thread every stored message and ghost id belongs to: the threader's lookup
 * table. It lives in IndexedDB as an append-only log (`nodeLog`) and in memory as a
 * map, because Chromium charges 0.1-0.3 ms for every IndexedDB request whatever its
 * size: a row and a lookup per message were a quarter of an import's time. A write
 * is one log row.
 *
 * One writer at a time: only the ingest worker writes the log, and every job of
 * it that does holds the origin's write lock (workers/jobs.ts), so however many
 * tabs are open the log grows by one job at a time. What is left to do here:
 * - catch up: a transaction first replays the rows logged since this realm last
 *   looked (by another tab's worker while it held the lock, or, for the page, by
 *   the worker), so the map is exact inside it;
 * - roll back: a write's rows reach the realm's map only once its transaction
 *   commits;
 * - the page's lookups (the thread of a ghost id) are read-only transactions that
 *   may replay side by side, so a replay skips rows already applied.
 */
import { perTransaction } from './per-transaction';
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
 * (read-write to write). The first call in a realm reads the whole log; one map per
 * transaction, since a second replay would apply its own uncommitted rows.
 */
export const nodeMap = perTransaction(
  'nodeMap runs inside a transaction over nodeLog',
  openNodeMap,
);

async function openNodeMap(db: LoupeDB, tx: IDBTransaction): Promise<NodeMap> {
  let r = replayed.get(db);
  if (!r) {
    r = { map: new Map(), seq: 0, rows: 0, logged: 0 };
    replayed.set(db, r);
  }
  const state = r;
  // Lookups may replay side by side: a row another replay applied already is
  // skipped (applying it again would undo what later rows changed).
  const replay = (row: NodeLogRow) => {
    if ((row.seq ?? 0) > state.seq) apply(state, row);
  };
  for (const row of await db.nodeLog.where(':id').above(state.seq).toArray()) replay(row);
  // This transaction's rows reach the realm's map once it commits; a transaction
  // that fails leaves it as it was.
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
      // Nothing is logged between the replay above and this row (same transaction).
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
