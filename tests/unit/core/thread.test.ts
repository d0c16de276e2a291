import { describe, expect, it } from 'vitest';
import { buildThreads, subjectKey, treeToInputs, type ThreadInput } from '../../../src/core/thread';
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
