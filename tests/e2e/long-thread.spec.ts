import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../bench/gen-thread.mjs';
import { importFiles, start } from './app';

// The reading benchmark's thread: 1,000 messages, a 49-patch series with nested reviews.
const g = generate({ messages: 1000, seed: 1 });
const mails = g.text.split(/^(?=From mboxrd@z )/m);
const idOf = (mail: string) => /^Message-ID: <([^>]+)>/m.exec(mail)?.[1] ?? '';
const enc = (id: string) => encodeURIComponent(id).replace(/%40/g, '@');

test('a 1,000-message thread opens whole at a deep message; find-in-page and keys reach every message', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const file = join(tmpdir(), `loupe-long-thread-${process.pid}.mbox`);
  writeFileSync(file, g.text);
  await start(page);
  await page.goto('./#/demo/');
  expect(await importFiles(page, [file])).toContain('1001 new');

  const deep = idOf(mails[900]);
  await page.goto(`./#/local/${enc(deep)}/T/`);
  const messages = page.getByTestId('message');
  await expect(messages).toHaveCount(g.threadMessages, { timeout: 30_000 });
  const current = page.locator('.msg.current');
  await expect(current).toHaveAttribute('data-msgid', deep);
  await expect(current).toBeInViewport();
  await expect(current).toBeFocused();

  // A line only the thread's last message holds, far below the screen: the browser's
  // find selects it there, so that body is in the page, not a placeholder.
  const last = mails[g.threadMessages - 1];
  const body = last.slice(last.indexOf('\n\n') + 2).split('\n');
  const line = body.filter((l) => l.length > 40 && !l.startsWith('>')).at(-1) ?? '';
  expect(g.text.split(line).length).toBe(2);
  const found = await page.evaluate((s) => {
    // window.find: Chromium's scripted find-in-page (not in the DOM typings).
    const find = (window as unknown as { find(s: string): boolean }).find.bind(window);
    // Find goes on from the selection: start at the top, as a new find-in-page does.
    window.getSelection()?.removeAllRanges();
    if (!find(s)) return null;
    const at = window.getSelection()?.anchorNode?.parentElement;
    return at?.closest('[data-testid="message"]')?.getAttribute('data-msgid') ?? '';
  }, line);
  expect(found).toBe(idOf(last));
  const lastMsg = page.locator(`[data-msgid="${idOf(last)}"]`);
  await lastMsg.scrollIntoViewIfNeeded();
  await expect(lastMsg).toBeInViewport();
  await expect(lastMsg).toContainText(line);

  // Keys walk the thread, in the order shown, from the deep message.
  const next = await page.evaluate((id) => {
    const all = [...document.querySelectorAll('[data-testid="message"]')];
    const at = all.findIndex((m) => m.getAttribute('data-msgid') === id);
    return all[at + 1]?.getAttribute('data-msgid');
  }, deep);
  await current.focus();
  await page.keyboard.press('j');
  await expect(page.locator('.msg.current')).toHaveAttribute('data-msgid', next ?? '');
  await expect(page.locator('.msg.current')).toBeInViewport();
});
