/** Read marks: written by the ingest worker for the UI, which only reads them. */
import type { LoupeDB } from './schema';
import { touchReadMarks } from './search';

/** Marks messages of one thread read; keeps the thread's unread count in step. */
export async function markRead(db: LoupeDB, threadId: string, ids: string[]): Promise<void> {
  await db.transaction('rw', [db.reads, db.threads, db.searchMeta], async () => {
    const known = new Set(await db.reads.where('threadId').equals(threadId).primaryKeys());
    const add = ids.filter((id) => !known.has(id));
    if (!add.length) return;
    const at = Date.now();
    await db.reads.bulkPut(add.map((id) => ({ id, threadId, at })));
    await touchReadMarks(db);
    await db.threads
      .where('id')
      .equals(threadId)
      .modify((t) => {
        t.unread = Math.max(0, t.unread - add.length);
      });
  });
}

/** Marks every message of a thread read. */
export async function markThreadRead(db: LoupeDB, threadId: string): Promise<void> {
  const ids = await db.messages.where('threadId').equals(threadId).primaryKeys();
  await markRead(db, threadId, ids);
}
