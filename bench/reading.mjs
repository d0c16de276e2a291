/**
 * The 1,000-message thread alone, for comparing builds: each build given with
 * --dist gets a fresh Chromium profile holding only bench/gen-thread.mjs's thread,
 * then the builds take turns opening it (A, B, A, B, ...), so a busy machine
 * weighs on both alike.
 *
 *   node bench/reading.mjs --dist DIR [--dist DIR2 ...] [--pairs 5] [--port 5260]
 *                          [--profile FILE] [--patch]
 *
 * Per run: thread_1000_first_ms and thread_1000_full_ms as `npm run bench` measures
 * them (bench/in-page.mjs), and from CDP `Performance.getMetrics` over the run the
 * page's main-thread CPU time (ThreadTime), which moves less with the machine's
 * load than wall time does, and the time in its tasks (TaskDuration; of it script,
 * style and layout). Prints one JSON line
 * per run, then the medians per build with the load averages. The store holds
 * only this thread, where `npm run bench` opens it in the 10k store: the reads
 * go by index, so the store's size moves them little. --profile writes a V8 CPU
 * profile of the first build's last run (open it in Chromium's DevTools).
 * --patch opens the thread's 5,000-line patch instead (patch_5000_first_ms and
 * patch_5000_full_ms: the message, then every line of its diff).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { writeThreadMbox } from './gen-thread.mjs';
import { timeRenderInPage } from './in-page.mjs';
import { startServer } from './server.mjs';

const { values: opt } = parseArgs({
  options: {
    dist: { type: 'string', multiple: true, default: [] },
    pairs: { type: 'string', default: '5' },
    port: { type: 'string', default: '5260' },
    profile: { type: 'string' },
    patch: { type: 'boolean', default: false },
  },
});
if (!opt.dist.length) {
  console.error('usage: node bench/reading.mjs --dist DIR [--dist DIR2] [--pairs N] [--port P]');
  process.exit(2);
}
const load = () => os.loadavg().map((x) => +x.toFixed(2));
const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const enc = (id) => encodeURIComponent(id).replace(/%40/g, '@');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'loupe-reading-'));
const thread = writeThreadMbox(path.join(tmp, 'thread1000.mbox.gz'), { messages: 1000, seed: 1 });
const builds = [];
try {
  for (const [i, dist] of opt.dist.entries()) {
    const port = Number(opt.port) + i;
    const server = await startServer(path.resolve(dist), port);
    const ctx = await chromium.launchPersistentContext(path.join(tmp, `profile${i}`), {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      serviceWorkers: 'block',
      viewport: { width: 1280, height: 900 },
    });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const base = `http://127.0.0.1:${port}/`;
    // The thread is served from the temp folder: the build folder stays untouched.
    await page.route(`${base}bench-data/thread1000.mbox.gz`, (r) =>
      r.fulfill({ path: thread.file }),
    );
    await page.goto(`${base}?nodemo`);
    await page.waitForFunction(() => !!window.loupe, null, { timeout: 60_000 });
    const r = await page.evaluate(
      (u) => window.loupe.importUrl(u, 'bench-thread', null).then((x) => x.added),
      `${base}bench-data/thread1000.mbox.gz`,
    );
    if (r < thread.threadMessages) throw new Error(`${dist}: imported ${r} messages`);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    builds.push({ dist, server, ctx, page, cdp, runs: [] });
  }

  const metrics = async (cdp) =>
    Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
    );
  const pairs = Number(opt.pairs);
  // The same targets as `npm run bench` (bench/run.mjs).
  const target = opt.patch
    ? {
        hash: `#/bench-thread/${enc(thread.bigPatchId)}/`,
        sel: '[data-testid="diff"] > span',
        firstSel: '[data-testid="message"]',
        min: thread.bigPatchLines,
        timeoutMs: 60_000,
      }
    : {
        hash: `#/bench-thread/${enc(thread.rootId)}/T/`,
        sel: '[data-testid="message"]',
        firstSel: '[data-testid="message"]',
        min: thread.threadMessages,
        timeoutMs: 60_000,
      };
  for (let round = 0; round < pairs; round++)
    for (const [i, b] of builds.entries()) {
      const { page, cdp } = b;
      await page.evaluate(() => (location.hash = '#/bench-thread/'));
      await page.waitForSelector('[data-testid="thread-row"]', { timeout: 30_000 });
      await page.waitForTimeout(500);
      const profiling = opt.profile && i === 0 && round === pairs - 1;
      if (profiling) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const before = await metrics(cdp);
      const l = load();
      const t = await page.evaluate(timeRenderInPage, target);
      const after = await metrics(cdp);
      if (profiling) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(opt.profile, JSON.stringify(profile));
      }
      const ms = (k) => Math.round((after[k] - before[k]) * 1000);
      const run = {
        build: b.dist,
        round,
        firstMs: Math.round(t.firstPaintedMs),
        fullMs: t.fullPaintedMs === null ? null : Math.round(t.fullPaintedMs),
        count: t.count,
        cpuMs: ms('ThreadTime'),
        taskMs: ms('TaskDuration'),
        scriptMs: ms('ScriptDuration'),
        styleMs: ms('RecalcStyleDuration'),
        layoutMs: ms('LayoutDuration'),
        load: l,
      };
      b.runs.push(run);
      console.log(JSON.stringify(run));
    }
  for (const b of builds) {
    const m = (k) => median(b.runs.map((r) => r[k]));
    console.log(
      `${b.dist}: first ${m('firstMs')} ms, whole ${m('fullMs')} ms, main-thread CPU ${m('cpuMs')} ms, ` +
        `tasks ${m('taskMs')} ms (script ${m('scriptMs')}, style ${m('styleMs')}, layout ${m('layoutMs')}); ` +
        `loads ${b.runs.map((r) => r.load[0]).join(', ')}`,
    );
  }
} finally {
  for (const b of builds) {
    await b.ctx.close();
    b.server.kill();
  }
  rmSync(tmp, { recursive: true, force: true });
}
