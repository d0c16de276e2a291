/**
 * Hostile archives through `mbox-stats` (the same split, parse and thread code the app's
 * import runs), one child process each so its time and peak memory are its own.
 *
 * Bounds, for every input: 60 s and 640 MiB peak RSS. On an idle 2-core machine each
 * run takes 3-10 s (2-3 s of it starting tsx) and at most about 270 MiB: a message is
 * dropped once it passes the 64 MiB cap, so memory stays near that cap whatever the input.
 * The big inputs run at a quarter size here (a 12.5 MB line, 16 MiB of NULs, 256 MiB gzip
 * bomb and newlines: all still past the caps); full size is measured the same way with
 * `npx tsx scripts/mbox-stats.ts` on files from hostileInputs(1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../shared';
import { hostileInputs, truncatedGzip, type Hostile } from './inputs';

const SECONDS = 60;
const MIB = 640;
const dir = mkdtempSync(join(tmpdir(), 'loupe-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stats: { messages: number; skipped: number; errors: number; error?: string; problems: string[] };
  seconds: number;
  rssMiB: number;
}

/** Runs mbox-stats on one file in a child process; reports its peak RSS on exit. */
function mboxStats(file: string): Run {
  const script = join(projectRoot, 'scripts/mbox-stats.ts');
  const report =
    "process.on('exit', () => process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}`));" +
    `import(${JSON.stringify(script)});`;
  const t0 = performance.now();
  // With --eval, argv[1] is the first argument: "-" stands in for the script name.
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--eval', report, '-', file], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: SECONDS * 1000,
  });
  const seconds = (performance.now() - t0) / 1000;
  const rss = Number(/maxRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { status: r.status, stats: JSON.parse(r.stdout), seconds, rssMiB: rss / 1024 };
}

async function check(h: Hostile): Promise<Run> {
  const file = join(dir, `${h.name}.mbox${h.gzip ? '.gz' : ''}`);
  await h.write(file);
  const run = mboxStats(file);
  console.log(
    `${h.name}: ${run.seconds.toFixed(1)} s, ${Math.round(run.rssMiB)} MiB, ` +
      `${run.stats.messages} messages, ${run.stats.skipped} skipped`,
  );
  rmSync(file);
  expect(run.seconds).toBeLessThan(SECONDS);
  expect(run.rssMiB).toBeLessThan(MIB);
  expect(run.stats.skipped).toBe(h.skipped);
  return run;
}

describe('hostile archives through mbox-stats', () => {
  for (const h of hostileInputs(1 / 4)) {
    it(`${h.name}: keeps the good messages around it within ${SECONDS} s and ${MIB} MiB`, async () => {
      const run = await check(h);
      expect(run.status).toBe(0);
      // The neighbours, and the attack itself unless it was skipped.
      expect(run.stats.messages).toBe(h.kept.length + (h.skipped ? 0 : 1));
    });
  }

  it('a truncated gzip: keeps the messages before the cut and reports the error', async () => {
    const h = truncatedGzip();
    const run = await check(h);
    expect(run.status).toBe(1);
    expect(run.stats.error).toBe('unexpected end of file');
    expect(run.stats.messages).toBeGreaterThanOrEqual(h.kept.length);
  });

  it('names what it skipped and why', async () => {
    const [longLine] = hostileInputs(1 / 4);
    const run = await check(longLine);
    expect(run.stats.problems).toEqual([
      expect.stringMatching(
        /^message at byte 314 \(<long-line@example.org>, A{80}\): a line of 13 MiB \(longer than 1 MiB\)$/,
      ),
    ]);
  });
});
