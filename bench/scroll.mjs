/**
 * The thread list scrolled right after an import, for comparing builds: each run
 * starts Chromium on a fresh copy of a stored profile (or an empty one), imports
 * the given files into the inbox INBOX, then scrolls the list exactly as
 * `npm run bench` does (bench/in-page.mjs). The builds take turns (A, B, A, B, …).
 *
 *   node bench/scroll.mjs --dist DIR [--dist DIR2] [--store PROFILE] [--pairs 3]
 *                         [--port 5260] [--serve-port N] [--profile PREFIX] [FILE...]
 *
 * --store is a Chromium profile kept by `npm run bench -- --keep` (e.g.
 * DIR/profile-gen100k): each run copies it, so the stored mail is the same in every
 * run. IndexedDB keeps the origin inside its files, so --port must be the port the
 * store was written at (`npm run bench` uses 5250; a kept folder's `port` file says);
 * --serve-port N serves the build on another port routed to that origin, so runs on
 * copies of one store can go side by side (without FILE: a routed page cannot import,
 * see routeOrigin). FILE... (mbox or mbox.gz) are
 * imported before the scroll; with none, the list is scrolled with no import before it.
 *
 * Per run: the frames dropped and the main thread's long tasks during the scroll,
 * the page's main-thread CPU time and task time (CDP `Performance.getMetrics`; they
 * move less with the machine's load than frames do), and the CPU seconds of each
 * Chromium process meanwhile (the browser process runs IndexedDB). --profile writes
 * V8 CPU profiles of the scroll (the page and each worker, PREFIX-RUN-NAME.cpuprofile)
 * and prints the functions with the most self time in the page. --requests counts
 * the IndexedDB requests each realm issues during the scroll (bench/idb-count.mjs):
 * per realm their total, by store and method, and per 500 ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { attachWorkers, profileWorkers, workerChannel } from './cdp.mjs';
import { countInRealm, readCounts, requestTotal } from './idb-count.mjs';
import { cpuByType, cpuSince, findChromium, selfTimes } from './cpu.mjs';
import { importInPage, scrollInPage } from './in-page.mjs';
import { routeOrigin, serveFiles, startServer } from './server.mjs';

const { values: opt, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    dist: { type: 'string', multiple: true, default: [] },
    store: { type: 'string' },
    pairs: { type: 'string', default: '3' },
    port: { type: 'string', default: '5260' },
    'serve-port': { type: 'string' },
    profile: { type: 'string' },
    requests: { type: 'boolean', default: false },
    top: { type: 'string', default: '20' },
  },
});
if (!opt.dist.length) {
  console.error(
    'usage: node bench/scroll.mjs --dist DIR [--dist DIR2] [--store PROFILE] [--pairs N] [FILE...]',
  );
  process.exit(2);
}
const load = () => os.loadavg().map((x) => +x.toFixed(2));
const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const port = Number(opt.port);
const servePort = Number(opt['serve-port'] ?? opt.port);
if (servePort !== port && files.length)
  throw new Error(
    '--serve-port: a routed page cannot import (see routeOrigin); drop FILE or --serve-port',
  );
const base = `http://127.0.0.1:${port}/`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'loupe-scroll-'));

/** A fresh Chromium profile: empty, or a copy of the stored one. */
function freshProfile(dir) {
  if (!opt.store) return dir;
  const cp = spawnSync('cp', ['-a', path.resolve(opt.store), dir]);
  if (cp.status !== 0) throw new Error(`cp: ${cp.stderr}`);
  return dir;
}

