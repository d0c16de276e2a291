import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseHistory } from './app';
import { startPi, type PiServer } from './pi-server';

let pi: PiServer;

test.beforeAll(async () => {
  pi = await startPi('test', ['inbox.mboxrd']);
});
test.afterAll(() => {
  pi?.stop();
});

/** Paths (below the inbox) of the proxied requests to the test server, in order. */
function recordProxied(page: Page): string[] {
  const seen: string[] = [];
  page.context().on('request', (r) => {
    const m = /\/_\/127\.0\.0\.1:\d+\/test\/(.*)$/.exec(r.url());
    if (m) seen.push(`${r.method()} ${m[1]}`);
  });
  return seen;
}

async function openBox(page: Page, text: string) {
  const box = page.getByTestId('open-box');
  await box.fill(text);
  await box.press('Enter');
}

test('a remote public-inbox: add, sync, sync again, open by Message-ID, 404, offline', async ({
  page,
  context,
}) => {
  const requests = recordProxied(page);
  await page.goto('./');
  // Let the first-start demo import finish so its worker does not race ours.
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });

  await test.step('add the inbox by its URL and sync it', async () => {
    await page.getByTestId('add-inbox').click();
    await page.getByTestId('add-inbox-url').fill(pi.url);
    await page.getByTestId('add-inbox-url').press('Enter');
    await chooseHistory(page, 'Newest messages only');
    await expect(page.getByTestId('sync-done')).toHaveText(
      /Synced test: 3 threads fetched, 10 new messages\./,
    );
    await expect(page).toHaveURL(/#\/test\/$/);
    await expect(page.getByTestId('thread-row')).toHaveCount(3);
    await expect(page.getByText('usb: xhci: NULL pointer dereference on resume')).toBeVisible();
    await expect(
      page.getByText('[PATCH 0/3] usb: gadget: f_ncm: fix queue handling'),
    ).toBeVisible();
    expect(requests.filter((r) => r.endsWith('t.mbox.gz'))).toHaveLength(3);
  });

  await test.step('open a thread by pasting a Message-ID (fetched from the followed inbox)', async () => {
    pi.add('new-thread.mboxrd');
    requests.length = 0;
    await openBox(page, '<uas-stall-question.42@example.cn>');
    await expect(page).toHaveURL(/#\/test\/uas-stall-question\.42@example\.cn\/$/);
    await expect(page.getByTestId('message').first()).toContainText('JMicron JMS583');
    expect(requests).toEqual(['GET uas-stall-question.42@example.cn/t.mbox.gz']);
  });

  await test.step('sync again: only the thread not yet stored is fetched', async () => {
    await page.goto('./#/test/');
    requests.length = 0;
    await page.getByTestId('sync-button').click();
    await expect(page.getByTestId('sync-done')).toHaveText(
      /Synced test: 1 thread fetched, 1 new message\./,
    );
    expect(requests).toEqual(['GET new.atom', 'GET a1b2c3d4-hub-reset@example.edu/t.mbox.gz']);
    await expect(page.getByTestId('thread-row')).toHaveCount(5);
  });

  await test.step('a Message-ID the server does not have: a clear error, the app keeps working', async () => {
    await openBox(page, `${pi.url}no-such-message@example.invalid/`);
    const err = page.getByTestId('open-error');
    await expect(err).toContainText(
      'No message <no-such-message@example.invalid> was found at 127.0.0.1:',
    );
    await expect(err.getByRole('button', { name: 'Retry' })).toBeVisible();
    await page.getByTestId('thread-row').filter({ hasText: 'typec' }).click();
    await expect(page.getByTestId('message').first()).toContainText('receive the connector status');
  });

  await test.step('offline, a synced thread still opens', async () => {
    await context.setOffline(true);
    await page.goto('./#/test/').catch(() => undefined);
    await openBox(page, 'id:c1d2e3f4-xhci-answer@example.com');
    await expect(page).toHaveURL(/#\/test\/c1d2e3f4-xhci-answer@example\.com\/$/);
    await expect(page.getByText('xhci: check virt_dev before resume').first()).toBeVisible();
    await context.setOffline(false);
  });
});

/** Adds the test server's inbox by URL and waits for its first sync. */
async function addAndSync(page: Page) {
  await page.getByTestId('add-inbox').click();
  await page.getByTestId('add-inbox-url').fill(pi.url);
  await page.getByTestId('add-inbox-url').press('Enter');
  await chooseHistory(page, 'Newest messages only');
  await expect(page.getByTestId('sync-done')).toContainText('Synced test');
}

test('server search: merged with local hits, not-cached hits fetched by one click or all at once', async ({
  page,
  context,
}) => {
  const requests = recordProxied(page);
  await page.goto('./?nodemo');
  await addAndSync(page);
  // Mail the browser has not seen: only the server can find it.
  pi.add('ucsi-threads.mboxrd');

  const local = page.getByTestId('search-result');
  const server = page.getByTestId('server-hit');
  const status = page.getByTestId('server-status');

  await test.step('local hits first, then the server-only ones marked "not cached", no duplicates', async () => {
    requests.length = 0;
    await page.goto('./?nodemo#/test/?q=ucsi');
    await expect(status).toContainText('3 more, 3 not cached');
    await expect(local).toHaveCount(2);
    await expect(server).toHaveCount(3);
    await expect(server.filter({ hasText: 'not cached' })).toHaveCount(3);
    const acpi = server.filter({ hasText: 'ucsi_acpi: spurious connector change events' });
    await expect(acpi).toContainText('Dmitry Battery');
    await expect(acpi).toContainText('reports a connector change every few seconds');
    // The reply's snippet leaves the quoted text out.
    const reply = server.filter({ hasText: 'Re: [PATCH v2]' });
    await expect(reply).toContainText('Applied to usb-linus, thanks.');
    await expect(reply).not.toContainText('indexes past the end');
    expect(requests).toEqual(['GET ?q=ucsi&x=A&r']);
    await page.screenshot({ path: 'test-results/server-search.png' });
  });

  await test.step('the toggle turns it off and is remembered', async () => {
    await page.getByTestId('server-toggle').uncheck();
    await expect(status).toContainText('off');
    await expect(server).toHaveCount(0);
    await page.reload();
    await expect(status).toContainText('off');
    await expect(local).toHaveCount(2);
    await page.getByTestId('server-toggle').check();
    await expect(status).toContainText('3 more, 3 not cached');
  });

  await test.step("one click fetches a hit's thread and makes it a local link", async () => {
    const hit = server.filter({ hasText: 'spurious connector change' });
    requests.length = 0;
    await hit.getByTestId('server-fetch').click();
    await expect(hit.getByRole('link')).toBeVisible();
    await expect(hit).not.toContainText('not cached');
    expect(requests).toEqual(['GET ucsi-spurious-events@example.org/t.mbox.gz']);
    await expect(status).toContainText('3 more, 2 not cached');
  });

  await test.step('"fetch all" downloads each remaining thread once', async () => {
    requests.length = 0;
    await page.getByTestId('server-fetch-all').click();
    await expect(server.filter({ hasText: 'not cached' })).toHaveCount(0);
    expect(requests).toEqual(['GET ucsi-connector-check.v2@example.com/t.mbox.gz']);
    await server.filter({ hasText: 'Re: [PATCH v2]' }).getByRole('link').click();
    await expect(page).toHaveURL(/#\/test\/2024021311-ucsi-applied-gregkh@example\.org\/$/);
    await expect(
      page.getByTestId('message').filter({ hasText: 'Applied to usb-linus' }),
    ).toBeVisible();
  });

  await test.step('searched again, they are local hits', async () => {
    await page.goto('./?nodemo#/test/?q=ucsi');
    await expect(status).toContainText(/: 0 more/);
    await expect(server).toHaveCount(0);
    await expect(local.filter({ hasText: 'check the connector number' })).toHaveCount(2);
  });

  await test.step('Loupe-only terms: the server run is skipped and the note says why', async () => {
    requests.length = 0;
    await page.goto('./?nodemo#/test/?q=ucsi%20is%3Apatch');
    await expect(status).toContainText(
      'skipped: is:patch is a Loupe term the server does not know',
    );
    await expect(local.first()).toBeVisible();
    expect(requests).toEqual([]);
  });

  await test.step('offline: local results, and a note that the server was skipped', async () => {
    await page.goto('./?nodemo#/test/?q=ucsi');
    await expect(status).toContainText(/: 0 more/);
    await context.setOffline(true);
    await expect(status).toContainText('skipped: you are offline');
    await expect(local.first()).toBeVisible();
    await context.setOffline(false);
  });
});

/** One short patch a day, 2023-10-01 … 2023-10-30: older than the inbox fixture's January. */
function octoberMbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-older-'));
  const mails = Array.from({ length: 30 }, (_, i) => {
    const day = String(i + 1).padStart(2, '0');
    return [
      'From mboxrd@z Thu Jan  1 00:00:00 1970',
      'From: Ana Gadget <ana@example.org>',
      'To: linux-usb@vger.kernel.org',
      `Subject: [PATCH] usb: misc: tidy driver ${i + 1} of the autumn cleanup`,
      `Date: Mon, ${day} Oct 2023 09:00:00 +0000`,
      `Message-ID: <autumn-${day}@example.org>`,
      '',
      `Cleanup number ${i + 1}.`,
      '',
    ].join('\n');
  });
  const file = join(dir, 'october.mboxrd');
  writeFileSync(file, mails.join('\n'));
  return file;
}

test('fetch older mail: error and retry, stop and resume, whole inbox; a cut-off thread is partial until retried', async ({
  page,
}) => {
  const old = await startPi('old', ['inbox.mboxrd', octoberMbox()], 1);
  try {
    const requests: string[] = [];
    page.context().on('request', (r) => {
      const m = /\/_\/127\.0\.0\.1:\d+\/old\/(.*)$/.exec(r.url());
      if (m) requests.push(`${r.method()} ${decodeURIComponent(m[1])}`);
    });
    const posts = '**/_/127.0.0.1:*/old/?q=*x=m';
    await page.goto('./?nodemo');
    await page.getByTestId('add-inbox').click();
    await page.getByTestId('add-inbox-url').fill(old.url);
    await page.getByTestId('add-inbox-url').press('Enter');
    await chooseHistory(page, 'Newest messages only');
    // new.atom holds the newest 25: the January threads and October 16 … 30.
    await expect(page.getByTestId('sync-done')).toContainText('25 new messages');
    const rows = page.getByTestId('thread-row');
    await expect(rows).toHaveCount(18);

    const fetchRange = async (from: string, to: string) => {
      await page.getByTestId('fetch-older').click();
      await page.getByTestId('older-from').fill(from);
      await page.getByTestId('older-to').fill(to);
      await page.getByRole('button', { name: 'Fetch range' }).click();
    };

    await test.step('a server error is shown with Retry; the retry fetches the window', async () => {
      await page.route(posts, (route) => route.fulfill({ status: 500, body: 'Internal error' }));
      await fetchRange('2023-10-09', '2023-10-15');
      const err = page.getByTestId('backfill-error');
      await expect(err).toContainText('Fetching 2023-10-09 … 2023-10-15 failed: 127.0.0.1:');
      await expect(err).toContainText('answered 500');
      await page.unroute(posts);
      requests.length = 0;
      await err.getByRole('button', { name: 'Retry' }).click();
      await expect(page.getByTestId('backfill-done')).toHaveText(
        /Fetched 2023-10-09 … 2023-10-15 of old: 7 new messages\./,
      );
      expect(requests).toEqual(['POST ?q=d:20231009..20231015&x=m']);
      await expect(rows).toHaveCount(25);
    });

    await test.step('stop keeps what was stored; resume goes on where it stopped', async () => {
      // Hold the download so that Stop lands while it is in flight.
      await page.route(posts, async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue();
      });
      await fetchRange('2023-10-03', '2023-10-08');
      await expect(page.getByTestId('backfill-status')).toBeVisible();
      await page.getByTestId('backfill-status').getByRole('button', { name: 'Stop' }).click();
      await expect(page.getByTestId('backfill-done')).toContainText(
        'Stopped fetching 2023-10-03 … 2023-10-08',
      );
      await page.unroute(posts);
      await page.getByTestId('fetch-older').click();
      await expect(page.getByRole('dialog')).toContainText(
        'Stopped: 2023-10-03 … 2023-10-08 still to fetch',
      );
      await page.getByTestId('older-resume').click();
      await expect(page.getByTestId('backfill-done')).toContainText(
        'Fetched 2023-10-03 … 2023-10-08 of old',
      );
      await expect(rows).toHaveCount(31);
    });

    await test.step('a small inbox offers "Download whole inbox": all.mbox.gz, duplicates skipped', async () => {
      await page.getByTestId('fetch-older').click();
      requests.length = 0;
      await page.getByTestId('older-whole').click();
      await expect(page.getByTestId('backfill-done')).toHaveText(
        /Fetched whole inbox of old: 2 new messages\./,
      );
      expect(requests).toEqual(['GET all.mbox.gz']);
      await expect(rows).toHaveCount(33);
      await page.screenshot({ path: 'test-results/fetch-older.png' });
    });

    await test.step('a thread cut off midway is kept and marked partial; Retry completes it', async () => {
      old.add('typo-reply.mboxrd');
      const cut = '**/_/127.0.0.1:*/old/typo-thanks.1@example.com/t.mbox.gz';
      await page.route(cut, async (route) => {
        const res = await route.fetch();
        const body = await res.body();
        await route.fulfill({ response: res, body: body.subarray(0, body.length - 60) });
      });
      await page.getByTestId('sync-button').click();
      await expect(page.getByTestId('sync-done')).toContainText('1 failed');
      await expect(page.getByTestId('sync-done')).toContainText('cut off or damaged');
      const row = rows.filter({ hasText: 'fix a typo in a comment' });
      await expect(row.getByTestId('partial-badge')).toBeVisible();
      await row.click();
      const notice = page.getByTestId('partial-notice');
      await expect(notice).toContainText('Partial thread:');
      await expect(notice).toContainText('cut off or damaged');
      await page.unroute(cut);
      await notice.getByTestId('partial-retry').click();
      await expect(notice).toHaveCount(0);
      await expect(page.getByTestId('message').filter({ hasText: 'Thanks Greg' })).toBeVisible();
      await page.goto('./?nodemo#/old/');
      await expect(rows.filter({ hasText: 'fix a typo in a comment' })).toBeVisible();
      await expect(page.getByTestId('partial-badge')).toHaveCount(0);
    });
  } finally {
    old.stop();
  }
});
