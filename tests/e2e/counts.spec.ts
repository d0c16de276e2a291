import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMbox, importFiles, start } from './app';
import { serverTotal, startPi, type PiServer } from './pi-server';

let pi: PiServer;
let mbox: string;

test.beforeAll(async () => {
  mbox = join(mkdtempSync(join(tmpdir(), 'loupe-counts-')), 'list.mbox');
  generateMbox(mbox, 400, 22);
  pi = await startPi('counts', [mbox]);
});
test.afterAll(() => {
  pi?.stop();
});

test('search counts every match, as many as the server finds for the same query', async ({
  page,
}) => {
  await start(page);
  expect(await importFiles(page, [mbox])).toContain('Imported 400 messages: 400 new');
  for (const query of ['s:patch', 'f:kernel.org', 'bs:memory']) {
    const expected = await serverTotal(pi.url, query);
    await page.goto(`./#/local/?q=${encodeURIComponent(query)}`);
    const status = page.getByTestId('search-status');
    if (expected > 100) {
      // The first page shows at once; the total follows.
      await expect(page.getByTestId('search-result')).toHaveCount(100);
      await expect(page.getByTestId('search-total')).toHaveText(
        `100 of ${expected.toLocaleString('en')}`,
      );
    } else {
      await expect(status).toContainText(`${expected} messages in local`);
    }
  }
});
