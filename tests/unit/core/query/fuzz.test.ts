import { describe, expect, it } from 'vitest';
import {
  describeQuery,
  matchMessage,
  parseQuery,
  type QueryNode,
} from '../../../../src/core/query';
import { NOW, makeDoc } from './helpers';
import { rng } from '../../shared';

const PIECES = [
  'AND',
  'OR',
  'NOT',
  'XOR',
  'and',
  '(',
  ')',
  '"',
  '\u201c',
  '\u201d',
  '-',
  '+',
  '*',
  ':',
  '..',
  's:',
  'd:',
  'rt:',
  'z:',
  'is:',
  'dfn:',
  'mid:',
  'inbox:',
  'type:',
  'foo',
  'bar',
  'x',
  '<',
  '>',
  '2.weeks.ago',
  'yesterday',
  '20200520',
  '2020-05-20',
  'unread',
  '10k',
  ' ',
  ' ',
  ' ',
  '\t',
  '\u00e9',
  '\ud83d\ude00',
  '\ud800',
  '\\',
  '/',
  '.',
  '@',
  '0',
  '-1',
];

function randomQuery(next: () => number): string {
  const n = Math.floor(next() * 12);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (next() < 0.15) s += String.fromCharCode(Math.floor(next() * 0x3000));
    else s += PIECES[Math.floor(next() * PIECES.length)];
  }
  return s;
}

/** The AST minus `display`, which describeQuery may respell (`S:foo` -> `s.foo`). */
function withoutDisplay(ast: QueryNode): unknown {
  return JSON.parse(JSON.stringify(ast, (k, v: unknown) => (k === 'display' ? undefined : v)));
}

describe('parseQuery on random input', () => {
  const doc = makeDoc({
    subject: 'foo bar',
    body: 'x\n> foo\ndiff --git a/x b/x\n@@ -1 +1 @@ f\n-a\n+b\n',
    inboxes: ['x'],
  });

  it('never throws and returns a well-formed result for 5000 random queries', () => {
    const next = rng(42);
    for (let i = 0; i < 5000; i++) {
      const q = randomQuery(next);
      const r = parseQuery(q, NOW);
      if (r.ok) {
        expect(() => matchMessage(r.ast, doc), q).not.toThrow();
        const again = parseQuery(describeQuery(r.ast), NOW);
        expect(again.ok, `${q} -> ${describeQuery(r.ast)}`).toBe(true);
        if (again.ok) expect(withoutDisplay(again.ast), q).toEqual(withoutDisplay(r.ast));
      } else {
        expect(r.error.message.length, q).toBeGreaterThan(0);
        expect(r.error.offset, q).toBeGreaterThanOrEqual(0);
        expect(r.error.offset, q).toBeLessThanOrEqual(q.length);
        expect(r.error.message, q).not.toMatch(/internal error/);
      }
    }
  });

  it('never throws on random printable ASCII', () => {
    const next = rng(7);
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(next() * 30);
      let q = '';
      for (let j = 0; j < len; j++) q += String.fromCharCode(32 + Math.floor(next() * 95));
      const r = parseQuery(q, NOW);
      if (!r.ok) expect(r.error.message, q).not.toMatch(/internal error/);
    }
  });
});
