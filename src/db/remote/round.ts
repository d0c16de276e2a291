/**
 * One sync round of an inbox, as the Sync button and syncing on its own run
 * it: the inbox's feed (once the inbox was synced at all), then its watched
 * threads, then how it went is recorded for the inbox list and the schedule.
 */
import type { LoupeDB } from '../schema';
import { recordSync } from '../sync-status';
import { nothingSynced, syncInbox, type SyncResult } from './feed';
import { makeCtx, type FetchFn, type RemoteOptions } from './http';
import { remoteInbox } from './threads';
import { pollWatches, type WatchPoll } from './watch';

/** How a round went: the feed's sync (nothing, when the feed was left alone) and the watches' poll. */
export interface RoundResult extends SyncResult {
  /** Whether the inbox's feed was read (an inbox opened by address only polls its watches). */
  fed: boolean;
  watched: WatchPoll;
}

const noPoll = (): WatchPoll => ({ polled: 0, replies: 0, added: 0, failures: [] });

/** A round cancelled before it began: nothing read, nothing polled. */
export function noRound(inbox: string): RoundResult {
  return { ...nothingSynced(inbox), cancelled: true, fed: false, watched: noPoll() };
}

/**
 * Syncs an inbox and polls its watched threads, then records the outcome. With
 * `feed: 'if-synced'` an inbox never synced (one opened by address, or one
 * waiting for its history choice) only has its watches polled.
 */
export async function syncRound(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
  options: RemoteOptions & { feed?: 'always' | 'if-synced' } = {},
): Promise<RoundResult> {
  const row = await remoteInbox(db, inboxName, 'sync');
  const fed = 'kind' in row || options.feed !== 'if-synced' || row.lastSync !== null;
  const r: SyncResult = fed
    ? await syncInbox(db, inboxName, fetchFn, options)
    : nothingSynced(inboxName);
  const watched: WatchPoll =
    'kind' in row || r.error
      ? noPoll()
      : await pollWatches(makeCtx(fetchFn, options), db, inboxName, row.url);
  if (!('kind' in row)) {
    const error = r.error ?? r.failures[0] ?? watched.failures[0] ?? null;
    await recordSync(db, inboxName, { at: Date.now(), added: r.added + watched.added, error });
  }
  return { ...r, fed, watched };
}
