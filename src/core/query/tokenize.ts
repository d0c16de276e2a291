/**
 * Word splitting shared by the query parser, the evaluator and the search index.
 *
 * A token is a maximal run of letters, combining marks, digits and `_`, lowercased.
 * Punctuation such as `.` `/` `-` `@` separates tokens; a query word containing it
 * (`cdc-wdm.c`, `foo@google.com`) becomes a phrase of its tokens, which is what
 * Xapian's query parser does with such "phrase generators".
 */

const WORD_RUN = /[\p{L}\p{M}\p{N}_]+/gu;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}_]$/u;
// In ASCII text the same runs, matched without Unicode tables (most mail is ASCII).
const ASCII_WORD_RUN = /[a-z0-9_]+/g;
/** Any character outside ASCII. */
export const NON_ASCII = /[^\0-\x7f]/;

/** Splits text into lowercase word tokens, in order. */
export function tokenize(text: string): string[] {
  return wordsOfLower(text.toLowerCase());
}

/** The word tokens of text already lowercased (as a whole: case mapping looks at neighbours). */
export function wordsOfLower(lower: string): string[] {
  return lower.match(NON_ASCII.test(lower) ? WORD_RUN : ASCII_WORD_RUN) ?? [];
}

function isWordCodePoint(cp: number | undefined): boolean {
  if (cp === undefined) return false;
  // ASCII fast path: this runs for every candidate hit over 100k bodies.
  if (cp < 128) {
    return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
  }
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

function codePointBefore(text: string, index: number): number | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) return text.codePointAt(index - 2);
  return low;
}

/**
 * True when lowercased `text` contains `tokens` as consecutive words (the last
 * one as a prefix if asked), i.e. when tokenize(text) contains the sequence.
 * Scans the string instead of tokenizing it: a miss costs one indexOf and
 * allocates nothing, which matters over 100k bodies.
 */
export function containsPhrase(text: string, tokens: string[], prefix: boolean): boolean {
  const first = tokens[0];
  if (first === undefined || first === '') return false;
  const last = tokens.length - 1;
  let from = 0;
  outer: for (;;) {
    const at = text.indexOf(first, from);
    if (at < 0) return false;
    from = at + 1;
    if (isWordCodePoint(codePointBefore(text, at))) continue;
    let pos = at;
    for (let j = 0; j <= last; j++) {
      const tok = tokens[j];
      if (j > 0) {
        // Skip the separator: at least one non-word character, already implied
        // by the previous token's end check.
        for (let cp = text.codePointAt(pos); cp !== undefined && !isWordCodePoint(cp);) {
          pos += cp > 0xffff ? 2 : 1;
          cp = text.codePointAt(pos);
        }
        if (!text.startsWith(tok, pos)) continue outer;
      }
      pos += tok.length;
      if (!(j === last && prefix) && isWordCodePoint(text.codePointAt(pos))) continue outer;
    }
    return true;
  }
}
