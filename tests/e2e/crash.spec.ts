import { expect, test } from '@playwright/test';
import { fixture, importFiles, start } from './app';

test.beforeEach(async ({ page }) => {
  await start(page);
});

test('a syzbot report opens with a crash panel, folded traces and dimmed unreliable frames', async ({
  page,
}) => {
  await page.goto('./#/demo/demo-syzbot-repro@loupe.example/');
  const msg = page.locator('[data-msgid="demo-syzbot-repro@loupe.example"]');
  const panel = msg.getByTestId('crash-panel');
  await expect(panel.getByTestId('crash-title')).toHaveText(
    'INFO: task hung in locks_remove_posix',
  );
  await expect(panel.getByTestId('crash-type')).toHaveText('hang');
  await expect(panel.getByTestId('crash-type')).toHaveAttribute('title', /syzkaller type: HANG/);
  await expect(panel.getByTestId('crash-kernel')).toHaveText('5.7.0-rc5-syzkaller');
  await expect(panel.getByTestId('folded-count')).toHaveText('5 identical traces');
  await expect(panel.getByTestId('trace')).toHaveCount(1);

  const card = panel.getByTestId('syzbot-card');
  await expect(card).toContainText('806d8acc');
  await expect(card).toContainText('github.com/google/kasan.git usb-fuzzer');
  await expect(card.getByTestId('reported-by')).toHaveText(
    'Reported-by: syzbot+5d1e0fa1b23b4c4ea0d1@syzkaller.appspotmail.com',
  );

  const wdm = panel.getByTestId('trace').locator('li', { hasText: 'wdm_poll' }).first();
  await expect(wdm).toHaveAttribute('data-unreliable', 'true');
  await expect(wdm).toHaveAttribute('title', /offset equals the function size/);
  expect(Number(await wdm.evaluate((e) => getComputedStyle(e).opacity))).toBeLessThan(1);
  const good = panel.getByTestId('trace').locator('li', { hasText: 'wdm_flush' }).first();
  await expect(good).not.toHaveAttribute('data-unreliable', 'true');
  await expect(good.getByRole('link', { name: 'drivers/usb/class/cdc-wdm.c:590' })).toHaveAttribute(
    'href',
    'https://github.com/google/kasan/blob/806d8acc/drivers/usb/class/cdc-wdm.c#L590',
  );
});

test('the crash index groups reports of one crash from two threads and two inboxes', async ({
  page,
}) => {
  await page.goto('./#/all/');
  await importFiles(page, [fixture('mail/syzbot-second.mboxrd')]);
  await page.goto('./#/_crashes/');
  const row = page
    .getByTestId('crash-group')
    .filter({ hasText: 'INFO: task hung in locks_remove_posix' });
  await expect(row.getByTestId('crash-count')).toHaveText('3');
  await expect(row.getByTestId('crash-threads')).toHaveText('2');
  await expect(row.getByTestId('crash-inboxes')).toHaveText('demo, local');
  await page.getByRole('combobox', { name: 'inbox' }).selectOption('local');
  await expect(row.getByTestId('crash-count')).toHaveText('1');
  await row.getByRole('link').click();
  await expect(page.getByTestId('crash-panel').first()).toBeVisible();
  await page.goto('./#/local/');
  await expect(page.getByTestId('thread-row').first().getByTestId('crash-type')).toHaveText('hang');
});
