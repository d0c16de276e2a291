/**
 * Multipart mail as list mail carries it (multipart/mixed and multipart/signed,
 * nested, with plain text, quoted-printable and base64 parts and attachments), read
 * in its bytes with the result postal-mime gives: the same parts, text (flowed
 * text unfolded) and attachments. postal-mime reads a line at a time, with an `await` and often a
 * `TextDecoder` call per line, and parses every header of the message again: in the
 * parse worker it took about 10 ms for each of the real lists' 185 multipart
 * messages, more than the other 5,000 messages' bodies together. Anything this
 * reader does not promise to read the same way (inline HTML, alternatives, attached
 * messages, reports, other charsets, encoded or continued
 * parameters, comments, non-ASCII content headers) gives null, and the caller hands
 * the message to postal-mime.
 */
import { decodeBase64Body, decodeQuotedPrintable, type Reuse } from '../transfer-encoding';
import {
  isWsp,
  partText,
  structured,
  textDecoding,
  trimWsp,
  Unsupported,
  type Structured,
} from './content-type';

/** A part that is not text: its name, type, size and decoded bytes. */
export interface MimeAttachment {
  filename: string | null;
  mimeType: string;
  size: number;
  content: Uint8Array;
}

/** What a multipart message holds, as postal-mime gives it. */
export interface MimeContent {
  text: string;
  attachments: MimeAttachment[];
}

interface Part {
  parent: Part | null;
  depth: number;
  state: 'header' | 'body' | 'finished';
  /** The first Content-Type, Content-Transfer-Encoding and Content-Disposition values. */
  content: Map<string, string>;
  /** The field being read, when it is a content header: its lines' bytes. */
  field: [number, number][] | null;
  /** Whether a header line was read (a line starting with a blank then continues a field). */
  fields: boolean;
  type: Structured;
  disposition: Structured;
  encoding: string;
  /** The multipart subtype, or '' for a leaf. */
  multipart: string;
  boundary: Uint8Array | null;
  children: Part[];
  finishedChildren: number;
  bodyStart: number;
  bodyEnd: number;
}

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const CONTENT_HEADERS = ['content-type', 'content-transfer-encoding', 'content-disposition'];
const PREFIX = [...'content-'].map((c) => c.charCodeAt(0));
/** Multipart kinds whose parts postal-mime simply lists in order. */
const READ_MULTIPART = new Set(['mixed', 'signed']);
/** Deeper nesting goes to postal-mime, which has its own limit and error. */
const MAX_DEPTH = 32;
/** postal-mime fails past 2 MiB of header lines in all; well below that, this reader reads. */
const MAX_HEADER_BYTES = 1024 * 1024;
function newPart(parent: Part | null): Part {
  const depth = parent ? parent.depth + 1 : 0;
  if (depth > MAX_DEPTH) throw new Unsupported();
  const part: Part = {
    parent,
    depth,
    state: 'header',
    content: new Map(),
    field: null,
    fields: false,
    type: { value: 'text/plain', params: new Map() },
    disposition: { value: '', params: new Map() },
    encoding: '',
    multipart: '',
    boundary: null,
    children: [],
    finishedChildren: 0,
    bodyStart: 0,
    bodyEnd: 0,
  };
  parent?.children.push(part);
  return part;
}

/** The lines raw[start, end) (each without its line break) as one string; ASCII only. */
function unfold(raw: Uint8Array, lines: [number, number][]): string {
  let s = '';
  for (const [start, end] of lines) {
    for (let i = start; i < end; i++) if (raw[i] > 0x7f) throw new Unsupported();
    s += String.fromCharCode.apply(null, raw.subarray(start, end) as unknown as number[]);
  }
  return s;
}

class Reader {
  readonly raw: Uint8Array;
  readonly root: Part;
  current: Part;
  /** Parts whose boundary can end a part now, innermost last. */
  readonly open: Part[] = [];
  headerBytes = 0;

