/**
 * The write path: a batch of parsed messages -> messages and threads,
 * in one transaction. Threading is incremental: only threads that share an id
 * (message or ghost) or a reply subject with the batch are re-threaded.
 */
import type { IngestItem } from '../core/parse';
import { participantOf } from '../core/thread-summary';
import {
  buildThreads,
  isReplySubject,
  subjectKey,
  treeToInputs,
  type BuiltThread,
  type ThreadInput,
} from '../core/thread';
import { nodeMap, type NodeMap } from './nodes';
import {
  messageRow,
  threadRow,
  type LoupeDB,
  type StoredMessage,
  type StoredThread,
} from './schema';
import { indexMessages, searchTables } from './search';
import { storeRaws } from './raw-chunks';

export type { IngestItem };

/** What one stored batch changed. */
export interface BatchResult {
  added: number;
  /** Messages already stored that gained this inbox. */
  crossPosted: number;
  /** Messages already stored in this inbox. */
  duplicates: number;
  threadsTouched: number;
}

/** Stores a batch of parsed messages for one inbox. Re-storing the same messages changes nothing. */
export async function storeBatch(
  db: LoupeDB,
  inbox: string,
  batch: IngestItem[],
): Promise<BatchResult> {
  const tables = [
    db.messages,
    db.rawChunks,
    db.rawChunkIds,
    db.threads,
    db.reads,
    db.oopses,
    db.nodeLog,
    ...searchTables(db),
  ];
  return db.transaction('rw', tables, async () => {
    const unique = new Map<string, IngestItem>();
    for (const m of batch) if (!unique.has(m.id)) unique.set(m.id, m);
    const ids = [...unique.keys()];
    // Every stored message has a node (so does every ghost): an id without one is
    // new, and only the others need their message row read.
    const nodes = await nodeMap(db);
    const seen = ids.filter((id) => nodes.get(id) !== undefined);
    const rows = new Map<string, StoredMessage | undefined>();
    (await db.messages.bulkGet(seen)).forEach((r, i) => rows.set(seen[i], r));
    const fresh: IngestItem[] = [];
    const crossPosted: StoredMessage[] = [];
    let duplicates = 0;
    for (const [id, m] of unique) {
      const row = rows.get(id);
      if (!row) fresh.push(m);
      else if (row.inboxes.includes(inbox)) duplicates++;
      else crossPosted.push(row);
    }

    let threadsTouched = 0;
    if (crossPosted.length) {
      await db.messages.bulkPut(
        crossPosted.map((r) => messageRow({ ...r, inboxes: [...r.inboxes, inbox] })),
      );
      const threadIds = [...new Set(crossPosted.map((r) => r.threadId))];
      const joined = (await db.threads.bulkGet(threadIds)).flatMap((t) =>
        t && !t.inboxes.includes(inbox)
          ? [threadRow({ ...t, inboxes: [...t.inboxes, inbox] })]
          : [],
      );
      await db.threads.bulkPut(joined);
      threadsTouched += joined.length;
    }
    // A message deleted and imported again may have left an index entry; only ids seen
    // before (they have a node) can.
    const maybeIndexed = fresh.flatMap((m) => (nodes.get(m.id) !== undefined ? [m.id] : []));
    if (fresh.length) threadsTouched += await threadFresh(db, inbox, fresh, nodes);
    await indexMessages(db, fresh, inbox, crossPosted, maybeIndexed);
    return { added: fresh.length, crossPosted: crossPosted.length, duplicates, threadsTouched };
  });
}

async function threadFresh(
  db: LoupeDB,
  inbox: string,
  fresh: IngestItem[],
  nodes: NodeMap,
): Promise<number> {
  const mentioned = new Set<string>();
  const replyKeys = new Set<string>();
  for (const m of fresh) {
    mentioned.add(m.id);
    for (const r of m.references) mentioned.add(r);
    if (m.references.length === 0 && isReplySubject(m.subject))
      replyKeys.add(subjectKey(m.subject));
  }
  const old = new Map<string, StoredThread>();
  const oldIds = new Set<string>();
  for (const id of mentioned) {
    const t = nodes.get(id);
    if (t !== undefined) oldIds.add(t);
  }
  for (const t of await db.threads.bulkGet([...oldIds])) if (t) old.set(t.id, t);
  if (replyKeys.size) {
    for (const t of await db.threads
      .where('subjectKey')
      .anyOf([...replyKeys])
      .toArray())
      old.set(t.id, t);
  }

  const inputs: ThreadInput[] = [];
  for (const t of old.values())
    treeToInputs(t.tree, (id) => (id === t.rootId ? t.subject : ''), inputs);
  for (const m of fresh)
    inputs.push({ id: m.id, date: m.date, references: m.references, subject: m.subject });
  const built = buildThreads(inputs);

  const oldOf = new Map<string, StoredThread>();
  for (const t of old.values()) for (const id of t.nodeIds) oldOf.set(id, t);
  const freshById = new Map(fresh.map((m) => [m.id, m]));
  const threadOfNode = new Map<string, string>();
  const rows = built.map((b) => {
    const row = summarize(b, oldOf, freshById, inbox);
    for (const id of row.nodeIds) threadOfNode.set(id, row.id);
    return row;
  });

  const builtIds = new Set(rows.map((r) => r.id));
  const gone = [...old.keys()].filter((id) => !builtIds.has(id));
  await db.threads.bulkDelete(gone);
  // One row per thread: its list keys place it in each inbox's list.
  await db.threads.bulkPut(rows);
  // Only nodes that are new or changed thread are written.
  await nodes.write(
    rows.flatMap((r) =>
      r.nodeIds.flatMap((id) => (oldOf.get(id)?.id === r.id ? [] : [[id, r.id] as const])),
    ),
  );
  // Messages stored earlier whose thread was merged or re-rooted follow their node;
  // most batches only add replies to threads that keep their root, and skip this.
  const moved = new Set<string>();
  for (const t of old.values()) {
    for (const id of t.nodeIds) if (threadOfNode.get(id) !== t.id) moved.add(id);
  }
  if (moved.size) {
    const follow = (m: { id: string; threadId: string }) => {
      m.threadId = threadOfNode.get(m.id) ?? m.threadId;
    };
    await db.messages
      .where('id')
      .anyOf([...moved])
      .modify(follow);
    await db.reads
      .where('id')
      .anyOf([...moved])
      .modify(follow);
  }
  const crashes = fresh.flatMap((m) => (m.crash ? [{ ...m.crash, id: m.id, date: m.date }] : []));
  if (crashes.length) await db.oopses.bulkPut(crashes);
  // One row per message with its text; its raw bytes (only the header block for plain
  // mail) go into chunks of many messages.
  const raws = await storeRaws(db, fresh);
  await db.messages.bulkPut(
    fresh.map(
      ({ crash: _crash, terms: _terms, textAt: _textAt, raw: _raw, piece: _piece, ...m }, i) => ({
        ...m,
        ...raws[i],
        inboxes: [inbox],
        threadId: threadOfNode.get(m.id) ?? m.id,
      }),
    ),
  );
  return rows.length;
}

