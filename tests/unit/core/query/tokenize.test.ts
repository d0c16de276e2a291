import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../../src/core/query';
import { containsPhrase } from '../../../../src/core/query/tokenize';
import { rng } from '../../shared';

describe('tokenize', () => {
  it('lowercases and splits on punctuation', () => {
    expect(tokenize('Hello, World! foo-bar')).toEqual(['hello', 'world', 'foo', 'bar']);
  });

  it('keeps underscores inside identifiers', () => {
    expect(tokenize('INFO: task hung in locks_remove_posix')).toEqual([
      'info',
      'task',
      'hung',
      'in',
      'locks_remove_posix',
    ]);
  });

  it('splits paths and addresses into their words', () => {
    expect(tokenize('drivers/usb/class/cdc-wdm.c')).toEqual([
      'drivers',
      'usb',
      'class',
      'cdc',
      'wdm',
      'c',
    ]);
    expect(tokenize('syzbot+9e1a@syzkaller.appspotmail.com')).toEqual([
      'syzbot',
      '9e1a',
      'syzkaller',
      'appspotmail',
      'com',
    ]);
  });

  it('splits ASCII text exactly as the Unicode word rule does', () => {
    const ascii = Array.from({ length: 128 }, (_, c) => `a${String.fromCharCode(c)}Z9`).join('');
    const unicode = ascii.toLowerCase().match(/[\p{L}\p{M}\p{N}_]+/gu);
    expect(tokenize(ascii)).toEqual(unicode);
    expect(tokenize(ascii).length).toBeGreaterThan(60);
  });

  it('keeps non-ASCII letters and digits in words', () => {
    expect(tokenize('Grüße — Ωmega 42')).toEqual(['grüße', 'ωmega', '42']);
  });

  it('returns nothing for text without words', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('... --- !!!')).toEqual([]);
  });

  it('agrees with containsPhrase on random text, which scans instead of splitting', () => {
    const alphabet = [
      'a',
      'b',
      'ab',
      '_',
      ' ',
      '.',
      '-',
      '\u00e9',
      'e\u0301',
      '\ud83d\ude00',
      '\ud835\udc00',
      '1',
    ];
    const next = rng(9);
    const pick = () => alphabet[Math.floor(next() * alphabet.length)];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 12 }, pick).join('');
      const query = tokenize(Array.from({ length: 3 }, pick).join(''));
      if (query.length === 0) continue;
      const toks = tokenize(text);
      for (const prefix of [false, true]) {
        const expected = toks.some((_, at) =>
          query.every((q, j) => {
            const t = toks[at + j];
            return (
              t !== undefined && (prefix && j === query.length - 1 ? t.startsWith(q) : t === q)
            );
          }),
        );
        expect(
          containsPhrase(text.toLowerCase(), query, prefix),
          `${text} / ${query.join(' ')}`,
        ).toBe(expected);
      }
    }
  });
});
