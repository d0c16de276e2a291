/**
 * The reader in real Chromium. One test is skipped, with a printed notice, on a
 * clone without ../shared: it imports the seed thread, real mail kept only in
 * ../shared/corpus (never copied into the project), to compare the git
 * send-email command with lore's. Wherever ../shared exists, as in CI here, it runs.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { splitMbox } from '../../src/core/mbox';
import { fixture, importFiles, shared, start } from './app';

test.beforeEach(async ({ page }) => {
  await start(page);
});

test('shows a missing parent as [not found] in the nested overview', async ({ page }) => {
  await page.goto('./#/demo/demo-orc-fix@loupe.example/T/');
  const overview = page.getByTestId('thread-overview');
  await expect(overview).toContainText('[not found] <demo-missing-parent@loupe.example>');
  await expect(overview).toContainText('[this message]');
  await expect(overview.locator('.line').first()).toContainText(
    'INFO: task hung in locks_remove_posix',
  );
});

test('lists a thread by date in the flat view', async ({ page }) => {
  await page.goto('./#/demo/demo-syzbot-report@loupe.example/t/');
  await expect(page.getByTestId('message')).toHaveCount(4);
  const times = await page
    .getByTestId('message')
    .locator('time')
    .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
  expect(times.length).toBe(4);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});

test('folds long quotes, colours diffs and links URLs safely', async ({ page }) => {
  await page.goto('./#/all/');
  expect(await importFiles(page, [fixture('mail/review.mboxrd')])).toContain('3 new');
  await page.goto('./#/local/review-reply@example.org/');
  const reply = page.locator('[data-msgid="review-reply@example.org"]');
  await expect(reply.getByRole('button', { name: /16 more quoted lines/ })).toBeVisible();
  await expect(reply.getByTestId('quote').first()).not.toContainText('line 20 of');
  await reply.getByRole('button', { name: /more quoted lines/ }).click();
  await expect(reply.getByTestId('quote').first()).toContainText('line 20 of');
  // The body reads line for line as the mail does: no blank line after a quote that the mail lacks.
  const text = await reply.locator('.body').textContent();
  expect(text).toContain('> line 20 of the original explanation of the locking change\n\nWhy 20');
  expect(text).toContain('>> nested quote from an earlier round\n\nthanks,\ngreg\n');
  const link = reply.getByRole('link', { name: /submitting-patches/ });
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');

  const patch = page.locator('[data-msgid="review-patch@example.org"]');
  const diff = patch.getByTestId('diff');
  await expect(diff).toHaveAttribute('data-file', 'drivers/usb/class/cdc-wdm.c');
  const add = await diff
    .locator('.add')
    .first()
    .evaluate((e) => getComputedStyle(e).color);
  const del = await diff
    .locator('.del')
    .first()
    .evaluate((e) => getComputedStyle(e).color);
  const ctx = await diff
    .locator('.ctx')
    .first()
    .evaluate((e) => getComputedStyle(e).color);
  expect(new Set([add, del, ctx]).size).toBe(3);
});

test('gives the same git send-email command as lore for the seed message', async ({ page }) => {
  const dir = shared('mail/seed-thread');
  test.skip(
    !dir,
    'the seed thread is real mail kept only in ../shared/corpus/mail/seed-thread (never copied into the project), and this checkout has no ../shared',
  );
  await page.goto('./#/all/');
  await importFiles(page, [join(dir ?? '', 'locks_remove_posix.mbox')]);
  await page.goto('./#/local/000000000000070cb305a66ddc71@google.com/');
  const seed = page.locator('[data-msgid="000000000000070cb305a66ddc71@google.com"]');
  await seed.getByRole('button', { name: 'reply' }).click();
  await expect(seed.getByTestId('send-email')).toHaveText(
    [
      'git send-email \\',
      '    --in-reply-to=000000000000070cb305a66ddc71@google.com \\',
      '    --to=syzbot+f5bc30abd8916982419c@syzkaller.appspotmail.com \\',
      ...[
        'andreyknvl@google.com',
        'bfields@fieldses.org',
        'dvyukov@google.com',
        'hdanton@sina.com',
        'jlayton@kernel.org',
        'linux-fsdevel@vger.kernel.org',
        'linux-kernel@vger.kernel.org',
        'linux-usb@vger.kernel.org',
        'penguin-kernel@I-love.SAKURA.ne.jp',
        'syzkaller-bugs@googlegroups.com',
        'viro@zeniv.linux.org.uk',
      ].map((a) => `    --cc=${a} \\`),
      '    /path/to/YOUR_REPLY',
      '',
    ].join('\n'),
  );
  const mailto = await seed.getByRole('link', { name: 'mailto: link' }).getAttribute('href');
  expect(decodeURIComponent(mailto ?? '')).toMatch(
    /^mailto:syzbot\+f5bc30abd8916982419c@syzkaller\.appspotmail\.com\?In-Reply-To=<000000000000070cb305a66ddc71@google\.com>&Cc=andreyknvl@google\.com,/,
  );
  expect(mailto).toContain('Subject=Re%3A%20INFO%3A%20task%20hung%20in%20locks_remove_posix');
});

test('exports a thread as mbox.gz that imports back to the same messages', async ({ page }) => {
  await page.goto('./#/demo/demo-syzbot-report@loupe.example/T/');
  await expect(page.getByTestId('message')).toHaveCount(4);
  const ids = await page
    .getByTestId('message')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-msgid')));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'thread mbox.gz' }).click();
  const file = await (await download).path();
  const raws = splitMbox(gunzipSync(readFileSync(file)));
  expect(raws).toHaveLength(4);
  const text = raws.map((r) => Buffer.from(r).toString());
  for (const id of ids) expect(text.some((t) => t.includes(`<${id}>`))).toBe(true);
  await page.goto('./#/demo/');
  expect(await importFiles(page, [file])).toContain(
    'Imported 4 messages: 0 new, 4 already stored.',
  );
});

test('moves through messages and threads with the keyboard', async ({ page }) => {
  await page.goto('./#/demo/');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('message').first()).toBeVisible();
  await page.goto('./#/demo/demo-syzbot-report@loupe.example/');
  await expect(page.locator('.msg.current')).toHaveAttribute(
    'data-msgid',
    'demo-syzbot-report@loupe.example',
  );
  await page.keyboard.press('j');
  await expect(page.locator('.msg.current')).toHaveAttribute(
    'data-msgid',
    'demo-review-1@loupe.example',
  );
  await page.keyboard.press('k');
  await expect(page.locator('.msg.current')).toHaveAttribute(
    'data-msgid',
    'demo-syzbot-report@loupe.example',
  );
  await page.keyboard.press('o');
  await expect(page.locator('.msg.current [data-testid="crash-panel"]')).toHaveCount(0);
  await page.keyboard.press('o');
  await expect(page.locator('.msg.current [data-testid="crash-panel"]')).toHaveCount(1);
  await page.keyboard.press('n');
  await expect(page).not.toHaveURL(/demo-syzbot-report/);
  await page.keyboard.press('?');
  await expect(page.getByTestId('key-help')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('u');
  await expect(page).toHaveURL(/#\/demo\/$/);
  await expect(page.getByTestId('thread-row').first()).toBeVisible();
});

test('keeps read state across a reload', async ({ page }) => {
  await page.goto('./#/demo/demo-syzbot-report@loupe.example/');
  const first = page.locator('[data-msgid="demo-syzbot-report@loupe.example"]');
  await expect(first).toBeVisible();
  await expect(page.getByText(/3 unread/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(/3 unread/)).toBeVisible();
  await expect(first.locator('.unread')).toHaveCount(0);
  await expect(page.locator('[data-msgid="demo-review-1@loupe.example"] .unread')).toHaveCount(1);
  await page.getByRole('button', { name: 'mark read' }).click();
  await expect(page.getByText(/0 unread/)).toBeVisible();
});
