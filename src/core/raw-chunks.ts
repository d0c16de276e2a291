/**
 * Raw messages packed for storage. A message row keeps its text as a string, and
 * the raw bytes it needs besides go into a chunk: the pieces of many messages
 * joined in one value. In Chromium a value over 64 KB is kept as a file of its own
 * beside the database, while every smaller value goes through LevelDB's log and
 * compactions; a row of its own per message's bytes was most of what the browser
 * spent on an import of real list mail.
 *
 * A plain message's body is its text: its piece holds only the bytes before the
 * body (the header block: Received, DKIM, ARC on list mail), and the raw message
 * is that piece followed by the UTF-8 of the text. That holds only when encoding
 * the text gives the body's bytes back exactly; any other message keeps its whole
 * raw bytes in the piece.
 */

/** A chunk is closed once its pieces reach this many bytes (a larger message is alone in one). */
export const CHUNK_BYTES = 1 << 20;

/** A message to pack: its raw bytes, and where its body starts when its text is that body. */
export interface RawInput {
  raw: Uint8Array;
  /** The body's offset in `raw` when `text` is its bytes decoded; then `text` may be left empty. */
  textAt: number | null;
  text: string;
}

/** Where a message's piece is: the chunk's place among those packed, its offset, its length. */
export interface PackedPiece {
  chunk: number;
  at: number;
  length: number;
  text: string;
  /** Set when the piece is the bytes before the body, and the UTF-8 of `text` follows it. */
  textAt?: number;
}

export interface Packed {
  chunks: Uint8Array<ArrayBuffer>[];
  pieces: PackedPiece[];
}

// Fatal: bytes that are not UTF-8 decode as windows-1252 (decodeText), which does not
// encode back to them. The BOM is dropped by decoding, so a body starting with one is
// not given back either (checked apart).
const utf8 = new TextDecoder('utf-8', { fatal: true });
const win1252 = new TextDecoder('windows-1252');
const encoder = new TextEncoder();

/**
 * A plain message's body as text, and whether the UTF-8 of that text is the body's
 * bytes exactly (valid UTF-8 without a leading BOM).
 */
export function bodyText(body: Uint8Array): { text: string; exact: boolean } {
  try {
    const text = utf8.decode(body);
    return { text, exact: !(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) };
  } catch {
    return { text: win1252.decode(body), exact: false };
  }
}

/** Packs messages into chunks of at most CHUNK_BYTES (unless one message is larger). */
export function packRaws(items: RawInput[], limit = CHUNK_BYTES): Packed {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const pieces: PackedPiece[] = [];
  let parts: Uint8Array[] = [];
  let size = 0;
  const close = () => {
    if (!parts.length) return;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    chunks.push(bytes);
    parts = [];
    size = 0;
  };
  for (const { raw, textAt, text } of items) {
    let piece = raw;
    let bodyAt: number | undefined;
    let own = text;
    if (textAt !== null) {
      const body = bodyText(raw.subarray(textAt));
      own = body.text;
      if (body.exact) {
        piece = raw.subarray(0, textAt);
        bodyAt = textAt;
      }
    }
    if (size && size + piece.length > limit) close();
    pieces.push({
      chunk: chunks.length,
      at: size,
      length: piece.length,
      text: own,
      ...(bodyAt === undefined ? {} : { textAt: bodyAt }),
    });
    parts.push(piece);
    size += piece.length;
  }
  close();
  return { chunks, pieces };
}

/** A message's raw bytes from its chunk: its piece, and the UTF-8 of its text after it when the piece is its header block. */
export function rawOfPiece(
  chunk: Uint8Array,
  at: number,
  length: number,
  body: string | null,
): Uint8Array {
  const piece = chunk.subarray(at, at + length);
  if (body === null) return piece.slice();
  const text = encoder.encode(body);
  const raw = new Uint8Array(length + text.length);
  raw.set(piece);
  raw.set(text, length);
  return raw;
}
