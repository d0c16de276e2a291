/**
 * The search index against brute force: for every query the index must return
 * exactly the messages matchMessage accepts when run over every stored message.
 */
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { crashSummary } from '../../../src/core/oops';
import {
  matchMessage,
  parseQuery,
  prepareDoc,
  type PreparedDoc,
  type QueryNode,
} from '../../../src/core/query';
import { markRead } from '../../../src/db/marks';
import { getRaw } from '../../../src/db/queries';
import {
  LoupeDB,
  type SearchDocsRow,
  type SearchIdsRow,
  type SearchSegRow,
} from '../../../src/db/schema';
import { fillIds, idsOf, loadCache } from '../../../src/db/search/cache';
import { meta } from '../../../src/db/search/meta';
import { IDS_PER_ROW, type DocTable } from '../../../src/db/search/saved';
import {
  countMatches,
  deleteInboxIndex,
  indexBacklog,
  runSearch,
  selectSmallest,
  smallestFirst,
  type SearchHit,
} from '../../../src/db/search';
import { hitRanges } from '../../../src/core/query/highlight';
import { ANY, GROUP_BITS, toSearchDoc } from '../../../src/core/query/terms';
import { INDEX_VERSION } from '../../../src/core/query/index-version';
import { parseRaws } from '../../../src/core/parse';
import { storeBatch, type IngestItem } from '../../../src/db/store';
import { projectRoot, rng } from '../shared';
import { scratchDbs } from './helpers';

const scratch = scratchDbs();

const NOW = Date.UTC(2024, 5, 15);
let db: LoupeDB;
let items: IngestItem[];

function parse(q: string): QueryNode {
  const r = parseQuery(q, NOW);
  if (!r.ok) throw new Error(`${q}: ${r.error.message}`);
  return r.ast;
}

/** Every stored message as the verifier sees it, built once (read marks are looked up per query). */
let corpus: PreparedDoc[];

async function preparedCorpus(): Promise<PreparedDoc[]> {
  const msgs = await db.messages.toArray();
  const out: PreparedDoc[] = [];
  for (const m of msgs) {
    const crash = await db.oopses.get(m.id);
    const size = (await getRaw(db, m.id))?.length ?? 0;
    out.push(prepareDoc(toSearchDoc(m, m.inboxes, crash, true, size)));
  }
  return out;
}

async function bruteForce(ast: QueryNode, inbox = '*'): Promise<string[]> {
  const reads = new Set(await db.reads.toCollection().primaryKeys());
  const out: string[] = [];
  for (const p of corpus) {
    p.doc.unread = !reads.has(p.doc.id);
    if (inbox !== '*' && !p.doc.inboxes.includes(inbox)) continue;
    if (matchMessage(ast, p)) out.push(p.doc.id);
  }
  return out.sort();
}

async function viaIndex(ast: QueryNode, inbox = '*', order: 'date' | 'relevance' = 'date') {
  const hits: SearchHit[] = [];
  const r = await runSearch(db, ast, {
    inbox,
    order,
    limit: Infinity,
    onHits: (h) => hits.push(...h),
  });
  return { ids: hits.map((h) => h.id).sort(), hits, summary: r };
}

/** The ids of every hit of `ast` in `d`, sorted. */
async function hitIds(d: LoupeDB, ast: QueryNode): Promise<string[]> {
  const got: SearchHit[] = [];
  await runSearch(d, ast, { limit: Infinity, onHits: (h) => got.push(...h) });
  return got.map((h) => h.id).sort();
}

/** The saved id rows of a database, in number order. */
async function savedIdRows(d: LoupeDB): Promise<string[][]> {
  const rows = (await d.searchCache.toArray()).filter((r) => r.key.startsWith('ids:'));
  const at = (r: { key: string }) => Number(r.key.slice(4));
  return rows.sort((a, b) => at(a) - at(b)).map((r) => (r as SearchIdsRow).ids);
}

/** A database of its own holding the first `n` generated messages, stored in one batch. */
async function storeOf(name: string, n: number): Promise<LoupeDB> {
  const d = await scratch(name);
  await storeBatch(d, 'lkml', items.slice(0, n));
  return d;
}

/** What a connection asked IndexedDB for, in order: each read when asked and when answered. */
interface ReadLog {
  table: string;
  /** The keys of a get, the start of a range. */
  keys: unknown[];
  at: 'ask' | 'answer';
}

/** Another connection to the database `name` that logs every read it makes. */
async function watched(name: string): Promise<{ d: LoupeDB; log: ReadLog[] }> {
  const log: ReadLog[] = [];
  const d = new LoupeDB(name);
  d.use({
    stack: 'dbcore',
    name: 'watch',
    create: (down) => ({
      ...down,
      table: (t) => {
        const table = down.table(t);
        const note = <R>(keys: unknown[], read: Promise<R>) => {
          log.push({ table: t, keys, at: 'ask' });
          return read.then((r) => {
            log.push({ table: t, keys, at: 'answer' });
            return r;
          });
        };
        return {
          ...table,
          get: (req) => note([req.key], table.get(req)),
          getMany: (req) => note(req.keys, table.getMany(req)),
          query: (req) => note([req.query.range.lower], table.query(req)),
        };
      },
    }),
  });
  await d.open();
  return { d, log };
}

