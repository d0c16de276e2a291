/** Bytes of mail to text: UTF-8 when valid, else windows-1252 (what mail in the wild means). */

const utf8 = new TextDecoder('utf-8', { fatal: true });
// For pieces of bytes already known to be valid UTF-8: a BOM inside is kept, as it
// is when the whole is decoded.
const utf8Piece = new TextDecoder('utf-8', { ignoreBOM: true });
const win1252 = new TextDecoder('windows-1252');

/** Decodes bytes as UTF-8, or as windows-1252 when they are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return win1252.decode(bytes);
  }
}

/** True when every byte is ASCII (then every decoding reads them alike). */
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

/** Inputs up to this long are made into strings by the script when they are ASCII. */
const SHORT = 1024;

/**
 * Short ASCII bytes as text, made by the script; null for other bytes. In Chromium
 * each TextDecoder call costs about 5 µs whatever its length, which outweighs making
 * a few hundred characters here (a dozen header values a message, a line of a part).
 */
export function shortAsciiText(bytes: Uint8Array): string | null {
  if (bytes.length > SHORT || !isAscii(bytes)) return null;
  // Bytes are char codes, and at most SHORT of them are safe as arguments.
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * True when `bytes` is UTF-8 that a fatal TextDecoder accepts: the WHATWG decoder's
 * well-formed sequences (no overlong forms, surrogates or code points past U+10FFFF,
 * none cut at the end). Checked here without making the string: in Chromium decoding
 * a whole header block only to learn this took as long as the rest of reading it.
 */
export function isUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length;
  for (let i = 0; i < n;) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // The first continuation byte's range depends on the lead byte; the others are 80–BF.
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) more = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      more = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      more = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return false;
    if (i + more >= n) return false;
    const c = bytes[i + 1];
    if (c < lo || c > hi) return false;
    for (let k = 2; k <= more; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return false;
    i += more + 1;
  }
  return true;
}

/**
 * Decodes pieces of `bytes` the way decodeText decodes them whole, for pieces that
 * start and end at ASCII bytes: a piece of valid UTF-8 cut there is valid UTF-8,
 * and windows-1252 maps each byte alone. Which of the two is chosen from the bytes
 * without decoding them whole, and an ASCII piece (most header values, whatever the
 * block holds) reads alike in both, so short ones are made by the script.
 */
export function pieceDecoder(bytes: Uint8Array): (piece: Uint8Array) => string {
  const decoder = isAscii(bytes) || isUtf8(bytes) ? utf8Piece : win1252;
  return (piece) => shortAsciiText(piece) ?? decoder.decode(piece);
}