async function oneRun(dist, round, i) {
  const profileDir = freshProfile(path.join(tmp, `profile-${round}-${i}`));
  const server = await startServer(path.resolve(dist), servePort);
  // Linked, not routed: a route's body goes through the driver whole (an archive of
  // 100k messages is 120 MB).
  const served = files.length ? serveFiles(path.resolve(dist), 'scroll-data', files) : null;
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 900 },
  });
  try {
    await routeOrigin(ctx, port, servePort);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}?nodemo`);
    await page.waitForFunction(() => !!window.loupe, null, { timeout: 60_000 });
    const imp = await page.evaluate(
      importInPage,
      (served?.names ?? []).map((n) => `${base}scroll-data/${n}`),
    );
    // As `npm run bench` does right after its import.
    await page.evaluate(() => (location.hash = '#/INBOX/'));
    await page.waitForSelector('[data-testid="thread-row"]', { timeout: 60_000 });
    await page.waitForTimeout(500);

    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const ask = workerChannel(cdp);
    let workers = [];
    if (opt.profile) {
      workers = await profileWorkers(cdp, ask, 500);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const metrics = async () =>
      Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
      );
    const realms = [];
    if (opt.requests) {
      const evalIn = (w, expression) =>
        w
          ? ask(w.sessionId, 'Runtime.evaluate', { expression }, 10_000)
          : cdp.send('Runtime.evaluate', { expression });
      const targets = [null, ...(workers.length ? workers : await attachWorkers(cdp))];
      for (const w of targets) {
        await evalIn(w, countInRealm);
        realms.push({ name: w?.name ?? 'page', read: () => evalIn(w, readCounts) });
      }
    }
    const browserPid = ctx.browser()?.process?.()?.pid ?? findChromium(profileDir);
    const l = load();
    const before = await metrics();
    const cpu0 = cpuByType(browserPid);
    const scroll = await page.evaluate(scrollInPage, { durationMs: 4000, pxPerS: 6000 });
    const cpu = cpuSince(browserPid, cpu0);
    const after = await metrics();
    const ms = (k) => Math.round((after[k] - before[k]) * 1000);
    const run = {
      build: dist,
      round,
      load: l,
      import: imp,
      droppedPct: +((100 * scroll.dropped) / Math.max(1, scroll.expectedFrames)).toFixed(2),
      dropped: scroll.dropped,
      longFrames: scroll.longFrames,
      maxFrameMs: Math.round(scroll.maxFrameMs),
      longTasks: scroll.longTasks,
      longTaskMs: scroll.longTaskMs,
      filledPct: scroll.filledPct,
      cpuMs: ms('ThreadTime'),
      taskMs: ms('TaskDuration'),
      scriptMs: ms('ScriptDuration'),
      styleMs: ms('RecalcStyleDuration'),
      layoutMs: ms('LayoutDuration'),
      processCpuS: cpu,
      rowsInDom: scroll.rowsInDom,
      errors,
    };
    if (opt.requests) {
      run.requests = {};
      for (const r of realms) {
        const counts = JSON.parse((await r.read())?.result?.value ?? 'null');
        run.requests[r.name] = { total: requestTotal(counts), ...counts };
      }
    }
    if (opt.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(`${opt.profile}-${round}-${i}-page.cpuprofile`, JSON.stringify(profile));
      const s = selfTimes(profile);
      run.pageBusyMs = Math.round(s.busyMs);
      run.pageTop = s.top.slice(0, Number(opt.top));
      run.workersBusyMs = {};
      for (const w of workers) {
        const r = await ask(w.sessionId, 'Profiler.stop', {}, 10_000);
        if (!r?.profile) continue;
        writeFileSync(
          `${opt.profile}-${round}-${i}-${w.name}.cpuprofile`,
          JSON.stringify(r.profile),
        );
        run.workersBusyMs[w.name] = Math.round(selfTimes(r.profile).busyMs);
      }
    }
    return run;
  } finally {
    await ctx.close();
    // The next run serves on the same port (same origin, same stored data).
    await new Promise((resolve) => server.once('exit', resolve).kill());
    served?.done();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

const runs = [];
try {
  for (let round = 0; round < Number(opt.pairs); round++)
    for (const [i, dist] of opt.dist.entries()) {
      const run = await oneRun(dist, round, i);
      runs.push(run);
      console.log(JSON.stringify(run));
    }
  for (const dist of opt.dist) {
    const mine = runs.filter((r) => r.build === dist);
    const m = (k) => median(mine.map((r) => r[k]));
    console.log(
      `${dist}: dropped ${m('droppedPct')}% (${mine.map((r) => r.droppedPct).join(', ')}), ` +
        `rows filled ${m('filledPct')}%, long tasks ${m('longTasks')} / ${m('longTaskMs')} ms, main-thread CPU ${m('cpuMs')} ms, ` +
        `tasks ${m('taskMs')} ms (script ${m('scriptMs')}, style ${m('styleMs')}, layout ${m('layoutMs')}); ` +
        `loads ${mine.map((r) => r.load[0]).join(', ')}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
