/**
 * Streaming split of mbox bytes into raw messages.
 *
 * Works on bytes, never on one big string: chunks go in, whole messages come
 * out. Handles mboxrd (`>From ` unescaping, what public-inbox writes), mboxo,
 * CRLF line ends, body lines that merely contain "From ", and a file that is a
 * single bare message with no From_ line (.eml).
 */

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const NEWLINE = new Uint8Array([LF]);
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "

function startsWithFrom(buf: Uint8Array, at: number, end: number): boolean {
  if (end - at < 5) return false;
  for (let i = 0; i < 5; i++) if (buf[at + i] !== FROM_[i]) return false;
  return true;
}

const latin1 = new TextDecoder('latin1');
// "From sender Thu Jan  1 00:00:00 1970": a sender, then something with a time of day.
const FROM_LINE = /^From \S+ .*\d{1,2}:\d{2}/;

// The full ctime() form mbox writers use ("From nobody Mon Sep 17 00:00:00 2001"),
// optionally with a zone before the year. Body text practically never looks like
// this, so git mailsplit (the t5100 oracle) splits on it even without a blank line before.
const STRICT_FROM_LINE =
  /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{1,2}:\d{2}(?::\d{2})? (?:[A-Z]{3,4} |[+-]\d{4} )?\d{4}\s*$/;

function lineText(line: Uint8Array): string {
  return latin1.decode(line.subarray(0, Math.min(line.length, 200)));
}

/** True if the bytes of one line look like an mbox From_ separator. */
export function isFromLine(line: Uint8Array): boolean {
  if (!startsWithFrom(line, 0, line.length)) return false;
  return FROM_LINE.test(lineText(line));
}

/** True if a line is a From_ separator in full ctime() form, trusted even without a blank line before. */
export function isStrictFromLine(line: Uint8Array): boolean {
  if (!startsWithFrom(line, 0, line.length)) return false;
  return STRICT_FROM_LINE.test(lineText(line));
}

