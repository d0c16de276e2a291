/**
 * Where an import's time goes: imports mbox(.gz) files in headless Chromium (a
 * build given with --dist, served by scripts/serve.mjs) with the V8 CPU profiler
 * on every worker (CDP `Profiler` over Target.attachToTarget), and the CPU time of
 * each Chromium process (from /proc: the browser process runs IndexedDB's backend).
 *
 *   node bench/profile.mjs --dist DIR [--port 5251] [--runs 1] [--top 25] [--out FILE] [--timeline] FILE...
 *
 * A small warm-up import first starts the parse workers, so the profile covers the
 * whole import. Prints per run: the wall time, msgs/s, CPU seconds per process
 * type, and per worker the functions with the most self time. --out writes the
 * raw profiles (.cpuprofile, one per worker) with that prefix. --timeline adds each
 * worker's busy share (%) per second of the import, one list per worker on one
 * clock: where the parse and ingest workers overlap and where one waits alone.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { profileWorkers, workerChannel } from './cdp.mjs';
import { busyPerSecond, cpuByType, cpuSince, selfTimes } from './cpu.mjs';
import { openApp, serveFiles, startServer } from './server.mjs';

const { values: opt, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    dist: { type: 'string' },
    port: { type: 'string', default: '5251' },
    runs: { type: 'string', default: '1' },
    top: { type: 'string', default: '25' },
    out: { type: 'string' },
    timeline: { type: 'boolean', default: false },
  },
});
if (!opt.dist || !files.length) {
  console.error('usage: node bench/profile.mjs --dist DIR [--port P] [--runs N] FILE...');
  process.exit(2);
}

const port = Number(opt.port);
const dist = path.resolve(opt.dist);
const { names, tmp, done } = serveFiles(dist, 'profile-data', files);
// Warm-up: a few messages, enough to start the parse workers.
const warm = Array.from(
  { length: 3 },
  (_, i) =>
    `From x@y Mon Jan  1 00:00:00 2024\nMessage-ID: <warm${i}@bench>\nFrom: A <a@b.c>\n` +
    `Subject: warm ${i}\nDate: Mon, 1 Jan 2024 00:00:0${i} +0000\n\nwarm\n\n`,
).join('');
writeFileSync(path.join(tmp, 'warm.mbox.gz'), gzipSync(warm));

const server = await startServer(dist, port);
const base = `http://127.0.0.1:${port}/`;
try {
  for (let run = 0; run < Number(opt.runs); run++) {
    const profileDir = path.join(tmp, `chromium-${run}`);
    const { ctx, page, browserPid } = await openApp(profileDir, base);
    try {
      await page.evaluate(
        (u) => window.loupe.importUrl(u, 'warm', null),
        `${base}profile-data/warm.mbox.gz`,
      );
      const cdp = await ctx.newCDPSession(page);
      const ask = workerChannel(cdp);
      const workers = await profileWorkers(cdp, ask, 200);
      const cpu0 = cpuByType(browserPid);
      const load0 = os.loadavg()[0];
      const imp = await page.evaluate(
        async (urls) => {
          const t0 = performance.now();
          let messages = 0;
          let parseMs = 0;
          let storeMs = 0;
          for (const u of urls) {
            const r = await window.loupe.importUrl(u, 'INBOX', null);
            if (r.error) return { error: r.error };
            messages += r.added;
            parseMs += r.parseMs;
            storeMs += r.storeMs;
          }
          return { wallMs: performance.now() - t0, messages, parseMs, storeMs };
        },
        names.map((n) => `${base}profile-data/${n}`),
      );
      const cpu = cpuSince(browserPid, cpu0);
      const profiles = [];
      const stopped = [];
      for (const w of workers) {
        const r = await ask(w.sessionId, 'Profiler.stop');
        if (r?.profile) stopped.push({ w, profile: r.profile });
      }
      const t0 = Math.min(...stopped.map((s) => s.profile.startTime));
      for (const { w, profile } of stopped) {
        if (opt.out)
          writeFileSync(`${opt.out}-${run}-${w.name}.cpuprofile`, JSON.stringify(profile));
        const s = selfTimes(profile);
        profiles.push({
          worker: w.name,
          busyMs: Math.round(s.busyMs),
          top: s.top.slice(0, Number(opt.top)),
          ...(opt.timeline ? { busyPerSecond: busyPerSecond(profile, t0) } : {}),
        });
      }
      console.log(
        JSON.stringify(
          {
            run,
            load: [+load0.toFixed(2), +os.loadavg()[0].toFixed(2)],
            ...imp,
            msgsPerS: imp.messages ? Math.round(imp.messages / (imp.wallMs / 1000)) : null,
            cpuSeconds: cpu,
            profiles,
          },
          null,
          1,
        ),
      );
    } finally {
      await ctx.close();
    }
  }
} finally {
  server.kill();
  done();
}
