import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseHistory, fixture, root, start } from './app';
import { startPi, type PiServer } from './pi-server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Mail {
  id: string;
  subject: string;
  from: string;
  at: number;
  replyTo?: string;
  body?: string;
}

/** Mail as an mboxrd file public-inbox imports. */
function mboxFile(name: string, mails: Mail[]): string {
  const text = mails
    .map((m) =>
      [
        'From mboxrd@z Thu Jan  1 00:00:00 1970',
        `From: ${m.from}`,
        'To: linux-kernel@example.org',
        `Subject: ${m.replyTo ? 'Re: ' : ''}${m.subject}`,
        `Date: ${new Date(m.at).toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <${m.id}>`,
        ...(m.replyTo ? [`In-Reply-To: <${m.replyTo}>`, `References: <${m.replyTo}>`] : []),
        '',
        m.body ?? `Some words about ${m.subject}.`,
        '',
      ].join('\n'),
    )
    .join('\n');
  const file = join(mkdtempSync(join(tmpdir(), 'loupe-autosync-')), name);
  writeFileSync(file, text);
  return file;
}

/** 30 one-message threads of the last days: newer than anything watched below. */
function recent(now: number, tag: string): Mail[] {
  return Array.from({ length: 30 }, (_, i) => ({
    id: `${tag}-${i}@example.org`,
    subject: `[PATCH] ${tag}: cleanup ${i}`,
    from: `Dev ${i % 5} <dev${i % 5}@example.org>`,
    at: now - HOUR - i * 3 * HOUR,
  }));
}

const entry = (page: Page, inbox: string) => page.locator(`[data-inbox="${inbox}"]`);

/** Adds an inbox by its URL, fetching its newest messages only. */
async function follow(page: Page, url: string): Promise<void> {
  await page.getByTestId('add-inbox').click();
  await page.getByTestId('add-inbox-url').fill(url);
  await page.getByTestId('add-inbox-url').press('Enter');
  await chooseHistory(page, 'Newest messages only');
  await expect(page.getByTestId('sync-done')).toBeVisible({ timeout: 30_000 });
}

/** How a sync outcome is kept in IndexedDB (read, as the UI reads it). */
function outcome(page: Page, inbox: string) {
  return page.evaluate(async (name) => {
    const row = await window.loupe?.db().syncStatus.get(name);
    return row ? { at: row.at, failures: row.failures, error: row.error?.kind ?? null } : null;
  }, inbox);
}

/** The interval kept in the settings table, as the next page load reads it. */
function storedMinutes(page: Page): Promise<unknown> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('loupe');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result
            .transaction('settings')
            .objectStore('settings')
            .get('syncMinutes');
          get.onsuccess = () => {
            open.result.close();
            resolve((get.result as { value?: unknown } | undefined)?.value);
          };
        };
      }),
  );
}

