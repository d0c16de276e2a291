import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseMessage, type ParsedMessage } from '../../../src/core/message';
import { backupInboxes, backupMbox, backupState, type BackupState } from '../../../src/db/backup';
import { parseBackupState, restoreBackup } from '../../../src/db/restore';
import { markRead } from '../../../src/db/marks';
import { rawsById } from '../../../src/db/queries';
import { LoupeDB } from '../../../src/db/schema';
import { saveSearch, setSavedSearchServer } from '../../../src/db/saved-searches';
import { ensureInbox, storeBatch } from '../../../src/db/store';
import { watchThread } from '../../../src/db/watches';
import { scratchDbs } from './helpers';

const enc = new TextEncoder();
let n = 0;
const scratch = scratchDbs();
const fresh = () => scratch(`backup-${n++}`);

let src: LoupeDB;
beforeEach(async () => {
  src = await fresh();
});

function mail(id: string, hour: number, refs: string[] = [], body = ''): Promise<ParsedMessage> {
  const head = [
    `Message-ID: <${id}>`,
    `From: Someone <${id}>`,
    `Subject: ${refs.length ? 'Re: ' : ''}topic`,
    `Date: Mon, 1 Jun 2020 ${String(hour).padStart(2, '0')}:00:00 +0000`,
    refs.length ? `References: ${refs.map((r) => `<${r}>`).join(' ')}` : '',
  ].filter(Boolean);
  return parseMessage(enc.encode(`${head.join('\n')}\n\nbody of ${id}\n${body}`));
}

async function fill(db: LoupeDB): Promise<void> {
  await ensureInbox(db, 'a', 'https://lore.example/a/');
  await storeBatch(
    db,
    'a',
    await Promise.all([
      mail('1@x', 1),
      // mboxrd escaping must round-trip. (A raw message without a final newline gains
      // one: mbox cannot tell them apart, as with public-inbox's own mbox.gz.)
      mail('2@x', 2, ['1@x'], 'From the start of a line\n>From quoted\n'),
      mail('3@x', 3, ['1@x']),
    ]),
  );
  await ensureInbox(db, 'b', null);
  await storeBatch(db, 'b', await Promise.all([mail('3@x', 3, ['1@x']), mail('4@x', 4)]));
  await markRead(db, '1@x', ['1@x', '2@x']);
  await saveSearch(db, 'f:someone', 'b');
  // A search that also runs on its server keeps that through a backup.
  await saveSearch(db, 's:frob', 'a');
  const pulled = (await db.savedSearches.toArray()).find((s) => s.query === 's:frob');
  await setSavedSearchServer(db, pulled?.id ?? -1, true);
  await db.settings.put({ key: 'theme', value: 'dark' });
  // Watched through the remote inbox, with one reply since.
  expect(await watchThread(db, '2@x', 'b')).toMatchObject({ ok: true, row: { inbox: 'a' } });
  await db.watches.update('1@x', { replies: ['3@x'], polledAt: 7 });
}

async function backup(
  db: LoupeDB,
  only?: string,
): Promise<{ state: BackupState; bytes: Uint8Array }> {
  const names = await backupInboxes(db, only);
  const counts = new Map<string, number>();
  const gz = backupMbox(db, names, counts, 2).pipeThrough(new CompressionStream('gzip'));
  const bytes = new Uint8Array(await new Response(gz).arrayBuffer());
  const state = parseBackupState(JSON.parse(JSON.stringify(await backupState(db, names, counts))));
  return { state, bytes };
}

async function snapshot(db: LoupeDB) {
  const msgs = await db.messages.orderBy('id').toArray();
  const raws = await rawsById(
    db,
    msgs.map((m) => m.id),
  );
  const threads = await db.threads.orderBy('id').toArray();
  return {
    messages: msgs.map((m) => ({ id: m.id, inboxes: [...m.inboxes].sort(), threadId: m.threadId })),
    raws: msgs.map((m, i) => [m.id, new TextDecoder().decode(raws[i])]),
    texts: msgs.map((m) => m.text),
    reads: (await db.reads.orderBy('id').toArray()).map((r) => [r.id, r.threadId, r.at]),
    threads: threads.map((t) => [t.id, t.count, t.unread, [...t.inboxes].sort()]),
    inboxes: (await db.inboxes.orderBy('name').toArray()).map((i) => [
      i.name,
      i.url,
      i.messageCount,
    ]),
    saved: (await db.savedSearches.toArray()).map((s) => [s.name, s.query, s.inbox, !!s.server]),
    watches: await db.watches.toArray(),
    settings: await db.settings.toArray(),
  };
}

const stream = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]).stream();

describe('backup and restore', () => {
  it('round-trips every message, cross-posts, read marks, saved searches, watched threads and settings', async () => {
    await fill(src);
    const { state, bytes } = await backup(src);
    expect(state.inboxes.map((i) => [i.name, i.messages])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    const dst = await fresh();
    const r = await restoreBackup(dst, state, stream(bytes), undefined, 2);
    expect(r).toEqual({ messages: 5, added: 4, reads: 2 });
    const [a, b] = [await snapshot(src), await snapshot(dst)];
    expect(b.raws).toEqual(a.raws);
    expect(b.texts).toEqual(a.texts);
    expect(b.messages).toEqual(a.messages);
    expect(b.reads).toEqual(a.reads);
    expect(b.threads).toEqual(a.threads);
    expect(b.saved).toEqual(a.saved);
    expect(b.watches).toEqual(a.watches);
    expect(b.watches).toMatchObject([
      { id: '1@x', inbox: 'a', subject: 'topic', known: ['1@x', '2@x', '3@x'], replies: ['3@x'] },
    ]);
    expect(b.settings).toEqual(a.settings);
    expect(b.inboxes).toEqual(a.inboxes.map(([n, u]) => [n, u, n === 'a' ? 3 : 2]));

    // Restoring again changes nothing.
    await restoreBackup(dst, state, stream(bytes));
    expect(await snapshot(dst)).toEqual(b);
  });

  it('backs up one inbox with only its read marks and saved searches', async () => {
    await fill(src);
    const { state } = await backup(src, 'b');
    expect(state.inboxes.map((i) => i.name)).toEqual(['b']);
    expect(state.reads).toEqual([]);
    expect(state.savedSearches.map((s) => s.query)).toEqual(['f:someone']);
    expect(state.watches).toEqual([]);
    expect(state.settings).toEqual([]);
    expect((await backup(src, 'a')).state.watches?.map((w) => w.id)).toEqual(['1@x']);
  });

  it('refuses JSON that is not a backup', () => {
    expect(() => parseBackupState({ hello: 1 })).toThrow(/not a Loupe backup/);
  });
});
