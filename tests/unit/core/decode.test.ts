import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/core/decode';

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