const asked = (log: ReadLog[], table: string) =>
  log.filter((e) => e.table === table && e.at === 'ask').flatMap((e) => e.keys);

/** The raw messages of an LKML-like mbox made by tools/gen_mbox.py. */
function generatedMail(messages: number, seed: number): Uint8Array[] {
  const file = join(tmpdir(), `loupe-search-${process.pid}-${seed}.mbox`);
  execFileSync('python3', [
    join(projectRoot, 'tools/gen_mbox.py'),
    ...['--messages', String(messages), '--seed', String(seed), '--out', file],
  ]);
  return splitMbox(readFileSync(file));
}

beforeAll(async () => {
  items = [];
  const raws = generatedMail(700, 3);
  for (const raw of raws) {
    const m = await parseMessage(raw);
    items.push(m.hasOops ? { ...m, crash: crashSummary(m.text) } : m);
  }
  // The first inbox comes as parse workers send it: term runs of 64 messages, which
  // batches cut across, and bodies left in their bytes; every 7th message is
  // tokenized by the writer instead. The second inbox is all tokenized by the writer.
  const parsed: IngestItem[] = [];
  for (let i = 0; i < 500; i += 64) parsed.push(...(await parseRaws(raws.slice(i, i + 64))).items);
  const lkml = parsed.map((m, i) => (i % 7 ? m : { ...items[i] }));
  db = new LoupeDB('search-test');
  await db.open();
  // Two inboxes, a cross-post overlap, and batches small enough to make many segments.
  for (let i = 0; i < 500; i += 100) await storeBatch(db, 'lkml', lkml.slice(i, i + 100));
  await storeBatch(db, 'Linux-USB', items.slice(450, 700));
  const some = await db.messages.limit(40).toArray();
  for (const m of some) await markRead(db, m.threadId, [m.id]);
  corpus = await preparedCorpus();
}, 120_000);

afterAll(async () => {
  await db.delete();
});

const QUERIES = [
  's:btrfs_extent_sync_vma',
  'f:syzbot d:2024-01-01..2024-01-02',
  'dfn:drivers/usb/core/hub.c',
  'dfn:block/blk-core.c',
  'dfn:fs/btrfs/inode.c',
  'oops:"possible deadlock"',
  'b:"use-after-free"',
  'is:patch s:usb',
  'deadlock',
  '"possible deadlock"',
  'syzbot OR nvme',
  'NOT syzbot',
  'kasan -f:syzbot',
  'allo*',
  's:alloc* AND is:patch',
  'is:unread syzbot',
  'is:read',
  'is:oops',
  'inbox:linux-usb',
  'inbox:linux-usb s:patch',
  'type:kasan*',
  'd:2024-01-01..2024-01-01',
  'z:..2000',
  'l:linux-block',
  'lid:linux-block.vger.kernel.org',
  'nq:lock AND q:lock',
  'a:szhao',
  'dfb:return dfa:return',
  'tc:vger',
  'bs:net XOR s:net',
  'm:szhao*',
  '',
];

