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

/**
 * Incremental splitter: push chunks, get completed raw messages back. Only lines
 * that start with "F" or ">" (or come first) are looked at closely; a message is
 * kept as views of the chunks it spans and copied out once.
 */
export class MboxSplitter {
  /** A line cut by the end of the last chunk. */
  private carry: Uint8Array | null = null;
  private parts: Uint8Array[] = [];
  private size = 0;
  private lines = 0;
  /** null until the first line is seen: then mbox (true) or a bare message (false). */
  private isMbox: boolean | null = null;
  private lastLineBlank = false;
  /** Bytes of the last line kept, to drop it when it is the blank line before a separator. */
  private lastLineLen = 0;

  /** Feeds one chunk; returns the messages completed by it. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let buf = chunk;
    if (this.carry) {
      const joined = new Uint8Array(this.carry.length + chunk.length);
      joined.set(this.carry);
      joined.set(chunk, this.carry.length);
      buf = joined;
      this.carry = null;
    }
    let pos = 0;
    // buf[from, pos) belongs to the current message and is not in `parts` yet.
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) break;
      const end = nl + 1;
      const first = buf[pos];
      if (this.isMbox === true && first !== 0x46 && first !== GT) {
        const len = end - pos;
        this.lines++;
        this.lastLineLen = len;
        this.lastLineBlank = len === 1 || (len === 2 && first === CR);
      } else {
        this.take(buf.subarray(from, pos));
        from = pos + this.line(buf.subarray(pos, end), out);
      }
      pos = end;
    }
    this.take(buf.subarray(from, pos));
    if (pos < buf.length) this.carry = buf.slice(pos);
    return out;
  }

  /** Flushes the last message at end of input. */
  end(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.carry) {
      const drop = this.line(this.carry, out);
      this.take(this.carry.subarray(drop));
      this.carry = null;
    }
    this.flush(out);
    return out;
  }

  private take(bytes: Uint8Array): void {
    if (!bytes.length) return;
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  /**
   * Looks at a line that may separate messages, escape a From or come first;
   * returns how many of its leading bytes are not part of the message.
   */
  private line(line: Uint8Array, out: Uint8Array[]): number {
    const len = line.length;
    if (this.isMbox === null) {
      // Whitespace before the first From_ line is not a message (git mailsplit skips it too).
      if (isBlank(line)) return len;
      this.isMbox = startsWithFrom(line, 0, len);
      if (this.isMbox) return len;
    }
    if (this.isMbox && line[0] === 0x46) {
      const bare = trimEol(line);
      const separated = this.lastLineBlank || this.lines === 0;
      if (separated ? isFromLine(bare) : isStrictFromLine(bare)) {
        this.flush(out);
        return len;
      }
    }
    let drop = 0;
    if (this.isMbox && line[0] === GT) {
      let i = 1;
      while (i < len && line[i] === GT) i++;
      if (startsWithFrom(line, i, len)) drop = 1;
    }
    this.lines++;
    this.lastLineLen = len - drop;
    this.lastLineBlank = len === 1 || (len === 2 && line[0] === CR);
    return drop;
  }

  private flush(out: Uint8Array[]): void {
    if (this.lines === 0) return;
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

/** Splits a whole mbox (or a single .eml) held in memory. */
export function splitMbox(bytes: Uint8Array): Uint8Array[] {
  const s = new MboxSplitter();
  return [...s.push(bytes), ...s.end()];
}

/** Splits a stream of mbox bytes, yielding raw messages as they complete. */
export async function* splitMboxStream(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const s = new MboxSplitter();
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
