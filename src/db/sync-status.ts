/**
 * How each followed inbox's last sync went, kept so that a reload still says
 * "synced 3 min ago · 14 new" or "failed: 503 · retrying in 4 min", and which
 * inboxes sync on their own. Written by the ingest worker after each sync.
 */
import { nextOutcome, type SyncOutcome } from '../core/autosync';
import type { LoupeDB, SyncStatusRow } from './schema';

/** Records how a sync of an inbox ended; returns the row written. */
export async function recordSync(
  db: LoupeDB,
  inbox: string,
  ended: { at: number; added: number; error: { kind: string; message: string } | null },
  random: () => number = Math.random,
): Promise<SyncStatusRow> {
  return db.transaction('rw', db.syncStatus, async () => {
    const prev = (await db.syncStatus.get(inbox)) ?? null;
    const error = ended.error && { kind: ended.error.kind, message: ended.error.message };
    const row = { inbox, ...nextOutcome(prev, { ...ended, error }, random()) };
    await db.syncStatus.put(row);
    return row;
  });
}

/** Every inbox's last sync outcome, by inbox name. */
export async function syncStatuses(db: LoupeDB): Promise<Map<string, SyncStatusRow>> {
  return new Map((await db.syncStatus.toArray()).map((r) => [r.inbox, r]));
}

/**
 * The inboxes that sync on their own, with their last outcome: remote inboxes
 * synced once already (a new one waits for the reader's history choice), and
 * remote inboxes holding watched threads. An inbox synced before outcomes were
 * kept counts from its last sync.
 */
export async function syncCandidates(
  db: LoupeDB,
): Promise<{ name: string; outcome: SyncOutcome | null }[]> {
  const [inboxes, statuses, watched] = await Promise.all([
    db.inboxes.toArray(),
    syncStatuses(db),
    db.watches.orderBy('inbox').uniqueKeys(),
  ]);
  const hasWatches = new Set(watched as string[]);
  return inboxes
    .filter((ib) => ib.url && (ib.lastSync !== null || hasWatches.has(ib.name)))
    .map((ib) => {
      const status = statuses.get(ib.name);
      if (status) return { name: ib.name, outcome: status };
      if (ib.lastSync === null) return { name: ib.name, outcome: null };
      const outcome = { at: ib.lastSync, added: 0, failures: 0, error: null, jitter: 0.5 };
      return { name: ib.name, outcome };
    });
}
