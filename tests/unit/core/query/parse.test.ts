import { describe, expect, it } from 'vitest';
import { describeQuery, parseQuery, type QueryNode } from '../../../../src/core/query';
import { NOW, parseOk } from './helpers';

function text(field: string, tokens: string[], extra: Partial<Record<string, unknown>> = {}) {
  return expect.objectContaining({ kind: 'text', field, tokens, prefix: false, ...extra });
}

function errorOf(input: string) {
  const r = parseQuery(input, NOW);
  if (r.ok) expect.fail(`expected an error for ${JSON.stringify(input)}`);
  return r.error;
}

describe('parseQuery: terms and operators', () => {
  it('parses a single word into a default-field term', () => {
    expect(parseOk('Hello')).toEqual(text('default', ['hello'], { quoted: false }));
  });

  it('treats juxtaposed words as AND', () => {
    expect(parseOk('foo bar')).toEqual({
      kind: 'and',
      children: [text('default', ['foo']), text('default', ['bar'])],
    });
  });

  it('treats explicit AND like juxtaposition', () => {
    expect(parseOk('foo AND bar')).toEqual(parseOk('foo bar'));
  });

  it('parses OR with lower precedence than juxtaposition', () => {
    expect(describeQuery(parseOk('a b OR c d'))).toBe('(a AND b) OR (c AND d)');
    const ast = parseOk('a b OR c');
    expect(ast.kind).toBe('or');
    if (ast.kind === 'or') expect(ast.children[0].kind).toBe('and');
  });

  it('gives AND higher precedence than OR', () => {
    const ast = parseOk('a OR b AND c');
    expect(ast).toEqual({
      kind: 'or',
      children: [
        text('default', ['a']),
        { kind: 'and', children: [text('default', ['b']), text('default', ['c'])] },
      ],
    });
  });

  it('parses XOR between OR and AND', () => {
    expect(describeQuery(parseOk('a OR b XOR c d'))).toBe('a OR (b XOR (c AND d))');
    expect(parseOk('a XOR b').kind).toBe('xor');
  });

  it('parses binary NOT as AND NOT', () => {
    expect(parseOk('foo NOT bar')).toEqual({
      kind: 'and',
      children: [text('default', ['foo']), { kind: 'not', child: text('default', ['bar']) }],
    });
    expect(parseOk('foo AND NOT bar')).toEqual(parseOk('foo NOT bar'));
  });

  it('accepts a leading NOT as a pure negation', () => {
    expect(parseOk('NOT foo')).toEqual({ kind: 'not', child: text('default', ['foo']) });
  });

  it('parses a leading - as NOT and a leading + as a required term', () => {
    expect(parseOk('foo -bar')).toEqual(parseOk('foo NOT bar'));
    expect(parseOk('+foo +bar')).toEqual(parseOk('foo bar'));
    expect(parseOk('-s:foo')).toEqual({ kind: 'not', child: text('s', ['foo']) });
    expect(parseOk('-(a OR b)').kind).toBe('not');
    expect(parseOk('-"a b"')).toEqual({
      kind: 'not',
      child: text('default', ['a', 'b'], { quoted: true }),
    });
  });

  it('keeps a hyphen inside a word as part of the word', () => {
    expect(parseOk('cdc-wdm')).toEqual(text('default', ['cdc', 'wdm'], { display: 'cdc-wdm' }));
  });

  it('treats lowercase and, or, not as plain terms', () => {
    expect(parseOk('this and that')).toEqual({
      kind: 'and',
      children: [text('default', ['this']), text('default', ['and']), text('default', ['that'])],
    });
    expect(parseOk('cats or dogs').kind).toBe('and');
    expect(parseOk('not me').kind).toBe('and');
    expect(parseOk('Or').kind).toBe('text');
  });

  it('groups with parentheses', () => {
    expect(describeQuery(parseOk('(a OR b) c'))).toBe('(a OR b) AND c');
    expect(describeQuery(parseOk('((a))'))).toBe('a');
  });

  it('parses a quoted phrase', () => {
    expect(parseOk('"a quick  brown fox"')).toEqual(
      text('default', ['a', 'quick', 'brown', 'fox'], { quoted: true }),
    );
  });

  it('accepts curly quotes around phrases', () => {
    expect(parseOk('s:\u201chung task\u201d')).toEqual(
      text('s', ['hung', 'task'], { quoted: true }),
    );
  });

  it('parses a trailing * as a prefix wildcard', () => {
    expect(parseOk('lock*')).toEqual(text('default', ['lock'], { prefix: true }));
    expect(parseOk('s:locks_rem*')).toEqual(text('s', ['locks_rem'], { prefix: true }));
    expect(parseOk('cdc-wd*')).toEqual(text('default', ['cdc', 'wd'], { prefix: true }));
  });

  it('drops words with nothing searchable in them', () => {
    expect(parseOk('foo !!! bar')).toEqual(parseOk('foo bar'));
    expect(parseOk('foo - bar')).toEqual(parseOk('foo bar'));
  });

  it('parses an empty or blank query as match-all', () => {
    expect(parseOk('')).toEqual({ kind: 'all' });
    expect(parseOk('   \t ')).toEqual({ kind: 'all' });
    expect(parseOk('...')).toEqual({ kind: 'all' });
  });

  it('flattens nested ANDs and ORs', () => {
    expect(parseOk('a (b c)')).toEqual(parseOk('a b c'));
    expect(parseOk('a OR (b OR c)')).toEqual(parseOk('a OR b OR c'));
  });
});

