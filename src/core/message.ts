/**
 * One raw RFC 5322 message -> a parsed record.
 *
 * Plain single-part text mail (most list mail) is decoded here directly;
 * anything with MIME structure or a transfer encoding goes through postal-mime.
 */
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import { decodeText } from './decode';
import { hash64 } from './hash';
import { headerEnd, readHeaders, type HeaderMap } from './headers';
import { htmlToText } from './html';
import { looksLikePatch } from './patch';
import { decodeBase64Body, decodeQuotedPrintable } from './transfer-encoding';
import type { Address, AttachmentMeta, MessageRecord } from './types';
import { MAX_REFERENCES } from './thread';

/**
 * A message parsed from bytes; the store adds inbox names and the thread id.
 * `textAt`: where `text` starts in `raw` when it is exactly decodeText of the rest
 * (plain single-part mail), so the store can keep the body once; otherwise null.
 */
export type ParsedMessage = Omit<MessageRecord, 'inboxes' | 'threadId'> & { textAt: number | null };

/** Longest Message-ID we keep as is; longer ones are replaced by a synthetic id. */
const MAX_ID = 250;

/** Charsets decodeText reads as they are (no charset means US-ASCII). */
function isUtf8Family(charset: string | undefined): boolean {
  const cs = (charset ?? '').toLowerCase();
  return !cs || cs === 'us-ascii' || cs === 'utf-8' || cs === 'utf8';
}

function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  if (isUtf8Family(charset)) return decodeText(bytes);
  const cs = (charset ?? '').toLowerCase();
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return decodeText(bytes);
  }
}

function first(h: HeaderMap, name: string): string | undefined {
  return h.get(name)?.[0];
}

/** Extracts `<id>` tokens from a header value, in order, without brackets. */
export function extractIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>\s]+)>/g)) ids.push(m[1]);
  if (ids.length === 0) {
    // Some mailers omit the brackets; accept a bare token that looks like an id.
    for (const m of value.matchAll(/(?:^|\s)([^\s<>@"()]+@[^\s<>"()]+)/g))
      ids.push(m[1].replace(/[,;]$/, ''));
  }
  return ids;
}

/** The list id of a List-Id value ("USB dev <linux-usb.vger.kernel.org>" -> "linux-usb.vger.kernel.org"). */
export function listIdOf(value: string): string {
  return (extractIds(value)[0] ?? value).trim().toLowerCase();
}

/** Normalizes a Message-ID header value; null when unusable. */
export function normalizeMessageId(value: string | undefined): string | null {
  const id = extractIds(value)[0] ?? value?.trim().replace(/^<|>$/g, '');
  if (!id || id.length > MAX_ID || /[\s<>]/.test(id)) return null;
  return id;
}

/**
 * Parses References into unique ids, oldest first, never including `self`; only the newest
 * `max` are kept (see MAX_REFERENCES in thread.ts).
 */
export function parseReferences(
  value: string | undefined,
  self: string,
  max = MAX_REFERENCES,
): string[] {
  const seen = new Set<string>([self]);
  const out: string[] = [];
  for (const id of extractIds(value)) {
    if (id.length > MAX_ID || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out.length > max ? out.slice(-max) : out;
}

const MIN_DATE = Date.UTC(1970, 0, 2);

/** Parses an RFC 5322 date; returns NaN when it cannot be understood. */
export function parseDate(value: string | undefined, now = Date.now()): number {
  if (!value) return NaN;
  // Drop comments like "(PDT)" and a trailing "UT"; Date.parse copes with the rest.
  let v = value.replace(/\([^)]*\)/g, ' ').trim();
  v = v.replace(/^[A-Za-z]{3},?\s*/, '');
  // "-0700" must be glued to the time for some engines; also accept "+0000 GMT".
  v = v.replace(/\s+(GMT|UT|UTC)$/i, ' +0000').replace(/\s+/g, ' ');
  let t = Date.parse(v);
  if (Number.isNaN(t)) {
    const m =
      /(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{2,4}) (\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4})?/.exec(
        v,
      );
    if (!m) return NaN;
    let year = Number(m[3]);
    if (year < 100) year += year < 50 ? 2000 : 1900;
    const tz = m[7] ?? '+0000';
    t = Date.parse(`${m[2]} ${m[1]} ${year} ${m[4]}:${m[5]}:${m[6] ?? '00'} ${tz}`);
  }
  if (Number.isNaN(t) || t < MIN_DATE || t > now + 366 * 86400e3) return NaN;
  return t;
}

