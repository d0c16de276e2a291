import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { generateMbox, importFiles, root, start } from './app';

const tmp = join(root, 'test-results', 'thread-list-data');

/**
 * Scrolls the list to `y` and waits until every row slot of the viewport has its
 * row; returns the rows in the DOM by position (their link and date).
 */
async function rowsAt(page: Page, y: number): Promise<Map<number, string>> {
  const list = page.locator('section.list');
  await list.evaluate((el, y) => (el.scrollTop = y), y);
  const read = () =>
    list.evaluate((el) => {
      const rows = [...el.querySelectorAll<HTMLElement>('[data-testid="thread-row"]')];
      const h = parseFloat(rows[0]?.style.height ?? '24') || 24;
      const at = new Map(
        rows.map((r) => [
          Math.round(parseFloat(r.style.top) / h),
          `${r.getAttribute('href')} ${r.querySelector('.line-date')?.textContent}`,
        ]),
      );
      const first = Math.floor(el.scrollTop / h);
      const last = Math.min(
        Math.ceil((el.scrollTop + el.clientHeight) / h),
        Math.round(el.scrollHeight / h),
      );
      const missing = [];
      for (let p = first; p < last; p++) if (!at.has(p)) missing.push(p);
      return { missing: missing.length, rows: [...at] };
    });
  await expect.poll(async () => (await read()).missing, { timeout: 20_000 }).toBe(0);
  return new Map((await read()).rows);
}

test('the thread list shows every thread once, in order, scrolled down, up, or jumped into', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const file = join(tmp, 'lkml-5k.mbox.gz');
  generateMbox(file, 5000, 5);
  await start(page);
  expect(await importFiles(page, [file])).toContain('Imported 5000 messages');
  await page.goto('./#/local/');
  await expect(page.getByTestId('thread-row').first()).toBeVisible();
  const list = page.locator('section.list');
  const max = await list.evaluate((el) => el.scrollHeight - el.clientHeight);
  const total = Math.round(
    (await list.evaluate((el) => el.scrollHeight)) /
      (await page
        .getByTestId('thread-row')
        .first()
        .evaluate((r: HTMLElement) => r.offsetHeight)),
  );
  expect(total).toBeGreaterThan(300);

  // Down in steps of a screen or so: the list reads windows beside the rows it holds.
  const byPos = new Map<number, string>();
  const ys: number[] = [];
  for (let y = 0; y < max; y += 700) ys.push(y);
  ys.push(max);
  for (const y of ys) for (const [p, row] of await rowsAt(page, y)) byPos.set(p, row);
  expect(byPos.size).toBe(total);
  const rows = [...byPos.keys()].sort((a, b) => a - b).map((p) => byPos.get(p) ?? '');
  // Every thread once, newest first.
  expect(new Set(rows.map((r) => r.split(' ')[0])).size).toBe(total);
  const dates = rows.map((r) => r.split(' ').slice(1).join(' '));
  expect(dates).toEqual([...dates].sort().reverse());

  // Back up: every row where it was on the way down.
  for (const y of ys.reverse())
    for (const [p, row] of await rowsAt(page, y))
      expect(row, `row ${p} going up`).toBe(byPos.get(p));

  // A jump from the top to the middle (a scrollbar drag) shows the rows that are there.
  await rowsAt(page, 0);
  for (const [p, row] of await rowsAt(page, Math.round(max / 2)))
    expect(row, `row ${p} after a jump`).toBe(byPos.get(p));
});
