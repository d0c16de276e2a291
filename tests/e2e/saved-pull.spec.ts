import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseHistory, root, start } from './app';
import { serverTotal, startPi, type PiServer } from './pi-server';

const HOUR = 3_600_000;
const QUERY = 's:frobnicator';

interface Mail {
  id: string;
  subject: string;
  at: number;
  parent?: string;
}

function mbox(mails: Mail[]): string {
  return mails
    .map((m, i) =>
      [
        'From mboxrd@z Thu Jan  1 00:00:00 1970',
        `From: Dev ${i % 5} <dev${i % 5}@example.org>`,
        'To: pull@example.com',
        `Subject: ${m.subject}`,
        `Date: ${new Date(m.at).toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <${m.id}>`,
        ...(m.parent ? [`In-Reply-To: <${m.parent}>`, `References: <${m.parent}>`] : []),
        'List-Id: <pull.example.com>',
        '',
        `Body of ${m.id}.`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

/**
 * 40 one-message threads, the newest hourly; the frobnicator ones are older than
 * the 25 that "Newest messages only" fetches, so only the server can find them.
 */
function list(now: number): Mail[] {
  const mails: Mail[] = Array.from({ length: 40 }, (_, i) => ({
    id: `pull-${i}@example.org`,
    subject: `[PATCH] misc: cleanup ${i}`,
    at: now - (i + 1) * HOUR,
  }));
  mails[31].subject = '[PATCH] frob: fix the frobnicator refcount';
  mails[32] = {
    id: 'pull-32@example.org',
    subject: 'Re: [PATCH] frob: fix the frobnicator refcount',
    at: mails[31].at + HOUR / 2,
    parent: mails[31].id,
  };
  mails[36].subject = 'frobnicator: stale state after resume';
  return mails;
}

let pi: PiServer;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loupe-pull-'));
  const file = join(dir, 'pull.mbox');
  writeFileSync(file, mbox(list(Date.now())));
  pi = await startPi('pull', [file]);
});
test.afterAll(() => {
  pi?.stop();
});

const savedRow = (page: Page) =>
  page.getByTestId('saved-searches').locator('li').filter({ hasText: QUERY });

test('a saved search that updates from the server fetches matching threads not cached and counts them unread', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await start(page);
  await page.getByTestId('add-inbox').click();
  await page.getByTestId('add-inbox-url').fill(pi.url);
  await page.getByTestId('add-inbox-url').press('Enter');
  await chooseHistory(page, 'Newest messages only');
  await expect(page.getByTestId('sync-done')).toContainText('25 new messages', {
    timeout: 30_000,
  });
  await expect(page.getByText('frobnicator')).toHaveCount(0);

  await page.goto(`./#/pull/?q=${encodeURIComponent(QUERY)}`);
  await expect(page.getByTestId('search-status')).toContainText('0 messages in pull');
  await page.getByRole('button', { name: 'Save search' }).click();
  await page.getByTestId('saved-server').check();
  const row = savedRow(page);
  const total = await serverTotal(pi.url, QUERY);
  expect(total).toBe(3);
  // The run's matches are the server's own count for the query.
  await expect(row.getByTestId('saved-matches')).toHaveText(String(total), { timeout: 30_000 });
  await expect(row.getByTestId('saved-run')).toContainText('on server');
  // Both threads were fetched whole and count unread for the search.
  await expect(row.getByTitle('unread')).toHaveText('3');
  await page.reload();
  await expect(page.getByTestId('search-status')).toContainText('3 messages in pull');

  // New mail on the server: a reply and a new thread that match, one that does not.
  const now = Date.now();
  const later = join(dir, 'later.mbox');
  writeFileSync(
    later,
    mbox([
      {
        id: 'pull-reply@example.org',
        subject: 'Re: frobnicator: stale state after resume',
        at: now - 10 * 60_000,
        parent: 'pull-36@example.org',
      },
      {
        id: 'pull-new@example.org',
        subject: '[PATCH v2] frobnicator: drop the stale state',
        at: now - 5 * 60_000,
      },
      { id: 'pull-other@example.org', subject: '[PATCH] misc: unrelated', at: now - 60_000 },
    ]),
  );
  pi.add(later);
  // public-inbox-httpd keeps its search index open for up to a minute before it sees new mail.
  await expect
    .poll(() => serverTotal(pi.url, QUERY), { timeout: 90_000, intervals: [2000] })
    .toBe(5);
  const after = await serverTotal(pi.url, QUERY);
  await page.goto('./#/pull/');
  await row.getByTestId('saved-update').click();
  await expect(row.getByTestId('saved-matches')).toHaveText(String(after), { timeout: 30_000 });
  await expect(row.getByTestId('saved-new')).toHaveText('2 new');
  await expect(row.getByTitle('unread')).toHaveText('5');
  await page.screenshot({ path: join(root, 'docs/saved-search-pull.png') });

  // Opening the search is the visit: the new mark goes, the unread count stays.
  await row.getByRole('link').click();
  await expect(page.getByTestId('search-status')).toContainText('5 messages in pull');
  await expect(row.getByTestId('saved-new')).toHaveCount(0);
  await expect(row.getByTitle('unread')).toHaveText('5');
  await expect(page.getByText('[PATCH] misc: unrelated')).toHaveCount(0);
});