/** The date of the newest Received header of a header block that has one. */
function dateFromReceived(head: string, now: number): number {
  for (const r of readHeaders(head, RECEIVED).headers.get('received') ?? []) {
    const semi = r.lastIndexOf(';');
    if (semi < 0) continue;
    const t = parseDate(r.slice(semi + 1), now);
    if (!Number.isNaN(t)) return t;
  }
  return NaN;
}

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
  return decodeWords(splitEightBitWords(value));
}

function splitEightBitWords(value: string): string {
  return value.replace(ENCODED_WORD_8BIT, (_w, cs: string, enc: string, text: string) =>
    text.replace(/[^\u0080-\uffff]+/g, (run) => `=?${cs}?${enc}?${run}?=`),
  );
}

/** Parses an address list header, decoding RFC 2047 display names. */
export function parseAddresses(value: string | undefined): Address[] {
  if (!value) return [];
  try {
    return addressParser(flattenComments(splitEightBitWords(value)), { flatten: true }).map(
      (a) => ({
        name: decodeHeaderWords(a.name ?? '').trim(),
        address: (a.address ?? '').trim(),
      }),
    );
  } catch {
    return [];
  }
}

/**
 * Address lists already parsed, by header text. A chunk of list mail names the same
 * senders and Cc lists again and again (two thirds of the From, To and Cc values of
 * 200 real list messages were seen before in the same 200), and postal-mime's parser
 * takes about a tenth of a message's parse.
 */
export type AddressMemo = Map<string, Address[]>;

/** parseAddresses through `memo`; every call gets address objects of its own. */
function addressesOf(value: string | undefined, memo: AddressMemo | undefined): Address[] {
  if (!value || !memo) return parseAddresses(value);
  let list = memo.get(value);
  if (!list) {
    list = parseAddresses(value);
    memo.set(value, list);
  }
  return list.map((a) => ({ name: a.name, address: a.address }));
}

/**
 * Text of a recipient header parsed as addresses: 64 KiB, some 1,500 addresses. A long
 * get_maintainer.pl Cc list is a few dozen; the address parser's objects take some fifty
 * times the text, so 7 MB of addresses would take hundreds of MB.
 */
const MAX_RECIPIENTS_TEXT = 64 * 1024;

/** The addresses of every `name` header, the text cut (between addresses) past the cap. */
function recipients(
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

function mediaType(ct: string | undefined): { type: string; charset?: string } {
  if (!ct) return { type: 'text/plain' };
  const type = ct.split(';')[0].trim().toLowerCase();
  const cs = /charset\s*=\s*"?([^";\s]+)"?/i.exec(ct);
  return { type, charset: cs?.[1] };
}

const OOPS_RE =
  /(?:^|\n)[^\n>]{0,40}(?:BUG: |WARNING: |KASAN: |KMSAN: |KCSAN: |UBSAN: |KFENCE: |INFO: task \S.* blocked|INFO: rcu|general protection fault|Unable to handle kernel|kernel BUG at|Kernel panic|watchdog: BUG: soft lockup|possible circular locking|possible recursive locking|inconsistent lock state|unreferenced object|Call Trace:)/;

/** True when a text contains something that looks like a kernel crash report. */
export function looksLikeOops(text: string): boolean {
  return OOPS_RE.test(text);
}

interface Body {
  text: string;
  attachments: AttachmentMeta[];
  /** Set when `text` is decodeText(raw.subarray(at)). */
  at?: number;
}

