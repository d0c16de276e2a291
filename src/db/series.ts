/**
 * Read-only queries for the series view: the messages of a thread in arrival
 * order, and the threads that may hold other versions of its series (same
 * subject key, or linked from a cover letter). Deciding which of them really
 * are versions of the series is src/core/series/versions.ts's job.
 */
import { threadOf } from './queries';
import type { LoupeDB, StoredMessage, StoredThread } from './schema';

/** The stored messages of a thread, oldest first (the order a series arrived in). */
export async function threadMailsByDate(db: LoupeDB, threadId: string): Promise<StoredMessage[]> {
  const rows = await db.messages.where('threadId').equals(threadId).toArray();
  return rows.sort((a, b) => a.date - b.date);
}

/** Threads that may hold other versions: the same subject key, or holding a linked message. */
export async function versionCandidates(
  db: LoupeDB,
  thread: StoredThread,
  linkedIds: readonly string[],
): Promise<StoredThread[]> {
  const bySubject = thread.subjectKey
    ? await db.threads.where('subjectKey').equals(thread.subjectKey).toArray()
    : [];
  const linked = await Promise.all(linkedIds.map((id) => threadOf(db, id)));
  const out = new Map<string, StoredThread>();
  for (const t of [...bySubject, ...linked]) if (t && t.id !== thread.id) out.set(t.id, t);
  return [...out.values()];
}
