/** Read marks as searchers see them: kept in memory, read again when they change. */
import type { LoupeDB } from '../schema';
import { meta } from './meta';

/** The reader's read marks, kept in memory and read again when searchMeta `reads` changes. */
const readCaches = new WeakMap<LoupeDB, { at: number; ids: Set<string> }>();

export async function readMarks(db: LoupeDB): Promise<Set<string>> {
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
