import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, start } from './app';
import { startPi, type PiServer } from './pi-server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A list with 40 messages from the last 12 days and 40 from 20 to 120 days ago,
 * each its own thread, so what a history choice fetches is known exactly.
 */
function recentList(now: number): string {
  const dates = [
    ...Array.from({ length: 40 }, (_, i) => now - HOUR - i * 7 * HOUR),
    ...Array.from({ length: 40 }, (_, i) => now - 20 * DAY - i * 2.5 * DAY),
  ];
  return dates
    .map((t, i) =>
      [
        'From mboxrd@z Thu Jan  1 00:00:00 1970',
        `From: Dev ${i % 7} <dev${i % 7}@example.org>`,
        'To: follow@example.com',
        `Subject: [PATCH] topic ${i}: ${i < 40 ? 'recent' : 'older'} work`,
        `Date: ${new Date(t).toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <follow-${i}@example.org>`,
        'List-Id: <follow.example.com>',
        '',
        `Body of message ${i}.`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

let pi: PiServer;

test.beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'loupe-follow-')), 'follow.mbox');
  writeFileSync(file, recentList(Date.now()));
  pi = await startPi('follow', [file]);
});
test.afterAll(() => {
  pi?.stop();
});

test('adding an inbox asks how much history, shows its size, and fetches two weeks by default', async ({
  page,
}) => {
  await start(page);
  await page.getByTestId('add-inbox').click();
  await page.getByTestId('add-inbox-url').fill(pi.url);
  await page.getByTestId('add-inbox-url').press('Enter');

  const dialog = page.getByTestId('add-history');
  await expect(dialog).toBeVisible();
  const choice = (name: string) => dialog.locator('label').filter({ hasText: name });
  await expect(choice('Last 2 weeks').getByRole('radio')).toBeChecked();
  await expect(choice('Last 2 weeks')).toContainText('40 messages');
  await expect(choice('Last year')).toContainText('80 messages');
  // 80 messages is small enough to take whole.
  await expect(choice('Everything')).toContainText('80 messages');
  await expect(choice('Everything').getByRole('radio')).toBeEnabled();
  await expect(choice('Newest messages only')).toContainText('up to 25 messages');
  await page.screenshot({ path: join(root, 'docs/add-inbox-history.png') });

  await page.getByTestId('add-history-fetch').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('backfill-done')).toContainText(/Fetched .* of follow: 15 new/, {
    timeout: 30_000,
  });
  // The feed brought the newest 25; two weeks of search brought the other 15, nothing older.
  await expect(page.getByTestId('thread-row')).toHaveCount(40);
  await expect(page.getByText('older work')).toHaveCount(0);
});