describe('parseQuery: prefixes', () => {
  const textPrefixes = [
    's',
    'f',
    't',
    'c',
    'tc',
    'a',
    'tcf',
    'b',
    'bs',
    'nq',
    'q',
    'n',
    'l',
    'm',
    'dfn',
    'dfa',
    'dfb',
    'dfctx',
    'dfhh',
    'oops',
  ];
  it.each(textPrefixes)('parses %s: as a probabilistic text prefix', (p) => {
    expect(parseOk(`${p}:Word`)).toEqual(text(p, ['word']));
    expect(parseOk(`${p}:"two words"`)).toEqual(text(p, ['two', 'words'], { quoted: true }));
  });

  it.each(['mid', 'lid', 'dfpre', 'dfpost', 'dfblob', 'patchid', 'inbox', 'type'])(
    'parses %s: as an exact (boolean) prefix',
    (p) => {
      expect(parseOk(`${p}:AbC-1.2`)).toEqual({
        kind: 'exact',
        field: p,
        value: 'abc-1.2',
        prefix: false,
      });
    },
  );

  it('strips angle brackets from mid:', () => {
    expect(parseOk('mid:<abc@example.org>')).toEqual({
      kind: 'exact',
      field: 'mid',
      value: 'abc@example.org',
      prefix: false,
    });
  });

  it('parses type:HANG and inbox:linux-* wildcards', () => {
    expect(parseOk('type:HANG')).toEqual({
      kind: 'exact',
      field: 'type',
      value: 'hang',
      prefix: false,
    });
    expect(parseOk('inbox:linux-*')).toEqual({
      kind: 'exact',
      field: 'inbox',
      value: 'linux-',
      prefix: true,
    });
  });

  it.each(['unread', 'read', 'patch', 'oops'] as const)('parses is:%s', (flag) => {
    expect(parseOk(`is:${flag}`)).toEqual({ kind: 'flag', flag });
  });

  it('parses m: with a full Message-ID as a phrase of its words', () => {
    expect(parseOk('m:000000000000070cb305a66ddc71@google.com')).toEqual(
      text('m', ['000000000000070cb305a66ddc71', 'google', 'com']),
    );
  });

  it('treats an unknown prefix as plain text', () => {
    expect(parseOk('foo:bar')).toEqual(text('default', ['foo', 'bar'], { display: 'foo:bar' }));
    expect(parseOk('https://lore.kernel.org/x').kind).toBe('text');
  });

  it('treats prefixes case-sensitively like Xapian', () => {
    expect(parseOk('S:foo')).toEqual(text('default', ['s', 'foo']));
  });

  it('applies a prefix to every word of a group', () => {
    expect(parseOk('s:(foo OR bar baz)')).toEqual(parseOk('s:foo OR s:bar s:baz'));
    expect(parseOk('inbox:(netdev OR linux-usb)')).toEqual(
      parseOk('inbox:netdev OR inbox:linux-usb'),
    );
  });

  it('lets an inner prefix override the group prefix', () => {
    expect(parseOk('s:(foo f:bar)')).toEqual(parseOk('s:foo f:bar'));
  });

  it('parses prefix:"phrase" and a negated prefixed phrase', () => {
    expect(parseOk('-s:"a quick brown fox"')).toEqual({
      kind: 'not',
      child: text('s', ['a', 'quick', 'brown', 'fox'], { quoted: true }),
    });
  });

  it('parses z: size ranges with k/m/g suffixes', () => {
    expect(parseOk('z:1000..5000')).toEqual({ kind: 'size', from: 1000, to: 5000 });
    expect(parseOk('z:10k..')).toEqual({ kind: 'size', from: 10240, to: null });
    expect(parseOk('z:..2M')).toEqual({ kind: 'size', from: null, to: 2 * 1024 * 1024 });
  });

  it('parses d: and rt: into date nodes', () => {
    expect(parseOk('d:20200520..20200525').kind).toBe('date');
    expect(parseOk('rt:2.days.ago..')).toMatchObject({ kind: 'date', field: 'rt' });
  });
});

