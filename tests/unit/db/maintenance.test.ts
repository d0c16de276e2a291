import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src/core/query';
import type { ParsedMessage } from '../../../src/core/message';
import { deleteInbox } from '../../../src/db/maintenance';
import { inboxSizes, spaceNeeded } from '../../../src/db/storage';
import { markRead } from '../../../src/db/marks';
import { countThreads, getRaw, listThreads } from '../../../src/db/queries';
import { saveSearch } from '../../../src/db/saved-searches';
import { runSearch } from '../../../src/db/search';
import { ensureInbox, storeBatch } from '../../../src/db/store';
import { freshDb, mail as mailAt } from './helpers';

const fx = freshDb('maint');
const mail = (id: string, hour: number, refs: string[] = [], subject = 'topic') =>
  mailAt(id, hour, refs, subject, `body of ${id} zebraword`);

async function store(inbox: string, msgs: Promise<ParsedMessage>[]): Promise<void> {
  await ensureInbox(fx.db, inbox, null);
  await storeBatch(fx.db, inbox, await Promise.all(msgs));
}

describe('deleteInbox', () => {
  it('names a thread it rebuilds after its root, as an import names it', async () => {
    // The reply's clock is behind: it is the earliest message, but not the root.
    const msgs = () => [
      mail('root@x', 10, [], '[PATCH] frob: fix the count'),
      mail('early@x', 8, ['root@x'], 'Re: [PATCH] frob: fix the count'),
    ];
    await store('a', msgs());
    const imported = await fx.db.threads.get('root@x');
    expect(imported?.subject).toBe('[PATCH] frob: fix the count');
    await store('b', [mail('other@x', 11, ['root@x'], 'Re: [PATCH] frob: fix the count')]);
    await deleteInbox(fx.db, 'b');
    const rebuilt = await fx.db.threads.get('root@x');
    expect(rebuilt?.count).toBe(2);
    expect(rebuilt?.subject).toBe(imported?.subject);
    expect(rebuilt?.participants).toEqual(imported?.participants);
    expect(rebuilt?.participants[0]).toBe('root');
  });

  it('deletes a chunk of raw bytes with its last message, and keeps one a cross-post still needs', async () => {
    await store('a', [mail('root@x', 1), mail('r1@x', 2, ['root@x']), mail('solo@x', 3)]);
    await store('b', [mail('b-only@x', 4, [], 'b topic')]);
    // Cross-posted: stored once, its bytes in the chunk 'a' wrote.
    await store('b', [mail('r1@x', 2, ['root@x'])]);
    const [chunkA, chunkB] = (await fx.db.rawChunkIds.toArray()).map((r) => r.chunk);
    expect(await fx.db.rawChunkIds.count()).toBe(2);
    const r1 = await getRaw(fx.db, 'r1@x');
    await deleteInbox(fx.db, 'a');
    expect(await fx.db.rawChunks.toCollection().primaryKeys()).toEqual([chunkA, chunkB]);
    expect(await getRaw(fx.db, 'r1@x')).toEqual(r1);
    expect(await getRaw(fx.db, 'solo@x')).toBeUndefined();
    await deleteInbox(fx.db, 'b');
    expect(await fx.db.rawChunks.count()).toBe(0);
    expect(await fx.db.rawChunkIds.count()).toBe(0);
  });

  it('removes messages only that inbox holds and keeps cross-posts in the other inbox', async () => {
    await store('a', [
      mail('root@x', 1),
      mail('r1@x', 2, ['root@x']),
      mail('solo@x', 3, [], 'other'),
    ]);
    await store('b', [mail('r1@x', 2, ['root@x']), mail('b-only@x', 4, [], 'b topic')]);
    await markRead(fx.db, 'root@x', ['root@x', 'r1@x']);
    await saveSearch(fx.db, 'zebraword', 'a');
    await fx.db.settings.bulkPut([
      { key: 'partial:a', value: [] },
      { key: 'backfill:a', value: {} },
      { key: 'backfill:b', value: {} },
    ]);

    const r = await deleteInbox(fx.db, 'a');
    expect(r).toMatchObject({ deleted: 2, kept: 1 });
    expect(await fx.db.inboxes.get('a')).toBeUndefined();
    expect((await fx.db.messages.toCollection().primaryKeys()).sort()).toEqual([
      'b-only@x',
      'r1@x',
    ]);
    expect(await getRaw(fx.db, 'root@x')).toBeUndefined();
    expect((await fx.db.messages.get('r1@x'))?.inboxes).toEqual(['b']);
    expect(await fx.db.reads.get('root@x')).toBeUndefined();
    expect(await fx.db.reads.get('r1@x')).toBeDefined();

    // The thread lost its root message: it is rebuilt around a ghost root, in b only.
    const threads = await listThreads(fx.db, 'b', 0, 10);
    const t = threads.find((x) => x.nodeIds.includes('r1@x'));
    expect(t?.count).toBe(1);
    expect(t?.inboxes).toEqual(['b']);
    expect(t?.unread).toBe(0);
    expect(t?.tree.ghost).toBe(true);
    expect(await countThreads(fx.db, 'a')).toBe(0);
    expect(await fx.db.threads.count()).toBe(2);
    expect(await fx.db.threads.filter((t) => t.listKeys.some(([ib]) => ib === 'a')).count()).toBe(
      0,
    );
    expect(await fx.db.savedSearches.count()).toBe(0);
    // What a's sync remembered goes with it; b's stays.
    expect((await fx.db.settings.toCollection().primaryKeys()).sort()).toEqual(['backfill:b']);

    const q = parseQuery('zebraword', Date.now());
    if (!q.ok) throw new Error(q.error.message);
    const ids: string[] = [];
    await runSearch(fx.db, q.ast, {
      limit: Infinity,
      onHits: (h) => ids.push(...h.map((x) => x.id)),
    });
    expect(ids.sort()).toEqual(['b-only@x', 'r1@x']);
  });

  it('drops the inbox from threads whose messages all stay elsewhere', async () => {
    await store('a', [mail('p@x', 1), mail('q@x', 2, ['p@x'])]);
    await store('b', [mail('p@x', 1), mail('q@x', 2, ['p@x'])]);
    const r = await deleteInbox(fx.db, 'b');
    expect(r).toMatchObject({ deleted: 0, kept: 2, threadsDeleted: 0 });
    const [t] = await fx.db.threads.toArray();
    expect(t.inboxes).toEqual(['a']);
    expect(t.count).toBe(2);
    expect(await countThreads(fx.db, 'b')).toBe(0);
    expect(await countThreads(fx.db, 'a')).toBe(1);
  });

  it('reports sizes per inbox', async () => {
    await store('a', [mail('s1@x', 1), mail('s2@x', 2, ['s1@x'])]);
    const [s] = await inboxSizes(fx.db);
    expect(s.name).toBe('a');
    expect(s.messages).toBe(2);
    expect(s.rawBytes).toBeGreaterThan(200);
    expect(s.approxBytes).toBeGreaterThan(s.rawBytes);
  });
});

describe('spaceNeeded', () => {
  const base = { messages: 2000, added: 1000, lost: 1000, gzip: false };
  it('extrapolates from what the stored batches cost', () => {
    // 10 MB for 1000 messages; 1000 lost plus 1000 more in the unread half.
    const s = { ...base, usageBefore: 1e6, usageAfter: 11e6, bytesRead: 4e6, totalBytes: 8e6 };
    expect(spaceNeeded(s)).toBe(Math.round(1e4 * 3000 * 1.1));
  });
  it('falls back to typical ratios when nothing was committed', () => {
    const s = { ...base, added: 0, usageBefore: 5, usageAfter: 5, bytesRead: 0, totalBytes: 1e6 };
    expect(spaceNeeded({ ...s, messages: 0 })).toBe(Math.round(1e6 * 1.5 * 1.1));
  });
  it('is unknown without usage figures or a size', () => {
    const s = { ...base, usageBefore: null, usageAfter: null, bytesRead: 1, totalBytes: null };
    expect(spaceNeeded(s)).toBeNull();
  });
});
