/**
 * Backups: the mail as one mboxrd stream, inbox after inbox (a cross-posted
 * message appears once per inbox), plus a small JSON of what is not mail:
 * inbox rows, read marks, saved searches and settings. Restoring replays the
 * mbox section by section into its inbox, then applies the JSON, so another
 * browser ends up with the same messages and the same reader state.
 */
import { splitMboxStream, openMailStream } from '../core/mbox';
import { toMboxrd } from '../core/export';
import { parseMessage } from '../core/message';
import { crashSummary } from '../core/oops';
import type { InboxRow, LoupeDB, SavedSearchRow, SettingRow } from './schema';
import { ensureInbox, rawsById } from './queries';
import { touchReadMarks } from './search';
import { storeBatch, type IngestItem } from './store';

/** The JSON half of a backup. */
export interface BackupState {
  format: 'loupe-backup';
  version: 1;
  exportedAt: string;
  /** Inbox rows in mbox order; `messages` is how many mbox entries belong to each. */
  inboxes: (Omit<InboxRow, 'messageCount'> & { messages: number })[];
  /** Read marks: [Message-ID, read at (ms)]. */
  reads: [string, number][];
  savedSearches: Omit<SavedSearchRow, 'id'>[];
  settings: SettingRow[];
}

/** Inbox names a backup covers: one inbox, or all of them. */
export async function backupInboxes(db: LoupeDB, only?: string): Promise<string[]> {
  const names = (await db.inboxes.orderBy('name').keys()) as string[];
  return only === undefined ? names : names.filter((n) => n === only);
}

/**
 * The mail of the given inboxes as an uncompressed mboxrd stream. `counts` is
 * filled with the entries written per inbox, for backupState.
 */
export function backupMbox(
  db: LoupeDB,
  inboxes: string[],
  counts: Map<string, number>,
  chunk = 200,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let inboxAt = 0;
  let ids: string[] | null = null;
  let idAt = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      for (;;) {
        if (inboxAt >= inboxes.length) return controller.close();
        const name = inboxes[inboxAt];
        ids ??= (await db.messages.where('inboxes').equals(name).primaryKeys()) as string[];
        if (idAt >= ids.length) {
          inboxAt++;
          ids = null;
          idAt = 0;
          continue;
        }
        const raws = await rawsById(db, ids.slice(idAt, idAt + chunk));
        idAt += chunk;
        let n = 0;
        for (const raw of raws) {
          if (!raw) continue;
          // Raw bytes come out of IndexedDB on plain ArrayBuffers, as CompressionStream wants.
          for (const part of toMboxrd(raw)) controller.enqueue(part as Uint8Array<ArrayBuffer>);
          n++;
        }
        counts.set(name, (counts.get(name) ?? 0) + n);
        if (n) return;
      }
    },
  });
}

/** The JSON half of a backup of the given inboxes; call after backupMbox's stream ended. */
export async function backupState(
  db: LoupeDB,
  inboxes: string[],
  counts: Map<string, number>,
): Promise<BackupState> {
  const all = inboxes.length === (await db.inboxes.count());
  const rows = (await db.inboxes.bulkGet(inboxes)).filter((r): r is InboxRow => !!r);
  let reads = await db.reads.toArray();
  if (!all) {
    const inScope = new Set<string>();
    for (const name of inboxes)
      for (const id of await db.messages.where('inboxes').equals(name).primaryKeys())
        inScope.add(id as string);
    reads = reads.filter((r) => inScope.has(r.id));
  }
  const saved = (await db.savedSearches.toArray()).filter((s) => all || inboxes.includes(s.inbox));
  return {
    format: 'loupe-backup',
    version: 1,
    exportedAt: new Date().toISOString(),
    inboxes: rows.map(({ messageCount: _n, ...r }) => ({
      ...r,
      messages: counts.get(r.name) ?? 0,
    })),
    reads: reads.map((r) => [r.id, r.at]),
    savedSearches: saved.map(({ id: _id, ...s }) => s),
    settings: all ? await db.settings.toArray() : [],
  };
}

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
 * by section, then inbox rows, read marks, saved searches and settings.
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
    [db.inboxes, db.messages, db.reads, db.threads, db.savedSearches, db.settings, db.searchMeta],
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
          await db.savedSearches.add({ name: s.name, query: s.query, inbox: s.inbox });
      for (const s of state.settings) if (!(await db.settings.get(s.key))) await db.settings.put(s);
      return fresh.length;
    },
  );
}
