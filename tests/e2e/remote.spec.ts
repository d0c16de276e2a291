import { expect, test, type Page } from '@playwright/test';
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