/** Joins byte arrays into one new array (never a view of an input, so it can be transferred). */
export function concat(
  parts: Uint8Array[],
  total = parts.reduce((s, p) => s + p.length, 0),
): Uint8Array {
  if (parts.length === 1) return parts[0].slice();
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Largest message kept (64 MiB): far beyond any list mail, and a bound on memory per message. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/**
 * Longest line kept (1 MiB). SMTP limits lines to 1,000 bytes, so mail that went through
 * a mail server never comes near it; a longer line is damage or an attack.
 */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Bytes of a line looked at to recognise a From_ separator or a `>From` escape. */
const HEAD = 256;
/** Bytes of a skipped message kept to name it (its headers, usually). */
const SKIPPED_HEAD = 16 * 1024;

/** A message the splitter did not keep, and why. */
export interface SkippedMessage {
  /** Where the message starts (after its From_ line) in the decompressed input. */
  offset: number;
  /** Its size, as far as it was read. */
  bytes: number;
  reason: string;
  /** Its first bytes, to name it (Message-ID, Subject). */
  head: Uint8Array;
}

/** "message at byte N (<id>, "subject"): reason", for import problem lists. */
export function describeSkipped(s: SkippedMessage): string {
  const text = latin1.decode(s.head);
  const header = (name: string) =>
    new RegExp(`^${name}:[ \\t]*([^\\r\\n]{1,80})`, 'im').exec(text)?.[1].trim();
  const names = [header('Message-ID'), header('Subject')].filter(Boolean).join(', ');
  return `message at byte ${s.offset}${names ? ` (${names})` : ''}: ${s.reason}`;
}

const MiB = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

/**
 * Incremental splitter: push chunks, get completed raw messages back. Every byte is looked
 * at once: a line cut by the end of a chunk is carried as pieces, never rescanned. Only lines
 * that start with "F" or ">" (or come first) are looked at closely, and only their first
 * bytes; a message is kept as views of the chunks it spans and copied out once. A message
 * past MAX_MESSAGE_BYTES or with a line past MAX_LINE_BYTES is dropped as it is read and
 * reported to `onSkip`; the messages around it are kept.
 */
export class MboxSplitter {
  /** Pieces of a line cut by the end of the last chunk (dropped once the line is too long). */
  private carry: Uint8Array[] = [];
  private carryLen = 0;
  private carryStart = 0;
  /** The first HEAD bytes of the carried line. */
  private carryHead = new Uint8Array(HEAD);
  private parts: Uint8Array[] = [];
  private size = 0;
  private lines = 0;
  /** null until the first line is seen: then mbox (true) or a bare message (false). */
  private isMbox: boolean | null = null;
  private lastLineBlank = false;
  /** Bytes of the last line kept, to drop it when it is the blank line before a separator. */
  private lastLineLen = 0;
  /** Input bytes before the current chunk, and where the current message starts. */
  private offset = 0;
  private start = 0;
  /** Why the current message is being dropped, and its first bytes; null while it is kept. */
  private skip: string | null = null;
  private skipHead: Uint8Array[] = [];
  private skipHeadLen = 0;

  constructor(private readonly onSkip?: (skipped: SkippedMessage) => void) {}

  /** Feeds one chunk; returns the messages completed by it. */
  push(buf: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    if (this.carryLen) {
      const nl = buf.indexOf(LF);
      if (nl < 0) {
        this.carryMore(buf, this.offset);
        this.offset += buf.length;
        return out;
      }
      this.carryMore(buf.subarray(0, nl + 1), this.offset);
      const len = this.carryLen;
      const head = this.carryHead.subarray(0, Math.min(len, HEAD));
      const drop = this.line(head, len, out);
      this.takeCarried(drop);
      pos = nl + 1;
    }
    // buf[from, pos) belongs to the current message and is not in `parts` yet.
    let from = pos;
    const bare = this.isMbox === false;
    for (;;) {
      if (this.skip && this.isMbox && buf[pos] !== 0x46) {
        pos = this.skipToFrom(buf, pos);
        if (buf[pos] !== 0x46) break;
      }
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) break;
      const end = nl + 1;
      const first = buf[pos];
      const len = end - pos;
      if ((bare || (this.isMbox === true && first !== 0x46 && first !== GT)) && len <= HEAD) {
        this.lines++;
        this.lastLineLen = len;
        this.lastLineBlank = len === 1 || (len === 2 && first === CR);
      } else {
        this.take(buf.subarray(from, pos), this.offset + from);
        const head = buf.subarray(pos, Math.min(end, pos + HEAD));
        const drop = this.line(head, len, out);
        from = pos + drop;
        // A line past the cap is only counted (line() skipped its message).
        if (len > MAX_LINE_BYTES) {
          this.count(len - drop, this.offset + from);
          from = end;
        }
      }
      pos = end;
    }
    this.take(buf.subarray(from, pos), this.offset + from);
    if (pos < buf.length) this.carryMore(buf.subarray(pos), this.offset + pos);
    this.offset += buf.length;
    return out;
  }

  /** Flushes the last message at end of input. */
  end(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.carryLen) {
      const len = this.carryLen;
      const drop = this.line(this.carryHead.subarray(0, Math.min(len, HEAD)), len, out);
      this.takeCarried(drop);
    }
    this.flush(out);
    return out;
  }

  /**
   * While a message is skipped only a From_ line can matter: jumps from the line start `pos`
   * to the next line that starts with "F", or past the last whole line of the chunk. Returns
   * the new line start; the lines passed over are counted, not looked at one by one (1 GiB
   * of newlines would otherwise be a billion steps).
   */
  private skipToFrom(buf: Uint8Array, pos: number): number {
    let f = buf.indexOf(0x46, pos);
    while (f > pos && buf[f - 1] !== LF) f = buf.indexOf(0x46, f + 1);
    const next = f < 0 ? buf.lastIndexOf(LF) + 1 : f;
    if (next <= pos) return pos;
    // The last line passed over [start, next): blank if it is "\n" or "\r\n".
    const start = next - 2 < pos ? pos : Math.max(pos, buf.lastIndexOf(LF, next - 2) + 1);
    const len = next - start;
    this.lines++;
    this.lastLineLen = len;
    this.lastLineBlank = len === 1 || (len === 2 && buf[next - 2] === CR);
    return next;
  }

  /** Adds `bytes`, which start at input offset `at`, to the carried line. */
  private carryMore(bytes: Uint8Array, at: number): void {
    if (this.carryLen === 0) this.carryStart = at;
    if (this.carryLen < HEAD) {
      this.carryHead.set(bytes.subarray(0, HEAD - this.carryLen), this.carryLen);
    }
    this.carryLen += bytes.length;
    // A line past the cap is not kept: line() skips its message.
    if (this.carryLen > MAX_LINE_BYTES) this.carry = [];
    else this.carry.push(bytes);
  }

  /** Moves the carried line, but its first `drop` bytes, into the current message. */
  private takeCarried(drop: number): void {
    if (this.carry.length) {
      let pos = this.carryStart;
      let cut = drop;
      for (const piece of this.carry) {
        const n = Math.min(cut, piece.length);
        cut -= n;
        this.take(piece.subarray(n), pos + n);
        pos += piece.length;
      }
    } else {
      // A line too long to keep (its message is skipped): only its size counts.
      this.count(this.carryLen - drop, this.carryStart + drop);
    }
    this.carry = [];
    this.carryLen = 0;
  }

  /** Counts `n` bytes at input offset `at` into the current message without keeping them. */
  private count(n: number, at: number): void {
    if (n && this.size === 0) this.start = at;
    this.size += n;
  }

  private take(bytes: Uint8Array, at: number): void {
    if (!bytes.length) return;
    this.count(bytes.length, at);
    if (this.skip) {
      // Keep reading the head of a skipped message (its Message-ID may come after the line).
      if (this.skipHeadLen < SKIPPED_HEAD) {
        const piece = bytes.subarray(0, SKIPPED_HEAD - this.skipHeadLen);
        this.skipHead.push(piece);
        this.skipHeadLen += piece.length;
      }
      return;
    }
    this.parts.push(bytes);
    if (this.size > MAX_MESSAGE_BYTES) this.skipMessage(`larger than ${MiB(MAX_MESSAGE_BYTES)}`);
  }

  /** Drops what is kept of the current message; the rest of it is only counted. */
  private skipMessage(reason: string, line?: Uint8Array): void {
    if (this.skip) return;
    this.skip = reason;
    // Only the start of an over-long line is kept; a line end keeps the next header apart.
    const lineStart = line ? [trimEol(line), NEWLINE] : [];
    const head = concat([...this.parts, ...lineStart]).slice(0, SKIPPED_HEAD);
    this.skipHead = [head];
    this.skipHeadLen = head.length;
    this.parts = [];
  }

  /**
   * Looks at a line that may separate messages, escape a From or come first (from its first
   * bytes `head` and its length `len`); returns how many of its leading bytes are not part
   * of the message.
   */
  private line(head: Uint8Array, len: number, out: Uint8Array[]): number {
    if (this.isMbox === null) {
      // Whitespace before the first From_ line is not a message (git mailsplit skips it too).
      if (len <= HEAD && isBlank(head)) return len;
      this.isMbox = startsWithFrom(head, 0, head.length);
      if (this.isMbox) return len;
    }
    if (this.isMbox && head[0] === 0x46 && len <= HEAD) {
      const bare = trimEol(head);
      const separated = this.lastLineBlank || this.lines === 0;
      if (separated ? isFromLine(bare) : isStrictFromLine(bare)) {
        this.flush(out);
        return len;
      }
    }
    let drop = 0;
    if (this.isMbox && head[0] === GT) {
      let i = 1;
      while (i < head.length && head[i] === GT) i++;
      if (startsWithFrom(head, i, head.length)) drop = 1;
    }
    if (len > MAX_LINE_BYTES) {
      this.skipMessage(`a line of ${MiB(len)} (longer than ${MiB(MAX_LINE_BYTES)})`, head);
    }
    this.lines++;
    this.lastLineLen = len - drop;
    this.lastLineBlank = len === 1 || (len === 2 && head[0] === CR);
    return drop;
  }

  private flush(out: Uint8Array[]): void {
    if (this.lines === 0) return;
    if (this.skip) {
      const head = concat(this.skipHead);
      this.onSkip?.({ offset: this.start, bytes: this.size, reason: this.skip, head });
      this.skip = null;
      this.skipHead = [];
      this.skipHeadLen = 0;
      this.reset();
      return;
    }
    const parts = this.parts;
    let size = this.size;
    // The blank line before a From_ separator belongs to the mbox, not the message.
    if (this.isMbox && this.lastLineBlank && this.lines > 1) {
      size -= this.lastLineLen;
      for (let n = this.lastLineLen; n > 0;) {
        const last = parts[parts.length - 1];
        if (last.length <= n) {
          parts.pop();
          n -= last.length;
        } else {
          parts[parts.length - 1] = last.subarray(0, last.length - n);
          n = 0;
        }
      }
    }
    if (hasContent(parts)) out.push(concat(parts, size));
    this.reset();
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.lines = 0;
    this.lastLineBlank = false;
    this.lastLineLen = 0;
  }
}