/** Summary of a built thread from the old thread rows it absorbed and the fresh messages in it. */
function summarize(
  b: BuiltThread,
  oldOf: Map<string, StoredThread>,
  freshById: Map<string, IngestItem>,
  inbox: string,
): StoredThread {
  const sources = new Set<StoredThread>();
  let participants = new Set<string>();
  let subjectAuthor = '';
  const inboxes = new Set<string>([inbox]);
  let firstDate = Infinity;
  let lastDate = -Infinity;
  let hasPatch = false;
  let hasOops = false;
  let unread = 0;
  let subject = '';
  let subjectDate = Infinity;
  let crash: StoredThread['crash'] = null;
  let crashDate = Infinity;
  for (const id of b.messageIds) {
    const f = freshById.get(id);
    if (f) {
      participants.add(participantOf(f.from));
      hasPatch ||= f.hasPatch;
      hasOops ||= f.hasOops;
      unread++;
      if (f.crash && f.date < crashDate) {
        crash = { title: f.crash.title, type: f.crash.type };
        crashDate = f.date;
      }
      firstDate = Math.min(firstDate, f.date);
      lastDate = Math.max(lastDate, f.date);
      if (f.date < subjectDate || (id === b.rootId && subject === '')) {
        subject = f.subject;
        subjectDate = f.date;
        subjectAuthor = participantOf(f.from);
      }
      continue;
    }
    const t = oldOf.get(id);
    if (t) sources.add(t);
  }
  for (const t of sources) {
    for (const p of t.participants) participants.add(p);
    for (const ib of t.inboxes) inboxes.add(ib);
    hasPatch ||= t.hasPatch;
    hasOops ||= t.hasOops;
    unread += t.unread;
    if (t.crash && t.firstDate < crashDate) {
      crash = t.crash;
      crashDate = t.firstDate;
    }
    firstDate = Math.min(firstDate, t.firstDate);
    lastDate = Math.max(lastDate, t.lastDate);
    if (t.firstDate < subjectDate) {
      subject = t.subject;
      subjectDate = t.firstDate;
      subjectAuthor = t.participants[0] ?? subjectAuthor;
    }
  }
  // The rule of namingMessage, over fresh messages and the rows of the threads merged:
  // the root when stored (fresh, or named so by its old row), else the earliest.
  let author = subjectAuthor;
  const root = freshById.get(b.rootId);
  if (root) {
    subject = root.subject;
    author = participantOf(root.from);
  } else if (!b.tree.ghost) {
    for (const t of sources)
      if (t.rootId === b.rootId && !t.tree.ghost) {
        subject = t.subject;
        author = t.participants[0] ?? author;
      }
  }
  if (author) {
    participants.delete(author);
    participants = new Set([author, ...participants]);
  }
  return threadRow({
    id: b.rootId,
    rootId: b.rootId,
    subject,
    subjectKey: subjectKey(subject),
    firstDate,
    lastDate,
    count: b.messageIds.length,
    participants: [...participants],
    inboxes: [...inboxes],
    tree: b.tree,
    hasPatch,
    hasOops,
    crash,
    unread: Math.min(unread, b.messageIds.length),
    nodeIds: [...b.messageIds, ...b.ghostIds],
  });
}

/** Ensures an inbox row exists. */
export async function ensureInbox(
  db: LoupeDB,
  name: string,
  url: string | null,
  title = name,
): Promise<void> {
  await db.transaction('rw', db.inboxes, async () => {
    if (await db.inboxes.get(name)) return;
    await db.inboxes.put({
      name,
      url,
      title,
      addedAt: Date.now(),
      lastSync: null,
      feedSeen: [],
      messageCount: 0,
    });
  });
}
