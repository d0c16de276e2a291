import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeOops } from '../../../src/core/oops';
import { sharedCorpus } from '../shared';

const mailDir = sharedCorpus('oops/syzbot-mail');
const devDir = sharedCorpus('oops/dev');

// Floors sit just under the measured rates so a regression fails loudly.
const FLOORS: Record<string, number> = { 'linux-bluetooth': 0.98, 'io-uring': 0.99 };
const DEV_FLOOR = 0.995;

/** What kind of difference a miss is, so the printed misses read as families. */
function family(got: string | null, want: string | null): string {
  if (want === null) return 'not a crash';
  if (got === null) return `no report found (${want.split(':')[0]})`;
  if (/ (?:test|boot|build) error/.test(want) !== / (?:test|boot|build) error/.test(got))
    return 'syzbot setup failure (test/boot/build error)';
  const [gotKind, gotFrame] = got.split(/ in (?=[^ ]+$)/);
  const [wantKind, wantFrame] = want.split(/ in (?=[^ ]+$)/);
  if (gotKind !== wantKind) return `title kind: ${wantKind}`;
  if (gotFrame === 'corrupted' || wantFrame === 'corrupted') return 'corrupted guilty frame';
  return 'guilty frame';
}

interface Case {
  name: string;
  got: string | null;
  want: string | null;
}

function titles(dir: string, ext: string): Case[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => {
      const name = f.slice(0, -ext.length);
      const expected = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
        title: string | null;
      };
      const want = expected.title;
      return { name, got: analyzeOops(readFileSync(join(dir, f), 'latin1'))?.title ?? null, want };
    });
}

describe.skipIf(mailDir === null || devDir === null)('syzbot report mails (symbolized)', () => {
  it('title each list as syzbot did while the raw-log dev set keeps its rate', () => {
    const lines: string[] = [];
    const rates: Record<string, number> = {};
    for (const list of Object.keys(FLOORS)) {
      const cases = titles(join(mailDir as string, list), '.txt');
      const misses = cases.filter((c) => c.got !== c.want);
      rates[list] = (cases.length - misses.length) / cases.length;
      lines.push(
        `syzbot-mail ${list}: ${cases.length - misses.length}/${cases.length} exact (${(100 * rates[list]).toFixed(1)}%)`,
      );
      const byFamily = new Map<string, string[]>();
      for (const m of misses) {
        const key = family(m.got, m.want);
        byFamily.set(key, [
          ...(byFamily.get(key) ?? []),
          `${m.name}: ${JSON.stringify(m.got)} != ${JSON.stringify(m.want)}`,
        ]);
      }
      for (const [key, items] of [...byFamily].sort((a, b) => b[1].length - a[1].length)) {
        lines.push(`  ${key} (${items.length})`, ...items.map((i) => `    ${i}`));
      }
    }
    const dev = titles(devDir as string, '.log');
    const devHits = dev.filter((c) => c.got === c.want).length;
    const devRate = devHits / dev.length;
    lines.push(
      `syzkaller dev set (raw logs): ${devHits}/${dev.length} titles (${(100 * devRate).toFixed(1)}%)`,
    );
    console.log(lines.join('\n'));
    for (const [list, floor] of Object.entries(FLOORS))
      expect(rates[list], list).toBeGreaterThanOrEqual(floor);
    expect(devRate).toBeGreaterThanOrEqual(DEV_FLOOR);
  }, 30_000);
});