  constructor(raw: Uint8Array) {
    this.raw = raw;
    this.root = this.current = newPart(null);
  }

  /** Ends the content header being read, keeping the first value of each. */
  endField(part: Part): void {
    const lines = part.field;
    part.field = null;
    if (!lines) return;
    const line = unfold(this.raw, lines);
    const sep = line.indexOf(':');
    const key = trimWsp(sep < 0 ? line : line.slice(0, sep)).toLowerCase();
    if (!CONTENT_HEADERS.includes(key) || part.content.has(key)) return;
    part.content.set(key, sep < 0 ? '' : trimWsp(line.slice(sep + 1).replace(/[\r\n]+/g, ' ')));
  }

  headerLine(part: Part, start: number, end: number): void {
    const raw = this.raw;
    this.headerBytes += end - start;
    if (this.headerBytes > MAX_HEADER_BYTES) throw new Unsupported();
    if (part.fields && isWsp(raw[start])) {
      part.field?.push([start, end]);
      return;
    }
    part.fields = true;
    this.endField(part);
    // Only a line that starts with "Content-" can name a content header: a folded
    // line adds a blank, which a header name cannot hold.
    let at = start;
    while (at < end && isWsp(raw[at])) at++;
    for (let i = 0; i < PREFIX.length; i++) {
      const c = raw[at + i];
      if (at + i >= end || (c >= 0x41 && c <= 0x5a ? c + 32 : c) !== PREFIX[i]) return;
    }
    part.field = [[start, end]];
  }

  /** The part's header block is read: what it is and how its body is encoded. */
  endHeader(part: Part): void {
    this.endField(part);
    const type = part.content.get('content-type');
    if (type !== undefined) part.type = structured(type);
    const kind = part.type.value;
    if (/^multipart\//i.test(kind)) {
      part.multipart = kind.slice(kind.indexOf('/') + 1);
      if (!READ_MULTIPART.has(part.multipart)) throw new Unsupported();
      const boundary = part.type.params.get('boundary');
      if (!boundary) throw new Unsupported();
      const bytes = new Uint8Array(boundary.length);
      for (let i = 0; i < boundary.length; i++) bytes[i] = boundary.charCodeAt(i);
      part.boundary = bytes;
      this.open.push(part);
    } else if (
      kind.startsWith('message/') ||
      kind === 'text/calendar' ||
      kind === 'application/ics'
    )
      throw new Unsupported();
    part.disposition = structured(part.content.get('content-disposition') ?? '');
    const cte = part.content.get('content-transfer-encoding') ?? '';
    if (cte.includes('(')) throw new Unsupported();
    part.encoding = /[\w-]+/.exec(cte.toLowerCase())?.[0] ?? '';
  }

  finish(part: Part): void {
    if (part.state === 'finished') return;
    if (part.state === 'header') this.endHeader(part);
    const at = this.open.lastIndexOf(part);
    if (at >= 0) this.open.splice(at, 1);
    this.finishChildren(part);
    part.state = 'finished';
  }

  finishChildren(part: Part): void {
    while (part.finishedChildren < part.children.length)
      this.finish(part.children[part.finishedChildren++]);
  }

  /** The part whose boundary the line raw[start, end) is, and whether it closes it. */
  boundaryOf(start: number, end: number): { part: Part; close: boolean } | null {
    const raw = this.raw;
    const len = end - start;
    if (!this.open.length || len <= 2 || raw[start] !== DASH || raw[start + 1] !== DASH)
      return null;
    next: for (let i = this.open.length - 1; i >= 0; i--) {
      const part = this.open[i];
      const b = part.boundary as Uint8Array;
      if (len < b.length + 2) continue;
      for (let j = 0; j < b.length; j++) if (raw[start + 2 + j] !== b[j]) continue next;
      let after = start + b.length + 2;
      const close = len >= b.length + 4 && raw[after] === DASH && raw[after + 1] === DASH;
      if (close) after += 2;
      for (let j = after; j < end; j++) if (!isWsp(raw[j])) continue next;
      return { part, close };
    }
    return null;
  }

