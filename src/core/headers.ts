/**
 * A message's header block: where it ends, and its fields by name. Real list
 * mail carries thirty to sixty header lines (Received, DKIM and ARC signatures,
 * folded over many lines) of which a parse reads about ten, so the reader can
 * step over the rest without unfolding or copying them.
 */

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

/**
 * Reads a header block: each line with its folded continuation lines is one field,
 * "Name: value" with the name trimmed and lowercased and the value unfolded (a line
 * break and the blanks after it become one space) and trimmed. Lines without a colon
 * or with blanks inside the name are skipped. With `only`, just those names are kept;
 * the values of the others are never built.
 */
export function readHeaders(text: string, only?: ReadonlySet<string>): HeaderBlock {
  const headers: HeaderMap = new Map();
  let lines = 0;
  for (let start = 0; start < text.length;) {
    // The field runs to the first line break not followed by a blank (a fold).
    let nl = text.indexOf('\n', start);
    for (;;) {
      if (nl < 0) break;
      const c = text.charCodeAt(nl + 1);
      if (c !== 0x20 && c !== 0x09) break;
      nl = text.indexOf('\n', nl + 1);
    }
    const next = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      // A fold only turns blanks into a blank, so the name's blanks are the same unfolded.
      const name = text.slice(start, colon).trim().toLowerCase();
      if (name && !SPACE.test(name)) {
        lines++;
        if (!only || only.has(name)) {
          const value = text
            .slice(colon + 1, end)
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
