/**
 * One raw RFC 5322 message -> a parsed record: ids and references (ids.ts), date
 * (date.ts), addresses and encoded words (addresses.ts), text and attachments (body.ts).
 */
import { decodeText } from '../decode';
import { hash64 } from '../hash';
import { firstHeader, headerEnd, readHeaders } from '../headers';
import { looksLikePatch } from '../patch';
import type { MessageRecord } from '../types';
import { MAX_REFERENCES } from '../thread';
import { addressesOf, decodeHeaderWords, recipients, type AddressMemo } from './addresses';
import { decodeBody, type Body } from './body';
import { dateFromReceived, parseDate } from './date';
import { extractIds, listIdOf, MAX_ID, normalizeMessageId, parseReferences } from './ids';

export { AddressMemo } from './addresses';
export { parseDate } from './date';
export { extractIds, listIdOf, normalizeMessageId, parseReferences } from './ids';

/**
 * A message parsed from bytes; the store adds inbox names and the thread id.
 * `textAt`: where `text` starts in `raw` when it is exactly decodeText of the rest
 * (plain single-part mail), so the store can keep the body once; otherwise null.
 */
export type ParsedMessage = Omit<MessageRecord, 'inboxes' | 'threadId'> & { textAt: number | null };

const OOPS_RE =
  /(?:^|\n)[^\n>]{0,40}(?:BUG: |WARNING: |KASAN: |KMSAN: |KCSAN: |UBSAN: |KFENCE: |INFO: task \S.* blocked|INFO: rcu|general protection fault|Unable to handle kernel|kernel BUG at|Kernel panic|watchdog: BUG: soft lockup|possible circular locking|possible recursive locking|inconsistent lock state|unreferenced object|Call Trace:)/;

/** True when a text contains something that looks like a kernel crash report. */
export function looksLikeOops(text: string): boolean {
  return OOPS_RE.test(text);
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
  const { headers: h, lines } = readHeaders(raw, headEnd, PARSED_HEADERS);
  if (lines === 0) problems.push('no header block');

  const idHeader = firstHeader(h, 'message-id');
  let id = normalizeMessageId(idHeader);
  const syntheticId = id === null;
  if (id === null) {
    problems.push(idHeader ? 'unusable Message-ID' : 'no Message-ID');
    id = `loupe-${hash64(raw)}@synthetic.invalid`;
  }

  const allRefs = parseReferences(firstHeader(h, 'references'), id, Infinity);
  const references = allRefs.slice(-MAX_REFERENCES);
  if (allRefs.length > MAX_REFERENCES) {
    problems.push(`${allRefs.length} References: kept the newest ${MAX_REFERENCES}`);
  }
  const irt = extractIds(firstHeader(h, 'in-reply-to')).filter(
    (x) => x !== id && x.length <= MAX_ID,
  );
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

  const dateRaw = firstHeader(h, 'date') ?? '';
  let date = parseDate(dateRaw, now);
  if (Number.isNaN(date)) {
    problems.push(dateRaw ? 'unparseable Date' : 'no Date');
    date = dateFromReceived(raw, headEnd, now);
    if (Number.isNaN(date)) date = 0;
  }

  const subject = decodeHeaderWords(firstHeader(h, 'subject') ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const from = addressesOf(firstHeader(h, 'from'), memo)[0] ?? { name: '', address: '' };
  const to = recipients(h, 'to', problems, memo);
  const cc = recipients(h, 'cc', problems, memo);
  const listIdHeader = firstHeader(h, 'list-id');
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
