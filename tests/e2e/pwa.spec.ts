/**
 * Journey 9 (install and go offline) and the installed-app duties: the
 * service worker precaches the app, an update waits for the reader, a full
 * disk stops an import cleanly, and a backup restores the same reader state.
 */
import { chromium, expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseImportInbox, fixture, importFiles, root, start } from './app';

/** Resolves once a service worker is active for the page's scope. */
async function swReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** Collects console errors and uncaught exceptions. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('Chromium finds the app installable', async ({ baseURL }, testInfo) => {
  // Incognito contexts (Playwright's default) can never install: use a real profile.
  const profile = mkdtempSync(join(tmpdir(), 'loupe-install-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    ...testInfo.project.use.launchOptions,
    baseURL,
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto('./');
    await swReady(page);
    const cdp = await ctx.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[] };
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors).toEqual([]);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('offline it starts, lists inboxes, opens a thread and searches', async ({ page, context }) => {
  const errors = watchErrors(page);
  await start(page);
  await swReady(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-badge')).toBeVisible();
  await expect(page.getByRole('link', { name: /demo/ })).toBeVisible();
  await page.getByRole('link', { name: /demo/ }).click();
  await page.getByText('INFO: task hung in locks_remove_posix').first().click();
  await expect(page).toHaveURL(/#\/demo\/[^/]+\//);
  await expect(page.getByText(/locks_remove_posix/).nth(1)).toBeVisible();

  await page.locator('[data-search-box]').fill('s:locks_remove_posix');
  await expect(page.getByTestId('search-result').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/offline.png' });

  await context.setOffline(false);
  await expect(page.getByTestId('offline-badge')).toBeHidden();
  expect(errors).toEqual([]);
});

test('a full disk stops an import cleanly, keeps committed batches and says what is needed', async ({
  page,
  context,
  baseURL,
}) => {
  // A real quota: IndexedDB itself refuses the commit with QuotaExceededError.
  // Chromium applies the override only to an origin whose storage is not open
  // yet, so it is set before the first visit: room for the demo inbox (~10 MB
  // with the precache) and one 2,000-message batch of the import below (~30 MB), not two.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL ?? '').origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 56_000_000 });
  await start(page);

  // 14,000 messages of random words (IndexedDB compresses values, so no repeated
  // text) from a small vocabulary (so the search index stays small). When the store
  // compacts between batches it shrinks them to a third: 7,000 could all fit then,
  // twice that cannot. More than Playwright hands over from memory, so from a file.
  const vocab = Array.from({ length: 400 }, () => randomBytes(4).toString('hex'));
  const words = (n: number) =>
    Array.from(randomBytes(n), (b, k) => vocab[(b + k * 7) % vocab.length]).join(' ');
  const msgs: string[] = [];
  for (let i = 0; i < 14_000; i++) {
    const body = words(500).replace(/(\S+ ){8}/g, '$&\n');
    msgs.push(
      `From mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-ID: <q${i}@quota.test>\nFrom: Q <q@quota.test>\nSubject: filler ${i}\nDate: Mon, 1 Jun 2020 10:00:00 +0000\n\n${body}\n`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'loupe-quota-'));
  const big = join(dir, 'big.mbox');
  writeFileSync(big, msgs.join('\n'));
  // The page reads the file as it imports: it goes once the import has ended.
  await page.getByTestId('file-input').setInputFiles(big);
  await chooseImportInbox(page, 'local');
  const status = page.getByTestId('import-status');
  await expect(status.getByTestId('import-error')).toContainText('ran out of storage', {
    timeout: 40_000,
  });
  await expect(status.getByTestId('space-needed')).toContainText(/About .* more space is needed/);
  rmSync(dir, { recursive: true });

  const stored = await page.evaluate(() =>
    window.loupe!.db().messages.where('inboxes').equals('local').count(),
  );
  expect(stored).toBeGreaterThan(0);
  expect(stored % 2000).toBe(0); // whole batches, never half of one
  await expect(status).toContainText(`${stored} new messages stored`);

  await status.getByRole('link', { name: 'Free space in Settings' }).click();
  const row = page.getByTestId('inbox-size').filter({ hasText: 'local' });
  await expect(row).toContainText(String(stored));
  await row.getByRole('button', { name: 'Delete…' }).click();
  await row.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByTestId('settings-status')).toContainText(`${stored} messages removed`, {
    timeout: 20_000,
  });
  await expect(page.getByTestId('inbox-size').filter({ hasText: 'local' })).toHaveCount(0);
});

test('a new version waits for the reader, then reloads on the same route', async ({ page }) => {
  // Its own server over a copy of the build, so the test can publish a "new version".
  const dir = mkdtempSync(join(tmpdir(), 'loupe-update-'));
  cpSync(join(root, 'dist'), dir, { recursive: true });
  const server = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0', '--root', dir], {
    cwd: root,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        const m = /Loupe at (\S+)/.exec(d.toString());
        if (m) resolve(m[1].endsWith('/') ? m[1] : `${m[1]}/`);
      });
      server.on('exit', () => reject(new Error('the server exited')));
    });
    await page.goto(url);
    await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
    await swReady(page);
    await page.getByText('INFO: task hung in locks_remove_posix').first().click();
    const route = page.url();
    expect(route).toMatch(/#\/all\/.+\//);

    // Publish version 2: a changed index.html, and the service worker that precaches it.
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    writeFileSync(
      join(dir, 'index.html'),
      html.replace('<head>', '<head><meta name="loupe-build" content="2">'),
    );
    const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
    writeFileSync(
      join(dir, 'sw.js'),
      sw.replace(/(url:"index\.html",revision:")[0-9a-f]+/, '$1version-2'),
    );

    await page.reload();
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible({ timeout: 20_000 });
    // Nothing was swapped under the reader: the page is still version 1.
    await expect(page.locator('meta[name="loupe-build"]')).toHaveCount(0);
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await expect(page.locator('meta[name="loupe-build"]')).toHaveCount(1, { timeout: 20_000 });
    expect(page.url()).toBe(route);
    await expect(page.getByText('INFO: task hung in locks_remove_posix').first()).toBeVisible();
    await expect(prompt).toBeHidden();
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a backup restores the same messages and reader state in another browser', async ({
  page,
  browser,
}) => {
  await start(page);
  await importFiles(page, [fixture('mail/two.mboxrd')]);
  await page.getByText('INFO: task hung in locks_remove_posix').first().click();
  await page.locator('[data-search-box]').fill('s:locks_remove_posix');
  await page.getByRole('button', { name: 'Save search' }).click();
  await page.goto('./#/_settings/');
  const downloads: string[] = [];
  page.on(
    'download',
    (d) => void d.path().then((p) => downloads.push(`${d.suggestedFilename()}|${p}`)),
  );
  await page.getByRole('button', { name: 'Back up everything' }).click();
  await expect(page.getByTestId('settings-status')).toContainText('Backup written');
  await expect.poll(() => downloads.length).toBe(2);
  const before = await snapshot(page);
  expect(before.reads.length).toBeGreaterThan(0);

  const other = await browser.newContext();
  try {
    const p2 = await other.newPage();
    await start(p2);
    // Start from nothing: delete the demo inbox the first start imported.
    await p2.goto('./#/_settings/');
    const demo = p2.getByTestId('inbox-size').filter({ hasText: 'demo' });
    await demo.getByRole('button', { name: 'Delete…' }).click();
    await demo.getByRole('button', { name: 'Delete for good' }).click();
    await expect(p2.getByTestId('inbox-size')).toHaveCount(0);
    await p2.getByTestId('restore-input').setInputFiles(
      downloads
        .map((d) => d.split('|')[1])
        .map((path, i) => ({
          name: downloads[i].split('|')[0],
          mimeType: 'application/octet-stream',
          buffer: readFileSync(path),
        })),
    );
    await expect(p2.getByTestId('settings-status')).toContainText('Restored', { timeout: 30_000 });
    expect(await snapshot(p2)).toEqual(before);
  } finally {
    await other.close();
  }
});

/** Every message (id, inboxes, SHA-256 of the raw bytes), read marks and saved searches. */
function snapshot(page: Page) {
  return page.evaluate(async () => {
    const db = window.loupe!.db();
    const hex = async (b: Uint8Array) =>
      [...new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>))]
        .map((x) => x.toString(16).padStart(2, '0'))
        .join('');
    const msgs = await db.messages.orderBy('id').toArray();
    const raws = await db.raws.orderBy('id').toArray();
    return {
      messages: msgs.map((m) => `${m.id} ${[...m.inboxes].sort().join(',')} ${m.threadId}`),
      raws: await Promise.all(raws.map(async (r) => `${r.id} ${await hex(r.raw)}`)),
      reads: (await db.reads.orderBy('id').toArray()).map((r) => `${r.id} ${r.threadId}`),
      unread: (await db.threads.orderBy('id').toArray()).map((t) => `${t.id} ${t.unread}`),
      saved: (await db.savedSearches.toArray()).map((s) => `${s.inbox} ${s.query}`),
    };
  });
}