  /** One line: raw[start, end) without its line break, the next line at `next`. */
  line(start: number, end: number, next: number): void {
    const edge = this.boundaryOf(start, end);
    if (edge) {
      if (edge.close) {
        this.finish(edge.part);
        this.current = edge.part.parent ?? this.root;
      } else {
        this.finishChildren(edge.part);
        this.current = newPart(edge.part);
      }
      return;
    }
    const part = this.current;
    if (part.state === 'header') {
      if (start === end) {
        this.endHeader(part);
        part.state = 'body';
        part.bodyStart = part.bodyEnd = next;
      } else this.headerLine(part, start, end);
    } else if (part.state === 'body') part.bodyEnd = next;
  }

  read(): void {
    const raw = this.raw;
    for (let start = 0; start < raw.length;) {
      const nl = raw.indexOf(LF, start);
      const next = nl < 0 ? raw.length : nl + 1;
      let end = nl < 0 ? raw.length : nl;
      while (end > start && raw[end - 1] === CR) end--;
      this.line(start, end, next);
      start = next;
    }
    this.finish(this.root);
  }
}

/** Each line without its trailing CRs, ended by LF: what postal-mime keeps of a plain part. */
function plainBody(body: Uint8Array): Uint8Array {
  const last = body.length - 1;
  // Mail split from an mbox mostly has LF line ends: then the part is its bytes.
  if (body.indexOf(CR) < 0 && (last < 0 || body[last] === LF)) return body;
  const out = new Uint8Array(body.length + 1);
  let n = 0;
  // CRs seen and not written yet: written before anything but the line's end.
  let crs = 0;
  for (let i = 0; i <= last; i++) {
    const c = body[i];
    if (c === CR) crs++;
    else {
      if (c !== LF) for (; crs > 0; crs--) out[n++] = CR;
      crs = 0;
      out[n++] = c;
    }
  }
  if (last >= 0 && body[last] !== LF) out[n++] = LF;
  return out.subarray(0, n);
}

function decodedBody(raw: Uint8Array, part: Part, reuse: Reuse): Uint8Array {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (part.encoding.includes('base64')) return decodeBase64Body(body, reuse);
  if (part.encoding.includes('quoted-printable')) return decodeQuotedPrintable(body, reuse);
  return plainBody(body);
}

function collect(
  raw: Uint8Array,
  part: Part,
  out: { texts: string[]; attachments: MimeAttachment[] },
): void {
  if (part.multipart) {
    for (const child of part.children) collect(raw, child, out);
    return;
  }
  const { type, disposition } = part;
  const inline = disposition.value !== 'attachment';
  // Inline HTML makes postal-mime give HTML and convert between the two.
  if (inline && type.value === 'text/html') throw new Unsupported();
  if (inline && type.value === 'text/plain') {
    const how = textDecoding(type);
    if (!how) throw new Unsupported();
    out.texts.push(partText(decodedBody(raw, part, 'scratch'), how));
    return;
  }
  const filename = disposition.params.get('filename') || type.params.get('name') || null;
  // An encoded filename is decoded by postal-mime's RFC 2047 reader.
  if (filename?.includes('=?')) throw new Unsupported();
  const content = decodedBody(raw, part, 'fresh');
  out.attachments.push({ filename, mimeType: type.value, size: content.length, content });
}

/**
 * Reads a multipart/mixed or multipart/signed message as postal-mime would: the
 * inline text parts joined by newlines and the other parts as attachments, in order.
 * Null when the message holds something only postal-mime reads right.
 */
export function readMultipart(raw: Uint8Array): MimeContent | null {
  try {
    const reader = new Reader(raw);
    reader.read();
    if (!reader.root.multipart) return null;
    const out = { texts: [] as string[], attachments: [] as MimeAttachment[] };
    collect(raw, reader.root, out);
    return { text: out.texts.join('\n'), attachments: out.attachments };
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
