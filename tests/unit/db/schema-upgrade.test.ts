import 'fake-indexeddb/auto';
import { countThreads, getRaw, listThreads, threadOf } from '../../../src/db/queries';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/core/message';
import { parseQuery } from '../../../src/core/query';
import { nodeMap } from '../../../src/db/nodes';
import { LoupeDB } from '../../../src/db/schema';
import { indexBacklog, runSearch } from '../../../src/db/search';
import { storeBatch } from '../../../src/db/store';
import { backupMbox } from '../../../src/db/backup';

const NAME = 'loupe-upgrade-test';
afterEach(async () => {
  await Dexie.delete(NAME);
});

/** Exactly the stores of schema version 1, as the first release wrote them. */
const V1 = {
  messages: 'id, threadId, date, *inboxes',
  raws: 'id',
  threads: 'id, lastDate, *nodeIds, subjectKey, *inboxes',
  inboxThreads: '[inbox+threadId], [inbox+lastDate], threadId',
  inboxes: 'name',
  reads: 'id, threadId',
  settings: 'key',
};

async function writeV1(): Promise<void> {
  const old = new Dexie(NAME);
  old.version(1).stores(V1);
  await old.open();
  const raw = new TextEncoder().encode(
    'Message-ID: <old@x>\nFrom: Ann <ann@x>\nSubject: kept across upgrades\nDate: Mon, 1 Jun 2020 10:00:00 +0000\n\nplatypus body\n',
  );
  const { raw: _raw, ...m } = await parseMessage(raw);
  await old.table('messages').put({ ...m, inboxes: ['linux-usb'], threadId: 'old@x' });
  await old.table('raws').put({ id: 'old@x', raw });
  await old.table('threads').put({
    id: 'old@x',
    rootId: 'old@x',
    subject: 'kept across upgrades',
    subjectKey: 'kept across upgrades',
    firstDate: m.date,
    lastDate: m.date,
    count: 1,
    participants: ['Ann'],
    inboxes: ['linux-usb'],
    tree: { id: 'old@x', ghost: false, date: m.date, children: [] },
    hasPatch: false,
    hasOops: false,
    unread: 0,
    nodeIds: ['old@x'],
  });
  await old.table('inboxThreads').put({ inbox: 'linux-usb', threadId: 'old@x', lastDate: m.date });
  await old.table('inboxes').put({
    name: 'linux-usb',
    url: 'https://lore.kernel.org/linux-usb/',
    title: 'linux-usb',
    addedAt: 1,
    lastSync: null,
    feedSeen: [],
    messageCount: 1,
  });
  await old.table('reads').put({ id: 'old@x', threadId: 'old@x', at: 5 });
  old.close();
}

describe('schema upgrades', () => {
  it('opens a version 1 store without losing messages, and adds the new tables', async () => {
    await writeV1();
    const db = new LoupeDB(NAME);
    // Asked before the connection opens (as the app's first reads are): the upgrade
    // runs on a connection of its own, and this one's tables stay the ones it made.
    const early = db.messages.get('old@x');
    await db.open();
    try {
      expect((await early)?.subject).toBe('kept across upgrades');
      // The upgraded store matches one created fresh at the newest version, which is
      // made from the latest tables alone (LATEST_STORES), without the history: the
      // same stores, keys and indexes on disk.
      const fresh = new LoupeDB(`${NAME}-fresh`);
      await fresh.open();
      const shape = (d: Dexie) => {
        const idb = d.backendDB();
        const tx = idb.transaction([...idb.objectStoreNames], 'readonly');
        return [...idb.objectStoreNames].map((name) => {
          const os = tx.objectStore(name);
          const indexes = [...os.indexNames].map((n) => {
            const i = os.index(n);
            return `${n}=${JSON.stringify(i.keyPath)}${i.multiEntry ? '*' : ''}${i.unique ? '&' : ''}`;
          });
          return `${name} ${JSON.stringify(os.keyPath)}${os.autoIncrement ? '++' : ''}: ${indexes.sort().join(',')}`;
        });
      };
      expect(shape(fresh)).toContain('messages "id": inboxes="inboxes"*,threadId="threadId"');
      expect(shape(fresh)).toContain('rawChunks null++: ');
      expect(db.verno).toBe(fresh.verno);
      expect(shape(db).sort()).toEqual(shape(fresh).sort());
      await fresh.delete();
      expect((await db.messages.get('old@x'))?.subject).toBe('kept across upgrades');
      expect((await db.raws.get('old@x'))?.raw.length).toBeGreaterThan(50);
      expect(await getRaw(db, 'old@x')).toEqual((await db.raws.get('old@x'))?.raw);
      expect(await db.reads.get('old@x')).toMatchObject({ threadId: 'old@x', at: 5 });
      expect(await db.inboxes.get('linux-usb')).toMatchObject({ messageCount: 1 });
      // v2 gave every thread a crash field.
      expect((await db.threads.get('old@x'))?.crash).toBeNull();
      expect(await db.oopses.count()).toBe(0);
      // v4 moved thread membership into the nodes table, and v10 into the node log.
      const logged = await db.transaction('r', db.nodeLog, async () =>
        (await nodeMap(db)).get('old@x'),
      );
      expect(logged).toBe('old@x');
      expect((await threadOf(db, 'old@x'))?.id).toBe('old@x');

      // Mail stored before the search index existed becomes searchable.
      expect(await indexBacklog(db)).toBe(1);
      const q = parseQuery('platypus', Date.now());
      if (!q.ok) throw new Error(q.error.message);
      const ids: string[] = [];
      await runSearch(db, q.ast, { onHits: (h) => ids.push(...h.map((x) => x.id)) });
      expect(ids).toEqual(['old@x']);
    } finally {
      db.close();
    }
  });
});

