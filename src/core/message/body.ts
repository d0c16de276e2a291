/**
 * A message's readable text and its attachments. Plain single-part text mail
 * (most list mail) and single quoted-printable or base64 text parts are decoded
 * here directly, multipart mail shaped like list mail by multipart.ts; anything
 * else goes through postal-mime.
 */
import PostalMime from 'postal-mime';
import { decodeText } from '../decode';
import { firstHeader, type HeaderMap } from '../headers';
import { htmlToText } from '../html';
import { partText, plainTextType, type TextDecoding } from './content-type';
import { readMultipart, type MimeAttachment, type MimeContent } from './multipart';
import { decodeBase64Body, decodeQuotedPrintable, type Reuse } from '../transfer-encoding';
import type { AttachmentMeta } from '../types';

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

function mediaType(ct: string | undefined): { type: string; charset?: string } {
  if (!ct) return { type: 'text/plain' };
  const type = ct.split(';')[0].trim().toLowerCase();
  const cs = /charset\s*=\s*"?([^";\s]+)"?/i.exec(ct);
  return { type, charset: cs?.[1] };
}

export interface Body {
  text: string;
  attachments: AttachmentMeta[];
  /** Set when `text` is decodeText(raw.subarray(at)). */
  at?: number;
}

const INLINE = /^inline\s*;?$/i;
/** postal-mime refuses header blocks past 2 MiB; those stay with it to fail the same way. */
const MAX_PART_HEAD = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * How to decode a single quoted-printable or base64 text part without postal-mime, or
 * null when only postal-mime reads it right: another type or charset, a parameter other
 * than charset, format and delsp, a duplicated content header (postal-mime takes the first of each
 * the way it reads lines, which is not always ours), or a header block postal-mime
 * would end elsewhere (a first line or a line of only CRs counts as blank there).
 */
function encodedTextPart(
  raw: Uint8Array,
  headEnd: number,
  h: HeaderMap,
  cte: string,
): { decode: (body: Uint8Array, reuse: Reuse) => Uint8Array; text: TextDecoding } | null {
  const decode =
    cte === 'quoted-printable' ? decodeQuotedPrintable : cte === 'base64' ? decodeBase64Body : null;
  if (!decode) return null;
  const types = h.get('content-type');
  const dispositions = h.get('content-disposition');
  if (types?.length !== 1 || h.get('content-transfer-encoding')?.length !== 1) return null;
  if (dispositions && (dispositions.length !== 1 || !INLINE.test(dispositions[0]))) return null;
  const text = plainTextType(types[0]);
  if (!text || headEnd > MAX_PART_HEAD || raw[0] === LF || raw[0] === CR) return null;
  for (let cr = raw.indexOf(CR); cr >= 0 && cr < headEnd; cr = raw.indexOf(CR, cr + 1))
    if (raw[cr + 1] === CR) return null;
  return { decode, text };
}

export async function decodeBody(
  raw: Uint8Array,
  h: HeaderMap,
  headEnd: number,
  bodyStart: number,
): Promise<Body> {
  const ct = mediaType(firstHeader(h, 'content-type'));
  const cte = (firstHeader(h, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  const simpleEncoding = cte === '' || cte === '7bit' || cte === '8bit' || cte === 'binary';
  if (ct.type === 'text/plain' && simpleEncoding) {
    const plain = isUtf8Family(ct.charset);
    const text = decodeCharset(raw.subarray(bodyStart), ct.charset);
    return { text, attachments: [], ...(plain ? { at: bodyStart } : {}) };
  }
  const encoded = encodedTextPart(raw, headEnd, h, cte);
  if (encoded) {
    const bytes = encoded.decode(raw.subarray(bodyStart), 'scratch');
    return { text: partText(bytes, encoded.text), attachments: [] };
  }
  const mime = (ct.type.startsWith('multipart/') && readMultipart(raw)) || (await postalMime(raw));
  let text = mime.text;
  const attachments: AttachmentMeta[] = mime.attachments.map((a, index) => ({
    filename: a.filename ?? `attachment-${index + 1}`,
    mimeType: a.mimeType,
    size: a.size,
    index,
  }));
  // Inline text/x-patch and similar parts are part of what a reader reads.
  for (const a of mime.attachments)
    if (/^text\/(x-)?(patch|diff)$/.test(a.mimeType) && a.content)
      text += `\n${decodeText(a.content)}`;
  return { text, attachments };
}

/** A message's text and its parts that are not text, as the multipart reader gives them; postal-mime may give a part no bytes. */
interface Parts extends Omit<MimeContent, 'attachments'> {
  attachments: (Omit<MimeAttachment, 'content'> & { content?: Uint8Array })[];
}

/** The message as postal-mime reads it, HTML-only mail as its text. */
async function postalMime(raw: Uint8Array): Promise<Parts> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  let text = email.text ?? '';
  if (!text.trim() && email.html) text = htmlToText(email.html);
  const attachments = email.attachments.map((a) => {
    const bytes = a.content instanceof ArrayBuffer ? new Uint8Array(a.content) : undefined;
    return {
      filename: a.filename,
      mimeType: a.mimeType,
      size: bytes ? bytes.length : String(a.content).length,
      content: bytes,
    };
  });
  return { text, attachments };
}