describe('parseQuery: errors', () => {
  it('reports an unbalanced opening parenthesis with its offset', () => {
    expect(errorOf('foo (bar OR baz')).toEqual({
      message: expect.stringContaining("'('"),
      offset: 4,
    });
  });

  it('reports an unbalanced closing parenthesis with its offset', () => {
    expect(errorOf('foo bar) baz')).toEqual({ message: expect.stringContaining("')'"), offset: 7 });
  });

  it('reports an unbalanced parenthesis inside a prefix group at the prefix', () => {
    expect(errorOf('x s:(a b')).toMatchObject({ offset: 2 });
  });

  it('reports an empty phrase', () => {
    expect(errorOf('foo ""')).toEqual({
      message: expect.stringContaining('empty phrase'),
      offset: 4,
    });
    expect(errorOf('s:"  "').message).toContain('empty phrase');
    expect(errorOf('"!!"').message).toContain('empty phrase');
  });

  it('reports an unterminated phrase at its opening quote', () => {
    expect(errorOf('s:"foo bar')).toEqual({
      message: expect.stringContaining('unterminated'),
      offset: 2,
    });
  });

  it('reports empty parentheses', () => {
    expect(errorOf('foo ()').offset).toBe(4);
  });

  it('reports a bad date at the value', () => {
    expect(errorOf('foo d:bogus')).toEqual({
      message: expect.stringContaining('bad date'),
      offset: 6,
    });
    expect(errorOf('d:20201340').message).toContain('bad date');
    expect(errorOf('d:2020-02-30').message).toContain('bad date');
  });

  it('reports a reversed date range', () => {
    expect(errorOf('d:20200525..20200520').message).toContain('ends before it starts');
  });

  it('reports a prefix with no value', () => {
    expect(errorOf('s: foo')).toEqual({ message: expect.stringContaining('s:'), offset: 0 });
    expect(errorOf('foo d:').offset).toBe(4);
  });

  it('reports operators missing an operand', () => {
    expect(errorOf('foo OR').message).toContain('OR');
    expect(errorOf('OR foo').offset).toBe(0);
    expect(errorOf('AND foo').message).toContain('AND');
    expect(errorOf('foo AND').offset).toBe(4);
    expect(errorOf('foo NOT').message).toContain('NOT');
    expect(errorOf('a XOR').message).toContain('XOR');
    expect(errorOf('(a OR) b').message).toContain('OR');
  });

  it('reports an unknown is: value', () => {
    expect(errorOf('is:starred')).toEqual({
      message: expect.stringContaining('unread'),
      offset: 3,
    });
  });

  it('reports a malformed size', () => {
    expect(errorOf('z:big').message).toContain('bad size');
    expect(errorOf('z:100').message).toContain('bad size');
    expect(errorOf('z:5000..1000').message).toContain('bad size');
  });

  it('reports excessive nesting instead of overflowing the stack', () => {
    const deep = '('.repeat(100_000) + 'x' + ')'.repeat(100_000);
    expect(errorOf(deep).message).toContain('nested too deeply');
  });

  it('reports a love/hate mark applied to an operator', () => {
    expect(errorOf('foo -OR bar').offset).toBe(4);
  });

  it('never returns an AST containing match-all below the root', () => {
    const walk = (n: QueryNode): boolean =>
      n.kind === 'and' || n.kind === 'or' || n.kind === 'xor'
        ? n.children.every((c) => c.kind !== 'all' && walk(c))
        : n.kind === 'not'
          ? n.child.kind !== 'all' && walk(n.child)
          : true;
    for (const q of ['a (!!!) b', 'a OR (b ...)', '-... foo']) {
      const r = parseQuery(q, NOW);
      if (r.ok) expect(walk(r.ast)).toBe(true);
    }
  });
});
