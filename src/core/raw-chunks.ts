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
 * raw bytes in the piece. A parse worker packs the messages it parsed together, so
 * the writer only stores the chunks.
 */
import { isUtf8 } from './decode';

const encoder = new TextEncoder();

/** A chunk is closed once its pieces reach this many bytes (a larger message is alone in one). */
export const CHUNK_BYTES = 1 << 20;

/** A message to pack: its raw bytes, and where its body starts when its text is that body decoded. */
export interface RawInput {
  raw: Uint8Array;
  /** The body's offset in `raw` when the message's text is its bytes decoded (decodeText). */
  textAt: number | null;
}

/** Where a message's piece is: the chunk's bytes (shared by its pieces), its offset, its length. */
export interface PackedPiece {
  chunk: Uint8Array<ArrayBuffer>;
  at: number;
  length: number;
  /** Set when the piece is the bytes before the body, and the UTF-8 of the text follows it. */
  textAt?: number;
}

/**
 * Whether the UTF-8 of a body's decoded text is the body's bytes exactly: valid UTF-8
 * (other bytes decode as windows-1252, which does not encode back to them) without a
 * leading BOM (which decoding drops).
 */
export function textIsBody(body: Uint8Array): boolean {
  return !(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) && isUtf8(body);
}

/** Packs messages into chunks of at most CHUNK_BYTES (unless one message is larger). */
export function packRaws(items: readonly RawInput[], limit = CHUNK_BYTES): PackedPiece[] {
  const pieces: PackedPiece[] = [];
  const unset = new Uint8Array(0);
  let parts: Uint8Array[] = [];
  let first = 0;
  let size = 0;
  const close = () => {
    if (!parts.length) return;
    const chunk = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      chunk.set(p, at);
      at += p.length;
    }
    for (let i = first; i < pieces.length; i++) pieces[i].chunk = chunk;
    parts = [];
    size = 0;
    first = pieces.length;
  };
  for (const { raw, textAt } of items) {
    const headerOnly = textAt !== null && textIsBody(raw.subarray(textAt));
    const part = headerOnly ? raw.subarray(0, textAt) : raw;
    if (size && size + part.length > limit) close();
    pieces.push({ chunk: unset, at: size, length: part.length, ...(headerOnly ? { textAt } : {}) });
    parts.push(part);
    size += part.length;
  }
  close();
  return pieces;
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
