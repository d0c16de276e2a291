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
 * Decodes pieces of `bytes` the way decodeText decodes them whole, for pieces that
 * start and end at ASCII bytes: a piece of valid UTF-8 cut there is valid UTF-8,
 * and windows-1252 maps each byte alone. ASCII bytes (all the header blocks of the
 * real list corpus) are not decoded whole to choose.
 */
export function pieceDecoder(bytes: Uint8Array): (piece: Uint8Array) => string {
  if (isAscii(bytes)) return (piece) => shortAsciiText(piece) ?? utf8Piece.decode(piece);
  try {
    utf8.decode(bytes);
    return (piece) => utf8Piece.decode(piece);
  } catch {
    return (piece) => win1252.decode(piece);
  }
}
