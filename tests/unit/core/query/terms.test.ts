import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../../src/core/mbox';
import { parseMessage } from '../../../../src/core/message';
import { crashSummary } from '../../../../src/core/oops';
import {
  ANY,
  GROUP_BITS,
  docTokens,
  termRun,
  toSearchDoc,
  type TermRun,
} from '../../../../src/core/query/terms';
import { projectRoot, sharedCorpus } from '../../shared';

type Item = Parameters<typeof termRun>[0][number];

async function parsed(raws: Uint8Array[]): Promise<Item[]> {
  const out: Item[] = [];
  for (const raw of raws) {
    const m = await parseMessage(raw, 0);
    out.push({ m, crash: m.hasOops ? crashSummary(m.text) : null });
  }
  return out;
}

/** Per message of the run, its keys and groups as the run records them. */
function perMessage(run: TermRun): Map<string, number>[] {
  const out = Array.from({ length: run.size }, () => new Map<string, number>());
  run.keys.forEach((k, j) => {
    let last = -1;
    for (let e = run.starts[j]; e < run.starts[j + 1]; e++) {
      const i = run.entries[e] >>> GROUP_BITS;
      // Each key lists a message once, in message order.
      expect(i).toBeGreaterThan(last);
      last = i;
      out[i].set(k, run.entries[e] & ANY);
    }
  });
  return out;
}

/** The run must say, for every message, exactly what docTokens says of it alone. */
function expectRunMatchesDocs(items: Item[]): void {
  const run = termRun(items);
  expect(run.size).toBe(items.length);
  expect(new Set(run.keys).size).toBe(run.keys.length);
  expect(run.starts[run.keys.length]).toBe(run.entries.length);
  const got = perMessage(run);
  items.forEach(({ m, crash }, i) => {
    expect(got[i]).toEqual(docTokens(toSearchDoc(m, [], crash, true, 0)));
  });
}

describe('termRun: one table of the search keys of a chunk of messages', () => {
  it('records each message under every key it holds, with the groups it holds it in', async () => {
    const fixtures = join(projectRoot, 'tests/fixtures/mail');
    const raws = readdirSync(fixtures).flatMap((f) => splitMbox(readFileSync(join(fixtures, f))));
    // Patches, syzbot reports (crash groups) and replies: keys in many groups.
    expect(raws.length).toBeGreaterThan(10);
    expectRunMatchesDocs(await parsed(raws.slice(0, 200)));
  });

  it('grows past its first buffers on long patches', async () => {
    const body = Array.from({ length: 12_000 }, (_, i) => `+\tword${i} = call_${i}(arg);`).join(
      '\n',
    );
    const raw = new TextEncoder().encode(
      `Message-ID: <big@example.org>\nFrom: A <a@example.org>\nSubject: [PATCH] big\n` +
        `Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n${body}\n`,
    );
    const items = await parsed([raw, raw.slice()]);
    expectRunMatchesDocs(items);
    expect(termRun(items).keys.length).toBeGreaterThan(24_000);
  });

  it('starts each run afresh after a large one, with the arrays it kept', async () => {
    const fixtures = join(projectRoot, 'tests/fixtures/mail');
    const small = await parsed(splitMbox(readFileSync(join(fixtures, readdirSync(fixtures)[0]))));
    const first = termRun(small);
    const big = new TextEncoder().encode(
      `Message-ID: <big@example.org>\nSubject: big\n\n${Array.from({ length: 30_000 }, (_, i) => `w${i}`).join(' ')}\n`,
    );
    expect(termRun(await parsed([big])).keys.length).toBeGreaterThan(30_000);
    const again = termRun(small);
    // Nothing of the large run is left: the same keys, numbered alike, and the same entries.
    expect(again.keys).toEqual(first.keys);
    expect(again.starts).toEqual(first.starts);
    expect(again.entries).toEqual(first.entries);
    expect(first.keys).not.toContain('w29999');
    expectRunMatchesDocs(small);
  });
});

const lists = sharedCorpus('mail/lists');

describe.skipIf(!lists)('termRun on real list mail', () => {
  it('matches docTokens for every message of a 200-message chunk of each list', async () => {
    for (const f of readdirSync(lists as string).filter((x) => x.endsWith('.gz'))) {
      const raws = splitMbox(gunzipSync(readFileSync(join(lists as string, f))));
      expectRunMatchesDocs(await parsed(raws.slice(1000, 1200)));
    }
  });
});
