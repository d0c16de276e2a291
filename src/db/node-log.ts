/**
 * The row format of the node log (src/db/nodes.ts): the threads of the ids one
 * transaction wrote, or of every id in a snapshot. Kept apart from the map that
 * replays it, so that the schema's upgrade can write a snapshot.
 */

/**
 * Threads of message and ghost ids written by one transaction, or of every id in
 * a snapshot (src/db/nodes.ts). Rows are replayed in `seq` order.
 */
export interface NodeLogRow {
  seq?: number;
  /** A snapshot replaces every row before it. */
  snapshot: boolean;
  ids: string[];
  /** Per id, its thread as an index into `threads`; 0xffffffff when it left the store. */
  at: Uint32Array<ArrayBuffer>;
  threads: string[];
}

/** `at` of an id that left the store. */
const REMOVED = 0xffffffff;

/** The row that records `changes`. */
export function logRow(
  changes: Iterable<readonly [string, string | null]>,
  snapshot = false,
): NodeLogRow {
  const ids: string[] = [];
  const at: number[] = [];
  const threads: string[] = [];
  const index = new Map<string, number>();
  for (const [id, thread] of changes) {
    ids.push(id);
    if (thread === null) {
      at.push(REMOVED);
      continue;
    }
    let i = index.get(thread);
    if (i === undefined) {
      i = threads.push(thread) - 1;
      index.set(thread, i);
    }
    at.push(i);
  }
  return { snapshot, ids, at: Uint32Array.from(at), threads };
}

/** Hands each id of a row to `f` with its thread (null: it left the store). */
export function eachNode(row: NodeLogRow, f: (id: string, thread: string | null) => void): void {
  row.ids.forEach((id, i) => {
    const at = row.at[i];
    f(id, at === REMOVED ? null : row.threads[at]);
  });
}
