import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { root, start } from './app';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

interface Box {
  what: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** A control a finger presses (not a link inside text). */
  target: boolean;
}

/**
 * Every visible control on screen, its box clipped by the scrolling areas it sits in,
 * so a row scrolled out of its list does not count as lying under the status bar.
 */
function controls(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const sel =
      'button, select, input:not([type=file]), a[href], [data-testid=thread-row], [data-testid=search-result]';
    const out: Box[] = [];
    const els = [...document.querySelectorAll<HTMLElement>(sel)];
    for (const el of els) {
      // A control inside another (a link in a row) is part of it.
      if (el.parentElement?.closest(sel)) continue;
      let r = el.getBoundingClientRect();
      let x0 = r.left;
      let y0 = r.top;
      let x1 = r.right;
      let y1 = r.bottom;
      for (let a = el.parentElement; a; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        r = a.getBoundingClientRect();
        x0 = Math.max(x0, r.left);
        y0 = Math.max(y0, r.top);
        x1 = Math.min(x1, r.right);
        y1 = Math.min(y1, r.bottom);
      }
      y1 = Math.min(y1, innerHeight);
      if (x1 - x0 < 1 || y1 - y0 < 1) continue;
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || el.classList.contains('visually-hidden')) continue;
      const inText = el.tagName === 'A' && !el.closest('nav, header, [data-testid=thread-row]');
      out.push({
        what: `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`,
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
        target: !inText,
      });
    }
    return out;
  });
}

/** Fails on any two controls that overlap, any cut off at the right, and any target under 40 px. */
async function checkLayout(page: Page, view: string) {
  const boxes = await controls(page);
  expect(boxes.length, `${view}: controls found`).toBeGreaterThan(3);
  const overlaps: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let k = i + 1; k < boxes.length; k++) {
      const a = boxes[i];
      const b = boxes[k];
      const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (w > 1 && h > 1) overlaps.push(`${a.what} × ${b.what}`);
    }
  expect(overlaps, `${view}: overlapping controls`).toEqual([]);
  const wide = boxes.filter((b) => b.x < 0 || b.x + b.w > 390.5).map((b) => b.what);
  expect(wide, `${view}: controls past the screen's edge`).toEqual([]);
  const small = boxes
    .filter((b) => b.target && b.h < 40 && b.y + b.h < 844)
    .map((b) => `${b.what} ${Math.round(b.h)}px`);
  expect(small, `${view}: touch targets under 40 px`).toEqual([]);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(root, 'docs', `phone-${name}.png`) });

test('phone: one column, menu, full-width search, two-line rows, no control overlaps another', async ({
  page,
}) => {
  await start(page);
  await page.getByRole('button', { name: 'Dismiss' }).click();

  await test.step('thread list: rows on two lines, search across the screen', async () => {
    const row = page.getByTestId('thread-row').first();
    const rowBox = await row.boundingBox();
    expect(rowBox?.height).toBe(48);
    const subject = await row.locator('.line-subject').boundingBox();
    const date = await row.locator('.line-date').boundingBox();
    expect((date?.y ?? 0) - (subject?.y ?? 0)).toBeGreaterThan(15);
    const search = await page.locator('[data-search-box]').boundingBox();
    expect(search?.width).toBeGreaterThan(360);
    await expect(page.getByTestId('side-menu')).toBeHidden();
    await checkLayout(page, 'list');
    await shot(page, 'list');
  });

  await test.step('the menu holds the inboxes and the actions', async () => {
    await page.getByTestId('menu-button').click();
    const menu = page.getByTestId('side-menu');
    await expect(menu.getByTestId('add-inbox')).toBeVisible();
    await expect(menu.getByRole('button', { name: 'Import files…' })).toBeVisible();
    await expect(menu.getByRole('link', { name: /demo/ })).toBeVisible();
    await checkLayout(page, 'menu');
    await shot(page, 'menu');
    await menu.getByRole('link', { name: 'Crashes' }).click();
    await expect(menu).toBeHidden();
    await expect(page).toHaveURL(/#\/_crashes\//);
    await checkLayout(page, 'crashes');
  });

  await test.step('a hardware keyboard still works: j, Enter, /', async () => {
    await page.goto('./#/all/');
    await expect(page.getByTestId('thread-row').nth(1)).toBeVisible();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/all\/[^/]+\/$/);
    await expect(page.getByTestId('message').first()).toBeVisible();
    await checkLayout(page, 'thread');
    await shot(page, 'thread');
    await page.keyboard.press('/');
    await expect(page.locator('[data-search-box]')).toBeFocused();
  });

  await test.step('search and settings fit too', async () => {
    await page.locator('[data-search-box]').fill('s:patch');
    await expect(page.getByTestId('search-result').first()).toBeVisible();
    await checkLayout(page, 'search');
    await page.goto('./#/_settings/');
    await expect(page.getByRole('heading').first()).toBeVisible();
    await checkLayout(page, 'settings');
  });
});
