/**
 * Older mail: a backfill by date windows through the server's search
 * (resumable, its progress kept in settings), or a small inbox downloaded whole.
 */
import { DAY } from '../../core/constants';
import {
  dateWindows,
  parseResultCount,
  resultCountUrl,
  searchMboxUrl,
  sizeProbeUrl,
  wholeInboxUrl,
  ymd,
} from '../../core/remote';
import type { LoupeDB } from '../schema';
import { asRemoteError, type RemoteError } from './errors';
import {
  fetchFeed,
  makeCtx,
  request,
  type FetchFn,
  type RemoteOptions,
  type SyncProgress,
} from './http';
import { fetchMbox, remoteInbox } from './threads';

/** Progress of a backfill, kept in settings (`backfill:INBOX`) so it resumes where it stopped. */
export interface BackfillState {
  from: number;
  to: number;
  /** Last day (ms, UTC midnight) still to fetch; below `from` when done. */
  next: number;
}

/** How a backfill ended. */
export interface BackfillResult {
  inbox: string;
  windowsDone: number;
  windowsTotal: number;
  added: number;
  cancelled: boolean;
  error: RemoteError | null;
}

/** Fetches mail dated FROM..TO by search (`POST ?q=d:A..B&x=m`), newest window first; resumable. */
export async function backfill(
  db: LoupeDB,
  inboxName: string,
  from: number,
  to: number,
  fetchFn: FetchFn,
  options: RemoteOptions & { windowDays?: number } = {},
): Promise<BackfillResult> {
  const result = noneFetched(inboxName, 0);
  const remote = await remoteInbox(db, inboxName, 'backfill');
  if ('kind' in remote) return { ...result, error: remote };
  const base = remote.url;
  const ctx = makeCtx(fetchFn, options);
  const windows = dateWindows(from, to, options.windowDays ?? 7);
  result.windowsTotal = windows.length;
  const key = `backfill:${inboxName}`;
  const prev = (await db.settings.get(key))?.value as BackfillState | undefined;
  const resume = prev && prev.from === windows.at(-1)?.from && prev.to === windows[0]?.to;
  const state: BackfillState = resume
    ? { ...prev }
    : { from: windows.at(-1)?.from ?? from, to: windows[0]?.to ?? to, next: windows[0]?.to ?? to };
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'windows',
    total: windows.length,
    done: 0,
    added: 0,
    failed: 0,
  };
  await db.settings.put({ key, value: { ...state } });
  for (const w of windows) {
    if (w.to > state.next) {
      progress.done = ++result.windowsDone;
      continue;
    }
    if (options.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    const url = searchMboxUrl(base, w.from, w.to);
    try {
      const init = { method: 'POST' };
      const r = await fetchMbox(ctx, db, { url, inbox: inboxName, base, init });
      result.added += r.added;
      // Stopped inside this window: it stays to do, so resuming fetches it whole.
      if (r.cancelled) {
        result.cancelled = true;
        break;
      }
    } catch (e) {
      const err = asRemoteError(e, url);
      // public-inbox answers 404 for a search with no results: an empty window.
      if (err.kind !== 'not-found') {
        result.error = err;
        break;
      }
    }
    state.next = w.from - DAY;
    await db.settings.put({ key, value: { ...state } });
    progress.done = ++result.windowsDone;
    progress.added = result.added;
    options.onProgress?.({ ...progress });
  }
  progress.phase = 'done';
  options.onProgress?.({ ...progress });
  return result;
}

/** Where a backfill of an inbox stands, if one was started (see BackfillState). */
export async function backfillState(
  db: LoupeDB,
  inboxName: string,
): Promise<BackfillState | undefined> {
  return (await db.settings.get(`backfill:${inboxName}`))?.value as BackfillState | undefined;
}

/** A backfill result before any window was fetched. */
function noneFetched(inbox: string, windowsTotal: number): BackfillResult {
  return { inbox, windowsDone: 0, windowsTotal, added: 0, cancelled: false, error: null };
}

/** Downloads a whole inbox as one all.mbox.gz (meant for small inboxes; see probeInboxSize). */
export async function downloadWholeInbox(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
  options: RemoteOptions = {},
): Promise<BackfillResult> {
  const result = noneFetched(inboxName, 1);
  const remote = await remoteInbox(db, inboxName, 'download');
  if ('kind' in remote) return { ...result, error: remote };
  const ctx = makeCtx(fetchFn, options);
  const url = wholeInboxUrl(remote.url);
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'windows',
    total: 1,
    done: 0,
    added: 0,
    failed: 0,
    bytes: 0,
  };
  options.onProgress?.({ ...progress });
  try {
    const r = await fetchMbox(ctx, db, {
      url,
      inbox: inboxName,
      base: remote.url,
      onIngest: (p) => options.onProgress?.({ ...progress, added: p.added, bytes: p.bytes }),
    });
    result.added = r.added;
    result.cancelled = r.cancelled;
    result.windowsDone = r.cancelled ? 0 : 1;
  } catch (e) {
    result.error = asRemoteError(e, url);
  }
  options.onProgress?.({
    ...progress,
    phase: 'done',
    done: result.windowsDone,
    added: result.added,
  });
  return result;
}

/** Whether an inbox is small enough (at most SMALL_INBOX messages) to download whole. */
export async function probeInboxSize(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
): Promise<{ ok: true; small: boolean } | { ok: false; error: RemoteError }> {
  const remote = await remoteInbox(db, inboxName, 'measure');
  if ('kind' in remote) return { ok: false, error: remote };
  const url = sizeProbeUrl(remote.url);
  try {
    const entries = await fetchFeed(makeCtx(fetchFn, {}), url);
    return { ok: true, small: entries.length === 0 };
  } catch (e) {
    const err = asRemoteError(e, url);
    // Past the last result public-inbox sends a cut-off feed; with no result at all, 404.
    if (err.kind === 'bad-feed' || err.kind === 'not-found') return { ok: true, small: true };
    return { ok: false, error: err };
  }
}

/**
 * How many messages the server holds dated FROM or later, from its search page; null
 * when the page states no count. The server answers 404 when nothing matches.
 */
export async function countSince(
  db: LoupeDB,
  inboxName: string,
  fromMs: number,
  fetchFn: FetchFn,
): Promise<{ ok: true; count: number | null } | { ok: false; error: RemoteError }> {
  const remote = await remoteInbox(db, inboxName, 'measure');
  if ('kind' in remote) return { ok: false, error: remote };
  const url = resultCountUrl(remote.url, `d:${ymd(fromMs)}..`);
  try {
    const res = await request(makeCtx(fetchFn, { retries: 1 }), url);
    return { ok: true, count: parseResultCount(await res.text()) };
  } catch (e) {
    const err = asRemoteError(e, url);
    if (err.kind === 'not-found') return { ok: true, count: 0 };
    return { ok: false, error: err };
  }
}
