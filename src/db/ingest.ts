/**
 * The ingest pipeline, shared by the worker and tests: a byte stream (mbox,
 * mbox.gz or .eml) -> split -> parse -> stored in batches. Each batch is one
 * transaction, so a failure or a cancel keeps every batch committed before it.
 */
import {
  describeSkipped,
  openMailStream,
  splitMboxStream,
  type SkippedMessage,
} from '../core/mbox';
import type { LoupeDB } from './schema';
import { parseRaws, type IngestItem, type ParsedChunk, type Parser } from '../core/parse';
import { ensureInbox, storeBatch } from './store';

/** Progress of one import, sent to the UI a few times a second. */
export interface IngestProgress {
  /** Messages split and parsed so far. */
  messages: number;
  added: number;
  duplicates: number;
  /** Messages stored with parse problems (bad date, no Message-ID, broken MIME...). */
  flawed: number;
  /** Messages not stored: past the splitter's size or line cap (see MboxSplitter). */
  skipped: number;
  /** A few of those problems (and skipped messages), "<Message-ID>: problem", for the user. */
  problemSamples: string[];
  /** Compressed (as fetched/read) bytes consumed so far. */
  bytes: number;
  /**
   * Compressed bytes up to the last message parsed: what the time left is judged on.
   * Reading and gunzip run ahead of parsing, so `bytes` says more is done than is.
   */
  doneBytes: number;
  /** Total input bytes when known (file size, Content-Length). */
  totalBytes: number | null;
  elapsedMs: number;
  /** Time spent parsing and storing (the rest is reading, gunzip and splitting). */
  parseMs: number;
  storeMs: number;
}

/** How an import ended. `error` is a sentence for the user, null on success. */
export interface IngestResult extends IngestProgress {
  cancelled: boolean;
  error: string | null;
  /** Messages that could not be stored because of the error (not counted in `added`). */
  lost: number;
  /** True when the error was the browser's storage quota. */
  quota: boolean;
}

export interface IngestOptions {
  inbox: string;
  inboxUrl?: string | null;
  totalBytes?: number | null;
  batchSize?: number;
  /** Where parsing happens (default: in this thread). */
  parse?: Parser;
  /** Parsers working at once (default 1); one whole batch more is parsed while a batch is stored. */
  parallel?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Stops after the message being read; batches already stored stay. */
  signal?: AbortSignal;
}

/** True when an error is the browser's storage quota running out. */
export function isQuotaError(e: unknown): boolean {
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  const msg = e instanceof Error ? e.message : String(e);
  return name === 'QuotaExceededError' || /quota/i.test(msg);
}

/** Explains a failure in words a reader understands. */
export function describeError(e: unknown): string {
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  const msg = e instanceof Error ? e.message : String(e);
  if (isQuotaError(e))
    return 'The browser ran out of storage space for Loupe; messages stored before this point are kept. Free space (Settings) or allow more storage, then import again.';
  if (
    /gzip|compressed|deflate|incorrect header|junk|truncat|unexpected end/i.test(msg) ||
    (name === 'TypeError' && /decompress/i.test(msg))
  )
    return `The archive is damaged or truncated (${msg}); every complete message before the damage was imported.`;
  return msg || name || 'unknown error';
}

/** Progress before anything was read. */
export function emptyProgress(totalBytes: number | null = null): IngestProgress {
  return {
    messages: 0,
    added: 0,
    duplicates: 0,
    flawed: 0,
    skipped: 0,
    problemSamples: [],
    bytes: 0,
    doneBytes: 0,
    totalBytes,
    elapsedMs: 0,
    parseMs: 0,
    storeMs: 0,
  };
}

/** Raw messages handed to a parser at once. */
const CHUNK = 200;

/**
 * Imports a stream of mail into an inbox. Never throws: the result says how it ended.
 * Splitting, parsing (possibly in parse workers) and storing overlap: while one
 * batch is written, the next chunks are parsed.
 */
