import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../../src/core/mbox';
import { parseMessage } from '../../../../src/core/message';
import { detectSeries, type SeriesVersion } from '../../../../src/core/series/detect';
import { rangeDiff, type RangePatch } from '../../../../src/core/series/rangediff';
import { collectTrailers } from '../../../../src/core/series/collect';
import { reviewState } from '../../../../src/core/series/review';
import { linkVersions, linkedMessageIds, sameSeries } from '../../../../src/core/series/versions';
import { projectRoot } from '../../shared';

async function thread(name: string) {
  const bytes = readFileSync(join(projectRoot, 'tests/fixtures/mail', name));
  return detectSeries(await Promise.all(splitMbox(bytes).map((raw) => parseMessage(raw))));
}

const patches = (v: SeriesVersion): RangePatch[] =>
  v.patches.flatMap((p, i) =>
    p ? [{ number: i + 1, subject: p.tags.subject, id: p.mail.id, body: p.mail.text }] : [],
  );

describe('range-diff', () => {
  it('pairs v1 and v2: one the same, one changed with its message, one added', async () => {
    const [v1] = (await thread('series-frob-v1.mbox')).versions;
    const [v2] = (await thread('series-frob-v2.mbox')).versions;
    const entries = rangeDiff(patches(v1), patches(v2));
    expect(entries.map((e) => [e.old?.number ?? null, e.status, e.new?.number ?? null])).toEqual([
      [1, '=', 1],
      [2, '!', 2],
      [null, '>', 3],
    ]);
    const changed = entries[1];
    expect(changed.messageChanged).toBe(true);
    const text = (op: string) =>
      changed.lines.flatMap((l) => (l.op === op && 'text' in l ? [l.text] : []));
    expect(text('add')).toContain('+\tif (WARN_ON_ONCE(frob_count == 0))');
    expect(text('del')).toContain('+\tif (frob_count > 0)');
  });

  it('pairs by diff similarity when subjects were reworded, and reports dropped patches in place', () => {
    const body = (msg: string, lines: string[]) =>
      `${msg}\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,${lines.length} +1,${lines.length} @@\n${lines.join('\n')}\n`;
    const big = Array.from({ length: 40 }, (_, i) => `+line ${i}`);
    const old: RangePatch[] = [
      { number: 1, subject: 'a: first', id: 'o1', body: body('one', big) },
      { number: 2, subject: 'b: gone', id: 'o2', body: body('two', ['+x', '+y']) },
    ];
    const next: RangePatch[] = [
      {
        number: 1,
        subject: 'a: reworded',
        id: 'n1',
        body: body('one', [...big.slice(0, 39), '+changed']),
      },
    ];
    expect(
      rangeDiff(old, next).map((e) => `${e.old?.id ?? '-'}${e.status}${e.new?.id ?? '-'}`),
    ).toEqual(['o1!n1', 'o2<-']);
  });

  it('pairs 50 patches of 1,000 lines by content after they were reordered', () => {
    const make = (n: number, tweak: string): RangePatch => ({
      number: n,
      subject: `sub${n}: patch ${n}${tweak}`,
      id: `${n}${tweak}`,
      body: `Patch ${n}.\n---\ndiff --git a/f${n} b/f${n}\n@@ -1 +1,1000 @@\n${Array.from({ length: 1000 }, (_, i) => `+f${n} line ${i}${i === 500 ? tweak : ''}`).join('\n')}\n`,
    });
    const old = Array.from({ length: 50 }, (_, i) => make(i + 1, ''));
    const next = [...old].reverse().map((p, i) => ({ ...make(p.number, 'x'), number: i + 1 }));
    const entries = rangeDiff(old, next);
    expect(entries.filter((e) => e.status === '!')).toHaveLength(50);
    // One line changed in 1,000: the change with three lines either side, the rest skipped.
    expect(entries[0].lines.filter((l) => l.op !== 'skip')).toHaveLength(8);
    expect(entries[0].lines[0]).toEqual({ op: 'skip', count: expect.any(Number) });
    expect(entries.every((e) => e.old && e.new && e.new.id === `${e.old.number}x`)).toBe(true);
  });
});

describe('versions across threads', () => {
  it('links v1 and v2 by the lore link in the cover letter and by subject and author', async () => {
    const a = await thread('series-frob-v1.mbox');
    const b = await thread('series-frob-v2.mbox');
    expect(linkedMessageIds(b.versions[0].cover?.mail.text ?? '')).toEqual([
      'cover.20261103090000.ada@frobnic.example',
    ]);
    expect(sameSeries(a.versions[0], b.versions[0])).toBe(true);
    const linked = linkVersions({ threadId: 'b', series: b.versions[0] }, [
      { threadId: 'a', series: a.versions[0] },
    ]);
    expect(linked.map((r) => [r.threadId, r.series.version])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('shows per patch its trailers, replies, a plain NAK and what changed since v1', async () => {
    const a = await thread('series-frob-v1.mbox');
    const b = await thread('series-frob-v2.mbox');
    const v2 = b.versions[0];
    const review = reviewState(b, v2, collectTrailers(b, v2).perPatch, a.versions[0]);
    expect(review.map((r) => [r?.change, r?.replies, r?.objections.length])).toEqual([
      ['same', 0, 0],
      ['changed', 1, 1],
      ['new', 1, 0],
    ]);
    const v1review = reviewState(
      a,
      a.versions[0],
      collectTrailers(a, a.versions[0]).perPatch,
      null,
    );
    // "changes requested" said plainly; the quoted patch lines do not count.
    expect(v1review.map((r) => r?.objections.length)).toEqual([0, 1]);
    expect(v1review[0]?.trailers.map((t) => t.name)).toEqual(['Reviewed-by']);
  });
});
