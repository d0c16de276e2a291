import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../../src/core/mbox';
import { parseMessage } from '../../../../src/core/message';
import { KeyTable } from '../../../../src/core/query/key-table';
import { tokenize } from '../../../../src/core/query/tokenize';
import { rng, sharedCorpus } from '../../shared';

const MAX = 64;

/** The keys `words` names for a text, in order. */
function wordsOf(table: KeyTable, text: string, max = MAX): string[] {
  const out: string[] = [];
  table.words(text, max, (id) => out.push(table.keys[id]));
  return out;
}

/** What termRun had before the table: tokenize, then each word clipped. */
function expected(text: string, max = MAX): string[] {
  return tokenize(text).map((t) => (t.length > max ? t.slice(0, max) : t));
}

describe('KeyTable.words: tokenize without cutting every word out', () => {
  it('lowercases ASCII words in place and numbers each key once, in first-seen order', () => {
    const table = new KeyTable();
    expect(wordsOf(table, 'Fix NULL deref in usb_submit_urb(); fix it')).toEqual([
      'fix',
      'null',
      'deref',
      'in',
      'usb_submit_urb',
      'fix',
      'it',
    ]);
    expect(table.keys).toEqual(['fix', 'null', 'deref', 'in', 'usb_submit_urb', 'it']);
    expect(table.key('null')).toBe(1);
    expect(table.key('\u0001is:patch')).toBe(6);
  });

  it('cuts words as tokenize does where case mapping looks at the text around', () => {
    const texts = [
      // A final sigma lowercases to ς only when no letter follows past the '.'.
      'ΟΔΥΣΣΕΥΣ. ΑΣ.Α ΑΣ',
      // The Kelvin sign lowercases to an ASCII k; İ to i and a combining dot.
      'KELVIN 5\u212a İstanbul',
      'Jörg Rödel <joro@8bytes.org>, Zoë — naïve café_au_lait 東京都 😀x',
      'e\u0301cole a\u0300 l\u2019e\u0301cole',
      'tab\tsep\u00a0nbsp\u2028line',
    ];
    for (const text of texts) expect(wordsOf(new KeyTable(), text)).toEqual(expected(text));
  });

  it('clips long words to the key length, in ASCII and in other text', () => {
    const long = `${'a'.repeat(70)}B ${'é'.repeat(70)} ${'x'.repeat(64)}`;
    const table = new KeyTable();
    expect(wordsOf(table, long)).toEqual(expected(long));
    expect(wordsOf(table, long.toUpperCase())).toEqual(expected(long.toUpperCase()));
    // The clipped words share the keys of their first 64 characters.
    expect(table.keys).toHaveLength(3);
    expect(wordsOf(new KeyTable(), 'Abcdef', 3)).toEqual(['abc']);
  });

  it('keeps every key apart through growth and hash collisions', () => {
    const next = rng(33);
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,-/é';
    const words = Array.from({ length: 60_000 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 9) }, () =>
        letters.charAt(Math.floor(next() * letters.length)),
      ).join(''),
    );
    const text = words.join(' ');
    const table = new KeyTable();
    expect(wordsOf(table, text)).toEqual(expected(text));
    expect(new Set(table.keys).size).toBe(table.keys.length);
    expect(table.keys.length).toBeGreaterThan(20_000);
  });
});

const lists = sharedCorpus('mail/lists');

describe.skipIf(!lists)('KeyTable.words on real list mail', () => {
  it('names the words tokenize cuts from every part of a message, over one list', async () => {
    const file = readdirSync(lists as string).find((x) => x.endsWith('.gz')) as string;
    const raws = splitMbox(gunzipSync(readFileSync(join(lists as string, file))));
    const table = new KeyTable();
    let nonAscii = 0;
    for (const raw of raws.slice(0, 1500)) {
      const m = await parseMessage(raw, 0);
      const from = `${m.from.name} <${m.from.address}>`;
      for (const text of [m.subject, from, m.text]) {
        if (/[^\0-\x7f]/.test(text)) nonAscii++;
        expect(wordsOf(table, text)).toEqual(expected(text));
      }
    }
    // Names and bodies in other scripts are in there, so both paths ran.
    expect(nonAscii).toBeGreaterThan(10);
  });
});
