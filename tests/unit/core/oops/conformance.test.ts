import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeOops } from '../../../../src/core/oops';
import { sharedCorpus } from '../../shared';

interface Expectation {
  title: string | null;
  alt_titles: string[];
  type: string | null;
  frame: string | null;
  corrupted: boolean;
}

const dir = sharedCorpus('oops/dev');

// Floors sit just under the measured rates so a regression fails loudly.
const FLOORS = { title: 0.995, type: 0.995, altTitles: 0.995, frame: 0.9, corrupted: 0.995 };

describe.skipIf(dir === null)('syzkaller Linux report corpus (dev split)', () => {
  it('matches title, alt titles, type, frame and corrupted flags', () => {
    const names = readdirSync(dir as string)
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.slice(0, -4))
      .sort();
    const hits = { title: 0, type: 0, altTitles: 0, frame: 0, corrupted: 0 };
    let framesChecked = 0;
    const confusion = { crashFound: 0, crashMissed: 0, falseCrash: 0, noCrash: 0 };
    const misses: string[] = [];
    for (const name of names) {
      const want = JSON.parse(
        readFileSync(join(dir as string, `${name}.json`), 'utf8'),
      ) as Expectation;
      // latin1 maps each byte to one character, matching a byte-oriented parser exactly.
      const got = analyzeOops(readFileSync(join(dir as string, `${name}.log`)).toString('latin1'));
      const title = got?.title ?? null;
      if (title === want.title) hits.title++;
      else misses.push(`${name}: ${JSON.stringify(title)} != ${JSON.stringify(want.title)}`);
      if ((got?.type ?? null) === want.type) hits.type++;
      if (JSON.stringify(got?.altTitles ?? []) === JSON.stringify(want.alt_titles))
        hits.altTitles++;
      if ((got?.corrupted ?? false) === want.corrupted) hits.corrupted++;
      if (want.frame !== null) {
        framesChecked++;
        if (got?.frame === want.frame) hits.frame++;
      }
      const expectCrash = want.title !== null;
      if (expectCrash && got) confusion.crashFound++;
      else if (expectCrash) confusion.crashMissed++;
      else if (got) confusion.falseCrash++;
      else confusion.noCrash++;
    }
    const n = names.length;
    const rate = {
      title: hits.title / n,
      type: hits.type / n,
      altTitles: hits.altTitles / n,
      frame: framesChecked ? hits.frame / framesChecked : 1,
      corrupted: hits.corrupted / n,
    };
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    console.log(
      [
        `oops conformance over ${n} cases:`,
        `  title ${hits.title}/${n} (${pct(rate.title)})`,
        `  type ${hits.type}/${n} (${pct(rate.type)})`,
        `  alt_titles ${hits.altTitles}/${n} (${pct(rate.altTitles)})`,
        `  frame ${hits.frame}/${framesChecked} (${pct(rate.frame)})`,
        `  corrupted ${hits.corrupted}/${n} (${pct(rate.corrupted)})`,
        `  crash/no-crash: found ${confusion.crashFound}, missed ${confusion.crashMissed},` +
          ` false ${confusion.falseCrash}, correctly none ${confusion.noCrash}`,
        ...misses.map((m) => `  miss ${m}`),
      ].join('\n'),
    );
    expect(rate.title).toBeGreaterThanOrEqual(FLOORS.title);
    expect(rate.type).toBeGreaterThanOrEqual(FLOORS.type);
    expect(rate.altTitles).toBeGreaterThanOrEqual(FLOORS.altTitles);
    expect(rate.frame).toBeGreaterThanOrEqual(FLOORS.frame);
    expect(rate.corrupted).toBeGreaterThanOrEqual(FLOORS.corrupted);
    expect(confusion.falseCrash).toBe(0);
  }, 20_000);
});
