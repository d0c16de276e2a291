import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostileInputs } from '../unit/hostile/inputs';
import { importFiles, root, start } from './app';

const tmp = join(root, 'test-results', 'hostile-data');

/** Collects Content-Security-Policy violations the page reports, from its first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { reportViolation(v: string): void }).reportViolation;
      report(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

test('the built app runs under its CSP: workers, IndexedDB, search and the service worker', async ({
  page,
}) => {
  const violations = await watchViolations(page);
  const res = await page.goto('./');
  const policy = res?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self'");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).toContain("frame-ancestors 'none'");
  // The demo import runs the ingest worker and its parse workers and writes IndexedDB.
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
  await page.goto('./#/all/');
  await page.getByTestId('thread-row').first().click();
  await expect(page.getByTestId('message').first()).toBeVisible();
  // The search worker reads IndexedDB.
  await page.goto('./#/all/?q=s%3Alocks_remove_posix');
  await expect(page.getByTestId('search-result').first()).toBeVisible({ timeout: 30_000 });
  const sw = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.state ?? null;
  });
  expect(sw).toBe('activated');
  expect(violations).toEqual([]);
});

test('hostile archives import with their good neighbours kept and the attack listed', async ({
  page,
}) => {
  test.setTimeout(180_000);
  mkdirSync(tmp, { recursive: true });
  // A subset small enough for a browser run; the unit suite runs every attack at full size.
  const names = ['long-line', 'nuls', 'references', 'mime-depth', 'bad-utf8', 'from-lines'];
  const inputs = hostileInputs(1 / 16).filter((h) => names.includes(h.name));
  await start(page);
  await page.goto('./#/local/');
  for (const h of inputs) {
    const file = join(tmp, `${h.name}.mbox${h.gzip ? '.gz' : ''}`);
    await h.write(file);
    const text = await importFiles(page, [file]);
    // The good neighbours, plus the attack itself when it is only flawed, not skipped.
    const stored = h.kept.length + (h.skipped ? 0 : 1);
    expect(text, h.name).toContain(`Imported ${stored} messages: ${stored} new`);
    if (h.skipped) {
      const problems = page.getByTestId('import-problems');
      await expect(problems).toContainText('1 too large to store (skipped)');
      await problems.locator('summary').click();
      await expect(problems).toContainText(/message at byte \d+.*: a line of \d+ MiB/);
      if (h.name === 'long-line') await expect(problems).toContainText('(<long-line@example.org>');
    }
  }
  for (const h of inputs) {
    for (const id of h.kept) {
      await expect(page.getByText(`usb: fix ${id.split('@')[0]}`).first(), id).toBeVisible();
    }
  }
  await page.screenshot({ path: 'test-results/hostile-import.png' });
});
