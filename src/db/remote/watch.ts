/**
 * Polling watched threads: each one's MSGID/t.atom (public-inbox lists up to
 * 1,000 messages of the thread there, oldest first), and when it names
 * messages not stored, the thread's t.mbox.gz. Replies seen for the first time
 * are kept on the watch row, so the Watched view can count them.
 */
import { encodeMsgIdPath } from '../../core/remote';
import type { LoupeDB, WatchRow } from '../schema';
import { watchThread, type WatchResult } from '../watches';
import { asRemoteError, type RemoteError } from './errors';
import { fetchFeed, hostOf, makeCtx, type Ctx, type FetchFn } from './http';
import { fetchThreadNow, remoteInbox } from './threads';

/** How polling the watched threads of one inbox went. */
export interface WatchPoll {
  polled: number;
  /** Replies new to the watches (whether this poll or the inbox's feed stored them). */
  replies: number;
  /** Messages this poll stored. */
  added: number;
  failures: RemoteError[];
}

/** The thread's Atom feed below an inbox base URL. */
export function threadAtomUrl(base: string, msgid: string): string {
  return `${base}${encodeMsgIdPath(msgid)}/t.atom`;
}

/** Polls one watched thread; the first poll only learns what the thread holds. */
export async function pollWatch(
  ctx: Ctx,
  db: LoupeDB,
  row: WatchRow,
  base: string,
): Promise<{ replies: number; added: number; error: RemoteError | null }> {
  const url = threadAtomUrl(base, row.id);
  const done = async (patch: Partial<WatchRow>) => {
    // The row may have been forgotten while its poll ran.
    await db.watches
      .where('id')
      .equals(row.id)
      .modify({ polledAt: Date.now(), ...patch });
  };
  try {
    const entries = await fetchFeed(ctx, url);
    const ids = [...new Set(entries.flatMap((e) => (e.messageId ? [e.messageId] : [])))];
    const known = new Set(row.known);
    const fresh = ids.filter((id) => !known.has(id));
    const stored = await db.messages.bulkGet(fresh);
    const missing = fresh.filter((_, i) => !stored[i]?.inboxes.includes(row.inbox));
    let added = 0;
    if (missing.length) {
      const r = await ctx.limit(hostOf(url), () =>
        fetchThreadNow(ctx, db, row.inbox, base, [row.id, ...missing]),
      );
      added = r.added;
    }
    const first = row.polledAt === null;
    const replies = first ? [] : fresh;
    const newest = Math.max(row.lastActivity, ...entries.map((e) => e.updated || 0));
    await done({
      known: [...row.known, ...fresh],
      replies: [...row.replies, ...replies],
      lastActivity: newest,
      error: null,
    });
    return { replies: replies.length, added, error: null };
  } catch (e) {
    const error = asRemoteError(e, url);
    await done({ error: { kind: error.kind, message: error.message } });
    return { replies: 0, added: 0, error };
  }
}

/** Polls every watched thread of an inbox, at most the host's limit at once. */
export async function pollWatches(
  ctx: Ctx,
  db: LoupeDB,
  inbox: string,
  base: string,
): Promise<WatchPoll> {
  const rows = await db.watches.where('inbox').equals(inbox).toArray();
  const out: WatchPoll = { polled: 0, replies: 0, added: 0, failures: [] };
  await Promise.all(
    rows.map(async (row) => {
      if (ctx.opts.signal?.aborted) return;
      const r = await pollWatch(ctx, db, row, base);
      out.polled++;
      out.replies += r.replies;
      out.added += r.added;
      if (r.error) out.failures.push(r.error);
    }),
  );
  return out;
}

/**
 * Watches the thread of a stored message and polls it once at once, which
 * fetches what the server holds of it and is not stored (the poll's failure
 * leaves the watch in place, to be polled with the next sync).
 */
export async function startWatching(
  db: LoupeDB,
  msgid: string,
  inbox: string,
  fetchFn: FetchFn,
): Promise<WatchResult & { error?: RemoteError | null }> {
  const w = await watchThread(db, msgid, inbox);
  if (!w.ok || w.row.polledAt !== null) return w;
  const remote = await remoteInbox(db, w.row.inbox, 'watch');
  if ('kind' in remote) return { ok: false, message: remote.message };
  const r = await pollWatch(makeCtx(fetchFn, {}), db, w.row, remote.url);
  return { ...w, error: r.error };
}
