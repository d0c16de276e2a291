/**
 * The common forms of an address list read without postal-mime's address parser:
 * `a@b`, `Name <a@b>` and `"Name" <a@b>`, separated by commas. Nearly every From,
 * To and Cc of list mail is made of these, and postal-mime's parser (a tokenizer
 * building a string a character at a time, then an object per token) took most of
 * the parse worker's address time on real list mail (bench/README.md). A name may
 * hold RFC 2047 encoded words, decoded by the `decode` given (postal-mime's). Anything
 * else — comments, groups, escapes, `;`, control characters, a bracket or quote out
 * of place, a bare text without one `@`, an encoded word outside a name — returns
 * null and goes to postal-mime, so the result is always what postal-mime gives.
 */
import type { Address } from '../types';

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const LT = 0x3c;

/**
 * Characters postal-mime's tokenizer or our wrappers treat specially outside a quoted
 * name: quotes and brackets are read here where they belong, the rest sends the
 * list to postal-mime.
 */
const SPECIAL = /["()<>,:;\\]/;
/** postal-mime's test for a bare address taken from the text (one `@`, no blanks). */
const BARE = /^[^@\s]+@[^@\s]+$/;
/** Anything that leaves the common forms wherever it is. */
// eslint-disable-next-line no-control-regex -- postal-mime drops control characters: left to it
const NEVER = /[\0-\x08\x0a-\x1f\\()]/;
const ENCODED = '=?';

const isBlank = (c: number) => c === SPACE || c === TAB;

/** The addresses of `value` when it holds only the common forms, else null. */
export function plainAddresses(value: string, decode: (name: string) => string): Address[] | null {
  if (NEVER.test(value)) return null;
  const out: Address[] = [];
  const n = value.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(value.charCodeAt(i))) i++;
    if (i === n) break;
    let name: string;
    let lt: number;
    if (value.charCodeAt(i) === QUOTE) {
      const close = value.indexOf('"', i + 1);
      if (close < 0) return null;
      name = value.slice(i + 1, close).trim();
      lt = close + 1;
      while (lt < n && isBlank(value.charCodeAt(lt))) lt++;
      if (value.charCodeAt(lt) !== LT) return null;
    } else {
      let e = i;
      while (e < n && value.charCodeAt(e) !== COMMA && value.charCodeAt(e) !== LT) e++;
      const text = value.slice(i, e).trim();
      if (SPECIAL.test(text)) return null;
      if (e === n || value.charCodeAt(e) === COMMA) {
        // A bare item: postal-mime takes it as the address when it is one.
        if (text) {
          if (!BARE.test(text) || text.includes(ENCODED)) return null;
          out.push({ name: '', address: text });
        }
        i = e + 1;
        continue;
      }
      name = text;
      lt = e;
    }
    const gt = value.indexOf('>', lt + 1);
    if (gt < 0) return null;
    const address = value.slice(lt + 1, gt).trim();
    if (!address || SPECIAL.test(address) || /\s/.test(address) || address.includes(ENCODED))
      return null;
    i = gt + 1;
    while (i < n && isBlank(value.charCodeAt(i))) i++;
    if (i < n && value.charCodeAt(i) !== COMMA) return null;
    i++;
    out.push(named(name && decode(name), address));
  }
  return out;
}

/**
 * postal-mime names an address by its decoded text, or by the address itself when
 * there is no text; a name equal to the address is dropped when it has an `@`, and
 * the address when it has not.
 */
function named(text: string, address: string): Address {
  const name = text || address;
  if (name !== address) return { name, address };
  return address.includes('@') ? { name: '', address } : { name, address: '' };
}
