import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chooseImportInbox, fixture, generateMbox, importFiles, root, start } from './app';

const tmp = join(root, 'test-results', 'import-data');

test.beforeEach(async ({ page }) => {
  await start(page);
});

test('imports 10,000 generated messages with progress, survives a cancel and resumes', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const file = join(tmp, 'lkml-10k.mbox.gz');
  generateMbox(file, 10000, 3);
  await page.goto('./#/all/');
  await page.getByTestId('file-input').setInputFiles([file]);
  await chooseImportInbox(page, 'local');
  const status = page.getByTestId('import-status');
  await expect(status.locator('progress')).toBeVisible();
  await expect(status).toContainText(/\d+\/s/);
  // The count shown reaches a batch's end (2,000) only once that batch is stored; a
  // cancel before it keeps nothing, as it should.
  await expect
    .poll(
      async () =>
        Number(
          (await status.textContent())?.match(/([\d,]+) messages ·/)?.[1].replace(/,/g, '') ?? 0,
        ),
      { timeout: 60_000 },
    )
    .toBeGreaterThanOrEqual(2000);
  await status.getByRole('button', { name: 'Cancel' }).click();
  // A cancel lets the batch being written commit first: seconds on a loaded machine.
  await expect(status).toContainText(/Cancelled: \d+ new messages stored/, { timeout: 30_000 });
  const kept = Number((await status.textContent())?.match(/Cancelled: (\d+)/)?.[1]);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(10_000);
  expect(kept % 1000).toBe(0);

  const started = Date.now();
  const text = await importFiles(page, [file]);
  const seconds = (Date.now() - started) / 1000;
  expect(text).toContain(`Imported 10000 messages: ${10_000 - kept} new, ${kept} already stored.`);
  console.log(`resumed import of ${10_000 - kept} new messages in ${seconds.toFixed(1)} s`);
  await page.goto('./#/local/');
  await expect(page.getByTestId('thread-row').first()).toBeVisible();
  expect(await page.getByTestId('thread-row').count()).toBeGreaterThan(20);
});

test('a truncated mbox.gz keeps every complete message and says what happened', async ({
  page,
}) => {
  mkdirSync(tmp, { recursive: true });
  const whole = gzipSync(readFileSync(fixture('mail/review.mboxrd')));
  const cut = join(tmp, 'truncated.mbox.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
  await page.goto('./#/all/');
  await page.getByTestId('file-input').setInputFiles([cut]);
  await chooseImportInbox(page, 'local');
  const error = page.getByTestId('import-error');
  await expect(error).toContainText(/damaged or truncated/);
  await expect(page.getByTestId('import-status')).toContainText(/[12] new messages stored/);
  await page.goto('./#/local/review-patch@example.org/');
  await expect(page.locator('[data-msgid="review-patch@example.org"]')).toBeVisible();
  await page.goto('./#/demo/');
  await expect(page.getByTestId('thread-row').first()).toBeVisible();
});

test('malformed mail is stored with its problems listed, never aborting the import', async ({
  page,
}) => {
  mkdirSync(tmp, { recursive: true });
  const bad = join(tmp, 'bad.mbox');
  writeFileSync(
    bad,
    [
      'From x Thu Jan  1 00:00:00 1970',
      'Subject: no id and a broken date',
      'Date: the day after tomorrow',
      '',
      'body one',
      '',
      'From x Thu Jan  1 00:00:00 1970',
      'Message-ID: <fine@example.org>',
      'Date: Mon, 1 Jun 2020 10:00:00 +0000',
      'Subject: fine',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain',
      '',
      'still readable',
      '',
    ].join('\n'),
  );
  await page.goto('./#/all/');
  expect(await importFiles(page, [bad])).toContain('Imported 2 messages: 2 new');
  await expect(page.getByTestId('import-status')).toContainText('1 with parse problems');
  await page.goto('./#/local/fine@example.org/');
  await expect(page.locator('[data-msgid="fine@example.org"]')).toContainText('still readable');
});

test('files dropped on the window ask where to go, offering the inbox being viewed', async ({
  page,
}) => {
  await page.goto('./#/demo/');
  const text = readFileSync(fixture('mail/review.mboxrd'), 'utf8');
  const drop = await page.evaluateHandle((mbox) => {
    const dt = new DataTransfer();
    dt.items.add(new File([mbox], 'review.mbox', { type: 'application/mbox' }));
    return dt;
  }, text);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: drop });
  await page.dispatchEvent('main', 'drop', { dataTransfer: drop });
  const dialog = page.getByTestId('import-dest');
  await expect(dialog.getByTestId('import-existing-inbox')).toHaveValue('demo');
  await dialog.getByTestId('import-existing').check();
  await dialog.getByTestId('import-go').click();
  await expect(page.getByTestId('import-done')).toContainText('3 new');
  await page.goto('./#/demo/review-answer@example.org/');
  await expect(page.locator('[data-msgid="review-answer@example.org"]')).toBeVisible();
});
