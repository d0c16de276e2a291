/**
 * Restoring a backup (src/db/backup.ts): replays the mbox section by section
 * into its inbox, then applies the JSON, so another browser ends up with the
 * same messages and the same reader state. Done by the ingest worker.
 */
import { splitMboxStream, openMailStream } from '../core/mbox';
import { parseMessage } from '../core/message';
import { crashSummary } from '../core/oops';
import type { IngestItem } from '../core/parse';
import type { BackupState } from './backup';
import type { LoupeDB } from './schema';
import { touchReadMarks } from './search';
import { ensureInbox, storeBatch } from './store';

/** Checks that parsed JSON is a Loupe backup; throws a sentence for the user when not. */
export function parseBackupState(json: unknown): BackupState {
  const s = json as Partial<BackupState> | null;
  if (!s || s.format !== 'loupe-backup' || !Array.isArray(s.inboxes) || !Array.isArray(s.reads))
    throw new Error('This JSON file is not a Loupe backup (it has no "loupe-backup" format mark).');
  if (s.version !== 1)
    throw new Error(`This backup was written by a newer Loupe (format ${String(s.version)}).`);
  return s as BackupState;
}

/** What a restore did. */
export interface RestoreResult {
  messages: number;
  added: number;
  reads: number;
}

/**
 * Restores a backup: the mbox (plain or gzip'd) goes into its inboxes section
 * by section, then inbox rows, read marks, saved searches, watched threads and settings.
 * Restoring twice changes nothing.
 */
export async function restoreBackup(
  db: LoupeDB,
  state: BackupState,
  mbox: ReadableStream<Uint8Array>,
  onProgress?: (messages: number) => void,
  batchSize = 500,
): Promise<RestoreResult> {
  const plan = state.inboxes.filter((ib) => ib.messages > 0);
  for (const ib of state.inboxes) await ensureInbox(db, ib.name, ib.url, ib.title);
  if (!plan.length) await ensureInbox(db, 'restored', null);
  let section = 0;
  let inSection = 0;
  let batch: IngestItem[] = [];
  let messages = 0;
  let added = 0;
  const flush = async (inbox: string) => {
    if (batch.length) added += (await storeBatch(db, inbox, batch)).added;
    batch = [];
    onProgress?.(messages);
  };
  for await (const raw of splitMboxStream(await openMailStream(mbox))) {
    // Entries past the last section (a hand-edited backup) go to the last inbox.
    const inbox = plan[Math.min(section, plan.length - 1)]?.name ?? 'restored';
    const m = await parseMessage(raw);
    batch.push(m.hasOops ? { ...m, crash: crashSummary(m.text) } : m);
    messages++;
    inSection++;
    const sectionEnds = section < plan.length && inSection >= plan[section].messages;
    if (sectionEnds || batch.length >= batchSize) await flush(inbox);
    if (sectionEnds) {
      section++;
      inSection = 0;
    }
  }
  await flush(plan[plan.length - 1]?.name ?? 'restored');
  const reads = await applyState(db, state);
  return { messages, added, reads };
}

async function applyState(db: LoupeDB, state: BackupState): Promise<number> {
  return db.transaction(
    'rw',
    [
      db.inboxes,
      db.messages,
      db.reads,
      db.threads,
      db.savedSearches,
      db.watches,
      db.settings,
      db.searchMeta,
    ],
    async () => {
      for (const ib of state.inboxes) {
        const row = await db.inboxes.get(ib.name);
        if (!row) continue;
        const messageCount = await db.messages.where('inboxes').equals(ib.name).count();
        const newer = (ib.lastSync ?? 0) > (row.lastSync ?? 0);
        await db.inboxes.put({
          ...row,
          url: row.url ?? ib.url,
          title: ib.title || row.title,
          addedAt: Math.min(row.addedAt, ib.addedAt),
          lastSync: newer ? ib.lastSync : row.lastSync,
          feedSeen: newer ? ib.feedSeen : row.feedSeen,
          messageCount,
        });
      }
      const at = new Map(state.reads);
      const msgs = (await db.messages.bulkGet([...at.keys()])).filter((m) => !!m);
      const known = new Set(
        await db.reads
          .where('id')
          .anyOf([...at.keys()])
          .primaryKeys(),
      );
      const fresh = msgs.filter((m) => !known.has(m.id));
      await db.reads.bulkPut(
        fresh.map((m) => ({ id: m.id, threadId: m.threadId, at: at.get(m.id) ?? 0 })),
      );
      await touchReadMarks(db);
      const perThread = new Map<string, number>();
      for (const m of fresh) perThread.set(m.threadId, (perThread.get(m.threadId) ?? 0) + 1);
      for (const [id, n] of perThread)
        await db.threads
          .where('id')
          .equals(id)
          .modify((t) => {
            t.unread = Math.max(0, t.unread - n);
          });
      const saved = await db.savedSearches.toArray();
      for (const s of state.savedSearches)
        if (!saved.some((x) => x.query === s.query && x.inbox === s.inbox))
          await db.savedSearches.add({
            name: s.name,
            query: s.query,
            inbox: s.inbox,
            ...(s.server ? { server: true } : {}),
          });
      // A thread watched here already keeps its own count of replies.
      for (const w of state.watches ?? [])
        if (!(await db.watches.get(w.id))) await db.watches.put(w);
      for (const s of state.settings) if (!(await db.settings.get(s.key))) await db.settings.put(s);
      return fresh.length;
    },
  );
}