/** The stores of schema version 8: one index row per message (searchDocs). */
const V8 = {
  messages: 'id, threadId, *inboxes',
  raws: 'id',
  threads: 'id, lastDate, subjectKey',
  inboxThreads: '[inbox+threadId], [inbox+lastDate], threadId',
  inboxes: 'name',
  reads: 'id, threadId',
  settings: 'key',
  oopses: 'id, title, type, date',
  nodes: 'id',
  searchDocs: 'no, &id, *inboxes',
  postings: '[t+seg], seg',
  savedSearches: '++id',
  searchMeta: 'key',
  searchCache: 'key',
};

describe('the version 9, 10, 12, 13 and 14 upgrades', () => {
  it('folds per-message index rows into segments, keeps every posting, moves nodes into the log and lists threads by their own rows', async () => {
    // A store written by today's code, turned back into the version 8 layout.
    const now = new LoupeDB(`${NAME}-now`);
    await now.open();
    const mails = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        parseMessage(
          new TextEncoder().encode(
            `Message-ID: <m${i}@x>\nFrom: Ann <ann@x>\nSubject: wombat ${i}\nDate: Mon, 1 Jun 2020 ${10 + i}:00:00 +0000\n\n${i % 2 ? 'odd' : 'even'} body\n`,
          ),
        ),
      ),
    );
    await storeBatch(now, 'lkml', mails.slice(0, 5));
    await storeBatch(now, 'lkml', mails.slice(5, 10));
    await storeBatch(now, 'linux-mm', mails.slice(8, 12));
    const ask = async (db: LoupeDB, query: string, inbox = '*') => {
      const q = parseQuery(query, Date.now());
      if (!q.ok) throw new Error(q.error.message);
      const ids: string[] = [];
      await runSearch(db, q.ast, { inbox, onHits: (h) => ids.push(...h.map((x) => x.id)) });
      return ids.sort();
    };
    const queries: [string, string][] = [
      ['wombat', '*'],
      ['odd', 'lkml'],
      ['even', 'linux-mm'],
      ['inbox:linux-mm', '*'],
    ];
    const want = await Promise.all(queries.map(([q, ib]) => ask(now, q, ib)));
    const extra = await now.searchInboxes.toArray();
    const docs = (await now.searchSegs.toArray()).flatMap((s) =>
      s.ids.flatMap((id, i) => {
        const no = s.seg + i;
        const more = extra.filter((x) => x.no === no).map((x) => x.inbox);
        const inboxes = [...s.inboxes[i], ...more];
        return id ? [{ no, id, date: s.dates[i], inboxes, seg: s.seg, size: s.sizes[i] }] : [];
      }),
    );
    const lists = async (db: LoupeDB) =>
      Promise.all(
        ['lkml', 'linux-mm'].map(async (ib) => [
          await countThreads(db, ib),
          ...(await listThreads(db, ib, 0, 50)).map((t) => `${t.id} ${t.lastDate}`),
        ]),
      );
    const wantLists = await lists(now);
    const old = new Dexie(NAME);
    old.version(8).stores(V8);
    await old.open();
    const own = ['searchDocs', 'searchCache', 'nodes', 'threads', 'inboxThreads'];
    for (const t of Object.keys(V8))
      if (!own.includes(t)) await old.table(t).bulkAdd(await now.table(t).toArray());
    // Version 8 listed each inbox's threads in a row per inbox and thread, and kept
    // a node row per id.
    const threads = await now.threads.toArray();
    await old.table('threads').bulkAdd(threads.map(({ listKeys: _keys, ...t }) => t));
    await old
      .table('inboxThreads')
      .bulkAdd(
        threads.flatMap((t) =>
          t.inboxes.map((inbox) => ({ inbox, threadId: t.id, lastDate: t.lastDate })),
        ),
      );
    await old
      .table('nodes')
      .bulkAdd(threads.flatMap((t) => t.nodeIds.map((id) => ({ id, threadId: t.id }))));
    await old.table('searchDocs').bulkAdd(docs);
    old.close();
    await now.delete();

    const db = new LoupeDB(NAME);
    await db.open();
    try {
      expect(await Promise.all(queries.map(([q, ib]) => ask(db, q, ib)))).toEqual(want);
      expect(want[0]).toHaveLength(12);
      // Version 13 keeps the posting rows and drops their index by segment.
      expect(await db.postings.count()).toBeGreaterThan(0);
      const postings = db.backendDB().transaction('postings').objectStore('postings');
      expect([...postings.indexNames]).toEqual([]);
      // Version 14 drops the index on the segment rows' ids: a cross-post still finds its number.
      const segStore = db.backendDB().transaction('searchSegs').objectStore('searchSegs');
      expect([...segStore.indexNames]).toEqual([]);
      await storeBatch(db, 'netdev', mails.slice(0, 2));
      expect(await ask(db, 'inbox:netdev')).toEqual(['m0@x', 'm1@x']);
      const segs = await db.searchSegs.toArray();
      expect(segs.map((s) => [s.seg, s.ids.length])).toEqual([
        [1, 5],
        [6, 5],
        [11, 2],
      ]);
      // Version 10 folded the node rows into the node log: every id still finds its thread.
      const logged = await db.transaction('r', db.nodeLog, async () => {
        const nodes = await nodeMap(db);
        return threads.flatMap((t) => t.nodeIds.map((id) => [id, nodes.get(id)]));
      });
      expect(logged).toEqual(threads.flatMap((t) => t.nodeIds.map((id) => [id, t.id])));
      expect(logged).toHaveLength(12);
      expect(await db.nodeLog.count()).toBe(1);
      // Version 12 lists each inbox's threads by an index on the thread rows.
      expect(await lists(db)).toEqual(wantLists);
      expect(wantLists.map((l) => l[0])).toEqual([10, 4]);
      expect(segs[1].inboxes.map((l) => [...l].sort().join())).toEqual([
        'lkml',
        'lkml',
        'lkml',
        'linux-mm,lkml',
        'linux-mm,lkml',
      ]);
    } finally {
      db.close();
    }
  });
});

