/**
 * The posting number of every indexed message, by Message-ID, in the writer's
 * memory: how a message cross-posted, or imported again after its inbox was
 * deleted, is found in the index. Until v14 a multiEntry index on the segment
 * rows' `ids` answered that, at an index entry per message on every import (a
 * quarter of the entries an import wrote; bench/README.md, "The write side").
 *
 * Like the node map (nodes.ts) it is exact inside a transaction: the first use in
 * a realm reads every segment row, and later ones read only the segments written
 * since (`nextNo` moved on), or every row again when the index generation moved
 * on without this realm (an inbox deleted, an index dropped, another tab's
 * worker). A transaction's own changes reach the realm's map once it commits.
 */
import { perTransaction } from '../per-transaction';
import type { LoupeDB } from '../schema';
import { meta } from './meta';

interface Known {
  /** The live number of each indexed Message-ID. */
  numbers: Map<string, number>;
  /** The counters the map is up to date with. */
  gen: number;
  next: number;
}

const known = new WeakMap<LoupeDB, Known>();

/** Posting numbers as the current transaction sees them. */
export interface PostingNumbers {
  /** The live posting number of a Message-ID, if it is indexed. */
  get(id: string): number | undefined;
  /** Indexed Message-IDs. */
  readonly size: number;
  /** Records a number given (null: the id left the index), for the realm's map on commit. */
  set(id: string, no: number | null): void;
  /**
   * Called once the transaction has written its last index change: the map it leaves
   * is up to date with the counters as they are now, so the next transaction of this
   * realm need not read any segment again.
   */
  settle(): Promise<void>;
}

/** The posting numbers inside the current transaction, which must include searchSegs and searchMeta. */
export const postingNumbers = perTransaction(
  'postingNumbers runs inside a transaction over the search tables',
  openNumbers,
);

async function counters(db: LoupeDB): Promise<{ gen: number; next: number }> {
  const [gen, next] = await Promise.all([meta(db, 'gen'), meta(db, 'nextNo')]);
  return { gen, next };
}

async function openNumbers(db: LoupeDB, tx: IDBTransaction): Promise<PostingNumbers> {
  const now = await counters(db);
  let state = known.get(db);
  if (!state || state.gen !== now.gen || state.next > now.next) {
    state = { numbers: new Map(), gen: now.gen, next: 0 };
    known.set(db, state);
  }
  if (state.next < now.next) {
    // Numbers only grow: the segments written since start at or after the last one known.
    for (const row of await db.searchSegs.where('seg').aboveOrEqual(state.next).toArray())
      row.ids.forEach((id, i) => {
        if (id) state.numbers.set(id, row.seg + i);
      });
    state.next = now.next;
  }
  const base = state;
  const written = new Map<string, number | null>();
  let settled: { gen: number; next: number } | null = null;
  tx.addEventListener('complete', () => {
    // Another transaction of this realm may have rebuilt the map meanwhile: only the
    // map this one read is brought up to date.
    if (known.get(db) !== base) return;
    for (const [id, no] of written) {
      if (no === null) base.numbers.delete(id);
      else base.numbers.set(id, no);
    }
    if (settled) Object.assign(base, settled);
  });
  let size = base.numbers.size;
  const get = (id: string) => {
    const w = written.get(id);
    return w === undefined ? base.numbers.get(id) : (w ?? undefined);
  };
  return {
    get,
    get size() {
      return size;
    },
    set(id, no) {
      const had = get(id) !== undefined;
      written.set(id, no);
      size += (no === null ? 0 : 1) - (had ? 1 : 0);
    },
    async settle() {
      settled = await counters(db);
    },
  };
}
