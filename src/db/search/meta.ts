/** Small reads and writes every part of the search index shares. */
import { INDEX_VERSION } from '../../core/query/index-version';
import type { CrashSummary } from '../../core/types';
import type { LoupeDB, OopsRow } from '../schema';

/** A counter of the index (`gen`, `nextNo`, `reads`, `complete`), 0 when unset. */
export async function meta(db: LoupeDB, key: string): Promise<number> {
  return (await db.searchMeta.get(key))?.value ?? 0;
}

/**
 * True when every stored message is indexed by this version of the indexer: the
 * marker the backlog sets once done, which a schema upgrade that drops the index clears.
 */
export async function indexComplete(db: LoupeDB): Promise<boolean> {
  const [version, complete] = (await db.searchMeta.bulkGet(['version', 'complete'])).map(
    (r) => r?.value ?? 0,
  );
  return (version || 1) === INDEX_VERSION && complete > 0;
}

export async function bumpGen(db: LoupeDB): Promise<void> {
  await db.searchMeta.put({ key: 'gen', value: (await meta(db, 'gen')) + 1 });
}

/** The tables an index write touches; storeBatch adds them to its transaction. */
export function searchTables(db: LoupeDB) {
  return [db.searchSegs, db.searchInboxes, db.postings, db.searchMeta];
}

/** The crash rows of some messages (each a crash report), by message id. */
export async function crashRows(
  db: LoupeDB,
  ids: string[],
): Promise<Map<string, OopsRow | undefined>> {
  const rows = ids.length ? await db.oopses.bulkGet(ids) : [];
  return new Map(ids.map((id, k) => [id, rows[k]]));
}

/** What a result's crash badge shows (as the thread list's badge names it). */
export type HitCrash = Pick<CrashSummary, 'title' | 'type'>;

export function crashBadge(row: OopsRow | undefined): HitCrash | null {
  return row ? { title: row.title, type: row.type } : null;
}
