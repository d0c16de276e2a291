import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { fixture, importFiles, root } from './app';

/** The stores of schema version 11 (Dexie's syntax), as that release created them. */
const V11 = {
  messages: 'id, threadId, *inboxes',
  raws: 'id',
  threads: 'id, lastDate, subjectKey',
  inboxThreads: '[inbox+threadId], [inbox+lastDate], threadId',
  inboxes: 'name',
  reads: 'id, threadId',
  settings: 'key',
  oopses: 'id, title, type, date',
  nodeLog: '++seq',
  searchSegs: 'seg, *ids',
  searchInboxes: '[no+inbox], inbox',
  postings: '[t+seg], seg',
  savedSearches: '++id',
  searchMeta: 'key',
  searchCache: 'key',
  syncStatus: 'inbox',
  watches: 'id, inbox',
};

test('a store written by version 11 opens with its inbox lists, threads and search intact', async ({
  page,
}) => {
  // A page of the app's origin that does not open the store itself, with Dexie loaded
  // to write the old layout.
  await page.route('**/blank.html', (r) =>
    r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }),
  );
  await page.goto('./blank.html');
  await page.addScriptTag({ path: join(root, 'node_modules/dexie/dist/dexie.js') });
  await page.evaluate(async (stores) => {
    const { Dexie } = window as unknown as { Dexie: typeof import('dexie').default };
    const db = new Dexie('loupe');
    db.version(11).stores(stores);
    await db.open();
    const at = (day: number) => Date.UTC(2024, 2, day, 9, 30);
    const mail = (id: string, subject: string, day: number, refs: string[], body: string) => {
      const head = `Message-ID: <${id}>\nFrom: Ann Old <ann@old.example>\nTo: list@old.example\nSubject: ${subject}\nDate: ${new Date(at(day)).toUTCString()}\n`;
      const raw = new TextEncoder().encode(
        `${head}${refs.length ? `In-Reply-To: <${refs[refs.length - 1]}>\nReferences: ${refs.map((r) => `<${r}>`).join(' ')}\n` : ''}\n${body}\n`,
      );
      return {
        id,
        syntheticId: false,
        inboxes: ['old'],
        threadId: refs[0] ?? id,
        subject,
        from: { name: 'Ann Old', address: 'ann@old.example' },
        to: [{ name: '', address: 'list@old.example' }],
        cc: [],
        date: at(day),
        dateRaw: new Date(at(day)).toUTCString(),
        inReplyTo: refs[refs.length - 1] ?? null,
        references: refs,
        text: `${body}\n`,
        attachments: [],
        hasPatch: false,
        hasOops: false,
        raw,
        listId: null,
        problems: [],
      };
    };
    const messages = [
      mail('quokka@old', 'quokka scheduler stalls', 3, [], 'the quokka stalls under load'),
      mail('re-quokka@old', 'Re: quokka scheduler stalls', 9, ['quokka@old'], 'seen it too'),
      mail('numbat@old', 'numbat driver probe fails', 5, [], 'numbat probe returns -EIO'),
    ];
    await db.table('messages').bulkAdd(messages);
    const thread = (
      id: string,
      subject: string,
      first: number,
      last: number,
      children: { id: string; ghost: boolean; date: number; children: never[] }[],
    ) => ({
      id,
      rootId: id,
      subject,
      subjectKey: subject,
      firstDate: at(first),
      lastDate: at(last),
      count: 1 + children.length,
      participants: ['Ann Old'],
      inboxes: ['old'],
      tree: { id, ghost: false, date: at(first), children },
      hasPatch: false,
      hasOops: false,
      crash: null,
      unread: 1 + children.length,
      nodeIds: [id, ...children.map((c) => c.id)],
    });
    const threads = [
      thread('quokka@old', 'quokka scheduler stalls', 3, 9, [
        { id: 're-quokka@old', ghost: false, date: at(9), children: [] },
      ]),
      thread('numbat@old', 'numbat driver probe fails', 5, 5, []),
    ];
    await db.table('threads').bulkAdd(threads);
    await db
      .table('inboxThreads')
      .bulkAdd(threads.map((t) => ({ inbox: 'old', threadId: t.id, lastDate: t.lastDate })));
    const ids = threads.flatMap((t) => t.nodeIds);
    await db.table('nodeLog').add({
      snapshot: true,
      ids,
      at: Uint32Array.from(ids, (id) => (id === 'numbat@old' ? 1 : 0)),
      threads: ['quokka@old', 'numbat@old'],
    });
    await db.table('inboxes').add({
      name: 'old',
      url: null,
      title: 'old',
      addedAt: at(1),
      lastSync: null,
      feedSeen: [],
      messageCount: 3,
    });
    db.close();
  }, V11);

  await page.goto('./?nodemo#/old/');
  const rows = page.getByTestId('thread-row');
  // Newest activity first: the quokka thread got a reply after the numbat one.
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('quokka scheduler stalls');
  await expect(rows.nth(1)).toContainText('numbat driver probe fails');
  const stores = await page.evaluate(
    () =>
      new Promise<{
        version: number;
        names: string[];
        postingIndexes: string[];
        segIndexes: string[];
      }>((resolve, reject) => {
        const open = indexedDB.open('loupe');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const names = [...open.result.objectStoreNames];
          const tx = open.result.transaction(['postings', 'searchSegs']);
          const postingIndexes = [...tx.objectStore('postings').indexNames];
          const segIndexes = [...tx.objectStore('searchSegs').indexNames];
          resolve({ version: open.result.version, names, postingIndexes, segIndexes });
          open.result.close();
        };
      }),
  );
  expect(stores.version).toBe(150);
  expect(stores.names).not.toContain('inboxThreads');
  // Version 15 adds the chunks that hold raw bytes of mail stored from then on.
  expect(stores.names).toEqual(expect.arrayContaining(['rawChunks', 'rawChunkIds']));
  // Version 13 drops the posting rows' index by segment, version 14 the segment rows' by id.
  expect(stores.postingIndexes).toEqual([]);
  expect(stores.segIndexes).toEqual([]);

  await rows.nth(0).click();
  await expect(page.getByTestId('message')).toHaveCount(2);
  await expect(page.getByText('seen it too')).toBeVisible();
  // Mail stored before the upgrade is searchable (the search worker indexes it).
  await page.goto('./?nodemo#/old/?q=numbat');
  await expect(page.getByTestId('search-result')).toHaveCount(1);
  await expect(page.getByTestId('search-result')).toContainText('numbat driver probe fails');

  // The raw message of a row that holds its bytes, and of one imported after the
  // upgrade, whose bytes are in a chunk and its body in its row.
  await page.goto(`./?nodemo#/old/${encodeURIComponent('numbat@old')}/raw`);
  await expect(page.getByTestId('raw')).toContainText('Subject: numbat driver probe fails');
  await expect(page.getByTestId('raw')).toContainText('numbat probe returns -EIO');
  await page.goto('./?nodemo#/old/');
  await importFiles(page, [fixture('mail/two.mboxrd')], 'old');
  await page.goto(`./?nodemo#/old/${encodeURIComponent('patch1@example.org')}/raw`);
  await expect(page.getByTestId('raw')).toContainText(
    'Subject: [PATCH v2 1/2] usb: cdc-wdm: fix flush',
  );
  await expect(page.getByTestId('raw')).toContainText(
    'Body line one\nFrom the start\n>From quoted',
  );
});