/** The stores of schema version 14: message rows hold their raw bytes. */
const V14 = {
  messages: 'id, threadId, *inboxes',
  raws: 'id',
  threads: 'id, lastDate, subjectKey, *listKeys',
  inboxes: 'name',
  reads: 'id, threadId',
  settings: 'key',
  oopses: 'id, title, type, date',
  nodeLog: '++seq',
  searchSegs: 'seg',
  searchInboxes: '[no+inbox], inbox',
  postings: '[t+seg]',
  savedSearches: '++id',
  searchMeta: 'key',
  searchCache: 'key',
  syncStatus: 'inbox',
  watches: 'id, inbox',
};

describe('the version 15 upgrade', () => {
  it('reads rows that hold their raw bytes beside rows whose bytes are in chunks: raw view, backup, index', async () => {
    const enc = new TextEncoder();
    const parse = (id: string, word: string) =>
      parseMessage(
        enc.encode(
          `Message-ID: <${id}>\nFrom: Ann <ann@x>\nSubject: ${word} report\nDate: Mon, 1 Jun 2020 10:00:00 +0000\nDKIM-Signature: v=1; a=rsa-sha256; d=x; b=abc\n\nthe ${word} stalls\n`,
        ),
      );
    const inline = await parse('inline@x', 'wombat');
    const old = new Dexie(NAME);
    old.version(14).stores(V14);
    await old.open();
    // A plain message as v8 to v14 stored it: its body only in its raw bytes.
    const { textAt, ...row } = inline;
    await old
      .table('messages')
      .add({ ...row, text: '', textAt, inboxes: ['l'], threadId: 'inline@x' });
    await old.table('inboxes').add({
      name: 'l',
      url: null,
      title: 'l',
      addedAt: 1,
      lastSync: null,
      feedSeen: [],
      messageCount: 1,
    });
    old.close();

    const db = new LoupeDB(NAME);
    await db.open();
    try {
      expect(db.verno).toBe(15);
      const chunked = await parse('chunked@x', 'dingo');
      // As a restore hands it over: parsed in the writer, packed there.
      await storeBatch(db, 'l', [chunked]);
      expect((await db.messages.get('inline@x'))?.text).toBe(inline.text);
      expect((await db.messages.get('chunked@x'))?.text).toBe(chunked.text);
      expect(await getRaw(db, 'inline@x')).toEqual(inline.raw);
      expect(await getRaw(db, 'chunked@x')).toEqual(chunked.raw);

      const counts = new Map<string, number>();
      const mbox = await new Response(backupMbox(db, ['l'], counts)).text();
      expect(counts.get('l')).toBe(2);
      expect(mbox).toContain('the wombat stalls');
      expect(mbox).toContain('the dingo stalls');
      expect(mbox.match(/DKIM-Signature/g)).toHaveLength(2);

      // The old row is indexed from the backlog, its size read from its bytes; the
      // new one at import, its size from its row.
      expect(await indexBacklog(db)).toBe(1);
      const sizes = (await db.searchSegs.toArray()).flatMap((s) =>
        s.ids.map((id, i) => [id, s.sizes[i]]),
      );
      expect(new Map(sizes as [string, number][])).toEqual(
        new Map([
          ['chunked@x', chunked.raw.length],
          ['inline@x', inline.raw.length],
        ]),
      );
    } finally {
      db.close();
    }
  });
});
