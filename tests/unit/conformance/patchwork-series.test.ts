/**
 * patchwork series oracle (tests/unit/test_series.py, extracted to
 * EXPECTED-from-test_series.json): cover/patch/reply counts per mbox and,
 * where the test's docstring draws it, the thread shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/core/message';
import { detectSeries } from '../../../src/core/series/detect';
import { buildThreads, flattenTree, subjectKey } from '../../../src/core/thread';
import { sharedCorpus } from '../shared';
import { parseFile, Tally } from './helpers';

const dir = sharedCorpus('mail/patchwork/series');

interface SeriesTest {
  test: string;
  docstring: string;
  parse_in_order: { file: string; expected_cover_patch_reply: [number, number, number] }[];
}

/** Patchwork's three kinds, from the series model: its cover letters, messages with a diff, the rest. */
function classifier(msgs: ParsedMessage[]): (m: ParsedMessage) => 'cover' | 'patch' | 'reply' {
  const covers = new Set(detectSeries(msgs).covers.map((c) => c.mail.id));
  return (m) => (m.hasPatch ? 'patch' : covers.has(m.id) ? 'cover' : 'reply');
}

/** The docstring's "- subject" items as (depth, subject): depth is the rank of the indent. */
function drawnShape(doc: string): { depth: number; subject: string }[] {
  const items: { indent: number; subject: string }[] = [];
  for (const line of doc.split('\n')) {
    const m = /^(\s*)- (.*)$/.exec(line);
    if (m) items.push({ indent: m[1].length, subject: m[2].trim() });
    else if (items.length && /^\s{6,}\S/.test(line))
      items[items.length - 1].subject += ` ${line.trim()}`;
  }
  const levels = [...new Set(items.map((i) => i.indent))].sort((a, b) => a - b);
  const step = levels.length > 1 ? levels[1] - levels[0] : 2;
  return items.map((i) => ({
    depth: Math.round((i.indent - levels[0]) / step),
    subject: i.subject,
  }));
}

/**
 * Docstrings where the drawing disagrees with the mail's own headers; JWZ
 * threading follows the headers, so these are reported, not compared.
 */
const SHAPE_DEVIATIONS: Record<string, string> = {
  'test_deep_threaded base-deep-threaded.mbox':
    '2/2 has In-Reply-To and last References = the cover; the docstring draws it under 1/2',
  'test_multiple_references bugs-multiple-references.mbox':
    'patches carry two In-Reply-To/References headers (1/4 first, cover second); we follow the first',
  'test_no_references_no_cover base-no-references-no-cover.mbox':
    'no References at all: patchwork groups the series by subject numbering; threading by subject only joins "Re:" replies',
  'test_reply_nocover bugs-nocover.mbox':
    'v2 1/2 is In-Reply-To v1 1/2; the docstring draws it under v1 2/2',
};

/** Docstrings shorten subjects and drop tags: match on the subject key, drawn as a prefix of ours. */
function sameShape(
  ours: { depth: number; subject: string }[],
  drawn: { depth: number; subject: string }[],
): boolean {
  const left = ours.map((o) => ({ depth: o.depth, key: subjectKey(o.subject) }));
  for (const d of drawn) {
    const key = subjectKey(d.subject);
    const i = left.findIndex((o) => o.depth === d.depth && o.key.startsWith(key));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return left.length === 0;
}

describe.skipIf(!dir)('patchwork series conformance', () => {
  it('classifies covers, patches and replies and threads series as patchwork expects', async () => {
    const t = new Tally('patchwork/series');
    const json = JSON.parse(
      readFileSync(join(dir ?? '', 'EXPECTED-from-test_series.json'), 'utf8'),
    ) as {
      tests: SeriesTest[];
    };
    for (const test of json.tests) {
      for (const step of test.parse_in_order) {
        const msgs = await parseFile(join(dir ?? '', step.file));
        const counts = [0, 0, 0];
        const classify = classifier(msgs);
        for (const m of msgs) counts[['cover', 'patch', 'reply'].indexOf(classify(m))]++;
        t.check(
          counts.join() === step.expected_cover_patch_reply.join(),
          `${test.test} ${step.file}: [${counts.join()}] != [${step.expected_cover_patch_reply.join()}]`,
        );
      }
      const shape = drawnShape(test.docstring);
      if (test.parse_in_order.length !== 1 || shape.length === 0) continue;
      const msgs = await parseFile(join(dir ?? '', test.parse_in_order[0].file));
      if (shape.length !== msgs.length) continue;
      const depthOf = new Map<string, number>();
      for (const th of buildThreads(msgs))
        for (const f of flattenTree(th.tree)) depthOf.set(f.node.id, f.depth);
      const label = `${test.test} ${test.parse_in_order[0].file}`;
      if (SHAPE_DEVIATIONS[label]) {
        t.deviate(`${label}: ${SHAPE_DEVIATIONS[label]}`);
        continue;
      }
      const ours = msgs.map((m) => ({ depth: depthOf.get(m.id) ?? -1, subject: m.subject }));
      const show = (xs: { depth: number; subject: string }[]) =>
        xs.map((x) => `${x.depth} ${x.subject}`).join(' | ');
      t.check(
        sameShape(ours, shape),
        `${label} shape:\n    ours  ${show(ours)}\n    drawn ${show(shape)}`,
      );
    }
    t.report();
    expect(t.passed).toBeGreaterThanOrEqual(t.total);
  });
});