describe('search index = brute force', () => {
  it('numbers every message once, in segments, and records cross-posts beside them', async () => {
    const segs = await db.searchSegs.toArray();
    const ids = segs.flatMap((s) => s.ids).filter(Boolean);
    expect(ids.length).toBe(await db.messages.count());
    expect(new Set(ids).size).toBe(ids.length);
    // 460 came with lkml; Linux-USB got it later, as a row of its own.
    const seg = segs.find((s) => s.ids.includes(items[460].id)) as SearchSegRow;
    const no = seg.seg + seg.ids.indexOf(items[460].id);
    expect(seg.inboxes[no - seg.seg]).toEqual(['lkml']);
    expect(await db.searchInboxes.get([no, 'linux-usb'])).toBeDefined();
  });

  for (const q of QUERIES) {
    it(`same set for ${JSON.stringify(q)}`, async () => {
      const ast = parse(q);
      const expected = await bruteForce(ast);
      const got = await viaIndex(ast);
      // A query with no hit could not catch a hit the index drops.
      expect(expected.length).toBeGreaterThan(0);
      expect(got.ids).toEqual(expected);
      const ranked = await viaIndex(ast, '*', 'relevance');
      expect(ranked.ids).toEqual(expected);
    });
  }

  it('gives the same set within one inbox', async () => {
    for (const q of ['deadlock', 'NOT syzbot', 'is:patch']) {
      const ast = parse(q);
      const want = await bruteForce(ast, 'Linux-USB');
      expect((await viaIndex(ast, 'Linux-USB')).ids).toEqual(want);
      expect((await viaIndex(ast, 'Linux-USB', 'relevance')).ids).toEqual(want);
    }
    expect((await viaIndex(parse('deadlock'), 'no-such-inbox')).ids).toEqual([]);
  });

  it('narrows dfn: to the messages whose diff names the file', async () => {
    const { summary } = await viaIndex(parse('dfn:fs/btrfs/inode.c'));
    expect(summary.matched).toBeGreaterThan(0);
    // The same words anywhere in a body are many more messages.
    const body = await viaIndex(parse('b:fs/btrfs/inode.c'));
    expect(body.summary.matched).toBeGreaterThan(summary.matched);
    expect(summary.candidates).toBe(summary.matched);
  });

  it('finds dfn: in a plain unified diff without a git header', async () => {
    const other = await scratch('search-plain-diff');
    const raw = [
      'From: Ann Example <ann@example.org>',
      'To: list@example.org',
      'Subject: [PATCH] frob: fix the count',
      'Message-ID: <plain-diff@example.org>',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      '',
      'Fix it.',
      '',
      '--- a/drivers/frob/frobnicate.c',
      '+++ b/drivers/frob/frobnicate.c',
      '@@ -1,1 +1,1 @@',
      '-old',
      '+new',
      '',
    ].join('\n');
    await storeBatch(other, 'lkml', [await parseMessage(new TextEncoder().encode(raw))]);
    const r = await runSearch(other, parse('dfn:drivers/frob/frobnicate.c'), { limit: Infinity });
    expect(r.matched).toBe(1);
  });

  it('sees a message marked read after an earlier search', async () => {
    const q = parse('is:unread syzbot');
    const before = await viaIndex(q);
    const target = before.hits[0];
    expect(target.unread).toBe(true);
    await markRead(db, target.threadId, [target.id]);
    const after = await viaIndex(q);
    expect(after.ids).toEqual(before.ids.filter((id) => id !== target.id));
    expect(after.ids).toEqual(await bruteForce(q));
    const shown = (await viaIndex(parse('syzbot'))).hits.find((h) => h.id === target.id);
    expect(shown?.unread).toBe(false);
  });

  it('narrows a selective query to few candidates and orders by date', async () => {
    const { hits, summary } = await viaIndex(parse('f:syzbot'), '*', 'date');
    expect(summary.candidates).toBe(summary.matched);
    const dates = hits.map((h) => h.date);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('ranks subject hits above body-only hits', async () => {
    const { hits } = await viaIndex(parse('deadlock'), '*', 'relevance');
    const firstBodyOnly = hits.findIndex((h) => !h.subject.some((s) => s.hit));
    const lastSubject = hits.map((h) => h.subject.some((s) => s.hit)).lastIndexOf(true);
    expect(firstBodyOnly).toBeGreaterThan(-1);
    expect(lastSubject).toBeLessThan(firstBodyOnly);
  });

  it('names the crash of each hit that reports one, whether or not the query is about crashes', async () => {
    const crashes = await db.oopses.toArray();
    expect(crashes.length).toBeGreaterThan(3);
    const want = new Map(crashes.map((c) => [c.id, { title: c.title, type: c.type }]));
    for (const q of ['f:syzbot', 'oops:KASAN OR f:syzbot']) {
      const { hits } = await viaIndex(parse(q));
      const withCrash = hits.filter((h) => h.crash);
      expect(withCrash.length).toBeGreaterThan(0);
      for (const h of hits) expect(h.crash).toEqual(want.get(h.id) ?? null);
    }
  });

  it('stops at the limit and streams in chunks', async () => {
    const chunks: number[] = [];
    const r = await runSearch(db, parse('NOT syzbot'), {
      limit: 30,
      onHits: (h) => chunks.push(h.length),
    });
    expect(r.matched).toBe(30);
    expect(r.more).toBe(true);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('says there is more when the page fills up inside the first chunk', async () => {
    const all = (await viaIndex(parse('deadlock'))).ids.length;
    expect(all).toBeGreaterThan(30);
    const r = await runSearch(db, parse('deadlock'), { limit: 10, order: 'date' });
    expect(r).toMatchObject({ matched: 10, more: true });
    const whole = await runSearch(db, parse('deadlock'), { limit: Infinity, order: 'date' });
    expect(whole).toMatchObject({ matched: all, more: false });
  });

  it('stops when cancelled', async () => {
    const r = await runSearch(db, parse('NOT syzbot'), {
      limit: Infinity,
      signal: AbortSignal.abort(),
    });
    expect(r.cancelled).toBe(true);
    expect(r.matched).toBe(0);
  });

  it('highlights hits and gives thread context', async () => {
    const { hits } = await viaIndex(parse('s:deadlock'));
    const h = hits[0];
    expect(h.subject.filter((s) => s.hit).map((s) => s.text.toLowerCase())).toContain('deadlock');
    expect(h.thread?.position).toBeGreaterThan(0);
    expect(
      hitRanges(
        'A use-after-free here',
        parse('"use-after-free"') && [
          { field: 'default', tokens: ['use', 'after', 'free'], prefix: false },
        ],
      ),
    ).toEqual([[2, 16]]);
  });

  it('reads the thread of each hit, not of candidates read ahead of the page', async () => {
    const { d, log } = await watched('search-test');
    const hits: SearchHit[] = [];
    const r = await runSearch(d, parse('deadlock'), {
      limit: 10,
      order: 'date',
      onHits: (h) => hits.push(...h),
    });
    d.close();
    expect(r.matched).toBe(10);
    const threads = new Set(asked(log, 'threads'));
    expect(threads).toEqual(new Set(hits.map((h) => h.threadId)));
    // The first chunk read more candidates than the page shows, in more threads.
    const read = await db.messages.bulkGet(asked(log, 'messages') as string[]);
    expect(new Set(read.map((m) => m?.threadId)).size).toBeGreaterThan(threads.size);
  });

  it("asks for every word's posting rows at once, and for each row once", async () => {
    const { d, log } = await watched('search-test');
    const q = parse('"possible deadlock" nvme OR syzbot');
    const r = await runSearch(d, q, { limit: Infinity, order: 'date' });
    d.close();
    expect(r.matched).toBe((await bruteForce(q)).length);
    const reads = log.filter((e) => e.table === 'postings');
    const firstAnswer = reads.findIndex((e) => e.at === 'answer');
    // possible, deadlock, nvme and syzbot: four words in four buckets.
    expect(reads.slice(0, firstAnswer).length).toBeGreaterThanOrEqual(4);
    const rows = asked(log, 'postings').map((k) => JSON.stringify(k));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows).size).toBe(rows.length);
  });

  it('hands out keys in sorted order a chunk at a time', () => {
    const next = rng(7);
    // Few distinct keys, so that ties are many.
    const rand = () => Math.floor(next() * 5000) / 7;
    const inputs = [
      Float64Array.from({ length: 3000 }, rand),
      Float64Array.from({ length: 3000 }, (_, i) => i),
      Float64Array.from({ length: 3000 }, (_, i) => 3000 - i),
      Float64Array.from({ length: 3000 }, (_, i) => i % 3),
    ];
    for (const keys of inputs) {
      const want = [...keys].sort((a, b) => a - b);
      const queue = smallestFirst(keys, 0);
      const got: number[] = [];
      for (const n of [1, 24, 100, 7, 500, 5000]) got.push(...queue.next(n));
      expect(queue.done).toBe(true);
      expect(got).toEqual(want);
    }
    const a = Float64Array.from({ length: 999 }, rand);
    const k = 321;
    selectSmallest(a, 0, a.length - 1, k);
    const sorted = [...a].sort((x, y) => x - y);
    expect(a[k]).toBe(sorted[k]);
    expect(a.subarray(0, k).every((x) => x <= a[k])).toBe(true);
    expect(a.subarray(k + 1).every((x) => x >= a[k])).toBe(true);
  });

  it('counts matches with a cap', async () => {
    const all = await bruteForce(parse('NOT syzbot'));
    expect(await countMatches(db, parse('NOT syzbot'), '*', 10)).toEqual({
      count: 10,
      capped: true,
    });
    expect((await countMatches(db, parse('NOT syzbot'), '*', 1e9)).count).toBe(all.length);
  });

  it('counts unread badges from the read marks without reading a message', async () => {
    const badges: [string, string][] = [
      ['is:unread', '*'],
      ['is:unread', 'Linux-USB'],
      ['is:read', 'lkml'],
      ['is:unread AND (inbox:"lkml" OR inbox:"Linux-USB")', '*'],
      ['is:unread AND inbox:"linux-usb"', '*'],
      ['is:read inbox:lkml', 'Linux-USB'],
    ];
    for (const [q, inbox] of badges) {
      const want = await bruteForce(parse(q), inbox);
      // Every message of the inbox is read or not: a count that read none is no stub.
      expect(want.length).toBeGreaterThan(0);
      const r = await runSearch(db, parse(q), { inbox, countOnly: true, limit: Infinity });
      expect([q, inbox, r.matched]).toEqual([q, inbox, want.length]);
      expect(r.verified).toBe(0);
      const capped = await countMatches(db, parse(q), inbox, want.length - 1);
      expect(capped).toEqual({ count: want.length - 1, capped: true });
      expect(await countMatches(db, parse(q), inbox, want.length)).toEqual({
        count: want.length,
        capped: false,
      });
    }
    // A word in the query still has every candidate verified against its message.
    const word = await runSearch(db, parse('is:unread syzbot'), {
      countOnly: true,
      limit: Infinity,
    });
    expect(word.matched).toBe((await bruteForce(parse('is:unread syzbot'))).length);
    expect(word.verified).toBeGreaterThan(0);
  });

  it('holds a background count while a query runs, at each chunk it reads', async () => {
    let open = true;
    let release = () => {};
    let waits = 0;
    const pause = () => {
      waits++;
      return open ? Promise.resolve() : new Promise<void>((r) => (release = r));
    };
    const q = parse('NOT syzbot');
    const whole = (await bruteForce(q)).length;
    // Background chunks are small: a count of every match pauses once per chunk.
    expect(await countMatches(db, q, '*', 1e9, undefined, pause)).toEqual({
      count: whole,
      capped: false,
    });
    expect(waits).toBeGreaterThan(whole / 48);
    open = false;
    let done = false;
    const held = countMatches(db, q, '*', 1e9, undefined, pause).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    open = true;
    release();
    expect((await held).count).toBe(whole);
  });

  it('indexes a backlog of messages stored before the index', async () => {
    const other = await storeOf('search-backlog', 50);
    await other.searchSegs.clear();
    await other.postings.clear();
    const seen: [number, number][] = [];
    expect(await indexBacklog(other, 20, (done, total) => seen.push([done, total]))).toBe(50);
    expect(seen).toEqual([
      [0, 50],
      [20, 50],
      [40, 50],
      [50, 50],
    ]);
    expect(await indexBacklog(other)).toBe(0);
    const r = await runSearch(other, parse('NOT zzzz'), { limit: Infinity });
    expect(r.matched).toBe(50);
  });

  it('rebuilds an index written by another version of the indexer', async () => {
    const other = await storeOf('search-version', 60);
    const q = parse('NOT zzzz');
    expect((await runSearch(other, q, { limit: Infinity })).matched).toBe(60);
    expect((await other.searchMeta.get('version'))?.value).toBe(INDEX_VERSION);
    expect(await indexBacklog(other)).toBe(0);
    // As if the index had been written by an older indexer: every message is indexed again.
    await other.searchMeta.put({ key: 'version', value: INDEX_VERSION + 1 });
    const gen = (await other.searchMeta.get('gen'))?.value ?? 0;
    expect(await indexBacklog(other)).toBe(60);
    expect((await other.searchMeta.get('version'))?.value).toBe(INDEX_VERSION);
    expect((await other.searchMeta.get('gen'))?.value).toBeGreaterThan(gen);
    const ids = (await other.searchSegs.toArray()).flatMap((s) => s.ids).filter(Boolean);
    expect(new Set(ids).size).toBe(60);
    expect(ids).toHaveLength(60);
    expect((await runSearch(other, q, { limit: Infinity })).matched).toBe(60);
    expect(await indexBacklog(other)).toBe(0);
  });

  it('answers from postings read earlier and still finds mail stored after them', async () => {
    const other = await storeOf('search-later', 300);
    const q = parse('deadlock OR nvme');
    const count = async () => (await runSearch(other, q, { limit: Infinity })).matched;
    const first = await count();
    expect(first).toBeGreaterThan(0);
    // The same query again: served from the posting rows kept by the first one.
    expect(await count()).toBe(first);
    await storeBatch(other, 'lkml', items.slice(300, 700));
    const all = (await runSearch(other, q, { limit: Infinity })).matched;
    expect(all).toBeGreaterThan(first);
    expect(all).toBe(
      items.filter((m) => matchMessage(q, toSearchDoc(m, ['lkml'], m.crash, true, 0))).length,
    );
    // Inbox membership is kept in memory too: a cross-post made after a query counts.
    const usb = parse('inbox:usb');
    expect((await runSearch(other, usb, { limit: Infinity })).matched).toBe(0);
    await storeBatch(other, 'usb', items.slice(100, 130));
    expect((await runSearch(other, usb, { limit: Infinity })).matched).toBe(30);
    expect((await runSearch(other, q, { inbox: 'usb', limit: Infinity })).matched).toBe(
      items
        .slice(100, 130)
        .filter((m) => matchMessage(q, toSearchDoc(m, ['usb'], m.crash, true, 0))).length,
    );
  });

  it('shows a hit read by an earlier query in the thread and inboxes that later imports gave it', async () => {
    const other = await scratch('search-moved');
    const mail = (id: string, refs: string, subject: string) =>
      parseMessage(
        new TextEncoder().encode(
          [
            'From: Ann Author <ann@example.org>',
            'To: linux-kernel@vger.kernel.org',
            `Subject: ${subject}`,
            'Date: Mon, 1 Jan 2024 10:00:00 +0000',
            `Message-ID: <${id}>`,
            ...(refs ? [`In-Reply-To: <${refs}>`, `References: <${refs}>`] : []),
            '',
            'The zanzibarish lock is taken twice.',
            '',
          ].join('\n'),
        ),
      );
    const hit = async () => {
      const hits: SearchHit[] = [];
      await runSearch(other, parse('zanzibarish'), { onHits: (h) => hits.push(...h) });
      return hits.find((h) => h.id === 'reply@x');
    };
    // The reply comes first: its parent is missing, so its thread is the ghost parent's.
    await storeBatch(other, 'lkml', [await mail('reply@x', 'parent@x', 'Re: [PATCH] lock')]);
    expect((await hit())?.threadId).toBe('parent@x');
    // The parent arrives, itself a reply to a missing root: the thread moves up to it.
    await storeBatch(other, 'lkml', [await mail('parent@x', 'root@x', '[PATCH] lock')]);
    expect((await hit())?.threadId).toBe('root@x');
    // The same reply cross-posted to a second list.
    await storeBatch(other, 'netdev', [await mail('reply@x', 'parent@x', 'Re: [PATCH] lock')]);
    expect((await hit())?.inboxes.sort()).toEqual(['lkml', 'netdev']);
  });

  it('keeps the postings of a common word in rows of its own and answers the same', async () => {
    const one = await scratch('search-own-rows');
    // One segment of 700 messages: words in more than 512 of them leave their buckets.
    await storeBatch(one, 'lkml', items.slice(0, 700));
    const own = await one.postings.filter((r) => r.t.startsWith('\u0002')).toArray();
    const words = own.flatMap((r) => r.keys);
    expect(words).toContain('the');
    expect(own.every((r) => r.keys.length === 1 && 'lists' in r && r.lists.length > 512)).toBe(
      true,
    );
    const bucket = await one.postings.get(['th', 1]);
    expect(bucket?.keys).not.toContain('the');
    expect(bucket?.keys.length).toBeGreaterThan(0);
    for (const q of [
      'the',
      'thread',
      'th*',
      'the*',
      't*',
      '"the lock"',
      'the -thread',
      'is:patch',
    ]) {
      const ast = parse(q);
      const want = items.filter((m) =>
        matchMessage(ast, toSearchDoc(m, ['lkml'], m.crash, true, m.raw.length)),
      );
      const r = await runSearch(one, ast, { limit: Infinity });
      expect(r.matched, q).toBe(want.length);
    }
  });

  it('reads no bucket row of a segment where a whole word has a row of its own', async () => {
    // One segment of 600 messages ("the" in a row of its own) and one of 100 ("the" in
    // its bucket), then one segment of all 700 ("the" in rows of its own everywhere).
    const split = await scratch('search-own-split');
    await storeBatch(split, 'lkml', items.slice(0, 600));
    await storeBatch(split, 'lkml', items.slice(600, 700));
    const whole = await scratch('search-own-whole');
    await storeBatch(whole, 'lkml', items.slice(0, 700));
    for (const d of [split, whole]) {
      const own = await d.postings.where('[t+seg]').equals(['\u0002the', 1]).count();
      expect(own).toBe(1);
      // A bucket row that claims every message of the first segment holds "the": read,
      // it would make every message a candidate.
      const row = await d.postings.get(['th', 1]);
      if (!row || !('lists' in row)) throw new Error('no bucket row th in segment 1');
      const after = row.keys.findIndex((k) => k > 'the');
      const at = after < 0 ? row.keys.length : after;
      const n = (await d.searchSegs.get(1))?.ids.length ?? 0;
      const bogus = Uint32Array.from({ length: n }, (_, i) => i * 2 ** GROUP_BITS + ANY);
      const lists = (k: number) => row.lists.subarray(row.starts[k], row.starts[k + 1]);
      const keys = [...row.keys.slice(0, at), 'the', ...row.keys.slice(at)];
      const parts = keys.map((_, i) => (i === at ? bogus : lists(i < at ? i : i - 1)));
      const starts = new Uint32Array(keys.length + 1);
      parts.forEach((l, i) => (starts[i + 1] = starts[i] + l.length));
      const all = new Uint32Array(starts[keys.length]);
      parts.forEach((l, i) => all.set(l, starts[i]));
      await d.postings.put({ t: 'th', seg: 1, keys, lists: all, starts });
    }
    for (const q of ['the', '"the lock"', 'the -thread', 'thread']) {
      const ast = parse(q);
      const want = items.filter((m) =>
        matchMessage(ast, toSearchDoc(m, ['lkml'], m.crash, true, m.raw.length)),
      ).length;
      for (const d of [split, whole]) {
        const r = await runSearch(d, ast, { limit: Infinity });
        expect(r.matched, q).toBe(want);
        if (q === 'the') expect(r.candidates, q).toBe(want);
      }
    }
  });

  it('reads posting rows stored one array per key, as before', async () => {
    const name = 'search-old-rows';
    const first = await storeOf(name, 300);
    const queries = [
      'deadlock OR nvme',
      'th*',
      'the',
      's:alloc* AND is:patch',
      '"possible deadlock"',
    ];
    const counts = async (d: LoupeDB) => {
      const out: number[] = [];
      for (const q of queries)
        out.push((await runSearch(d, parse(q), { limit: Infinity })).matched);
      return out;
    };
    const want = await counts(first);
    expect(want.every((n) => n > 0)).toBe(true);
    const rows = await first.postings.toArray();
    await first.postings.bulkPut(
      rows.map((r) => ({
        t: r.t,
        seg: r.seg,
        keys: r.keys,
        p: r.keys.map((_, i) =>
          'lists' in r ? r.lists.slice(r.starts[i], r.starts[i + 1]) : r.p[i],
        ),
      })),
    );
    const again = await scratch(name);
    expect(await counts(again)).toEqual(want);
  });

  it('starts from the saved table of posting numbers and still sees later mail', async () => {
    const name = 'search-saved';
    const first = await storeOf(name, 600);
    const q = parse('deadlock OR nvme OR is:patch');
    const count = async (d: LoupeDB) => (await runSearch(d, q, { limit: Infinity })).matched;
    const want = (n: number) =>
      items.slice(0, n).filter((m) => matchMessage(q, toSearchDoc(m, ['lkml'], m.crash, true, 0)))
        .length;
    expect(await count(first)).toBe(want(600));
    await new Promise((r) => setTimeout(r, 50));
    expect((await savedIdRows(first)).flat().filter(Boolean)).toHaveLength(600);
    // A second connection is a searcher started afresh (after a reload), with mail
    // stored since the table was saved.
    await storeBatch(first, 'lkml', items.slice(600, 700));
    const again = await scratch(name);
    expect(await count(again)).toBe(want(700));
    // The index dropped and built again: the saved table no longer matches it.
    await again.searchSegs.clear();
    await again.postings.clear();
    await again.searchMeta.clear();
    await indexBacklog(again);
    const rebuilt = await scratch(name);
    expect(await count(rebuilt)).toBe(want(700));
  });

  it('saves sizes in 32 bits and still reads a table saved with them as doubles', async () => {
    const name = 'search-saved-sizes';
    const first = await storeOf(name, 600);
    const queries = ['z:..3000', 'z:3000..', 'z:2500..4000 deadlock'].map(parse);
    const want = queries.map(
      (q) =>
        items
          .slice(0, 600)
          .filter((m) => matchMessage(q, toSearchDoc(m, ['lkml'], m.crash, true, m.raw.length)))
          .length,
    );
    const counts = async (d: LoupeDB) => {
      const out: number[] = [];
      for (const q of queries) out.push((await runSearch(d, q, { limit: Infinity })).matched);
      return out;
    };
    expect(await counts(first)).toEqual(want);
    expect(want.every((n) => n > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    const saved = (await first.searchCache.get('docs.v2')) as SearchDocsRow;
    expect(saved.sizes).toBeInstanceOf(Uint32Array);
    // The row as saved before: sizes as doubles. A searcher started afresh reads it.
    const before: SearchDocsRow = { ...saved, sizes: Float64Array.from(saved.sizes) };
    await first.searchCache.put(before);
    const again = await scratch(name);
    const readBack = await loadCache(again);
    expect(readBack.sizes).toBeInstanceOf(Uint32Array);
    expect(Array.from(readBack.sizes)).toEqual(Array.from(saved.sizes));
    expect(await counts(again)).toEqual(want);
  });

  it('saves only the ids of numbers added since its last save when the index grows', async () => {
    const name = 'search-saved-growing';
    const first = await storeOf(name, 600);
    const saves: DocTable[] = [];
    const save = async (t: DocTable) => void saves.push(t);
    await loadCache(first, save);
    // More mail than a save waits for, with Message-IDs of its own.
    const more = await Promise.all(generatedMail(600, 4).map((raw) => parseMessage(raw)));
    await storeBatch(first, 'lkml', more);
    const c = await loadCache(first, save);
    await new Promise((r) => setTimeout(r, 50));
    expect(saves.map((t) => [t.idsFrom, t.ids.length, t.next])).toEqual([
      [0, 601, 601],
      [512, 1201 - 512, 1201],
    ]);
    expect(saves[1].ids.slice(601 - 512)).toEqual(more.map((m) => m.id));
    expect(await idsOf(first, c, [1, 600, 1200])).toEqual([
      saves[0].ids[1],
      saves[0].ids[600],
      more[599].id,
    ]);
  });

  it('places mail stored after the saved table among the saved numbers as reading every row does', async () => {
    const name = 'search-saved-order';
    const first = await storeOf(name, 600);
    await loadCache(first);
    await new Promise((r) => setTimeout(r, 50));
    // Fewer messages than a save waits for, dated among the saved ones (some on the
    // same instant as one, which the number then orders).
    await storeBatch(
      first,
      'lkml',
      items.slice(600, 700).map((m, k) => ({ ...m, date: items[k * 6].date + (k % 2) })),
    );
    const c = await loadCache(await scratch(name));
    expect(c.savedBelow).toBe(601);
    const dates = new Map<number, number>();
    for (const r of await first.searchSegs.toArray())
      r.ids.forEach((id, i) => void (id && dates.set(r.seg + i, r.dates[i])));
    const date = (no: number) => dates.get(no) ?? NaN;
    const want = [...dates.keys()].sort((a, b) => date(b) - date(a) || b - a);
    expect(new Set(want.map(date)).size).toBeLessThan(want.length);
    expect(Array.from(c.order)).toEqual(want);
  });

  it('answers every query from the saved table as from the index, reading the ids of its hits only', async () => {
    await runSearch(db, parse('deadlock'));
    await new Promise((r) => setTimeout(r, 50));
    const rows = (await savedIdRows(db)).length;
    expect(rows).toBe(Math.ceil((await meta(db, 'nextNo')) / IDS_PER_ROW));
    // A second connection is a searcher started afresh, as after a reload.
    const again = new LoupeDB('search-test');
    await again.open();
    const hits: SearchHit[] = [];
    const page = await runSearch(again, parse('deadlock'), {
      limit: 3,
      onHits: (h) => hits.push(...h),
    });
    expect(page.matched).toBe(3);
    const read = (await loadCache(again)).idRows;
    expect(read.size).toBeGreaterThan(0);
    expect(read.size).toBeLessThan(rows);
    const all = await bruteForce(parse('deadlock'));
    expect(hits.every((h) => all.includes(h.id))).toBe(true);
    for (const q of QUERIES) {
      const ast = parse(q);
      expect(await hitIds(again, ast), q).toEqual(await bruteForce(ast));
    }
    again.close();
  });

  it('reads the rest of the saved ids in steps, each after the pause', async () => {
    const again = new LoupeDB('search-test');
    await again.open();
    const c = await loadCache(again);
    const rows = Math.ceil(c.savedBelow / IDS_PER_ROW);
    expect(rows).toBeGreaterThan(1);
    expect(c.idRows.size).toBe(0);
    let pauses = 0;
    await fillIds(again, c, async () => void pauses++);
    expect(c.idRows.size).toBe(rows);
    expect(pauses).toBeGreaterThan(0);
    const want = (await db.searchSegs.toArray()).flatMap((r) => r.ids).filter(Boolean);
    expect(c.ids.filter(Boolean).sort()).toEqual(want.sort());
    again.close();
  });

  it('reads the ids of a lost or outdated saved row from the index rows', async () => {
    const name = 'search-lost-ids';
    const first = await storeOf(name, 600);
    const q = parse('syzbot OR deadlock OR m:szhao*');
    const ids = (d: LoupeDB) => hitIds(d, q);
    const want = await ids(first);
    expect(want.length).toBeGreaterThan(20);
    await new Promise((r) => setTimeout(r, 50));
    const row = (await first.searchCache.get('ids:1')) as SearchIdsRow;
    const stale: SearchIdsRow = { ...row, gen: row.gen + 1, ids: row.ids.map(() => 'stale@x') };
    await first.searchCache.put(stale);
    await first.searchCache.delete('ids:3');
    expect(await ids(await scratch(name))).toEqual(want);
  });

  it('ignores a table saved before the ids had rows of their own, and replaces it', async () => {
    const name = 'search-old-table';
    const first = await storeOf(name, 600);
    const q = parse('syzbot OR deadlock');
    const ids = (d: LoupeDB) => hitIds(d, q);
    const want = await ids(first);
    await new Promise((r) => setTimeout(r, 50));
    // The old layout, at the index's generation and numbers but with its ids moved
    // round by one: read, it would show the wrong messages.
    const segs = await first.searchSegs.toArray();
    const next = await meta(first, 'nextNo');
    const all = Array<string>(next).fill('');
    for (const s of segs) s.ids.forEach((id, i) => (all[s.seg + i] = id));
    const live = all.flatMap((id, no) => (id ? [no] : []));
    const old = {
      key: 'docs',
      gen: await meta(first, 'gen'),
      next,
      ids: all.map((_, no) => all[live[(live.indexOf(no) + 1) % live.length]] ?? ''),
      dates: new Float64Array(next),
      sizes: new Float64Array(next),
      inboxes: [['lkml', Uint8Array.from(all, (id) => (id ? 1 : 0))]],
      order: Uint32Array.from(live).reverse(),
    };
    await first.searchCache.clear();
    // A row of the layout that schema.ts no longer describes.
    await first.searchCache.put(old as unknown as SearchIdsRow);
    const again = await scratch(name);
    expect(await ids(again)).toEqual(want);
    await new Promise((r) => setTimeout(r, 50));
    expect(await again.searchCache.get('docs')).toBeUndefined();
    expect((await savedIdRows(again)).flat().filter(Boolean)).toHaveLength(600);
  });

  it('deletes one inbox and keeps cross-posted messages', async () => {
    const before = await bruteForce(parse('inbox:lkml'));
    const segsBefore = (await db.searchSegs.toCollection().primaryKeys()).length;
    await deleteInboxIndex(db, 'Linux-USB');
    const r = await viaIndex(parse(''));
    expect(r.ids).toEqual(before);
    expect(await db.searchInboxes.where('inbox').equals('linux-usb').count()).toBe(0);
    const segs = await db.searchSegs.toArray();
    expect(segs.flatMap((s) => s.inboxes.flat()).filter((ib) => ib === 'linux-usb')).toEqual([]);
    expect(segs.flatMap((s) => s.ids).filter(Boolean).length).toBe(before.length);
    // A segment left with no live message goes, and its posting rows with it.
    expect(segs.length).toBeLessThan(segsBefore);
    const live = new Set(segs.map((s) => s.seg));
    const postingSegs = new Set((await db.postings.toArray()).map((r) => r.seg));
    expect([...postingSegs].sort((a, b) => a - b)).toEqual([...live].sort((a, b) => a - b));
  });
});
