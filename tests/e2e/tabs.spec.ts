import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseImportInbox, root } from './app';

const tmp = join(root, 'test-results', 'tabs-data');

/** One mboxrd message; `parent` makes it a reply. */
function mail(id: string, subject: string, day: number, parent?: string): string {
  const date = new Date(Date.UTC(2026, 0, 1 + day, 10, day % 60)).toUTCString();
  return [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    `From: Dev ${day % 17} <dev${day % 17}@example.org>`,
    'To: linux-frob@vger.example.org',
    `Subject: ${parent ? 'Re: ' : ''}${subject}`,
    `Date: ${date.replace('GMT', '+0000')}`,
    `Message-ID: <${id}>`,
    ...(parent ? [`In-Reply-To: <${parent}>`, `References: <${parent}>`] : []),
    '',
    parent ? `> earlier words\n\nA reply from ${id}.` : `The first message of ${subject}.`,
    '',
    '',
  ].join('\n');
}

const THREADS = 1200;
const root_ = (i: number) => `a-root-${i}@example.org`;
const replyA = (i: number) => `a-reply-${i}@example.org`;
const replyB = (i: number) => `b-reply-${i}@example.org`;
const ownB = (i: number) => `b-own-${i}@example.org`;
const subject = (i: number) => `[PATCH] frob: fix widget ${i}`;

/**
 * File A: THREADS threads of a root and a reply. File B: a reply to every root of A
 * (B holds no root), THREADS threads of its own, and A's first hundred replies again.
 * Each file is more than one import batch (2,000 messages).
 */
function writeFiles(): { a: string; b: string; c: string } {
  mkdirSync(tmp, { recursive: true });
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 0; i < THREADS; i++) {
    a.push(mail(root_(i), subject(i), i), mail(replyA(i), subject(i), i + 1, root_(i)));
    b.push(mail(replyB(i), subject(i), i + 2, root_(i)), mail(ownB(i), `frob: b ${i}`, i));
  }
  for (let i = 0; i < 100; i++) b.push(mail(replyA(i), subject(i), i + 1, root_(i)));
  const c = Array.from({ length: 50 }, (_, i) => mail(`c-${i}@example.org`, `frob: c ${i}`, i));
  const files = { a: join(tmp, 'a.mbox'), b: join(tmp, 'b.mbox'), c: join(tmp, 'c.mbox') };
  writeFileSync(files.a, a.join(''));
  writeFileSync(files.b, b.join(''));
  writeFileSync(files.c, c.join(''));
  return files;
}

/** Holds the write lock from this page until `release` is called there. */
async function holdWriteLock(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((held) => {
        void navigator.locks.request(
          'loupe-write',
          () =>
            new Promise<void>((release) => {
              (window as unknown as { release: () => void }).release = release;
              held();
            }),
        );
      }),
  );
}

const release = (page: Page) =>
  page.evaluate(() => (window as unknown as { release: () => void }).release());

/** The stored thread of each id (null: not stored), read from IndexedDB as it is. */
function threadsOf(page: Page, ids: string[]): Promise<(string | null)[]> {
  return page.evaluate(
    (ids) =>
      new Promise<(string | null)[]>((resolve, reject) => {
        const open = indexedDB.open('loupe');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('messages').objectStore('messages');
          const out: (string | null)[] = [];
          ids.forEach((id, i) => {
            const get = store.get(id);
            get.onsuccess = () => {
              out[i] = (get.result as { threadId: string } | undefined)?.threadId ?? null;
              if (i === ids.length - 1) {
                db.close();
                resolve(out);
              }
            };
          });
        };
      }),
    ids,
  );
}

/** The stored inbox's message count and its stored messages, counted by the index. */
function inboxCounts(page: Page, inbox: string): Promise<{ row: number; held: number }> {
  return page.evaluate(
    (inbox) =>
      new Promise<{ row: number; held: number }>((resolve, reject) => {
        const open = indexedDB.open('loupe');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['inboxes', 'messages']);
          const row = tx.objectStore('inboxes').get(inbox);
          const held = tx.objectStore('messages').index('inboxes').count(inbox);
          tx.oncomplete = () => {
            db.close();
            resolve({
              row: (row.result as { messageCount: number }).messageCount,
              held: held.result,
            });
          };
        };
      }),
    inbox,
  );
}

