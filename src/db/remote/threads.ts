/**
 * Downloading mail into an inbox: one mbox(.gz) through `ingestStream` (what
 * was stored stays stored when the download breaks), threads by their
 * t.mbox.gz at most the host's limit at once, and the partial marks of a
 * thread whose download failed after part of it was stored.
 */
import { threadMboxUrl, labelOf } from '../../core/remote';
import { ingestStream, type IngestProgress, type IngestResult } from '../ingest';
import { clearPartial, markPartial } from '../partial';
import type { InboxRow, LoupeDB } from '../schema';
import { asRemoteError, fail, type RemoteError } from './errors';
import {
  hostOf,
  makeCtx,
  refuseHtml,
  refuseHtmlBytes,
  request,
  type Ctx,
  type FetchFn,
  type RemoteOptions,
  type SyncProgress,
} from './http';

/** One mbox(.gz) download into an inbox whose remote address is `base`. */
export interface MboxFetch {
  url: string;
  inbox: string;
  base: string;
  init?: RequestInit;
  onIngest?: (p: IngestProgress) => void;
}

/** Downloads one mbox(.gz) and stores it; a damaged download keeps its complete messages. */
export function fetchMbox(ctx: Ctx, db: LoupeDB, f: MboxFetch): Promise<IngestResult> {
  return ctx.limit(hostOf(f.url), () => fetchMboxNow(ctx, db, f));
}

/** fetchMbox for a caller that already holds a slot of the host's limit. */
async function fetchMboxNow(
  ctx: Ctx,
  db: LoupeDB,
  { url, inbox, base, init, onIngest }: MboxFetch,
): Promise<IngestResult> {
  const res = await request(ctx, url, init);
  refuseHtml(res, url);
  if (!res.body) throw fail('damaged', url, `${labelOf(url)} came back empty.`);
  const len = Number(res.headers.get('content-length'));
  const body = await refuseHtmlBytes(res.body, url);
  const r = await ingestStream(db, body, {
    inbox,
    inboxUrl: base,
    totalBytes: len > 0 ? len : null,
    signal: ctx.opts.signal,
    onProgress: onIngest,
  });
  if (r.error) {
    const storage = /storage space/.test(r.error);
    const kept = `${r.added} complete message${r.added === 1 ? ' was' : 's were'} stored`;
    throw fail(
      storage ? 'storage' : 'damaged',
      url,
      storage ? r.error : `The download of ${labelOf(url)} was cut off or damaged; ${kept}.`,
    );
  }
  return r;
}

async function allStored(db: LoupeDB, inbox: string, ids: string[]): Promise<boolean> {
  const rows = await db.messages.bulkGet(ids);
  return rows.every((m) => m?.inboxes.includes(inbox));
}

/** Downloads one thread (by its first id) inside a held host slot, keeping the partial marks true. */
export async function fetchThreadNow(
  ctx: Ctx,
  db: LoupeDB,
  inbox: string,
  base: string,
  ids: string[],
): Promise<IngestResult> {
  const url = threadMboxUrl(base, ids[0]);
  try {
    const r = await fetchMboxNow(ctx, db, { url, inbox, base });
    if (!r.cancelled) await clearPartial(db, inbox, ids);
    return r;
  } catch (e) {
    await markPartial(db, inbox, ids, asRemoteError(e, url));
    throw e;
  }
}

/** How fetching a set of threads went. */
export interface ThreadsResult {
  fetched: number;
  /** Threads not fetched because an earlier download already held every id. */
  skipped: number;
  added: number;
  cancelled: boolean;
  failures: RemoteError[];
  /** Ids of the groups that failed or were cancelled. */
  failedIds: string[];
}

/** A thread-fetching result before any thread was fetched. */
function noThreads(): ThreadsResult {
  return { fetched: 0, skipped: 0, added: 0, cancelled: false, failures: [], failedIds: [] };
}

/**
 * Fetches groups of Message-IDs, one t.mbox.gz per group (by its first id),
 * at most the host's limit at once. Unless `refetch`, a group whose ids are
 * all stored by then is skipped, so one download serves every group it holds.
 */
export async function fetchGroups(
  ctx: Ctx,
  db: LoupeDB,
  inbox: string,
  base: string,
  groups: string[][],
  progress: SyncProgress,
  refetch = false,
): Promise<ThreadsResult> {
  const out = noThreads();
  progress.phase = 'threads';
  progress.total = groups.length;
  ctx.opts.onProgress?.({ ...progress });
  await Promise.all(
    groups.map(async (ids) => {
      if (ctx.opts.signal?.aborted) {
        out.cancelled = true;
        out.failedIds.push(...ids);
        return;
      }
      try {
        // Checked inside the host's slot, after earlier downloads of this call are stored.
        await ctx.limit(hostOf(base), async () => {
          if (!refetch && (await allStored(db, inbox, ids))) {
            out.skipped++;
            return;
          }
          const r = await fetchThreadNow(ctx, db, inbox, base, ids);
          out.fetched++;
          out.added += r.added;
          progress.added += r.added;
          if (r.cancelled) {
            out.cancelled = true;
            out.failedIds.push(...ids);
          }
        });
      } catch (e) {
        out.failedIds.push(...ids);
        out.failures.push(asRemoteError(e, threadMboxUrl(base, ids[0])));
        progress.failed++;
      }
      progress.done++;
      ctx.opts.onProgress?.({ ...progress });
    }),
  );
  return out;
}

/**
 * Fetches the threads of the given groups of Message-IDs into a remote inbox
 * (server search hits, or a partial thread again with `refetch`).
 */
export async function fetchThreads(
  db: LoupeDB,
  inboxName: string,
  groups: string[][],
  fetchFn: FetchFn,
  options: RemoteOptions & { refetch?: boolean } = {},
): Promise<ThreadsResult & { error: RemoteError | null }> {
  const row = await remoteInbox(db, inboxName, 'fetch from');
  const empty = noThreads();
  if ('kind' in row) return { ...empty, error: row };
  const ctx = makeCtx(fetchFn, options);
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'threads',
    total: 0,
    done: 0,
    added: 0,
    failed: 0,
  };
  const r = await fetchGroups(ctx, db, inboxName, row.url, groups, progress, options.refetch);
  progress.phase = 'done';
  options.onProgress?.({ ...progress });
  return { ...r, error: null };
}

/** An inbox row with its remote address, or the error saying it has none to `what` from. */
export async function remoteInbox(
  db: LoupeDB,
  inboxName: string,
  what: string,
): Promise<(InboxRow & { url: string }) | RemoteError> {
  const row = await db.inboxes.get(inboxName);
  if (row?.url) return { ...row, url: row.url };
  const message = `"${inboxName}" has no remote address, so there is nothing to ${what}.`;
  return { kind: 'not-remote', url: '', message };
}
