/**
 * Backups: the mail as one mboxrd stream, inbox after inbox (a cross-posted
 * message appears once per inbox), plus a small JSON of what is not mail:
 * inbox rows, read marks, saved searches, watched threads and settings. Writing one only
 * reads the store; restoring is src/db/restore.ts.
 */
import { toMboxrd } from '../core/export';
import type { InboxRow, LoupeDB, SavedSearchRow, SettingRow, WatchRow } from './schema';
import { rawsById } from './queries';
import { chunkedRaws } from './raw-chunks';

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
  /** Watched threads (absent from backups written before watching existed). */
  watches?: WatchRow[];
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
  let raws: AsyncGenerator<Uint8Array[]> | null = null;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      for (;;) {
        if (inboxAt >= inboxes.length) return controller.close();
        const name = inboxes[inboxAt];
        raws ??= rawsInChunkOrder(
          db,
          (await db.messages.where('inboxes').equals(name).primaryKeys()) as string[],
          chunk,
        );
        const next = await raws.next();
        if (next.done) {
          inboxAt++;
          raws = null;
          continue;
        }
        // Raw bytes come out of IndexedDB on plain ArrayBuffers, as CompressionStream wants.
        for (const raw of next.value)
          for (const part of toMboxrd(raw)) controller.enqueue(part as Uint8Array<ArrayBuffer>);
        counts.set(name, (counts.get(name) ?? 0) + next.value.length);
        return;
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
    watches: (await db.watches.toArray()).filter((w) => inboxes.includes(w.inbox)),
    settings: all ? await db.settings.toArray() : [],
  };
}

/**
 * Raw bytes of the given messages, a few at a time, in no set order: chunk by chunk
 * for rows that point at one (each chunk read once, however its messages are spread
 * over the ids), then the rest (rows stored before v15) `step` at a time by id.
 * Reading by id alone would read a chunk again for each of its messages.
 */
export async function* rawsInChunkOrder(
  db: LoupeDB,
  ids: string[],
  step = 200,
): AsyncGenerator<Uint8Array[]> {
  const left = new Set(ids);
  for (const { chunk, ids: held } of await db.rawChunkIds.toArray()) {
    const wanted = held.filter((id) => left.has(id));
    if (!wanted.length) continue;
    // An id imported again after a deletion may be listed by an older chunk too: its
    // row says which chunk holds it.
    const rows = (await db.messages.where(':id').anyOf(wanted).raw().toArray()).filter(
      (m) => m.piece?.[0] === chunk,
    );
    const raws = (await chunkedRaws(db, rows)).filter((r): r is Uint8Array => !!r);
    for (const m of rows) left.delete(m.id);
    if (raws.length) yield raws;
  }
  const rest = ids.filter((id) => left.has(id));
  for (let i = 0; i < rest.length; i += step) {
    const raws = (await rawsById(db, rest.slice(i, i + step))).filter((r): r is Uint8Array => !!r);
    if (raws.length) yield raws;
  }
}
