/**
 * The List-Ids of the first messages of a file, read from their header blocks
 * only: enough to name the inbox an import goes into without a second parse.
 * Kept apart from inbox-name.ts so the page's naming rules do not carry the
 * mail splitter and decoders (this runs in the ingest worker).
 */
import { headerEnd, readHeaders } from './headers';
import { listIdOf } from './message/ids';
import { openMailStream, splitMboxStream } from './mbox';

/** A header block is read up to this many bytes: List-Id sits in the first few KB. */
const HEAD_BYTES = 64 * 1024;

const LIST_ID: ReadonlySet<string> = new Set(['list-id']);

/** The List-Id of one raw message, read from its header block only (null when it has none). */
export function listIdOfRaw(raw: Uint8Array): string | null {
  const end = Math.min(headerEnd(raw).headEnd, HEAD_BYTES);
  const value = readHeaders(raw, end, LIST_ID).headers.get('list-id')?.[0];
  const id = value ? listIdOf(value) : '';
  return id || null;
}

/** The first messages of a file are enough to tell its list: a sample, not a second parse. */
export const SAMPLE_MESSAGES = 50;

/**
 * The List-Ids of the first `max` messages of an mbox, mbox.gz or .eml stream
 * (null for a message without one); the rest of the stream is not read.
 */
export async function sampleListIds(
  stream: ReadableStream<Uint8Array>,
  max = SAMPLE_MESSAGES,
): Promise<(string | null)[]> {
  const mail = await openMailStream(stream);
  const out: (string | null)[] = [];
  for await (const raw of splitMboxStream(mail)) {
    out.push(listIdOfRaw(raw));
    if (out.length >= max) break;
  }
  await mail.cancel();
  return out;
}
