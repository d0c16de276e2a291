import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { parseRaws } from '../../../src/core/parse';
import { ALL } from '../../../src/core/constants';
import { markRead } from '../../../src/db/marks';
import { countThreads, getRaw, listThreads, threadOf } from '../../../src/db/queries';
import { storeBatch } from '../../../src/db/store';
import { projectRoot, sharedCorpus } from '../shared';

const syzbotDir = sharedCorpus('mail/syzbot');
import { freshDb, mail } from './helpers';

const enc = new TextEncoder();
const fx = freshDb('store');

describe('storing batches', () => {
  it('stores a fixture mbox and threads the reply under its patch', async () => {
    const msgs = await Promise.all(
      splitMbox(readFileSync(join(projectRoot, 'tests/fixtures/mail/two.mboxrd'))).map((r) =>
        parseMessage(r),
      ),
    );
    const r = await storeBatch(fx.db, 'linux-usb', msgs);
    expect(r.added).toBe(2);
    const [t] = await listThreads(fx.db, 'linux-usb', 0, 10);
    expect(t.subject).toBe('[PATCH v2 1/2] usb: cdc-wdm: fix flush');
    expect(t.count).toBe(2);
    expect(t.tree.children.map((c) => c.id)).toEqual(['reply1@example.org']);
    expect((await getRaw(fx.db, 'patch1@example.org'))?.length).toBeGreaterThan(100);
  });

  it("keeps a plain message's body once, as its text, and gives its raw bytes back exactly", async () => {
    const plain = await mail('plain@x', 1, [], 'plain', 'a body kept once, as text: Grüße');
    const qp = await parseMessage(
      enc.encode(
        'Message-ID: <qp@x>\nSubject: qp\nContent-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9\n',
      ),
    );
    // A body in windows-1252 and one starting with a BOM read as text that does not
    // encode back to their bytes: their chunks keep the whole message.
    const latin = await parseMessage(
      Uint8Array.from([...enc.encode('Message-ID: <latin@x>\nSubject: latin\n\nCaf'), 0xe9, 0x0a]),
    );
    const bom = await parseMessage(
      Uint8Array.from([
        ...enc.encode('Message-ID: <bom@x>\nSubject: bom\n\n'),
        0xef,
        0xbb,
        0xbf,
        ...enc.encode('hello\n'),
      ]),
    );
    // As a parse worker hands them over: packed into a chunk beside each other.
    const { items } = await parseRaws([plain, qp, latin, bom].map((m) => m.raw));
    expect(new Set(items.map((m) => m.piece?.chunk)).size).toBe(1);
    await storeBatch(fx.db, 'l', items);
    for (const m of [plain, qp, latin, bom]) {
      expect((await fx.db.messages.get(m.id))?.text).toBe(m.text);
      expect(await getRaw(fx.db, m.id)).toEqual(m.raw);
    }
    const rows = await fx.db.messages.bulkGet(['plain@x', 'qp@x', 'latin@x', 'bom@x']);
    expect(rows.map((r) => [r?.raw, r?.textAt, r?.piece?.slice(1), r?.size])).toEqual([
      // Only the header block is in the chunk; the body is the row's text.
      [undefined, plain.textAt, [0, plain.textAt], plain.raw.length],
      [undefined, undefined, [plain.textAt, qp.raw.length], qp.raw.length],
      [undefined, undefined, [plain.textAt! + qp.raw.length, latin.raw.length], latin.raw.length],
      [
        undefined,
        undefined,
        [plain.textAt! + qp.raw.length + latin.raw.length, bom.raw.length],
        bom.raw.length,
      ],
    ]);
    expect(plain.textAt).toBeGreaterThan(0);
    expect(await fx.db.rawChunks.count()).toBe(1);
    expect(await fx.db.rawChunkIds.toArray()).toEqual([
      { chunk: rows[0]?.piece?.[0], ids: ['plain@x', 'qp@x', 'latin@x', 'bom@x'] },
    ]);
    expect(await fx.db.raws.count()).toBe(0);
  });

  it('changes nothing when the same messages are stored again', async () => {
    const batch = [
      await mail('a@x', 'Mon, 1 Jun 2020 10:00:00 +0000'),
      await mail('b@x', 'Mon, 1 Jun 2020 11:00:00 +0000', ['a@x']),
    ];
    await storeBatch(fx.db, 'l', batch);
    const before = await fx.db.threads.toArray();
    const again = await storeBatch(fx.db, 'l', batch);
    expect(again).toEqual({ added: 0, crossPosted: 0, duplicates: 2, threadsTouched: 0 });
    expect(await fx.db.threads.toArray()).toEqual(before);
  });

  it('stores a cross-posted message once with both inbox names', async () => {
    const m = await mail('a@x', 'Mon, 1 Jun 2020 10:00:00 +0000');
    await storeBatch(fx.db, 'linux-usb', [m]);
    const r = await storeBatch(fx.db, 'linux-fsdevel', [m]);
    expect(r.crossPosted).toBe(1);
    expect((await fx.db.messages.get('a@x'))?.inboxes).toEqual(['linux-usb', 'linux-fsdevel']);
    expect(await countThreads(fx.db, ALL)).toBe(1);
    expect(await countThreads(fx.db, 'linux-fsdevel')).toBe(1);
  });

  it('re-parents a ghost root when its message arrives in a later batch', async () => {
    await storeBatch(fx.db, 'l', [
      await mail('c@x', 'Mon, 1 Jun 2020 12:00:00 +0000', ['a@x', 'b@x']),
    ]);
    let t = await threadOf(fx.db, 'c@x');
    expect(t?.rootId).toBe('a@x');
    expect(t?.tree.ghost).toBe(true);
    await storeBatch(fx.db, 'l', [await mail('root@x', 'Mon, 1 Jun 2020 09:00:00 +0000')]);
    await storeBatch(fx.db, 'l', [await mail('a@x', 'Mon, 1 Jun 2020 10:00:00 +0000', ['root@x'])]);
    t = await threadOf(fx.db, 'c@x');
    expect(t?.rootId).toBe('root@x');
    expect(t?.count).toBe(3);
    expect((await fx.db.messages.get('c@x'))?.threadId).toBe('root@x');
    expect(await countThreads(fx.db, 'l')).toBe(1);
  });

  it('keeps unread counts in step with read marks across a merge', async () => {
    await storeBatch(fx.db, 'l', [await mail('b@x', 'Mon, 1 Jun 2020 11:00:00 +0000', ['a@x'])]);
    await markRead(fx.db, 'a@x', ['b@x']);
    expect((await threadOf(fx.db, 'b@x'))?.unread).toBe(0);
    await storeBatch(fx.db, 'l', [await mail('a@x', 'Mon, 1 Jun 2020 10:00:00 +0000')]);
    const t = await threadOf(fx.db, 'b@x');
    expect(t?.unread).toBe(1);
    expect((await fx.db.reads.get('b@x'))?.threadId).toBe(t?.id);
  });
});

