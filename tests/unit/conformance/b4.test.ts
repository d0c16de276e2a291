/**
 * b4 samples: the parts of b4's expected output that depend on parsing.
 * b4 collects follow-up trailers ("Reviewed-by: ...") from replies; every
 * trailer in its *-ref-*.txt output must be present, decoded, in the bodies we
 * parsed. Trailers b4 itself adds (Link:, Message-ID:, the user's own
 * Signed-off-by) and the *.verify files (git am results) are not applicable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../../../src/core/message';
import { projectRoot, sharedCorpus } from '../shared';
import { b4Am, digest, haveB4, loupeAm, seriesThreads, tempMbox } from './b4-am';
import { parseFile, Tally } from './helpers';

const dir = sharedCorpus('mail/b4/samples');

const TRAILER = /^([A-Z][A-Za-z-]*-by|Acked-by|Fixes|Closes): .+$/;

describe.skipIf(!dir)('b4 conformance', () => {
  it('keeps every follow-up trailer b4 collects in the decoded bodies', async () => {
    const t = new Tally('b4');
    const refs = readdirSync(dir ?? '').filter((f) => /-ref-.*\.txt$/.test(f));
    for (const ref of refs) {
      const mbox = ref.replace(/-ref-.*$/, '.mbox');
      if (/addmysob|addlink|addmsgid/.test(ref)) {
        t.deviate(`${ref}: b4 adds trailers of its own (not applicable to parsing)`);
        continue;
      }
      let bodies: string;
      try {
        bodies = (await parseFile(join(dir ?? '', mbox))).map((m) => m.text).join('\n');
      } catch {
        t.deviate(`${ref}: no ${mbox} beside it`);
        continue;
      }
      const flat = bodies.replace(/\s+/g, ' ');
      for (const line of readFileSync(join(dir ?? '', ref), 'utf8').split('\n')) {
        if (!TRAILER.test(line.trim())) continue;
        if (line.includes('Test Override')) continue; // the test user's own sign-off, added by b4
        if (ref.includes('htmljunk')) {
          t.deviate(
            `${ref}: b4 strips "<mailto:...>" junk from a trailer; we keep the text as sent`,
          );
          continue;
        }
        // Trailers may be wrapped or re-spaced in the mail; compare with blanks squeezed.
        t.check(flat.includes(line.trim().replace(/\s+/g, ' ')), `${ref}: ${line.trim()}`);
      }
    }
    t.deviate(
      "Signed-off-by: Test Override: the b4 test user's own sign-off, added by b4 (not applicable)",
    );
    t.deviate('*.verify: git am / shazam results, not parsing (not applicable)');
    t.report();
    expect(t.total).toBeGreaterThan(50);
    expect(t.passed).toBeGreaterThanOrEqual(t.total);
  });
});

/** Series compared per list file; LOUPE_B4_ALL=1 compares every series (minutes). */
const PER_FILE = process.env.LOUPE_B4_ALL ? Infinity : 40;

/** Every n-th item so that at most `max` are kept, spread over the whole archive. */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]);
}

/** Threads of the real archives where Loupe deliberately differs from b4 0.12, and why. */
const LIST_DEVIATIONS: Record<string, string> = {
  '20190427161121.GC12360@zn.tnic':
    'the thread holds [PATCH] and a lone [PATCH v6 1/2]: b4 takes the newest version even when incomplete, Loupe the newest complete one (and reports v6 as incomplete)',
  '20191019201057.GA21551@arya.arvanta.net':
    'the diff is a text/x-diff attachment: b4 0.12 reads only text/plain and text/x-patch parts and finds no patch; Loupe takes it',
};

/** Compares Loupe's am-ready mbox with b4's on each thread; b4 crashes are not comparisons. */
async function compareThreads(t: Tally, threads: ParsedMessage[][], label: string): Promise<void> {
  const queue = [...threads];
  // Two b4 processes at a time: each takes about a second, mostly Python start-up.
  const worker = async () => {
    for (let th = queue.shift(); th; th = queue.shift()) {
      const id = th[0].id;
      if (LIST_DEVIATIONS[id]) {
        t.deviate(`${label} <${id}>: ${LIST_DEVIATIONS[id]}`);
        continue;
      }
      const { path, done } = tempMbox(th);
      try {
        const theirs = digest(await b4Am(path, id));
        const ours = digest(loupeAm(th, id));
        const same =
          JSON.stringify(theirs.map((d) => [d.subject, d.trailers])) ===
          JSON.stringify(ours.map((d) => [d.subject, d.trailers]));
        t.check(
          same,
          `${label} <${id}>:\n    b4    ${JSON.stringify(theirs.map((d) => [d.subject, d.trailers]))}\n    loupe ${JSON.stringify(ours.map((d) => [d.subject, d.trailers]))}`,
        );
      } catch (e) {
        const why = String((e as { stderr?: string }).stderr ?? e)
          .trim()
          .split('\n')
          .pop();
        t.deviate(`${label} <${id}>: b4 0.12 fails on this thread (${why})`);
      } finally {
        done();
      }
    }
  };
  await Promise.all([worker(), worker()]);
}