function trimEol(line: Uint8Array): Uint8Array {
  let end = line.length;
  if (end && line[end - 1] === LF) end--;
  if (end && line[end - 1] === CR) end--;
  return line.subarray(0, end);
}

function isBlank(line: Uint8Array): boolean {
  for (const b of line) if (b !== LF && b !== CR && b !== 0x20 && b !== 9) return false;
  return true;
}

function hasContent(parts: Uint8Array[]): boolean {
  for (const p of parts)
    for (const b of p) if (b !== LF && b !== CR && b !== 0x20 && b !== 9) return true;
  return false;
}

/** Splits a whole mbox (or a single .eml) held in memory; skipped messages go to `onSkip`. */
export function splitMbox(
  bytes: Uint8Array,
  onSkip?: (skipped: SkippedMessage) => void,
): Uint8Array[] {
  const s = new MboxSplitter(onSkip);
  return [...s.push(bytes), ...s.end()];
}

/** Splits a stream of mbox bytes, yielding raw messages as they complete (see splitMbox). */
export async function* splitMboxStream(
  stream: ReadableStream<Uint8Array>,
  onSkip?: (skipped: SkippedMessage) => void,
): AsyncGenerator<Uint8Array> {
  const s = new MboxSplitter(onSkip);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* s.push(value);
    }
    yield* s.end();
  } finally {
    reader.releaseLock();
  }
}

/** True if the bytes start with the gzip magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Returns a stream of plain mbox bytes: gunzipped through DecompressionStream
 * when the input starts with the gzip magic, passed through otherwise.
 */
export async function openMailStream(
  stream: ReadableStream<Uint8Array>,
): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  let first = await reader.read();
  while (!first.done && first.value.length < 2) {
    const next = await reader.read();
    if (next.done) break;
    const joined = new Uint8Array(first.value.length + next.value.length);
    joined.set(first.value);
    joined.set(next.value, first.value.length);
    first = { done: false, value: joined };
  }
  const head = first.done ? new Uint8Array(0) : first.value;
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length) controller.enqueue(head);
      if (first.done) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  if (!isGzip(head)) return replay;
  return replay.pipeThrough(
    new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
}
