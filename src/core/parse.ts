/**
 * Raw messages to storable items: parsed, with crash summaries and their index
 * terms as one run. Pure, so a parse worker carries no database code.
 */
import { AddressMemo, parseMessage, type ParsedMessage } from './message';
import { crashSummary } from './oops';
import { termRun, type RunRef } from './query/terms';
import { packRaws, type PackedPiece } from './raw-chunks';
import type { CrashSummary } from './types';

/**
 * A parsed message ready to store: its crash summary when it holds a crash report,
 * its search terms when already tokenized, and its raw bytes' piece when already
 * packed into a chunk with the messages parsed beside it.
 */
export type IngestItem = ParsedMessage & {
  crash?: CrashSummary | null;
  terms?: RunRef;
  piece?: PackedPiece;
};

/** Parsed items and the time the parser spent on them. */
export interface ParsedChunk {
  items: IngestItem[];
  ms: number;
}

/** Parses raw messages into storable items: in place, or in a parse worker. */
export type Parser = (raws: Uint8Array[]) => Promise<ParsedChunk>;

/**
 * Parses raw messages in the calling thread, with crash summaries, their search
 * terms as one run, and their raw bytes packed into chunks for the store.
 */
export async function parseRaws(raws: Uint8Array[]): Promise<ParsedChunk> {
  const t0 = performance.now();
  const parsed = [];
  const now = Date.now();
  const memo = new AddressMemo();
  for (const raw of raws) {
    const m = await parseMessage(raw, now, memo);
    parsed.push({ m, crash: m.hasOops ? crashSummary(m.text) : null });
  }
  const run = termRun(parsed);
  const pieces = packRaws(parsed.map(({ m }) => m));
  const items: IngestItem[] = parsed.map(({ m, crash }, at) => ({
    ...m,
    crash,
    terms: { run, at },
    piece: pieces[at],
  }));
  return { items, ms: performance.now() - t0 };
}
