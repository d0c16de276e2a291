/**
 * Freeing space: deleting an inbox (messages only it holds go, cross-posts stay
 * in their other inboxes, threads are re-threaded from what is left) and the
 * approximate size of each inbox.
 */
import Dexie from 'dexie';
import { buildThreads, subjectKey } from '../core/thread';
import { nodeMap } from './nodes';
import { deleteInboxIndex, indexedSizes, searchTables, touchReadMarks } from './search';
import { messageRow, type LoupeDB, type StoredMessage, type StoredThread } from './schema';

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
        await db.raws.bulkDelete(ids);
        await db.messages.bulkDelete(ids);
        await db.oopses.bulkDelete(ids);
        await db.reads.bulkDelete(ids);
        await touchReadMarks(db);
      },
    );
  }
  const tables = [
    db.messages,
    db.threads,
    db.inboxThreads,
    db.nodeLog,
    db.reads,
    db.oopses,
    db.inboxes,
    db.savedSearches,
    db.settings,
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
    const rows = await db.inboxThreads
      .where('[inbox+lastDate]')
      .between([name, Dexie.minKey], [name, Dexie.maxKey])
      .toArray();
    for (const r of rows) touched.add(r.threadId);

    const threads = (await db.threads.bulkGet([...touched])).filter((t): t is StoredThread => !!t);
    // A thread only this inbox held goes whole, without looking at its messages.
    const whole = threads.filter((t) => t.inboxes.length === 1 && t.inboxes[0] === name);
    await db.threads.bulkDelete(whole.map((t) => t.id));
    for (const t of whole) forget(t.nodeIds);
    await db.inboxThreads
      .where('threadId')
      .anyOf(whole.map((t) => t.id))
      .delete();
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
      await db.inboxThreads.where('threadId').equals(t.id).delete();
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
    await db.inboxes.delete(name);
    return { deleted: gone.length, kept: kept.length, threadsDeleted, threadsRebuilt };
  });
}

function inboxesOf(messages: StoredMessage[]): string[] {
  return [...new Set(messages.flatMap((m) => m.inboxes))];
}

