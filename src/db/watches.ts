/**
 * Watched threads: which threads the reader watches, and what the Watched
 * view lists (subject, inbox, replies not read yet, last activity). Watching
 * and forgetting are writes of the ingest worker; polling is
 * src/db/remote/watch.ts.
 */
import { threadOf } from './queries';
import type { LoupeDB, WatchRow } from './schema';

/** A watched thread as the Watched view lists it. */
export interface WatchedThread extends WatchRow {
  /** The local thread it belongs to now (null when its messages are gone). */
  threadId: string | null;
  /** Replies that arrived since watching, not read yet. */
  fresh: number;
  /** The first of them, where reading goes on. */
  firstFresh: string | null;
}

/** Why a thread cannot be watched, or the watch row made. */
export type WatchResult = { ok: true; row: WatchRow } | { ok: false; message: string };

/**
 * Starts watching the thread of a stored message, asking the server of `inbox`
 * (or of another remote inbox holding the message when that one is local).
 */
export async function watchThread(db: LoupeDB, msgid: string, inbox: string): Promise<WatchResult> {
  const thread = await threadOf(db, msgid);
  const msg = await db.messages.get(msgid);
  if (!thread || !msg) return { ok: false, message: `<${msgid}> is not stored.` };
  const remotes = (await db.inboxes.bulkGet(msg.inboxes)).filter((r) => !!r?.url);
  const where = remotes.find((r) => r?.name === inbox) ?? remotes[0];
  if (!where)
    return {
      ok: false,
      message: `The thread is only in local inboxes (${msg.inboxes.join(', ')}): no server to ask for replies.`,
    };
  const ids = (await db.messages.where('threadId').equals(thread.id).primaryKeys()) as string[];
  // The root names the thread on the server when it is stored; a ghost root is not.
  const id = ids.includes(thread.id) ? thread.id : msgid;
  const existing = await watchOfThread(db, thread.id);
  if (existing) return { ok: true, row: existing };
  const row: WatchRow = {
    id,
    inbox: where.name,
    subject: thread.subject,
    addedAt: Date.now(),
    known: ids,
    replies: [],
    lastActivity: thread.lastDate,
    polledAt: null,
    error: null,
  };
  await db.watches.put(row);
  return { ok: true, row };
}

/** Stops watching a thread (by the id it is watched by). */
export async function unwatch(db: LoupeDB, id: string): Promise<void> {
  await db.watches.delete(id);
}

/** The watch on a local thread, if it is watched. */
export async function watchOfThread(db: LoupeDB, threadId: string): Promise<WatchRow | undefined> {
  const rows = await db.watches.toArray();
  const direct = rows.find((w) => w.id === threadId);
  if (direct) return direct;
  const msgs = await db.messages.bulkGet(rows.map((w) => w.id));
  return rows.find((_, i) => msgs[i]?.threadId === threadId);
}

/** Every watched thread, most recently active first, with its unread new replies. */
export async function listWatched(db: LoupeDB): Promise<WatchedThread[]> {
  const rows = await db.watches.toArray();
  const msgs = await db.messages.bulkGet(rows.map((w) => w.id));
  const out: WatchedThread[] = [];
  for (const [i, w] of rows.entries()) {
    const read = await db.reads.bulkGet(w.replies);
    const unread = w.replies.filter((_, j) => !read[j]);
    out.push({
      ...w,
      threadId: msgs[i]?.threadId ?? null,
      fresh: unread.length,
      firstFresh: unread[0] ?? null,
    });
  }
  return out.sort((a, b) => b.lastActivity - a.lastActivity);
}
