import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, importFiles, start } from './app';

const COVER_V2 = 'cover.20261109090000.ada@frobnic.example';

/** The tree the fixture series was written against (tests/fixtures/mail/series-frob-*.mbox). */
const FROB_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>

static int frob_count;

int frob_get(void)
{
\treturn frob_count;
}

void frob_put(void)
{
\tfrob_count--;
}
`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Loupe Test', '-c', 'user.email=test@loupe.invalid', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  );
}

test('a series in two threads: both versions, a range-diff, and an am-ready mbox that git am applies', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await start(page);
  await page.goto('./#/all/');
  expect(await importFiles(page, [fixture('mail/series-frob-v1.mbox')])).toContain(
    'Imported 5 messages',
  );
  expect(await importFiles(page, [fixture('mail/series-frob-v2.mbox')])).toContain(
    'Imported 7 messages',
  );

  await page.goto(`./#/all/${COVER_V2}/series`);
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.locator('tbody tr')).toHaveCount(2);
  await expect(versions.locator('tbody tr').nth(0)).toContainText('v1');
  await expect(versions.locator('tbody tr').nth(0)).toContainText('2/2');
  await expect(versions.locator('tbody tr').nth(1)).toContainText('v2');
  await expect(versions.locator('tbody tr').nth(1)).toContainText('3/3');

  const review = page.getByRole('table', { name: 'Patches of v2' });
  await expect(review.locator('tbody tr').nth(0)).toContainText('unchanged');
  await expect(review.locator('tbody tr').nth(1)).toContainText('changed');
  await expect(review.locator('tbody tr').nth(1)).toContainText('NAK / changes requested');
  await expect(review.locator('tbody tr').nth(2)).toContainText('new');
  await expect(review.locator('tbody tr').nth(2)).toContainText('T: Ben Okafor');

  const range = page.getByRole('region', { name: 'Range-diff v1..v2' });
  await expect(range).toContainText('1 same · 1 changed · 1 added · 0 dropped');
  const statuses = await range
    .locator('[data-status]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  expect(statuses).toEqual(['=', '!', '>']);
  const changed = range.locator('[data-status="!"]');
  await expect(changed).toContainText('message changed');
  await expect(changed.getByRole('figure')).toContainText('WARN_ON_ONCE(frob_count == 0)');
  mkdirSync('test-results', { recursive: true });
  await page.setViewportSize({ width: 1100, height: 760 });
  await page.screenshot({ path: 'test-results/series-view.png' });
  await range.scrollIntoViewIfNeeded();
  await range.screenshot({ path: 'test-results/range-diff.png' });

  await page.goto(`./#/all/${COVER_V2}/`);
  const bar = page.getByRole('region', { name: 'Patch series' });
  await expect(bar).toContainText('3/3 patches');
  await expect(bar.locator('code')).toHaveText(
    /^git am v2_20261109_ada_frob_make_the_counter_safe\.mbx$/,
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    bar.getByRole('button', { name: 'Download am-ready mbox' }).click(),
  ]);
  const repo = mkdtempSync(join(tmpdir(), 'loupe-am-'));
  const mbox = join(repo, '..', `${repo.split('/').pop()}.mbx`);
  await download.saveAs(mbox);
  expect(download.suggestedFilename()).toBe('v2_20261109_ada_frob_make_the_counter_safe.mbx');
  const text = readFileSync(mbox, 'utf8');
  expect(text.match(/^From git@z /gm)).toHaveLength(3);

  mkdirSync(join(repo, 'lib'));
  writeFileSync(join(repo, 'lib/frob.c'), FROB_C);
  writeFileSync(join(repo, 'README'), 'frob: a tiny reference counter\n');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  git(repo, 'am', mbox);
  const log = git(repo, 'log', '--format=%s%n%b%x00', 'HEAD~3..HEAD').split('\0');
  expect(log[0]).toContain('frob: add frob_reset()');
  expect(log[0]).toContain('Tested-by: Ben Okafor <ben@kernel.example>');
  expect(log[0]).toContain('Acked-by: Chen Wei <chen.wei@kernel.example>');
  expect(log[2]).toContain('frob: read the counter once');
  expect(readFileSync(join(repo, 'lib/frob.c'), 'utf8')).toContain('WARN_ON_ONCE(frob_count == 0)');
});

/** A v1 or v2 of a 50-patch series, each patch adding 1,000 lines (v2 changes one of them). */
function bigSeries(version: number): string {
  const msgs: string[] = [];
  const cover = `big-cover-v${version}@loupe.test`;
  const head = (n: number, subject: string, id: string) =>
    [
      'From mboxrd@z Thu Jan  1 00:00:00 1970',
      'From: Ada Lindqvist <ada@frobnic.example>',
      `Date: Mon, ${version + 1} Nov 2026 10:${String(n).padStart(2, '0')}:00 +0000`,
      `Subject: [PATCH v${version} ${n}/50] ${subject}`,
      `Message-ID: <${id}>`,
      ...(n ? [`In-Reply-To: <${cover}>`, `References: <${cover}>`] : []),
      '',
    ].join('\n');
  msgs.push(
    `${head(0, 'big: a big series', cover)}\nA big series.\n\n 50 files changed, 50000 insertions(+)\n`,
  );
  for (let n = 1; n <= 50; n++) {
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `+big${n} line ${i}${version === 2 && i === 500 ? ' (v2)' : ''}`,
    );
    msgs.push(
      `${head(n, `big: part ${n}`, `big-${n}-v${version}@loupe.test`)}\nPart ${n}.\n\nSigned-off-by: Ada Lindqvist <ada@frobnic.example>\n---\ndiff --git a/big${n}.c b/big${n}.c\nnew file mode 100644\n--- /dev/null\n+++ b/big${n}.c\n@@ -0,0 +1,1000 @@\n${lines.join('\n')}\n`,
    );
  }
  return msgs.join('\n');
}

test('the range-diff of a 50-patch series of 1,000-line patches does not block the page', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await start(page);
  await page.goto('./#/all/');
  const dir = join('test-results', 'series-big');
  mkdirSync(dir, { recursive: true });
  for (const v of [1, 2]) {
    writeFileSync(join(dir, `big-v${v}.mbox`), bigSeries(v));
    expect(await importFiles(page, [join(dir, `big-v${v}.mbox`)])).toContain(
      'Imported 51 messages',
    );
  }
  // The longest gap between animation frames while the series view loads and compares.
  await page.evaluate(() => {
    const w = window as unknown as { maxGap: number };
    w.maxGap = 0;
    let last = performance.now();
    const tick = (t: number) => {
      w.maxGap = Math.max(w.maxGap, t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.goto('./#/all/big-cover-v2@loupe.test/series');
  const range = page.getByRole('region', { name: 'Range-diff v1..v2' });
  await expect(range).toContainText('0 same · 50 changed · 0 added · 0 dropped', {
    timeout: 120_000,
  });
  const gap = await page.evaluate(() => (window as unknown as { maxGap: number }).maxGap);
  console.log(
    `series view of 2 x 50 patches of 1,000 lines: longest frame gap ${gap.toFixed(0)} ms`,
  );
  await expect(range.locator('[data-status="!"]').first().getByRole('figure')).toContainText(
    'line 500 (v2)',
  );
  // The page answered while the worker compared: no frame waited a second.
  expect(gap).toBeLessThan(1000);
});
