/**
 * Brute-force check of the evaluator: 300 synthetic messages, and for each query
 * an independent filter written directly against what the generator put in.
 */
import { describe, expect, it } from 'vitest';
import { matchMessage, prepareDoc, type SearchDoc } from '../../../../src/core/query';
import { parseOk } from './helpers';
import { rng } from '../../shared';

const WORDS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'kasan',
  'lock',
  'alphabet',
  'usb',
  'net',
];
const PEOPLE = ['Ann Example', 'Bob Builder', 'Carol Smith', 'Dave Example'];
const PATHS = ['drivers/usb/core.c', 'net/core/dev.c', 'fs/locks.c', 'drivers/net/usb/core.c'];
const INBOXES = ['lkml', 'linux-usb', 'netdev'];

interface Facts {
  paths: string[];
  added: string[];
  removed: string[];
  quoted: string[];
  plain: string[];
}

function build(count: number): { doc: SearchDoc; facts: Facts }[] {
  const next = rng(2024);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS));
  const person = (p: string) => `${p} <${p.split(' ')[0].toLowerCase()}@example.org>`;
  const out: { doc: SearchDoc; facts: Facts }[] = [];
  for (let i = 0; i < count; i++) {
    const plain = words(1 + Math.floor(next() * 4));
    const quoted = next() < 0.4 ? words(1 + Math.floor(next() * 3)) : [];
    const facts: Facts = { paths: [], added: [], removed: [], quoted, plain };
    const lines = [plain.join(' ')];
    if (quoted.length > 0) lines.push(`> ${quoted.join(' ')}`);
    if (next() < 0.35) {
      const path = pick(PATHS);
      facts.paths.push(path);
      facts.removed = words(1);
      facts.added = words(2);
      lines.push(
        `diff --git a/${path} b/${path}`,
        'index 0123456..89abcde 100644',
        `--- a/${path}`,
        `+++ b/${path}`,
        '@@ -1,2 +1,3 @@',
        ' context',
        `-${facts.removed[0]}();`,
        `+${facts.added[0]}();`,
        `+${facts.added[1]}();`,
      );
    }
    const oops = next() < 0.2;
    out.push({
      facts,
      doc: {
        id: `${i}.msg@example.org`,
        subject: (next() < 0.3 ? '[PATCH] ' : '') + words(1 + Math.floor(next() * 3)).join(' '),
        from: person(pick(PEOPLE)),
        to: person(pick(PEOPLE)),
        cc: next() < 0.5 ? person(pick(PEOPLE)) : '',
        body: lines.join('\n'),
        date:
          Date.UTC(2020, 0, 1) +
          Math.floor(next() * 366) * 86_400_000 +
          Math.floor(next() * 86_400_000),
        inboxes: INBOXES.filter(() => next() < 0.45),
        unread: next() < 0.5,
        hasPatch: facts.paths.length > 0,
        oopsTitles: oops ? [`KASAN: ${pick(WORDS)} in ${pick(WORDS)}`] : [],
        oopsTypes: oops ? [pick(['HANG', 'KASAN', 'WARNING'])] : [],
      },
    });
  }
  return out;
}

// Independent oracles: plain regexes over ASCII text, no tokenizer involved.
const word = (text: string, w: string) =>
  new RegExp(`(^|[^a-z0-9_])${w}($|[^a-z0-9_])`, 'i').test(text);
const starts = (text: string, w: string) => new RegExp(`(^|[^a-z0-9_])${w}`, 'i').test(text);
const phrase = (text: string, ws: string[]) =>
  new RegExp(`(^|[^a-z0-9_])${ws.join('[^a-z0-9_]+')}($|[^a-z0-9_])`, 'i').test(text);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const defaultText = (d: SearchDoc) => [d.id, d.subject, d.from, d.body].join('\n');

type Oracle = (d: SearchDoc, f: Facts) => boolean;

const CASES: [string, Oracle][] = [
  ['s:alpha', (d) => word(d.subject, 'alpha')],
  ['s:"alpha beta"', (d) => phrase(d.subject, ['alpha', 'beta'])],
  ['s:alpha*', (d) => starts(d.subject, 'alpha')],
  ['f:ann', (d) => word(d.from, 'ann')],
  ['a:bob', (d) => word(`${d.to}\n${d.cc}\n${d.from}`, 'bob')],
  ['t:"dave example"', (d) => phrase(d.to, ['dave', 'example'])],
  ['alpha OR beta', (d) => word(defaultText(d), 'alpha') || word(defaultText(d), 'beta')],
  ['gamma -delta', (d) => word(defaultText(d), 'gamma') && !word(defaultText(d), 'delta')],
  ['q:gamma', (_d, f) => f.quoted.includes('gamma')],
  [
    'nq:gamma',
    (_d, f) =>
      f.plain.includes('gamma') || f.added.includes('gamma') || f.removed.includes('gamma'),
  ],
  ['dfn:usb/core.c', (_d, f) => f.paths.some((p) => p.endsWith('/usb/core.c'))],
  ['dfn:core.c', (_d, f) => f.paths.some((p) => p.endsWith('/core.c'))],
  ['dfb:delta', (_d, f) => f.added.includes('delta')],
  ['dfa:delta', (_d, f) => f.removed.includes('delta')],
  ['d:2020-03-01..2020-05-31', (d) => d.date >= day('2020-03-01') && d.date < day('2020-06-01')],
  ['d:..20200215', (d) => d.date < day('2020-02-16')],
  ['inbox:linux-usb is:unread', (d) => d.inboxes.includes('linux-usb') && d.unread],
  ['is:patch NOT inbox:lkml', (d) => d.hasPatch && !d.inboxes.includes('lkml')],
  [
    'type:HANG OR oops:lock',
    (d) => d.oopsTypes.includes('HANG') || d.oopsTitles.some((t) => word(t, 'lock')),
  ],
  [
    '(s:alpha OR s:beta) d:2020-06-01..',
    (d) => (word(d.subject, 'alpha') || word(d.subject, 'beta')) && d.date >= day('2020-06-01'),
  ],
  ['tc:carol XOR f:carol', (d) => word(`${d.to}\n${d.cc}`, 'carol') !== word(d.from, 'carol')],
  ['bs:epsilon', (d) => word(`${d.subject}\n${d.body}`, 'epsilon')],
  ['-is:read', (d) => d.unread],
  ['s:patch is:oops', (d) => word(d.subject, 'patch') && d.oopsTitles.length > 0],
];

describe('matchMessage agrees with hand-written filters', () => {
  const corpus = build(300);
  const prepared = corpus.map(({ doc }) => prepareDoc(doc));

  it.each(CASES)('%s', (query, oracle) => {
    const ast = parseOk(query);
    const got = corpus.filter((_, i) => matchMessage(ast, prepared[i])).map(({ doc }) => doc.id);
    const want = corpus.filter(({ doc, facts }) => oracle(doc, facts)).map(({ doc }) => doc.id);
    expect(got).toEqual(want);
    // A query matching nothing or everything would prove little.
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(corpus.length);
  });
});
