import { describe, expect, it } from 'vitest';
import { decodeText, isUtf8, pieceDecoder } from '../../../src/core/decode';
import { rng } from '../shared';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeText: UTF-8 when valid, else windows-1252', () => {
  it('reads valid UTF-8 as UTF-8, a leading byte-order mark dropped', () => {
    expect(decodeText(utf8('Signed-off-by: Jörg Rödel <joro@8bytes.org> 東京 😀'))).toBe(
      'Signed-off-by: Jörg Rödel <joro@8bytes.org> 東京 😀',
    );
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69))).toBe('hi');
  });

  it('keeps a U+FFFD that the mail itself holds in valid UTF-8', () => {
    expect(decodeText(utf8('lost \uFFFD byte'))).toBe('lost \uFFFD byte');
  });

  it('reads Latin-1 mail that is not valid UTF-8 as windows-1252, whole', () => {
    // "Grüße £5 café" in windows-1252 (bytes that Latin-1 reads the same way too).
    const latin1 = 'Grüße £5 café';
    expect(decodeText(Uint8Array.from(latin1, (c) => c.charCodeAt(0)))).toBe(latin1);
  });

  it('reads windows-1252 when valid UTF-8 with U+FFFD sits beside an invalid byte', () => {
    // EF BF BD is U+FFFD in UTF-8; the lone E9 makes the whole text windows-1252.
    expect(decodeText(bytes(0xef, 0xbf, 0xbd, 0x20, 0xe9))).toBe('ï¿½ é');
  });

  it('treats a UTF-8 sequence cut at the end as invalid', () => {
    expect(decodeText(bytes(0x61, 0xc3))).toBe('aÃ');
  });
});

describe('isUtf8: what a fatal UTF-8 TextDecoder accepts, without decoding', () => {
  const fatal = new TextDecoder('utf-8', { fatal: true });
  const accepts = (b: Uint8Array) => {
    try {
      fatal.decode(b);
      return true;
    } catch {
      return false;
    }
  };
  // Bytes around every boundary of the continuation ranges.
  const EDGES = [
    0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xf4, 0xff,
  ];
  // What may follow a second byte: one that ends a sequence there, and one that goes on.
  const TAILS = [0x7f, 0x80, 0xbf, 0xc0];

  it('agrees on every sequence of up to two bytes, and on three and four around the edges', () => {
    const seen = new Map<string, boolean>();
    const check = (...b: number[]) => {
      const a = bytes(...b);
      if (isUtf8(a) !== accepts(a)) seen.set(b.map((x) => x.toString(16)).join(' '), accepts(a));
    };
    for (let a = 0; a < 256; a++) {
      check(a);
      for (let b = 0; b < 256; b++) {
        check(a, b);
        check(0x61, a, b);
        if (a >= 0xe0) for (const c of EDGES) check(a, b, c);
        if (a >= 0xf0) for (const c of TAILS) for (const d of TAILS) check(a, b, c, d);
      }
    }
    expect([...seen]).toEqual([]);
  });

  it('agrees on random runs of mail-like and high bytes', () => {
    const next = rng(2047);
    for (let t = 0; t < 20_000; t++) {
      const b = Uint8Array.from({ length: 1 + Math.floor(next() * 12) }, () =>
        next() < 0.3 ? Math.floor(next() * 128) : 0x80 + Math.floor(next() * 128),
      );
      expect(isUtf8(b), [...b].join(',')).toBe(accepts(b));
    }
    expect(isUtf8(utf8('Signed-off-by: Jörg Rödel <joro@8bytes.org> 東京 😀'))).toBe(true);
  });
});

describe('pieceDecoder: pieces read as the whole block would read them', () => {
  it('reads the pieces of UTF-8 and of windows-1252 blocks as decodeText reads the block', () => {
    for (const block of [
      utf8('Subject: naïve\nFrom: Jörg <j@x>\nTo: a@x\n'),
      Uint8Array.from('Subject: naïve\nFrom: Jörg <j@x>\nTo: a@x\n', (c) => c.charCodeAt(0)),
    ]) {
      const decode = pieceDecoder(block);
      const whole = decodeText(block).split('\n');
      let at = 0;
      for (const line of whole.slice(0, -1)) {
        const end = block.indexOf(0x0a, at);
        expect(decode(block.subarray(at, end))).toBe(line);
        at = end + 1;
      }
    }
  });
});
