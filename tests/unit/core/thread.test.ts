import { describe, expect, it } from 'vitest';
import {
  buildThreads,
  flattenTree,
  MAX_REFERENCES,
  subjectKey,
  treeToInputs,
  type ThreadInput,
} from '../../../src/core/thread';
import type { ThreadNode } from '../../../src/core/types';

const msg = (id: string, date: number, references: string[] = [], subject = 's'): ThreadInput => ({
  id,
  date,
  references,
  subject,
});

/** Renders a tree as lines "  id" with ghosts in brackets, for readable assertions. */
function draw(n: ThreadNode, depth = 0): string[] {
  const self = `${'  '.repeat(depth)}${n.ghost ? `[${n.id}]` : n.id}`;
  return [self, ...n.children.flatMap((c) => draw(c, depth + 1))];
}

describe('threading', () => {
  it('threads a reply whose parent is missing under a ghost', () => {
    const [t] = buildThreads([msg('b', 2, ['a']), msg('c', 3, ['a', 'b'])]);
    expect(draw(t.tree)).toEqual(['[a]', '  b', '    c']);
    expect(t.ghostIds).toEqual(['a']);
  });

  it('orders children by date, not by arrival', () => {
    const [t] = buildThreads([msg('r', 1), msg('late', 9, ['r']), msg('early', 5, ['r'])]);
    expect(draw(t.tree)).toEqual(['r', '  early', '  late']);
  });

  it('re-parents a ghost when the missing message arrives later', () => {
    const first = buildThreads([msg('b', 2, ['a']), msg('root', 0)]);
    expect(first).toHaveLength(2);
    const stored = first.flatMap((t) => treeToInputs(t.tree, () => 's'));
    const again = buildThreads([...stored, msg('a', 1, ['root'])]);
    expect(again).toHaveLength(1);
    expect(draw(again[0].tree)).toEqual(['root', '  a', '    b']);
  });

  it('survives reference loops without hanging or losing messages', () => {
    const ts = buildThreads([msg('a', 1, ['b']), msg('b', 2, ['a']), msg('c', 3, ['c', 'a'])]);
    const ids = ts.flatMap((t) => t.messageIds).sort();
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('uses the subject only for replies without any references', () => {
    const ts = buildThreads([
      msg('p', 1, [], '[PATCH] usb: fix it'),
      msg('r', 2, [], 'Re: [PATCH] usb: fix it'),
      msg('other', 3, [], '[PATCH] usb: fix it'),
    ]);
    expect(ts.map((t) => draw(t.tree))).toEqual([['p', '  r'], ['other']]);
    expect(subjectKey('Re: RE: [PATCH v2 1/3] Foo  bar')).toBe('foo bar');
  });

  it('keeps the first of two messages with the same Message-ID', () => {
    const [t] = buildThreads([msg('a', 1, [], 'first'), msg('a', 5, [], 'second')]);
    expect(t.messageIds).toEqual(['a']);
    expect(t.tree.date).toBe(1);
  });
});

describe('threading hostile shapes', () => {
  it('keeps the newest 500 of 100,000 References and threads them without recursion', () => {
    const refs = Array.from({ length: 100_000 }, (_, i) => `r${i}@x`);
    const t0 = performance.now();
    const [t] = buildThreads([msg('m@x', 1, refs)]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(t.ghostIds).toHaveLength(MAX_REFERENCES);
    expect(t.rootId).toBe(`r${100_000 - MAX_REFERENCES}@x`);
    const flat = flattenTree(t.tree);
    expect(flat.at(-1)).toMatchObject({ depth: MAX_REFERENCES, parentId: 'r99999@x' });
  });

  it('threads a reply chain 100,000 deep in linear time, in date order and in reverse', () => {
    const n = 100_000;
    const chain = Array.from({ length: n }, (_, i) =>
      msg(`c${i}@x`, i + 1, i ? [`c${i - 1}@x`] : []),
    );
    for (const inputs of [chain, [...chain].reverse()]) {
      const t0 = performance.now();
      const threads = buildThreads(inputs);
      // About 0.4 s idle; a quadratic walk would take minutes.
      expect(performance.now() - t0).toBeLessThan(15_000);
      expect(threads).toHaveLength(1);
      const flat = flattenTree(threads[0].tree);
      expect(flat).toHaveLength(n);
      expect(flat.at(-1)).toMatchObject({ depth: n - 1, parentId: `c${n - 2}@x` });
      const again = treeToInputs(threads[0].tree, () => 's');
      expect(again.at(-1)?.references).toEqual([`c${n - 2}@x`]);
      // Compared as text: deep equality of nested nodes would recurse 100,000 levels.
      const shape = (t: ThreadNode) => flattenTree(t).map((f) => `${f.depth} ${f.node.id}`);
      expect(shape(buildThreads(again)[0].tree)).toEqual(shape(threads[0].tree));
    }
  });

  it('refuses a reference cycle however long', () => {
    const n = 20_000;
    // Each message names the next as its parent; the last names the first.
    const ring = Array.from({ length: n }, (_, i) => msg(`k${i}@x`, i + 1, [`k${(i + 1) % n}@x`]));
    const threads = buildThreads(ring);
    expect(threads.reduce((sum, t) => sum + t.messageIds.length, 0)).toBe(n);
  });
});
