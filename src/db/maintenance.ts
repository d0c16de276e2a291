/**
 * Freeing space: deleting an inbox (messages only it holds go, cross-posts stay
 * in their other inboxes, threads are re-threaded from what is left). Done by
 * the ingest worker, the one writer.
 */
import { buildThreads, subjectKey } from '../core/thread';
import { namingMessage, participantOf } from '../core/thread-summary';
import { nodeMap } from './nodes';
import { deleteInboxIndex, searchTables, touchReadMarks } from './search';
import { inboxList } from './queries';
import { dropDeadChunks } from './raw-chunks';
import {
  messageRow,
  threadRow,
  type LoupeDB,
  type StoredMessage,
  type StoredThread,
} from './schema';

/** What deleting an inbox removed. */
export interface DeleteResult {
  /** Messages removed from the store (held by no other inbox). */
  deleted: number;
  /** Messages kept because another inbox holds them too. */
  kept: number;
  threadsDeleted: number;
  threadsRebuilt: number;
}

/**
 * Deletes an inbox and every message no other inbox holds. Message bodies go
 * first in small transactions (a full disk has no room for one big delete
 * journal), then threads, index and the inbox row in one. Running it again
 * after an interruption finishes the job.
 */
export async function deleteInbox(db: LoupeDB, name: string, chunk = 200): Promise<DeleteResult> {
  // Keys only: message rows carry whole bodies, and most of them are just deleted.
  const { memberIds, gone, lost } = await db.transaction(
    'r',
    [db.messages, db.inboxes, db.nodeLog],
    async () => {
      const memberIds = await db.messages.where('inboxes').equals(name).primaryKeys();
      const others = (await db.inboxes.toCollection().primaryKeys()).filter((n) => n !== name);
      const elsewhere = new Set(
        others.length ? await db.messages.where('inboxes').anyOf(others).primaryKeys() : [],
      );
      const gone = memberIds.filter((id) => !elsewhere.has(id));
      const nodes = await nodeMap(db);
      const lost = new Set(gone.flatMap((id) => nodes.get(id) ?? []));
      return { memberIds, gone, lost };
    },
  );
  for (let i = 0; i < gone.length; i += chunk) {
    const ids = gone.slice(i, i + chunk);
    await db.transaction(
      'rw',
      [db.messages, db.raws, db.oopses, db.reads, db.searchMeta],
      async () => {
        // Deletes alone: after a quota error the store may be over its quota, and
        // Chromium refuses a transaction that writes anything then, even a small stamp.
        const readIds = (await db.reads.bulkGet(ids)).flatMap((r) => (r ? [r.id] : []));
        await db.raws.bulkDelete(ids);
        await db.messages.bulkDelete(ids);
        await db.oopses.bulkDelete(ids);
        if (readIds.length) {
          await db.reads.bulkDelete(readIds);
          await touchReadMarks(db);
        }
      },
    );
  }
  // Then the chunks of raw bytes whose messages are all gone (deletes only, too).
  await db.transaction('rw', [db.messages, db.rawChunks, db.rawChunkIds], () => dropDeadChunks(db));
  const tables = [
    db.messages,
    db.threads,
    db.nodeLog,
    db.reads,
    db.oopses,
    db.inboxes,
    db.savedSearches,
    db.settings,
    db.syncStatus,
    db.watches,
    ...searchTables(db),
  ];
  return db.transaction('rw', tables, async () => {
    const nodes = await nodeMap(db);
    // Node changes, written as one row at the end (later entries win).
    const changes = new Map<string, string | null>();
    const forget = (ids: string[]) => ids.forEach((id) => changes.set(id, null));
    const kept = (await db.messages.bulkGet(memberIds)).filter((m): m is StoredMessage => !!m);
    await db.messages.bulkPut(
      kept.map((m) => messageRow({ ...m, inboxes: m.inboxes.filter((x) => x !== name) })),
    );
    const touched = new Set([...lost, ...kept.map((m) => m.threadId)]);
    for (const id of await inboxList(db, name).primaryKeys()) touched.add(id);

    const threads = (await db.threads.bulkGet([...touched])).filter((t): t is StoredThread => !!t);
    // A thread only this inbox held goes whole, without looking at its messages.
    const whole = threads.filter((t) => t.inboxes.length === 1 && t.inboxes[0] === name);
    await db.threads.bulkDelete(whole.map((t) => t.id));
    for (const t of whole) forget(t.nodeIds);
    let threadsDeleted = whole.length;
    let threadsRebuilt = 0;
    for (const t of threads) {
      if (t.inboxes.length === 1 && t.inboxes[0] === name) continue;
      const left = await db.messages.where('threadId').equals(t.id).toArray();
      if (left.length && !lost.has(t.id)) {
        // Only memberships changed: the tree is the same.
        await writeInboxes(db, t, inboxesOf(left));
        continue;
      }
      await db.threads.delete(t.id);
      forget(t.nodeIds);
      if (!left.length) {
        threadsDeleted++;
        continue;
      }
      threadsRebuilt += await rethread(db, left, changes);
    }
    await nodes.write(changes);
    await deleteInboxIndex(db, name);
    await db.savedSearches.filter((s) => s.inbox === name).delete();
    // What the inbox's sync remembered: its partial threads and where a backfill stopped.
    await db.settings.bulkDelete([`partial:${name}`, `backfill:${name}`]);
    await db.syncStatus.delete(name);
    await db.watches.where('inbox').equals(name).delete();
    await db.inboxes.delete(name);
    return { deleted: gone.length, kept: kept.length, threadsDeleted, threadsRebuilt };
  });
}