async function readArchive(path: string): Promise<ParsedMessage[]> {
  let bytes = readFileSync(path);
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  return Promise.all(splitMbox(bytes).map((raw) => parseMessage(raw)));
}

/** Where Loupe deliberately differs from b4 0.12 on its own samples, and why. */
const SAMPLE_DEVIATIONS: Record<string, string> = {
  'trailers-followup-partial-reroll.mbox':
    'v3 resends only patch 2/2; b4 rebuilds v3 from v2 1/2 ("partial reroll"), Loupe takes the newest complete version (v2) and says v3 is incomplete',
  'trailers-followup-name-parens.mbox':
    'b4 0.12 cannot parse "Name [corp] <addr>" or "Last, First <addr>" and drops those Tested-by; Loupe keeps them, as b4\'s own expected output (-ref-defaults.txt) does',
  'trailers-followup-htmljunk.mbox':
    'b4 0.12 drops "Name <a@b<mailto:a@b>>"; Loupe strips the mailto junk and keeps the tag, as b4\'s own expected output does',
};

describe.skipIf(!dir)('b4 am oracle: b4 samples', () => {
  it('writes the same patches and trailers as b4 am on its own samples', async () => {
    expect(await haveB4()).toBe(true);
    const t = new Tally('b4 am / samples');
    for (const file of readdirSync(dir ?? '').filter((f) => f.endsWith('.mbox'))) {
      const path = join(dir ?? '', file);
      const mails = await parseFile(path);
      const id = mails[0].id;
      const theirs = digest(await b4Am(path, id));
      const ours = digest(loupeAm(mails, id));
      if (SAMPLE_DEVIATIONS[file]) {
        t.deviate(`${file}: ${SAMPLE_DEVIATIONS[file]}`);
        expect(ours.length).toBeGreaterThan(0);
        continue;
      }
      // On b4's samples the whole commit message must match, not only the trailers.
      t.check(
        JSON.stringify(theirs) === JSON.stringify(ours),
        `${file}:\n    b4    ${JSON.stringify(theirs)}\n    loupe ${JSON.stringify(ours)}`,
      );
    }
    t.report();
    console.log(`IDENTICAL b4 am / samples: ${t.passed} of ${t.total} series`);
    expect(t.total).toBeGreaterThanOrEqual(15);
    expect(t.passed).toBe(t.total);
  }, 120_000);
});

const fixtures = join(projectRoot, 'tests/fixtures/mail');

describe('b4 am oracle: project fixtures', () => {
  it('writes the same patches and trailers as b4 am on the series fixtures', async () => {
    expect(await haveB4()).toBe(true);
    const t = new Tally('b4 am / fixtures');
    const files = readdirSync(fixtures).filter((f) => /^series-.*\.mbox$/.test(f));
    for (const file of files) {
      const mails = await parseFile(join(fixtures, file));
      await compareThreads(t, seriesThreads(mails), file);
    }
    t.report();
    console.log(`IDENTICAL b4 am / fixtures: ${t.passed} of ${t.total} series`);
    expect(t.total).toBeGreaterThanOrEqual(2);
    expect(t.passed).toBe(t.total);
  }, 120_000);
});

const lists = sharedCorpus('mail/lists');
const syzbot = sharedCorpus('mail/syzbot');

describe.skipIf(!lists || !syzbot)('b4 am oracle: real list archives', () => {
  // kexec is the list the rules were checked on; ksummit and the syzbot threads are kept aside.
  for (const [sub, file] of [
    ['lists', 'kexec.lists.infradead.org.0.mboxrd.gz'],
    ['lists', 'ksummit.lists.linux.dev.0.mboxrd.gz'],
    ['syzbot', 'kasan-dev.googlegroups.com.0-syzbot-threads.mboxrd'],
    ['syzbot', 'keyrings.vger.kernel.org.0-syzbot-threads.mboxrd'],
  ] as const) {
    it(`writes the same patches and trailers as b4 am on ${file}`, async () => {
      expect(await haveB4()).toBe(true);
      const base = sub === 'lists' ? lists : syzbot;
      const threads = seriesThreads(await readArchive(join(base ?? '', file)));
      const t = new Tally(`b4 am / ${file}`);
      await compareThreads(t, spread(threads, PER_FILE), file);
      t.report();
      const failed = t.deviations.filter((d) => d.includes('b4 0.12 fails')).length;
      console.log(
        `IDENTICAL b4 am / ${file}: ${t.passed} of ${t.total} series (${threads.length} series in the archive; ${t.deviations.length - failed} deliberate differences, ${failed} threads b4 could not read)`,
      );
      expect(t.passed).toBeGreaterThanOrEqual(Math.ceil(t.total * 0.9));
    }, 600_000);
  }
});