// "text/plain" with at most a charset: what postal-mime would read as one inline text part.
const PLAIN_TEXT_TYPE = /^text\/plain(?:\s*;\s*charset\s*=\s*("?)([\w.:-]+)\1)?\s*;?$/i;
const INLINE = /^inline\s*;?$/i;
/** Charset labels postal-mime reads with a TextDecoder of that very label. */
const PART_CHARSETS = ['utf-8', 'utf8', 'us-ascii', 'iso-8859-1', 'iso-8859-15', 'windows-1252'];
const partDecoders = new Map(PART_CHARSETS.map((cs) => [cs, new TextDecoder(cs)]));
/** postal-mime refuses header blocks past 2 MiB; those stay with it to fail the same way. */
const MAX_PART_HEAD = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * How to decode a single quoted-printable or base64 text part without postal-mime, or
 * null when only postal-mime reads it right: another type or charset, a parameter such
 * as format=flowed, a duplicated content header (postal-mime takes the first of each
 * the way it reads lines, which is not always ours), or a header block postal-mime
 * would end elsewhere (a first line or a line of only CRs counts as blank there).
 */
function encodedTextPart(
  raw: Uint8Array,
  headEnd: number,
  h: HeaderMap,
  cte: string,
): { decode: (body: Uint8Array) => Uint8Array; charset: TextDecoder } | null {
  const decode =
    cte === 'quoted-printable' ? decodeQuotedPrintable : cte === 'base64' ? decodeBase64Body : null;
  if (!decode) return null;
  const types = h.get('content-type');
  const dispositions = h.get('content-disposition');
  if (types?.length !== 1 || h.get('content-transfer-encoding')?.length !== 1) return null;
  if (dispositions && (dispositions.length !== 1 || !INLINE.test(dispositions[0]))) return null;
  const type = PLAIN_TEXT_TYPE.exec(types[0]);
  const charset = partDecoders.get((type?.[2] ?? 'utf-8').toLowerCase());
  if (!type || !charset || headEnd > MAX_PART_HEAD || raw[0] === LF || raw[0] === CR) return null;
  for (let cr = raw.indexOf(CR); cr >= 0 && cr < headEnd; cr = raw.indexOf(CR, cr + 1))
    if (raw[cr + 1] === CR) return null;
  return { decode, charset };
}

async function decodeBody(
  raw: Uint8Array,
  h: HeaderMap,
  headEnd: number,
  bodyStart: number,
): Promise<Body> {
  const ct = mediaType(first(h, 'content-type'));
  const cte = (first(h, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  const simpleEncoding = cte === '' || cte === '7bit' || cte === '8bit' || cte === 'binary';
  if (ct.type === 'text/plain' && simpleEncoding) {
    const plain = isUtf8Family(ct.charset);
    const text = decodeCharset(raw.subarray(bodyStart), ct.charset);
    return { text, attachments: [], ...(plain ? { at: bodyStart } : {}) };
  }
  const encoded = encodedTextPart(raw, headEnd, h, cte);
  if (encoded) {
    const bytes = encoded.decode(raw.subarray(bodyStart));
    return { text: encoded.charset.decode(bytes), attachments: [] };
  }
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  let text = email.text ?? '';
  if (!text.trim() && email.html) text = htmlToText(email.html);
  const attachments: AttachmentMeta[] = email.attachments.map((a, index) => ({
    filename: a.filename ?? `attachment-${index + 1}`,
    mimeType: a.mimeType,
    size: a.content instanceof ArrayBuffer ? a.content.byteLength : String(a.content).length,
    index,
  }));
  // Inline text/x-patch and similar parts are part of what a reader reads.
  for (const a of email.attachments) {
    if (/^text\/(x-)?(patch|diff)$/.test(a.mimeType) && a.content instanceof ArrayBuffer) {
      text += `\n${decodeText(new Uint8Array(a.content))}`;
    }
  }
  return { text, attachments };
}

/** The header fields a parse reads; Received only when Date is unusable. */
const PARSED_HEADERS: ReadonlySet<string> = new Set([
  'message-id',
  'references',
  'in-reply-to',
  'date',
  'subject',
  'from',
  'to',
  'cc',
  'list-id',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
]);
const RECEIVED: ReadonlySet<string> = new Set(['received']);

/**
 * Parses one raw message. Never throws: problems are recorded on the result. Messages
 * parsed together may share a `memo` of the address lists they name.
 */
export async function parseMessage(
  raw: Uint8Array,
  now = Date.now(),
  memo?: AddressMemo,
): Promise<ParsedMessage> {
  const problems: string[] = [];
  const { headEnd, bodyStart } = headerEnd(raw);
  const head = decodeText(raw.subarray(0, headEnd));
  const { headers: h, lines } = readHeaders(head, PARSED_HEADERS);
  if (lines === 0) problems.push('no header block');

  const idHeader = first(h, 'message-id');
  let id = normalizeMessageId(idHeader);
  const syntheticId = id === null;
  if (id === null) {
    problems.push(idHeader ? 'unusable Message-ID' : 'no Message-ID');
    id = `loupe-${hash64(raw)}@synthetic.invalid`;
  }

  const allRefs = parseReferences(first(h, 'references'), id, Infinity);
  const references = allRefs.slice(-MAX_REFERENCES);
  if (allRefs.length > MAX_REFERENCES) {
    problems.push(`${allRefs.length} References: kept the newest ${MAX_REFERENCES}`);
  }
  const irt = extractIds(first(h, 'in-reply-to')).filter((x) => x !== id && x.length <= MAX_ID);
  // In-Reply-To names the parent; when it lists several ids, prefer one that References ends with.
  let inReplyTo: string | null = null;
  if (irt.length) inReplyTo = irt.find((x) => x === references[references.length - 1]) ?? irt[0];
  else if (references.length) inReplyTo = references[references.length - 1];
  // The threader takes the last reference as the parent; In-Reply-To is the better word on it
  // when References lists ids out of order (notmuch T510 "parent-priority").
  if (inReplyTo) {
    const at = references.indexOf(inReplyTo);
    if (at >= 0) references.splice(at, 1);
    references.push(inReplyTo);
  }

  const dateRaw = first(h, 'date') ?? '';
  let date = parseDate(dateRaw, now);
  if (Number.isNaN(date)) {
    problems.push(dateRaw ? 'unparseable Date' : 'no Date');
    date = dateFromReceived(head, now);
    if (Number.isNaN(date)) date = 0;
  }

  const subject = decodeHeaderWords(first(h, 'subject') ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const from = addressesOf(first(h, 'from'), memo)[0] ?? { name: '', address: '' };
  const to = recipients(h, 'to', problems, memo);
  const cc = recipients(h, 'cc', problems, memo);
  const listIdHeader = first(h, 'list-id');
  const listId = listIdHeader ? listIdOf(listIdHeader) : null;

  let body: Body;
  try {
    body = await decodeBody(raw, h, headEnd, bodyStart);
  } catch (e) {
    problems.push(`MIME: ${e instanceof Error ? e.message : String(e)}`);
    body = { text: decodeText(raw.subarray(bodyStart)), attachments: [] };
  }
  const text = body.text.replace(/\r\n/g, '\n').replace(/\0/g, '');
  // Both replacements only shorten: an unchanged length means the text is the bytes as decoded.
  const textAt = body.at !== undefined && text.length === body.text.length ? body.at : null;

  return {
    id,
    syntheticId,
    subject,
    from,
    to,
    cc,
    date,
    dateRaw,
    inReplyTo,
    references,
    text,
    textAt,
    attachments: body.attachments,
    hasPatch: looksLikePatch(subject, text),
    hasOops: looksLikeOops(text),
    raw,
    listId,
    problems,
  };
}