function inboxesOf(messages: StoredMessage[]): string[] {
  return [...new Set(messages.flatMap((m) => m.inboxes))];
}

async function writeInboxes(db: LoupeDB, t: StoredThread, inboxes: string[]): Promise<void> {
  await db.threads.put(threadRow({ ...t, inboxes }));
}

/** Threads the messages left of a thread again (losing a message may split it); their nodes go into `nodes`. */
async function rethread(
  db: LoupeDB,
  left: StoredMessage[],
  nodes: Map<string, string | null>,
): Promise<number> {
  const byId = new Map(left.map((m) => [m.id, m]));
  const read = new Set(
    await db.reads
      .where('id')
      .anyOf([...byId.keys()])
      .primaryKeys(),
  );
  const crashes = new Map(
    (await db.oopses.bulkGet([...byId.keys()])).flatMap((o) => (o ? [[o.id, o] as const] : [])),
  );
  const built = buildThreads(
    left.map((m) => ({ id: m.id, date: m.date, references: m.references, subject: m.subject })),
  );
  for (const b of built) {
    const msgs = b.messageIds.map((id) => byId.get(id)).filter((m): m is StoredMessage => !!m);
    msgs.sort((a, b2) => a.date - b2.date);
    const named = namingMessage(b.rootId, msgs) as StoredMessage;
    const author = participantOf(named.from);
    const withCrash = msgs.find((m) => crashes.has(m.id));
    const crash = withCrash ? crashes.get(withCrash.id) : undefined;
    const row = threadRow({
      id: b.rootId,
      rootId: b.rootId,
      subject: named.subject,
      subjectKey: subjectKey(named.subject),
      firstDate: msgs[0].date,
      lastDate: msgs[msgs.length - 1].date,
      count: msgs.length,
      participants: [...new Set([author, ...msgs.map((m) => participantOf(m.from))])],
      inboxes: inboxesOf(msgs),
      tree: b.tree,
      hasPatch: msgs.some((m) => m.hasPatch),
      hasOops: msgs.some((m) => m.hasOops),
      crash: crash ? { title: crash.title, type: crash.type } : null,
      unread: msgs.filter((m) => !read.has(m.id)).length,
      nodeIds: [...b.messageIds, ...b.ghostIds],
    });
    await db.threads.put(row);
    for (const id of row.nodeIds) nodes.set(id, row.id);
    const moved = msgs.filter((m) => m.threadId !== row.id).map((m) => m.id);
    if (moved.length) {
      const follow = (x: { threadId: string }) => {
        x.threadId = row.id;
      };
      await db.messages.where('id').anyOf(moved).modify(follow);
      await db.reads.where('id').anyOf(moved).modify(follow);
    }
  }
  return built.length;
}
