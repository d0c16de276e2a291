/**
 * Search benchmark in headless Chromium: import an mbox.gz, rebuild the index,
 * time ten typical queries. Prints JSON. A persistent profile keeps IndexedDB on
 * disk (a plain context keeps it in memory), so its size can be measured.
 *   python3 tools/gen_mbox.py --messages 100000 --seed 1 --out /tmp/x.mbox --gzip
 *   node bench/search.mjs /tmp/x.mbox.gz [runs]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';

const file = resolve(process.argv[2] ?? '/tmp/x.mbox.gz');
const runs = Number(process.argv[3] ?? 20);
const profile = mkdtempSync(join(tmpdir(), 'loupe-bench-'));

function du(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? du(p) : statSync(p).size;
  }
  return n;
}

const server = await createServer({
  // No HMR: an edit elsewhere must not reload the page mid-run.
  server: { port: 5191, host: '127.0.0.1', fs: { strict: false }, hmr: false, watch: null },
  logLevel: 'error',
});
await server.listen();
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await context.newPage();
  page.on('console', (m) => console.error('[page]', m.text()));
  await page.goto('http://127.0.0.1:5191/bench/search.html');
  await page.waitForFunction(() => document.getElementById('out')?.textContent === 'ready', null, {
    timeout: 120_000,
  });
  page.setDefaultTimeout(0);
  const out = await page.evaluate(([url, n]) => window.benchSearch(url, n), [`/@fs${file}`, runs]);
  out.indexedDbDirBytes = du(join(profile, 'Default', 'IndexedDB'));
  console.log(JSON.stringify(out, null, 2));
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
