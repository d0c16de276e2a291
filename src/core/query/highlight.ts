/**
 * Highlighting: where a query's terms occur in a text, the text cut into plain
 * and hit pieces, and a body snippet around the first hit. Pure and bounded:
 * a hit at the end of a long patch costs about what one at the top does.
 */
import type { QueryTerm } from './describe';
import { highlightedIn } from './fields';

/** One highlighted piece of text: mail is untrusted, so the UI renders these as text nodes. */
export interface Seg {
  text: string;
  hit: boolean;
}

const WORD = /[\p{L}\p{M}\p{N}_]+/gu;
export const SUBJECT_FIELDS = highlightedIn('subject');
export const FROM_FIELDS = highlightedIn('from');
export const BODY_FIELDS = highlightedIn('body');
const SNIPPET = 220;

/** Ranges of `text` where a term's words occur consecutively; stops `stopAfter` chars past the first. */
export function hitRanges(
  text: string,
  terms: QueryTerm[],
  stopAfter = Infinity,
): [number, number][] {
  if (!terms.length) return [];
  const words: { s: number; e: number; w: string }[] = [];
  const out: [number, number][] = [];
  const maxLen = Math.max(...terms.map((t) => t.tokens.length));
  const check = (upto: number) => {
    // Try every term ending at or before word `upto`, now that enough words are known.
    const i = upto - maxLen + 1;
    if (i < 0) return;
    for (const t of terms) {
      const last = t.tokens.length - 1;
      if (i + last >= words.length) continue;
      let ok = true;
      for (let j = 0; j <= last && ok; j++) {
        const w = words[i + j].w;
        ok = j === last && t.prefix ? w.startsWith(t.tokens[j]) : w === t.tokens[j];
      }
      if (ok) out.push([words[i].s, words[i + last].e]);
    }
  };
  for (const m of text.matchAll(WORD)) {
    words.push({ s: m.index, e: m.index + m[0].length, w: m[0].toLowerCase() });
    check(words.length - 1);
    if (out.length && m.index > out[0][0] + stopAfter) break;
  }
  for (let k = 0; k < maxLen - 1; k++) check(words.length + k);
  out.sort((a, b) => a[0] - b[0]);
  return out;
}

/** Splits text[from, to) into plain and hit pieces. */
export function toSegs(
  text: string,
  ranges: [number, number][],
  from = 0,
  to = text.length,
): Seg[] {
  const out: Seg[] = [];
  let at = from;
  for (const [s0, e0] of ranges) {
    const s = Math.max(s0, at);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    if (s > at) out.push({ text: text.slice(at, s), hit: false });
    out.push({ text: text.slice(s, e), hit: true });
    at = e;
  }
  if (at < to) out.push({ text: text.slice(at, to), hit: false });
  return out;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
/** Characters past the shown stretch that a phrase starting in it may reach. */
const REACH = 400;

/**
 * Where the first hit of any term starts, or -1. Finds each term's first word
 * by substring search and tokenizes only a short stretch after it: a hit at the
 * end of a long patch costs no more than one at the top.
 */
function firstHitAt(body: string, terms: QueryTerm[]): number {
  const lower = body.toLowerCase();
  if (lower.length !== body.length) {
    // Lowercasing changed the length (rare scripts): offsets would not line up.
    const r = hitRanges(body, terms, 0);
    return r.length ? r[0][0] : -1;
  }
  let best = -1;
  for (const t of terms) {
    const word = t.tokens[0];
    if (!word) continue;
    // Room for the term's words and some punctuation or space between them.
    const reach = 8 + 3 * t.tokens.reduce((n, w) => n + w.length, 0);
    for (let at = lower.indexOf(word), n = 0; at >= 0 && n < 500; n++) {
      if (best >= 0 && at >= best) break;
      if (at === 0 || !WORD_CHAR.test(body[at - 1])) {
        const r = hitRanges(body.slice(at, at + reach), [t], 0);
        if (r.length && r[0][0] === 0) {
          best = at;
          break;
        }
      }
      at = lower.indexOf(word, at + 1);
    }
  }
  return best;
}

export function snippet(body: string, terms: QueryTerm[]): Seg[] {
  const at = terms.length ? firstHitAt(body, terms) : -1;
  let from = 0;
  if (at >= 0) {
    from = Math.max(0, at - 60);
    const space = body.lastIndexOf(' ', at);
    if (space > from && space - from < 30) from = space + 1;
  }
  const to = Math.min(body.length, from + SNIPPET);
  // Highlight within the shown stretch, tokenized from a word start before it.
  const base = from > 0 ? body.lastIndexOf(' ', from) + 1 : 0;
  const ranges = hitRanges(body.slice(base, to + REACH), terms).map(([s, e]): [number, number] => [
    s + base,
    e + base,
  ]);
  const segs = toSegs(body, ranges, from, to);
  if (from > 0) segs.unshift({ text: '…', hit: false });
  if (to < body.length) segs.push({ text: '…', hit: false });
  return segs;
}