export async function ingestStream(
  db: LoupeDB,
  input: ReadableStream<Uint8Array>,
  opts: IngestOptions,
): Promise<IngestResult> {
  const start = performance.now();
  const p = emptyProgress(opts.totalBytes ?? null);
  // Bigger batches import faster (5,000 messages: about 12% at 10k), but an aborted one
  // leaves its bytes counted: after a quota error at 5,000 Chromium's usage stayed
  // above the quota, and even deleting an inbox to free space failed. Free space from
  // navigator.storage.estimate() cannot pick the size: Chromium reports a quota of 60%
  // of the disk whatever is really free (and ignores a DevTools quota override).
  const batchSize = opts.batchSize ?? 2000;
  const parse = opts.parse ?? parseRaws;
  const maxInFlight = (opts.parallel ?? 1) + Math.ceil(batchSize / CHUNK);
  let lastReport = 0;
  const report = (force = false) => {
    p.elapsedMs = performance.now() - start;
    if (force || p.elapsedMs - lastReport > 100) {
      lastReport = p.elapsedMs;
      opts.onProgress?.({ ...p });
    }
  };
  const counted = input.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        p.bytes += chunk.length;
        c.enqueue(chunk);
      },
    }),
  );
  let batch: IngestItem[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const t0 = performance.now();
    const r = await storeBatch(db, opts.inbox, batch);
    p.storeMs += performance.now() - t0;
    p.added += r.added;
    p.duplicates += r.duplicates + r.crossPosted;
    batch = [];
    report();
  };
  /** Chunks being parsed, each with the input bytes read when it was split off. */
  const inFlight: { parsed: Promise<ParsedChunk>; bytesAt: number }[] = [];
  // Takes the oldest parsed chunk (keeping input order) and stores whole batches.
  const takeParsed = async () => {
    const { parsed, bytesAt } = inFlight.shift() as (typeof inFlight)[number];
    const chunk = await parsed;
    p.parseMs += chunk.ms;
    p.doneBytes = bytesAt;
    for (const m of chunk.items) {
      p.messages++;
      if (m.problems.length) {
        p.flawed++;
        if (p.problemSamples.length < 5)
          p.problemSamples.push(`<${m.id}>: ${m.problems.join(', ')}`);
      }
      batch.push(m);
      if (batch.length >= batchSize) await flush();
    }
    report();
  };
  let error: string | null = null;
  let cancelled = false;
  let lost = 0;
  let quota = false;
  let raws: Uint8Array[] = [];
  // Hands the pending raw messages to the parser; their buffers may move to a worker.
  const sendChunk = () => {
    if (!raws.length) return;
    inFlight.push({ parsed: parse(raws), bytesAt: p.bytes });
    raws = [];
  };
  try {
    await ensureInbox(db, opts.inbox, opts.inboxUrl ?? null);
    // A message past the splitter's caps is not stored; it is listed as a problem.
    const skipped = (s: SkippedMessage) => {
      p.skipped++;
      if (p.problemSamples.length < 5) p.problemSamples.push(describeSkipped(s));
    };
    for await (const raw of splitMboxStream(await openMailStream(counted), skipped)) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      raws.push(raw);
      if (raws.length < CHUNK) continue;
      sendChunk();
      while (inFlight.length > maxInFlight) await takeParsed();
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
    }
    if (!cancelled) {
      sendChunk();
      while (inFlight.length) await takeParsed();
      await flush();
    }
  } catch (e) {
    error = describeError(e);
    quota = isQuotaError(e);
    // Messages split before a stream error are whole: keep them.
    try {
      sendChunk();
      while (inFlight.length) await takeParsed();
      await flush();
    } catch (e2) {
      lost = batch.length;
      error = describeError(e2);
      quota ||= isQuotaError(e2);
    }
  }
  await db.inboxes
    .where('name')
    .equals(opts.inbox)
    .modify((ib) => {
      ib.messageCount += p.added;
    })
    .catch(() => undefined);
  p.doneBytes = p.bytes;
  report(true);
  return { ...p, cancelled, error, lost, quota };
}
