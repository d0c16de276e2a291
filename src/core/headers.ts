/**
 * A message's header block: where it ends, and its fields by name. Real list
 * mail carries thirty to sixty header lines (Received, DKIM and ARC signatures,
 * folded over many lines) of which a parse reads about ten, so the reader can
 * step over the rest without unfolding or copying them.
 */

import { pieceDecoder } from './decode';

/** Where a raw message's header block ends, and where its body starts after the blank line. */
export function headerEnd(raw: Uint8Array): { headEnd: number; bodyStart: number } {
  for (let i = raw.indexOf(0x0a); i >= 0 && i < raw.length; i = raw.indexOf(0x0a, i + 1)) {
    const n = raw[i + 1];
    if (n === 0x0a) return { headEnd: i, bodyStart: i + 2 };
    if (n === 0x0d && raw[i + 2] === 0x0a) return { headEnd: i, bodyStart: i + 3 };
  }
  return { headEnd: raw.length, bodyStart: raw.length };
}

/** Header name (lowercase) -> values in order. */
export type HeaderMap = Map<string, string[]>;

/** The first value of a header field, if the block has it. */
export function firstHeader(h: HeaderMap, name: string): string | undefined {
  return h.get(name)?.[0];
}

/** A header block's fields, and how many well-formed header lines it has (kept or not). */
export interface HeaderBlock {
  headers: HeaderMap;
  lines: number;
}

const FOLD = /\r?\n[ \t]+/g;
const SPACE = /\s/;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/** ASCII blanks as String.prototype.trim and `\s` see them: tab, LF, VT, FF, CR, space. */
const isBlank = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * The lowercase name of an ASCII header name in raw[start, end), blanks around it
 * already trimmed, when it is one of `only` (all lowercase); no string is built for
 * a name not asked for.
 */
function wantedName(
  raw: Uint8Array,
  start: number,
  end: number,
  only: ReadonlySet<string>,
): string | undefined {
  next: for (const name of only) {
    if (name.length !== end - start) continue;
    for (let i = 0; i < name.length; i++) {
      const c = raw[start + i];
      if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== name.charCodeAt(i)) continue next;
    }
    return name;
  }
  return undefined;
}

/**
 * Reads the header block raw[0, end): each line with its folded continuation lines
 * is one field, "Name: value" with the name trimmed and lowercased and the value
 * unfolded (a line break and the blanks after it become one space) and trimmed.
 * Lines without a colon or with blanks inside the name are skipped. With `only`, just
 * those names are kept. The fields are found in the bytes (line breaks and colons are
 * single ASCII bytes in UTF-8 and windows-1252 alike) and only the values kept are
 * decoded, as decodeText decodes the whole block: real list mail carries 5.5 KB of
 * header a message, of which a parse keeps a few hundred bytes.
 */
export function readHeaders(raw: Uint8Array, end: number, only?: ReadonlySet<string>): HeaderBlock {
  const decode = pieceDecoder(raw.subarray(0, end));
  const headers: HeaderMap = new Map();
  let lines = 0;
  for (let start = 0; start < end;) {
    // The field runs to the first line break not followed by a blank (a fold).
    let nl = raw.indexOf(LF, start);
    while (nl >= 0 && nl + 1 < end && (raw[nl + 1] === 0x20 || raw[nl + 1] === 0x09))
      nl = raw.indexOf(LF, nl + 1);
    if (nl >= end) nl = -1;
    const next = nl < 0 ? end : nl + 1;
    let fieldEnd = nl < 0 ? end : nl;
    if (fieldEnd > start && raw[fieldEnd - 1] === CR) fieldEnd--;
    let colon = start;
    while (colon < fieldEnd && raw[colon] !== COLON) colon++;
    if (colon > start && colon < fieldEnd) {
      const name = nameOf(raw, start, colon, decode, only);
      if (name !== null) {
        lines++;
        if (name !== undefined) {
          const value = decode(raw.subarray(colon + 1, fieldEnd))
            .replace(FOLD, ' ')
            .trim();
          const list = headers.get(name);
          if (list) list.push(value);
          else headers.set(name, [value]);
        }
      }
    }
    start = next;
  }
  return { headers, lines };
}

/**
 * The field name in raw[start, colon): null when it is not one (empty, or blanks
 * inside once trimmed), undefined when it is one not asked for. A fold only turns
 * blanks into a blank, so the name's blanks are the same unfolded.
 */
function nameOf(
  raw: Uint8Array,
  start: number,
  colon: number,
  decode: (piece: Uint8Array) => string,
  only: ReadonlySet<string> | undefined,
): string | null | undefined {
  let a = start;
  let b = colon;
  while (a < b && isBlank(raw[a])) a++;
  while (b > a && isBlank(raw[b - 1])) b--;
  let ascii = a < b;
  for (let i = a; i < b && ascii; i++) if (raw[i] > 0x7f || isBlank(raw[i])) ascii = false;
  if (ascii && only) return wantedName(raw, a, b, only);
  // Other characters (or a name without a set to find): read as the text would be.
  const name = decode(raw.subarray(start, colon)).trim().toLowerCase();
  if (!name || SPACE.test(name)) return null;
  return !only || only.has(name) ? name : undefined;
}
