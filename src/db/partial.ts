/**
 * Partial threads: a thread whose download failed after the app already held
 * part of it. Kept in settings under `partial:INBOX` so the thread list and
 * the thread view can say so (and offer a retry) until a download succeeds.
 */
import type { RemoteError, RemoteErrorKind } from './remote/errors';
import { ALL } from '../core/constants';
import { nodeMap } from './nodes';
import type { LoupeDB } from './schema';

/** One partial thread: a cut-off gzip, an error page, a 5xx while newer replies were missing. */
export interface PartialThread {
  inbox: string;
  /** The Message-ID the thread is fetched by (MSGID/t.mbox.gz). */
  msgid: string;
  /** Every Message-ID the failed download was meant to bring. */
  ids: string[];
  kind: RemoteErrorKind;
  message: string;
  at: number;
}

const PARTIAL = 'partial:';

/** Partial threads of one inbox, or of every inbox for ALL. */
export async function partialThreads(db: LoupeDB, inbox: string): Promise<PartialThread[]> {
  const rows =
    inbox === ALL
      ? await db.settings.where('key').startsWith(PARTIAL).toArray()
      : [await db.settings.get(PARTIAL + inbox)];
  return rows.flatMap((r) => (r?.value as PartialThread[] | undefined) ?? []);
}

/** Records a failed thread download, but only when part of that thread is stored to be marked. */
export async function markPartial(db: LoupeDB, inbox: string, ids: string[], err: RemoteError) {
  await db.transaction('rw', db.settings, db.nodeLog, async () => {
    const nodes = await nodeMap(db);
    const held = ids.some((id) => nodes.get(id) !== undefined);
    if (!held) return;
    const key = PARTIAL + inbox;
    const list = ((await db.settings.get(key))?.value as PartialThread[] | undefined) ?? [];
    const rest = list.filter((p) => p.msgid !== ids[0]);
    const { kind, message } = err;
    const entry: PartialThread = { inbox, msgid: ids[0], ids, kind, message, at: Date.now() };
    await db.settings.put({ key, value: [...rest, entry] });
  });
}

/** Forgets the partial marks a complete download of the thread of `ids` has made stale. */
export async function clearPartial(db: LoupeDB, inbox: string, ids: string[]) {
  await db.transaction('rw', db.settings, db.nodeLog, async () => {
    const key = PARTIAL + inbox;
    const list = ((await db.settings.get(key))?.value as PartialThread[] | undefined) ?? [];
    if (!list.length) return;
    const nodes = await nodeMap(db);
    const thread = nodes.get(ids[0]);
    const fetched = new Set(ids);
    const keep: PartialThread[] = [];
    for (const p of list) {
      if (p.ids.some((id) => fetched.has(id))) continue;
      if (thread && p.ids.some((id) => nodes.get(id) === thread)) continue;
      keep.push(p);
    }
    if (keep.length === list.length) return;
    if (keep.length) await db.settings.put({ key, value: keep });
    else await db.settings.delete(key);
  });
}
