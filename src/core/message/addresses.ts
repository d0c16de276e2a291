/**
 * Address lists and encoded words of header fields: From, To, Cc and Subject.
 */
import { addressParser, decodeWords } from 'postal-mime';
import type { HeaderMap } from '../headers';
import type { Address } from '../types';
import { plainAddresses } from './plain-addresses';

/**
 * Rewrites RFC 5322 comments as one flat level without quotes or escapes.
 * postal-mime's address parser ends a comment at the first ")" and treats
 * quotes inside it as quoted strings, so a nested or escaped comment leaked
 * into the display name (git t5100 "comment.in" gave "a comment) A U Thor").
 */
function flattenComments(value: string): string {
  if (!value.includes('(')) return value;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (depth === 0) {
      if (c === '\\' && quoted) {
        out += c + (value[i + 1] ?? '');
        i++;
      } else if (c === '"') {
        quoted = !quoted;
        out += c;
      } else if (c === '(' && !quoted) {
        depth = 1;
        out += c;
      } else out += c;
      continue;
    }
    if (c === '\\') {
      const next = value[i + 1] ?? '';
      if (next !== '(' && next !== ')' && next !== '"') out += next;
      i++;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) out += c;
    } else if (c !== '"') out += c;
  }
  if (depth > 0) out += ')';
  return out;
}

// An encoded word with raw 8-bit text inside (already decoded from UTF-8 with the header).
const ENCODED_WORD_8BIT = /=\?([^?\s]+)\?([qQ])\?([^?\s]*[\u0080-\uffff][^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words. Some mailers put raw UTF-8 inside a
 * Q-encoded word ("=?iso-8859-1?Q?Fr\u00f6sche?="); decoding it whole would
 * turn "ö" into "Ã¶", so only its ASCII runs go through the charset.
 */
export function decodeHeaderWords(value: string): string {
  // Every encoded word starts with "=?": text without one decodes to itself.
  return value.includes('=?') ? decodeWords(splitEightBitWords(value)) : value;
}

function splitEightBitWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value.replace(ENCODED_WORD_8BIT, (_w, cs: string, enc: string, text: string) =>
    text.replace(/[^\u0080-\uffff]+/g, (run) => `=?${cs}?${enc}?${run}?=`),
  );
}

/** A display name's encoded words decoded as postal-mime's parser decodes them. */
const decodeName = (text: string) => (text.includes('=?') ? decodeWords(text) : text);

/** Parses an address list header, decoding RFC 2047 display names. */
export function parseAddresses(value: string | undefined, decode = decodeName): Address[] {
  if (!value) return [];
  try {
    const read = plainAddresses(splitEightBitWords(value), decode) ?? postalAddresses(value);
    return read.map((a) => ({ name: decodeHeaderWords(a.name).trim(), address: a.address.trim() }));
  } catch {
    return [];
  }
}

/** An address list as postal-mime's parser reads it (names decoded once). */
export function postalAddresses(value: string): Address[] {
  return addressParser(flattenComments(splitEightBitWords(value)), { flatten: true }).map((a) => ({
    name: a.name ?? '',
    address: a.address ?? '',
  }));
}

/**
 * Address lists already parsed, and display names already decoded, by their text. A
 * chunk of list mail names the same senders and Cc lists again and again (two thirds
 * of the From, To and Cc values of 200 real list messages were seen before in the same
 * 200), and postal-mime's parser took about a tenth of a message's parse. A name with
 * encoded words costs a `TextEncoder` and a `TextDecoder` call per word in Chromium;
 * over the generated 10k, 11,371 such names in lists not seen before are 2,516
 * different ones per chunk of 200.
 */
export class AddressMemo {
  readonly lists = new Map<string, readonly Address[]>();
  private readonly names = new Map<string, string>();

  /** decodeName through the memo. */
  readonly decodeName = (text: string): string => {
    if (!text.includes('=?')) return text;
    let name = this.names.get(text);
    if (name === undefined) {
      name = decodeWords(text);
      this.names.set(text, name);
    }
    return name;
  };
}

/**
 * parseAddresses through `memo`. Messages that name the same list get the same frozen
 * address objects: a parse worker's reply is one structured clone, which sends an
 * object met again as a reference to the first, so a chunk's repeated senders and Cc
 * lists travel (and are made again in the writer) once; copies made the reply a
 * sixth larger (bench/README.md).
 */
export function addressesOf(
  value: string | undefined,
  memo: AddressMemo | undefined,
): readonly Address[] {
  if (!value || !memo) return parseAddresses(value);
  let list = memo.lists.get(value);
  if (!list) {
    list = Object.freeze(parseAddresses(value, memo.decodeName).map((a) => Object.freeze(a)));
    memo.lists.set(value, list);
  }
  return list;
}

/**
 * Text of a recipient header parsed as addresses: 64 KiB, some 1,500 addresses. A long
 * get_maintainer.pl Cc list is a few dozen; the address parser's objects take some fifty
 * times the text, so 7 MB of addresses would take hundreds of MB.
 */
const MAX_RECIPIENTS_TEXT = 64 * 1024;

/** The addresses of every `name` header, the text cut (between addresses) past the cap. */
export function recipients(
  h: HeaderMap,
  name: 'to' | 'cc',
  problems: string[],
  memo: AddressMemo | undefined,
): Address[] {
  let left = MAX_RECIPIENTS_TEXT;
  const out: Address[] = [];
  for (const value of h.get(name) ?? []) {
    let text = value;
    if (text.length > left) {
      text = text.slice(0, Math.max(0, text.lastIndexOf(',', left)));
      problems.push(
        `${name === 'to' ? 'To' : 'Cc'}: ${value.length} characters of addresses, kept the first ${MAX_RECIPIENTS_TEXT / 1024} KiB`,
      );
    }
    left -= text.length;
    if (text) out.push(...addressesOf(text, memo));
    if (left <= 0) break;
  }
  return out;
}