describe.skipIf(!syzbotDir)('a real list archive', () => {
  const fx = freshDb('store-real');

  it('threads a whole real list archive consistently, batch by batch', async () => {
    const raws = splitMbox(
      readFileSync(join(syzbotDir as string, 'keyrings.vger.kernel.org.0-syzbot-threads.mboxrd')),
    );
    const msgs = await Promise.all(raws.map((r) => parseMessage(r)));
    for (let i = 0; i < msgs.length; i += 7)
      await storeBatch(fx.db, 'keyrings', msgs.slice(i, i + 7));
    const threads = await fx.db.threads.toArray();
    const counted = threads.reduce((s, t) => s + t.count, 0);
    expect(counted).toBe(await fx.db.messages.count());
    for (const m of await fx.db.messages.toArray()) {
      const t = await fx.db.threads.get(m.threadId);
      expect(t?.nodeIds).toContain(m.id);
    }
    expect(threads.length).toBeLessThanOrEqual(25);
  });
});

describe('crash reports', () => {
  const report = (id: string, date: string) =>
    parseMessage(
      enc.encode(
        [
          `Message-ID: <${id}>`,
          'From: syzbot <syzbot@example.com>',
          'Subject: INFO: task hung in locks_remove_posix',
          `Date: ${date}`,
          '',
          'INFO: task syz-executor.1:3125 blocked for more than 143 seconds.',
          '      Not tainted 5.7.0-rc5-syzkaller #0',
          'Call Trace:',
          ' context_switch kernel/sched/core.c:3367 [inline]',
          ' __schedule+0x892/0x1d80 kernel/sched/core.c:4083',
          ' schedule+0xcd/0x2b0 kernel/sched/core.c:4158',
          ' locks_remove_posix+0x277/0x4e0 fs/locks.c:2706',
          ' filp_close+0xb4/0x170 fs/open.c:1251',
          '',
        ].join('\n'),
      ),
    );

  it('groups two reports of the same crash from two inboxes under one title', async () => {
    const { crashSummary } = await import('../../../src/core/oops');
    const { crashIndex } = await import('../../../src/db/crashes');
    const a = await report('r1@x', 'Mon, 1 Jun 2020 10:00:00 +0000');
    const b = await report('r2@x', 'Tue, 2 Jun 2020 10:00:00 +0000');
    await storeBatch(fx.db, 'linux-usb', [{ ...a, crash: crashSummary(a.text) }]);
    await storeBatch(fx.db, 'linux-fsdevel', [{ ...b, crash: crashSummary(b.text) }]);
    const [g] = (await crashIndex(fx.db)).groups;
    expect(g.title).toBe('INFO: task hung in locks_remove_posix');
    expect(g.type).toBe('HANG');
    expect(g.count).toBe(2);
    expect(g.plain?.threadIds).toHaveLength(2);
    expect(g.inboxes).toEqual(['linux-fsdevel', 'linux-usb']);
    expect((await threadOf(fx.db, 'r1@x'))?.crash).toEqual({ title: g.title, type: 'HANG' });
    expect((await crashIndex(fx.db, { inbox: 'linux-usb' })).groups).toHaveLength(1);
  });
});

describe('thread subjects', () => {
  it('names a thread after its root message even when a reply is dated earlier', async () => {
    await storeBatch(fx.db, 'l', [
      await mail('root@x', 'Mon, 1 Jun 2020 12:00:00 +0000', [], 'the topic'),
      await mail('early@x', 'Mon, 1 Jun 2020 09:00:00 +0000', ['root@x'], 'Re: the topic'),
    ]);
    expect((await threadOf(fx.db, 'early@x'))?.subject).toBe('the topic');
    expect((await threadOf(fx.db, 'early@x'))?.participants).toEqual(['root', 'early']);
    await storeBatch(fx.db, 'l', [
      await mail('later@x', 'Mon, 1 Jun 2020 08:00:00 +0000', ['root@x'], 'Re: x'),
    ]);
    expect((await threadOf(fx.db, 'later@x'))?.subject).toBe('the topic');
    expect((await threadOf(fx.db, 'later@x'))?.participants[0]).toBe('root');
  });
});