test.describe('syncing on its own', () => {
  let pi: PiServer;
  test.beforeAll(async () => {
    pi = await startPi('lkml', [mboxFile('lkml.mbox', recent(Date.now(), 'lkml'))]);
  });
  test.afterAll(() => pi?.stop());

  test('new mail published while the app is open arrives by itself; unread counts and the title rise', async ({
    page,
  }) => {
    await start(page);
    await follow(page, pi.url);
    const lkml = entry(page, 'lkml');
    await expect(lkml.getByTestId('inbox-unread')).toHaveText('25');
    await expect(lkml.getByTestId('sync-line')).toHaveText(/^synced just now · 25 new/);
    await expect(page).toHaveTitle('(25) Loupe');
    // A saved search over the inbox counts its unread matches too.
    await page.goto(`./#/lkml/?q=${encodeURIComponent('s:urgent')}`);
    await page.getByRole('button', { name: 'Save search' }).click();
    const saved = page.getByTestId('saved-searches').locator('li').filter({ hasText: 's:urgent' });
    await expect(saved).toBeVisible();

    // Every 3 s for this page: the schedule is the app's own; the server is the real one.
    await page.evaluate(() => window.loupe?.syncEvery(3000));
    const now = Date.now();
    pi.add(
      mboxFile('new.mbox', [
        {
          id: 'urgent-1@example.org',
          subject: 'urgent: oops in ext4',
          from: 'Ted <t@example.org>',
          at: now,
        },
        {
          id: 'urgent-2@example.org',
          subject: 'urgent: oops in ext4',
          from: 'Jan <j@example.org>',
          at: now + 1000,
          replyTo: 'urgent-1@example.org',
        },
      ]),
    );
    await expect(lkml.getByTestId('inbox-unread')).toHaveText('27', { timeout: 20_000 });
    await expect(page).toHaveTitle('(27) Loupe');
    await expect(lkml.getByTestId('sync-line')).toHaveText(/^synced just now · 2 new/);
    await expect(saved).toContainText('2');
    expect((await outcome(page, 'lkml'))?.failures).toBe(0);

    // The outcome is kept: a reload still says how the last sync went.
    await page.reload();
    await expect(entry(page, 'lkml').getByTestId('sync-line')).toHaveText(
      /^synced .* · (2|nothing) new/,
    );
    await expect(page).toHaveTitle('(27) Loupe');
  });

  test('a server that stops answering shows the failure and backs off, then syncing resumes', async ({
    page,
  }) => {
    await start(page);
    await follow(page, pi.url);
    const line = entry(page, 'lkml').getByTestId('sync-line');
    await page.evaluate(() => window.loupe?.syncEvery(3000));
    pi.halt();
    try {
      await expect(line).toHaveText(/^failed .*: host unreachable · retrying (in \d+ s|now)$/, {
        timeout: 20_000,
      });
      // Two failures in a row: the wait doubled twice (3 s -> 6 s -> 12 s, ±10%).
      await expect
        .poll(async () => (await outcome(page, 'lkml'))?.failures, { timeout: 30_000 })
        .toBe(2);
      await expect(line).toHaveAttribute('title', /Could not reach 127\.0\.0\.1/);
    } finally {
      pi.serve();
    }
    await expect(line).toHaveText(/^synced just now/, { timeout: 30_000 });
    expect(await outcome(page, 'lkml')).toMatchObject({ failures: 0, error: null });
  });

  test('how often is a setting kept across reloads; off stops syncing on its own', async ({
    page,
  }) => {
    await start(page);
    await follow(page, pi.url);
    await page.goto('./#/_settings/');
    await expect(page.getByTestId('autosync-on')).toBeChecked();
    await expect(page.getByTestId('autosync-minutes')).toHaveValue('10');
    await page.getByTestId('autosync-minutes').fill('25');
    await page.getByTestId('autosync-minutes').press('Tab');
    await expect.poll(() => storedMinutes(page)).toBe(25);
    await page.reload();
    await expect(page.getByTestId('autosync-minutes')).toHaveValue('25');
    await page.getByTestId('autosync-on').uncheck();
    await expect(page.getByTestId('autosync-minutes')).toBeDisabled();
    await expect(entry(page, 'lkml').getByTestId('sync-line')).toHaveText(/· auto-sync off$/);
    await expect.poll(() => storedMinutes(page)).toBe(0);
    await page.reload();
    await expect(page.getByTestId('autosync-on')).not.toBeChecked();
  });

  test('nothing syncs while the page is hidden; it catches up when shown again', async ({
    page,
  }) => {
    await start(page);
    await follow(page, pi.url);
    const lkml = entry(page, 'lkml');
    const before = await outcome(page, 'lkml');
    // The browser says the tab went to the background.
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
      window.loupe?.syncEvery(1000);
    });
    await page.waitForTimeout(4000);
    expect(await outcome(page, 'lkml')).toEqual(before);
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect
      .poll(async () => (await outcome(page, 'lkml'))?.at, { timeout: 10_000 })
      .toBeGreaterThan(before?.at ?? 0);
    await expect(lkml.getByTestId('sync-line')).toHaveText(/^synced just now/);
  });
});