/** Two tabs on an empty store, the first holding the write lock, and the files to import. */
async function twoTabs(context: BrowserContext) {
  const files = writeFiles();
  const [one, two] = [await context.newPage(), await context.newPage()];
  for (const page of [one, two]) {
    await page.goto('./?nodemo#/local/');
    await expect(page.getByTestId('file-input')).toBeAttached();
  }
  await holdWriteLock(one);
  return { files, one, two };
}

test('two tabs importing at once write one after the other: each message once, replies under roots from the other file', async ({
  context,
}) => {
  test.setTimeout(180_000);
  const { files, one, two } = await twoTabs(context);
  // While the lock is held elsewhere, both imports wait and say so.
  await one.getByTestId('file-input').setInputFiles([files.a]);
  await chooseImportInbox(one, 'local');
  await two.getByTestId('file-input').setInputFiles([files.b]);
  await chooseImportInbox(two, 'local');
  for (const page of [one, two])
    await expect(page.getByTestId('import-waiting')).toContainText('Waiting for another import');
  await release(one);
  const done = (page: Page) =>
    expect(page.getByTestId('import-done')).toBeVisible({ timeout: 120_000 });
  await Promise.all([done(one), done(two)]);
  await expect(one.getByTestId('import-status')).toContainText(`Imported ${2 * THREADS} messages`);
  // B's copies of A's first hundred replies are already stored if A went first, or
  // make A's copies the duplicates if B did: 100 duplicates between them either way.
  const statuses = [
    await one.getByTestId('import-status').textContent(),
    await two.getByTestId('import-status').textContent(),
  ].join(' ');
  const dupes = [...statuses.matchAll(/(\d+) already\s+stored/g)].map((m) => Number(m[1]));
  expect(dupes.reduce((a, b) => a + b, 0)).toBe(100);
  await expect(two.getByTestId('import-status')).toContainText(
    `Imported ${2 * THREADS + 100} messages`,
  );

  const ids = Array.from({ length: THREADS }, (_, i) => [root_(i), replyA(i), replyB(i), ownB(i)]);
  const threads = await threadsOf(two, ids.flat());
  const want = ids.flatMap(([r, , , own]) => [r, r, r, own]);
  expect(threads).toEqual(want);
  expect(await inboxCounts(one, 'local')).toEqual({ row: 4 * THREADS, held: 4 * THREADS });
});

test('an import cancelled while another tab writes stops waiting, stores nothing and leaves the lock free', async ({
  context,
}) => {
  const { files, one, two } = await twoTabs(context);
  await two.getByTestId('file-input').setInputFiles([files.c]);
  await chooseImportInbox(two, 'local');
  const status = two.getByTestId('import-status');
  await expect(status.getByTestId('import-waiting')).toBeVisible();
  const pending = async () => (await one.evaluate(() => navigator.locks.query())).pending ?? [];
  // Besides the import, the tab's search worker may wait to index mail stored before it.
  const waiting = (await pending()).length;
  await status.getByRole('button', { name: 'Cancel' }).click();
  await expect(status).toContainText('Cancelled: 0 new messages stored, nothing else changed.');
  // The cancelled import no longer waits for the lock.
  expect((await pending()).length).toBe(waiting - 1);
  // Searching does not wait for the lock (the search index backlog needs none).
  await two.goto('./?nodemo#/local/?q=s%3Afrob');
  await expect(two.getByTestId('search-status')).toContainText('0 messages in');
  await release(one);
  expect(await threadsOf(one, ['c-0@example.org', 'c-49@example.org'])).toEqual([null, null]);
  // The next import of the tab gets the lock and stores the file.
  await two.goto('./?nodemo#/local/');
  await two.getByTestId('file-input').setInputFiles([files.c]);
  await chooseImportInbox(two, 'local');
  await expect(two.getByTestId('import-done')).toContainText('Imported 50 messages: 50 new');
});
