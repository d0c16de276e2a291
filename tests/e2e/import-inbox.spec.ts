import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, importFiles, root, start } from './app';

const dialog = (page: Page) => page.getByTestId('import-dest');

test('an import asks where to go and suggests a new inbox named from the most frequent List-Id', async ({
  page,
}) => {
  await start(page);
  await page.getByTestId('file-input').setInputFiles(fixture('mail/usb-list.mboxrd'));
  const d = dialog(page);
  await expect(d).toBeVisible();
  // Four of the five messages came through linux-usb, one only through LKML.
  await expect(d.getByTestId('import-name-source')).toHaveText(
    'From List-Id linux-usb.vger.kernel.org (4 of the first 5 messages).',
  );
  await expect(d.getByTestId('import-name')).toHaveValue('linux-usb');
  await expect(d.getByTestId('import-new')).toBeChecked();
  await expect(d.getByTestId('import-existing-inbox')).toHaveValue('demo');
  await page.screenshot({ path: join(root, 'docs/import-inbox.png') });

  // The name is checked as it is typed: taken, reserved or empty names cannot be imported into.
  const name = d.getByTestId('import-name');
  const go = d.getByTestId('import-go');
  for (const [bad, why] of [
    ['demo', 'An inbox named "demo" exists'],
    ['_crashes', 'does not start with "_"'],
    ['all', 'means every inbox'],
    ['  ', 'Give the inbox a name'],
  ]) {
    await name.fill(bad);
    await expect(d.getByTestId('import-problem')).toContainText(why);
    await expect(go).toBeDisabled();
  }
  await name.fill('linux-usb');
  await expect(d.getByTestId('import-problem')).toHaveCount(0);
  await go.click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId('import-done')).toContainText('Imported 5 messages: 5 new');

  await page.goto('./#/linux-usb/');
  await expect(page.getByTestId('thread-row')).toHaveCount(3);
  await expect(page.getByTestId('side-menu').getByRole('link', { name: /^linux-usb/ })).toHaveText(
    /linux-usb\s+5/,
  );
  // The demo inbox got nothing of it.
  await page.goto('./#/demo/?q=ucsi');
  await expect(page.getByTestId('search-status')).toContainText('0 messages in demo');
});

test('a file without List-Id is named after the file; cancelling imports nothing', async ({
  page,
}) => {
  await start(page);
  await page.getByTestId('file-input').setInputFiles(fixture('mail/two.mboxrd'));
  const d = dialog(page);
  await expect(d.getByTestId('import-name-source')).toHaveText(
    'No List-Id in the first messages: named after the file.',
  );
  await expect(d.getByTestId('import-name')).toHaveValue('two');
  await d.getByRole('button', { name: 'Cancel' }).click();
  await expect(d).toBeHidden();
  // The status line still tells of the demo import: no other started.
  await expect(page.getByTestId('import-status')).toContainText('demo inbox');
  await expect(page.getByTestId('side-menu').getByRole('link', { name: /^two/ })).toHaveCount(0);
});

test('mail dropped on the window goes into the existing inbox its List-Id names', async ({
  page,
}) => {
  await start(page);
  expect(await importFiles(page, [fixture('mail/usb-list.mboxrd')], 'linux-usb')).toContain(
    'Imported 5 messages: 5 new',
  );
  // Drop a later reply of the same list: the dialog picks the linux-usb inbox that exists.
  const text = readFileSync(fixture('mail/usb-list-later.mboxrd'), 'utf8');
  const drop = await page.evaluateHandle((mbox) => {
    const dt = new DataTransfer();
    dt.items.add(new File([mbox], 'usb-later.mbox', { type: 'application/mbox' }));
    return dt;
  }, text);
  await page.dispatchEvent('body', 'dragover', { dataTransfer: drop });
  await page.dispatchEvent('body', 'drop', { dataTransfer: drop });
  const d = dialog(page);
  await expect(d.getByTestId('import-name-source')).toContainText('linux-usb.vger.kernel.org');
  await expect(d.getByTestId('import-existing')).toBeChecked();
  await expect(d.getByTestId('import-existing-inbox')).toHaveValue('linux-usb');
  await d.getByTestId('import-go').click();
  await expect(page.getByTestId('import-done')).toContainText('Imported 1 messages: 1 new');

  await page.goto('./#/linux-usb/');
  await expect(page.getByTestId('thread-row')).toHaveCount(3);
  const xhci = page.getByTestId('thread-row').filter({ hasText: 'port stuck in polling' });
  await expect(xhci.locator('.count')).toHaveAttribute('title', '3 messages, 3 unread');
  // Still one linux-usb inbox, nothing new beside it.
  await expect(page.getByTestId('side-menu').getByRole('link', { name: /^linux-usb/ })).toHaveCount(
    1,
  );
});
