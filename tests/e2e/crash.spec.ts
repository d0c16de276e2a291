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

test('the crash index groups two syzbot bugs of one title from two inboxes', async ({ page }) => {
  await page.goto('./#/all/');
  await importFiles(page, [fixture('mail/syzbot-second.mboxrd')]);
  await page.goto('./#/_crashes/');
  const row = page
    .getByTestId('crash-group')
    .filter({ hasText: 'INFO: task hung in locks_remove_posix' });
  await expect(row.getByTestId('crash-count')).toHaveText('3');
  await expect(row.getByTestId('crash-spread')).toHaveText('2 syzbot bugs');
  await expect(row.getByTestId('crash-inboxes')).toHaveText('demo, local');
  await page.getByRole('combobox', { name: 'inbox' }).selectOption('local');
  await expect(row.getByTestId('crash-count')).toHaveText('1');
  await row.getByRole('link').click();
  await expect(page.getByTestId('crash-panel').first()).toBeVisible();
  await page.goto('./#/local/');
  await expect(page.getByTestId('thread-row').first().getByTestId('crash-type')).toHaveText('hang');
});

test('a syzbot thread is one bug in the crash index: fix pending after the patch, fixed after #syz fix', async ({
  page,
}) => {
  const title = 'KASAN: slab-use-after-free Write in rfcomm_sock_release';
  const extid = '7c1e9f0a4b2d63e58a91';
  await page.goto('./#/all/');
  await importFiles(page, [fixture('mail/syzbot-thread.mboxrd')]);
  await page.goto('./#/_crashes/');
  const group = page.getByTestId('crash-group').filter({ hasText: title });
  await expect(group.getByTestId('crash-spread')).toHaveText('1 syzbot bug');
  await expect(group.getByTestId('crash-type')).toHaveText('use-after-free write');
  const bug = page.locator(`[data-testid="syzbot-bug"][data-extid="${extid}"]`);
  await expect(bug).toHaveCount(1);
  await expect(bug.getByTestId('bug-status')).toHaveText('fix pending');
  await expect(bug.getByTestId('bug-report')).toHaveText('bug (2)');
  await expect(bug.getByTestId('bug-repro')).toHaveText('yes');
  await expect(bug).toContainText('patch tested OK');
  await expect(bug).toContainText('[bluetooth]');
  const dashboard = bug.getByTestId('bug-dashboard');
  await expect(dashboard).toHaveAttribute(
    'href',
    `https://syzkaller.appspot.com/bug?extid=${extid}`,
  );
  await expect(dashboard).toHaveAttribute('rel', 'noopener noreferrer');

  await page.getByRole('combobox', { name: 'status' }).selectOption('open');
  await expect(bug).toHaveCount(0);
  await page.getByRole('combobox', { name: 'status' }).selectOption('fix pending');
  await expect(bug).toHaveCount(1);
  await page.getByRole('combobox', { name: 'subsystem' }).selectOption('bluetooth');
  await expect(bug).toHaveCount(1);
  await page.screenshot({ path: 'test-results/crash-index-bug.png' });

  await bug.getByTestId('bug-report').click();
  const panel = page.getByTestId('crash-panel').first();
  await expect(panel.getByTestId('crash-title')).toHaveText(`${title} (2)`);
  await expect(panel.getByTestId('our-title')).toHaveCount(0);
  await expect(panel.getByTestId('crash-type')).toHaveText('use-after-free write');
  await panel.screenshot({ path: 'test-results/crash-panel-symbolized.png' });

  await page.goto('./#/all/');
  await importFiles(page, [fixture('mail/syzbot-thread-fix.mboxrd')]);
  await page.goto('./#/_crashes/');
  await expect(bug.getByTestId('bug-status')).toHaveText('fixed');
  await expect(bug.getByTestId('bug-status')).toHaveAttribute(
    'title',
    `fixed by "Bluetooth: RFCOMM: don't drop the dlc twice on release"`,
  );
  await page.getByRole('combobox', { name: 'status' }).selectOption('fixed');
  await expect(bug).toHaveCount(1);
  await expect(page.getByTestId('syzbot-bug')).toHaveCount(1);
});

test('a search hit names its crash with the same badge as the thread list', async ({ page }) => {
  await page.goto('./#/demo/?q=s%3Alocks_remove_posix');
  const results = page.getByTestId('search-result');
  await expect(results.first()).toBeVisible();
  const badges = results.getByTestId('crash-type');
  await expect(badges.first()).toHaveText('hang');
  await expect(badges.first()).toHaveAttribute(
    'title',
    'INFO: task hung in locks_remove_posix\nsyzkaller type: HANG',
  );
  await expect(results.getByText('crash', { exact: true })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/search-crash-badge.png' });
  await page.goto('./#/demo/');
  await expect(
    page
      .getByTestId('thread-row')
      .filter({ hasText: 'locks_remove_posix' })
      .first()
      .getByTestId('crash-type'),
  ).toHaveText('hang');
});
