/**
 * The open thread's data, read so that its first screen paints first: the thread
 * row, the messages of its first screen, then every message once that is painted,
 * and its read marks apart (marking a message read re-reads the marks, not a
 * thousand message bodies).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the maps and sets are query results, replaced whole, never changed in place */
import { flattenTree } from '../../core/thread';
import { messagesById, readIds, threadMessages, threadOf } from '../../db/queries';
import { getDB, type StoredMessage, type StoredThread } from '../../db/schema';
import { live } from './live.svelte';
import { afterPaint } from './progressive.svelte';

/** Lines of the overview painted at once. */
export const OVERVIEW_FIRST = 16;
/** Overview lines always shown past the current message's. */
export const LINES_PAST_CURRENT = 20;

export interface ThreadData {
  /** null: no stored message has this id. */
  thread: StoredThread | null;
  messages: Map<string, StoredMessage>;
  read: Set<string>;
}

/** The thread holding `msgid`, reactive; `current` is null until its first screen is read. */
export function threadData(msgid: () => string): { readonly current: ThreadData | null } {
  const db = getDB();
  const threadQ = live(
    msgid,
    async (id) => (await threadOf(db, id)) ?? null,
    undefined as StoredThread | null | undefined,
  );
  const threadId = $derived(threadQ.current?.id ?? '');
  // The overview always shows the lines down to some past the current message,
  // which covers the first messages from it on too.
  const firstIds = $derived.by(() => {
    const t = threadQ.current;
    if (!t) return [];
    const order = flattenTree(t.tree).map((n) => n.node.id);
    const at = Math.max(0, order.indexOf(msgid()));
    return order.slice(0, Math.max(OVERVIEW_FIRST, at + LINES_PAST_CURRENT));
  });
  const firstQ = live(
    () => ({ tid: threadId, ids: firstIds }),
    async ({ tid, ids }) => ({ tid, map: await messagesById(db, ids) }),
    { tid: '', map: new Map<string, StoredMessage>() },
  );
  // Asked once the first screen is painted: IndexedDB serves one request at a time, so a
  // thousand rows read at once would hold the first few up behind them, and taking them
  // in (30 ms for a thousand) would hold up the first paint.
  let paintedFor = $state('');
  $effect(() => {
    const tid = firstQ.current.tid;
    if (tid && tid === threadId && paintedFor !== tid) return afterPaint(() => (paintedFor = tid));
  });
  const messagesQ = live(
    () => (paintedFor === threadId ? threadId : ''),
    async (tid) => ({
      tid,
      map: tid ? await threadMessages(db, tid) : new Map<string, StoredMessage>(),
    }),
    { tid: '', map: new Map<string, StoredMessage>() },
  );
  const readQ = live(
    () => threadId,
    async (tid) => (tid ? readIds(db, tid) : new Set<string>()),
    new Set<string>(),
  );
  // Derived once per change, not per read: the view reads it a few times for each of
  // a thousand messages.
  const current = $derived.by((): ThreadData | null => {
    const thread = threadQ.current;
    if (thread === undefined) return null;
    if (!thread) return { thread, messages: new Map(), read: readQ.current };
    const q = [messagesQ.current, firstQ.current].find((x) => x.tid === thread.id);
    return q ? { thread, messages: q.map, read: readQ.current } : null;
  });
  return {
    get current() {
      return current;
    },
  };
}
