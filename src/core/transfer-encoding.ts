/**
 * Quoted-printable and base64 bodies of single-part text mail, decoded byte for
 * byte as postal-mime decodes them, so that a message reads the same whether it
 * went through postal-mime or not. A fifth of real list mail is such a part
 * (Outlook, Gmail and Apple Mail encode a UTF-8 body), and giving it to
 * postal-mime whole, to re-parse every header, cost several times a plain
 * message's parse.
 *
 * In Chromium's workers fresh memory costs more than the decoding itself (a new
 * array of a body's size took longer than the loop that fills it: bench/README.md),
 * so the bytes are a view of the array they were decoded into, never copied out of
 * it, and a text part read into a string at once is decoded into one array kept
 * for the next ('scratch').
 */

/**
 * Where decoded bytes go: an array of their own ('fresh': an attachment kept beside
 * other parts), or the array the last 'scratch' call used ('scratch': valid until the
 * next such call, so read them at once).
 */
export type Reuse = 'fresh' | 'scratch';

/** Scratch arrays past this size (a part of several MB) are not kept. */
const MAX_SCRATCH = 4 * 1024 * 1024;
let scratch = new Uint8Array(64 * 1024);

/** An array of at least `size` bytes to decode into: new, or the scratch array. */
function target(size: number, reuse: Reuse): Uint8Array<ArrayBuffer> {
  if (reuse === 'fresh' || size > MAX_SCRATCH) return new Uint8Array(size);
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

const LF = 0x0a;
const CR = 0x0d;
const EQUALS = 0x3d;

function hexNibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Decodes a quoted-printable body. Each line loses its trailing CR/LF bytes; a line
 * ending in "=" continues on the next (a soft break), any other ends in LF; "=XX"
 * with two hex digits is a byte, anything else after "=" stays as it is.
 */
export function decodeQuotedPrintable(
  body: Uint8Array,
  reuse: Reuse = 'fresh',
): Uint8Array<ArrayBuffer> {
  const out = target(body.length + 1, reuse);
  let n = 0;
  for (let start = 0; start < body.length;) {
    const nl = body.indexOf(LF, start);
    const next = nl < 0 ? body.length : nl + 1;
    let len = (nl < 0 ? body.length : nl) - start;
    while (len > 0 && body[start + len - 1] === CR) len--;
    const soft = len > 0 && body[start + len - 1] === EQUALS;
    if (soft) len--;
    const end = start + len;
    for (let i = start; i < end; i++) {
      const c = body[i];
      if (c === EQUALS && i + 2 < end) {
        const high = hexNibble(body[i + 1]);
        const low = hexNibble(body[i + 2]);
        if (high >= 0 && low >= 0) {
          out[n++] = (high << 4) | low;
          i += 2;
          continue;
        }
      }
      out[n++] = c;
    }
    if (!soft) out[n++] = LF;
    start = next;
  }
  return out.subarray(0, n);
}

/** Base64 digit values, and -1 for bytes that are not base64 digits ("=" is -2). */
const DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++)
  DIGIT['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
DIGIT[EQUALS] = -2;

/**
 * Decodes a base64 body. Bytes that are not base64 digits are dropped; padding ends a
 * run of digits, and each run is decoded on its own (a run of 4k+1 digits drops the
 * last one, a partial group gives the bytes its digits hold).
 */
export function decodeBase64Body(
  body: Uint8Array,
  reuse: Reuse = 'fresh',
): Uint8Array<ArrayBuffer> {
  const out = target(Math.ceil((body.length * 3) / 4) + 3, reuse);
  let n = 0;
  // The digits of the current group, and how many there are.
  let group = 0;
  let digits = 0;
  const endRun = () => {
    // Two digits hold one byte, three hold two; a lone digit holds none.
    if (digits === 2) out[n++] = group >> 4;
    else if (digits === 3) {
      out[n++] = group >> 10;
      out[n++] = (group >> 2) & 0xff;
    }
    group = 0;
    digits = 0;
  };
  for (let i = 0; i < body.length; i++) {
    const d = DIGIT[body[i]];
    if (d === -1) continue;
    if (d === -2) {
      endRun();
      continue;
    }
    group = (group << 6) | d;
    if (++digits === 4) {
      out[n++] = group >> 16;
      out[n++] = (group >> 8) & 0xff;
      out[n++] = group & 0xff;
      group = 0;
      digits = 0;
    }
  }
  endRun();
  return out.subarray(0, n);
}
