/**
 * Syncing an inbox from its new.atom: the entries not seen before, paged back
 * through the server's search when the feed moved on too far, fetched a
 * thread at a time.
 */
import type { AtomEntry } from '../../core/atom';
import { DAY } from '../../core/constants';
import { SEARCH_PAGE, diffFeed, entryKey, groupThreads, searchFeedUrl } from '../../core/remote';
import type { LoupeDB } from '../schema';
import { asRemoteError, type RemoteError } from './errors';
import { fetchFeed, makeCtx, type FetchFn, type RemoteOptions, type SyncProgress } from './http';
import { fetchGroups, remoteInbox } from './threads';

/** How a sync ended. `error` is set when nothing could be synced (the feed failed). */
export interface SyncResult {
  inbox: string;
  newEntries: number;
  threadsFetched: number;
  /** Threads not fetched because an earlier download of this sync already held them. */
  threadsSkipped: number;
  added: number;
  pagedBack: boolean;
  cancelled: boolean;
  /** Threads that failed; the others were stored. */
  failures: RemoteError[];
  error: RemoteError | null;
}

const MAX_PAGE_BACK = 5;

/** A sync result before anything was fetched. */
export function nothingSynced(inbox: string): SyncResult {
  return {
    inbox,
    newEntries: 0,
    threadsFetched: 0,
    threadsSkipped: 0,
    added: 0,
    pagedBack: false,
    cancelled: false,
    failures: [],
    error: null,
  };
}

/** Fetches an inbox's new.atom, then every new thread's t.mbox.gz, and remembers what was seen. */
export async function syncInbox(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
  options: RemoteOptions = {},
): Promise<SyncResult> {
  const ctx = makeCtx(fetchFn, options);
  const { onProgress } = options;
  const result = nothingSynced(inboxName);
  const row = await remoteInbox(db, inboxName, 'sync');
  if ('kind' in row) return { ...result, error: row };
  const base = row.url;
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'feed',
    total: 0,
    done: 0,
    added: 0,
    failed: 0,
  };
  const report = () => onProgress?.({ ...progress });
  report();

  let feed: AtomEntry[];
  try {
    feed = await fetchFeed(ctx, `${base}new.atom`);
  } catch (e) {
    return { ...result, error: asRemoteError(e, `${base}new.atom`) };
  }
  const diff = diffFeed(feed, row.feedSeen);
  const fresh = [...diff.fresh];
  if (diff.pageBack) {
    result.pagedBack = true;
    const since = (row.lastSync ?? Date.now()) - DAY;
    const have = new Set([...row.feedSeen, ...fresh.map(entryKey)]);
    for (let page = 0; page < MAX_PAGE_BACK; page++) {
      const url = searchFeedUrl(base, since, page * SEARCH_PAGE);
      let entries: AtomEntry[];
      try {
        entries = await fetchFeed(ctx, url);
      } catch (e) {
        result.failures.push(asRemoteError(e, url));
        break;
      }
      for (const e of entries) {
        if (have.has(entryKey(e))) continue;
        fresh.push(e);
        have.add(entryKey(e));
      }
      if (entries.length < SEARCH_PAGE) break;
    }
  }
  result.newEntries = fresh.length;

  // Each group also names the stored parents it replies to, so that a failed download
  // of new replies marks the thread that holds them partial.
  const parents = new Map(fresh.map((e) => [e.messageId, e.inReplyTo]));
  const groups = groupThreads(fresh).map((ids) => [
    ...new Set([...ids, ...ids.flatMap((id) => parents.get(id) ?? [])]),
  ]);
  const t = await fetchGroups(ctx, db, inboxName, base, groups, progress);
  result.threadsFetched = t.fetched;
  result.threadsSkipped = t.skipped;
  result.added = t.added;
  result.cancelled = t.cancelled;
  result.failures.push(...t.failures);
  const failedIds = new Set(t.failedIds);

  // Entries of failed or cancelled threads stay unseen, so the next sync tries them again.
  const seen = feed.filter((e) => !(e.messageId && failedIds.has(e.messageId))).map(entryKey);
  await db.inboxes.update(inboxName, { lastSync: Date.now(), feedSeen: seen });
  progress.phase = 'done';
  report();
  return result;
}
