/**
 * Quoted-printable and base64 bodies of single-part text mail, decoded byte for
 * byte as postal-mime decodes them, so that a message reads the same whether it
 * went through postal-mime or not. A fifth of real list mail is such a part
 * (Outlook, Gmail and Apple Mail encode a UTF-8 body), and giving it to
 * postal-mime whole, to re-parse every header, cost several times a plain
 * message's parse.
 */

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
export function decodeQuotedPrintable(body: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(body.length + 1);
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
  return out.slice(0, n);
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
export function decodeBase64Body(body: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.ceil((body.length * 3) / 4) + 3);
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
  return out.slice(0, n);
}