async function writeInboxes(db: LoupeDB, t: StoredThread, inboxes: string[]): Promise<void> {
  const dropped = t.inboxes.filter((x) => !inboxes.includes(x));
  await db.threads.put({ ...t, inboxes });
  await db.inboxThreads.bulkDelete(dropped.map((x): [string, string] => [x, t.id]));
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
    const first = msgs[0];
    const withCrash = msgs.find((m) => crashes.has(m.id));
    const crash = withCrash ? crashes.get(withCrash.id) : undefined;
    const row: StoredThread = {
      id: b.rootId,
      rootId: b.rootId,
      subject: first.subject,
      subjectKey: subjectKey(first.subject),
      firstDate: first.date,
      lastDate: msgs[msgs.length - 1].date,
      count: msgs.length,
      participants: [...new Set(msgs.map((m) => m.from.name || m.from.address || '(unknown)'))],
      inboxes: inboxesOf(msgs),
      tree: b.tree,
      hasPatch: msgs.some((m) => m.hasPatch),
      hasOops: msgs.some((m) => m.hasOops),
      crash: crash ? { title: crash.title, type: crash.type } : null,
      unread: msgs.filter((m) => !read.has(m.id)).length,
      nodeIds: [...b.messageIds, ...b.ghostIds],
    };
    await db.threads.put(row);
    for (const id of row.nodeIds) nodes.set(id, row.id);
    await db.inboxThreads.bulkPut(
      row.inboxes.map((inbox) => ({ inbox, threadId: row.id, lastDate: row.lastDate })),
    );
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

/** One inbox's share of the store. */
export interface InboxSize {
  name: string;
  messages: number;
  /** Raw mail bytes of its messages (cross-posts count in each inbox). */
  rawBytes: number;
  /** Approximate bytes on disk: raw mail, message and thread rows and index together. */
  approxBytes: number;
}

// Measured by the bench in Chromium (10k and 100k generated messages): stored size
// is about 1.5x the raw mail (message rows with their raw bytes, the text of mail
// that is not plain, thread rows and search postings).
const STORED_PER_RAW_BYTE = 1.5;

/** Message count and approximate size of every inbox, without loading message bodies. */
export async function inboxSizes(db: LoupeDB): Promise<InboxSize[]> {
  const inboxes = await db.inboxes.orderBy('name').toArray();
  const sizes = await indexedSizes(db);
  return Promise.all(
    inboxes.map(async ({ name }) => {
      const messages = await db.messages.where('inboxes').equals(name).count();
      const { bytes, count: indexed } = sizes.get(name.toLowerCase()) ?? { bytes: 0, count: 0 };
      let rawBytes = bytes;
      // Messages not indexed yet count at the average size of the indexed ones.
      if (indexed && indexed < messages) rawBytes = (rawBytes / indexed) * messages;
      return { name, messages, rawBytes, approxBytes: Math.round(rawBytes * STORED_PER_RAW_BYTE) };
    }),
  );
}

/** Storage figures of an import that stopped on a full disk. */
export interface SpaceInput {
  /** Origin usage (navigator.storage.estimate) before the import started and when it stopped. */
  usageBefore: number | null;
  usageAfter: number | null;
  /** Messages parsed, stored, and parsed but not stored because of the error. */
  messages: number;
  added: number;
  lost: number;
  /** Input bytes read (the reader runs a little ahead of the parser) and the input's size. */
  bytesRead: number;
  totalBytes: number | null;
  gzip: boolean;
}

/**
 * Bytes that finishing an import still needs, or null when unknown. Free space
 * is not subtracted: the import just proved there is less than the estimate's
 * quota suggests (the disk, or a quota the estimate does not show, ran out).
 */
export function spaceNeeded(s: SpaceInput): number | null {
  const unread = s.totalBytes && s.bytesRead > 0 ? Math.max(0, s.totalBytes - s.bytesRead) : 0;
  const grown = (s.usageAfter ?? 0) - (s.usageBefore ?? 0);
  if (s.usageBefore !== null && s.usageAfter !== null && grown > 0 && s.added > 0) {
    // What the stored batches cost per message, times the messages still to store.
    const left = s.lost + (s.messages > 0 ? (unread * s.messages) / s.bytesRead : 0);
    return left > 0 ? Math.round((grown / s.added) * left * 1.1) : null;
  }
  if (!s.totalBytes) return null;
  // Nothing committed to measure: typical ratios (gzip'd mail inflates about
  // 4x, and storing costs about 1.5x the raw mail).
  const left = s.totalBytes - (s.messages > 0 ? s.bytesRead * (s.added / s.messages) : 0);
  return Math.round(left * (s.gzip ? 4 : 1) * STORED_PER_RAW_BYTE * 1.1);
}

/** Storage figures for the settings page. */
export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

/** What the browser says about Loupe's storage (null where it does not say). */
export async function storageInfo(): Promise<StorageInfo> {
  const s = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  const est = await s?.estimate?.().catch(() => undefined);
  const persisted = (await s?.persisted?.().catch(() => null)) ?? null;
  return { usage: est?.usage ?? null, quota: est?.quota ?? null, persisted };
}

let asked = false;

/**
 * Asks the browser once per session to keep Loupe's data under storage
 * pressure; called before the first real import (not the demo).
 */
export async function askPersistence(): Promise<boolean> {
  const s = navigator.storage;
  if (!s?.persist) return false;
  if (await s.persisted()) return true;
  if (asked) return false;
  asked = true;
  return s.persist().catch(() => false);
}

/** Bytes that an import stopped by a full disk still needs, or null when unknown. */
export async function importShortfall(
  usageBefore: number | null,
  r: { messages: number; added: number; lost: number; bytes: number; totalBytes: number | null },
  gzip: boolean,
): Promise<number | null> {
  const now = await storageInfo();
  return spaceNeeded({
    usageBefore,
    usageAfter: now.usage,
    messages: r.messages,
    added: r.added,
    lost: r.lost,
    bytesRead: r.bytes,
    totalBytes: r.totalBytes,
    gzip,
  });
}