test.describe('watched threads', () => {
  let pi: PiServer;
  const now = Date.now();
  // Old threads, each older than anything the inbox's new.atom lists.
  const old: Mail[] = [
    {
      id: 'syz-uaf@google.com',
      subject: '[syzbot] [mm?] KASAN: slab-use-after-free Read in folio_unlock',
      from: 'syzbot <syzbot+3f1a@syzkaller.appspotmail.com>',
      at: now - 40 * DAY,
    },
    {
      id: 'hung-1@example.org',
      subject: 'INFO: task hung in locks_remove_posix',
      from: 'syzbot <syzbot+9c2e@syzkaller.appspotmail.com>',
      at: now - 35 * DAY,
    },
    {
      id: 'hung-2@example.org',
      subject: 'INFO: task hung in locks_remove_posix',
      from: 'Jeff Layton <jlayton@example.org>',
      at: now - 34 * DAY,
      replyTo: 'hung-1@example.org',
    },
    {
      id: 'series-v3@example.org',
      subject: '[PATCH v3 0/7] io_uring: registered ring fds for send zc',
      from: 'Pavel <pavel@example.org>',
      at: now - 30 * DAY,
    },
  ];
  test.beforeAll(async () => {
    const mail = mboxFile('old.mbox', [...old, ...recent(now, 'fresh')]);
    // A syzbot bug's thread from April 2024, for the crash index.
    pi = await startPi('lkml2', [fixture('mail/syzbot-thread.mboxrd'), mail], 1);
  });
  test.afterAll(() => pi?.stop());

  test('a watched old thread gets a reply: it is fetched with the sync and shows in Watched with 1 new', async ({
    page,
  }) => {
    await start(page);
    // Opened by address: the inbox is not followed, so only its watched threads are polled.
    for (const id of ['syz-uaf@google.com', 'hung-1@example.org', 'series-v3@example.org']) {
      await page.getByTestId('open-box').fill(`${pi.url}${id}/`);
      await page.getByTestId('open-box').press('Enter');
      await expect(page).toHaveURL(new RegExp(`#/lkml2/${id}/`));
      await page.getByTestId('watch-button').click();
      await expect(page.getByTestId('watch-button')).toHaveText('watching');
      // Enabled again once its first look at the server is done.
      await expect(page.getByTestId('watch-button')).toBeEnabled();
    }
    // "w" in a thread stops and starts watching it.
    await page.keyboard.press('w');
    await expect(page.getByTestId('watch-button')).toHaveText('watch');
    await page.keyboard.press('w');
    await expect(page.getByTestId('watch-button')).toHaveText('watching');

    // A syzbot bug is watched from the crash index.
    await page.getByTestId('open-box').fill(`${pi.url}0000000000004f3e2a0615a1c2d4@google.com/`);
    await page.getByTestId('open-box').press('Enter');
    await expect(page).toHaveURL(/0000000000004f3e2a0615a1c2d4@google\.com/);
    await page.goto('./#/_crashes/');
    const bug = page.locator('[data-testid="syzbot-bug"][data-extid="7c1e9f0a4b2d63e58a91"]');
    await bug.getByTestId('watch-button').click();
    await expect(bug.getByTestId('watch-button')).toHaveText('watching');

    await page.evaluate(() => window.loupe?.syncEvery(2000));
    pi.add(
      mboxFile('reply.mbox', [
        {
          id: 'syz-uaf-reply@example.org',
          subject: old[0].subject,
          from: 'Matthew Wilcox <willy@example.org>',
          at: Date.now(),
          replyTo: 'syz-uaf@google.com',
          body: '#syz test: git://git.kernel.org/pub/scm/linux/kernel/git/akpm/mm.git mm-hotfixes',
        },
        {
          id: 'unrelated-new@example.org',
          subject: '[PATCH] unrelated: nobody watches this',
          from: 'Dev <dev@example.org>',
          at: Date.now(),
        },
      ]),
    );
    const watched = page.getByRole('link', { name: /^Watched/ });
    await expect(watched.getByTestId('watched-new')).toHaveText('1', { timeout: 20_000 });
    // Not followed: the inbox only checks its watched threads.
    await expect(entry(page, 'lkml2').getByTestId('sync-line')).toHaveText(/^checked /);
    await watched.click();
    const rows = page.getByTestId('watched-row');
    await expect(rows).toHaveCount(4);
    await expect(rows.filter({ hasText: 'rfcomm_sock_release' })).toContainText('2024-04-');
    const uaf = rows.filter({ hasText: 'folio_unlock' });
    await expect(uaf.getByTestId('watched-fresh')).toHaveText('1 new');
    await expect(rows.first()).toContainText('folio_unlock');
    await expect(rows.filter({ hasText: 'task hung' }).getByTestId('watched-fresh')).toHaveText('');
    await expect(uaf).toContainText('lkml2');
    await page.screenshot({ path: join(root, 'docs/watched.png') });

    // The reply was fetched, the unwatched new thread was not.
    expect(
      await page.evaluate(async () => {
        const db = window.loupe?.db();
        return [
          !!(await db?.messages.get('syz-uaf-reply@example.org')),
          !!(await db?.messages.get('unrelated-new@example.org')),
        ];
      }),
    ).toEqual([true, false]);

    // Reading the reply leaves nothing new.
    await uaf.getByRole('link').click();
    await expect(page).toHaveURL(/syz-uaf-reply@example\.org/);
    await page.getByRole('link', { name: /^Watched/ }).click();
    await expect(uaf.getByTestId('watched-fresh')).toHaveText('');
  });
});
