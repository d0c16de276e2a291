import { describe, expect, it } from 'vitest';
import { describeQuery, queryTerms } from '../../../../src/core/query';
import { parseOk } from './helpers';

describe('describeQuery', () => {
  it.each([
    ['foo  bar', 'foo AND bar'],
    ['a b OR c', '(a AND b) OR c'],
    ['(a OR b) c', '(a OR b) AND c'],
    ['foo -bar', 'foo AND NOT bar'],
    ['-(a b)', 'NOT (a AND b)'],
    ['S:Foo', 's.foo'],
    ['s:Foo', 's:foo'],
    ['s:"Quick  Brown"', 's:"quick brown"'],
    ['s:lock*', 's:lock*'],
    ['dfn:drivers/usb/class/cdc-wdm.c', 'dfn:drivers/usb/class/cdc-wdm.c'],
    ['s:(a OR b)', 's:a OR s:b'],
    ['mid:<A@B>', 'mid:a@b'],
    ['inbox:"odd name"', 'inbox:"odd name"'],
    ['d:20200520..20200525', 'd:2020-05-20..2020-05-25'],
    ['d:2020-05-20', 'd:2020-05-20..2020-05-20'],
    ['d:..2020-01-01', 'd:..2020-01-01'],
    ['rt:1588000000..', 'rt:2020-04-27T15:06:40Z..'],
    ['z:1k..2k', 'z:1024..2048'],
    ['is:UNREAD', 'is:unread'],
    ['a XOR b c', 'a XOR (b AND c)'],
    ['', ''],
  ])('prints %j as %j', (input, expected) => {
    expect(describeQuery(parseOk(input))).toBe(expected);
  });

  it('spells words that would re-parse differently with dots', () => {
    expect(describeQuery(parseOk('S:foo'))).toBe('s.foo');
    expect(describeQuery(parseOk('s:(S:foo)'))).toBe('s:s:foo');
    expect(describeQuery(parseOk('f:-foo'))).toBe('f:-foo');
  });

  it.each([
    'a b OR c -d',
    's:"a b" f:c* OR (t:x XOR c:y)',
    'NOT NOT a',
    'dfn:a/b.c dfpre:abcdef0 d:2.weeks.ago.. rt:yesterday',
    'inbox:linux-* type:HANG is:oops oops:"task hung" -z:..100',
    'b:s:foo m:<x@y> x:y',
  ])('re-parses its output of %j to the same tree', (input) => {
    const ast = parseOk(input);
    expect(parseOk(describeQuery(ast))).toEqual(ast);
  });
});

describe('queryTerms', () => {
  it('lists positive words and phrases with their fields', () => {
    expect(queryTerms(parseOk('s:"task hung" foo* OR dfn:cdc-wdm.c'))).toEqual([
      { field: 's', tokens: ['task', 'hung'], prefix: false },
      { field: 'default', tokens: ['foo'], prefix: true },
      { field: 'dfn', tokens: ['cdc', 'wdm', 'c'], prefix: false },
    ]);
  });

  it('leaves out negated terms but keeps doubly negated ones', () => {
    expect(queryTerms(parseOk('a -b NOT (c OR NOT d)'))).toEqual([
      { field: 'default', tokens: ['a'], prefix: false },
      { field: 'default', tokens: ['d'], prefix: false },
    ]);
  });

  it('leaves out non-text conditions and duplicates', () => {
    expect(queryTerms(parseOk('d:today is:unread inbox:x s:a s:a OR s:A'))).toEqual([
      { field: 's', tokens: ['a'], prefix: false },
    ]);
  });
});
