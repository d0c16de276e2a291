import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitMbox } from '../../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../../src/core/message';

/** The project root (this file lives in tests/unit). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Path of ../shared/corpus beside the clone, or null (with a printed notice) when
 * absent. Call it at module level and skip with `describe.skipIf(!dir)`.
 */
export function sharedCorpus(sub: string): string | null {
  const dir = join(projectRoot, '..', 'shared', 'corpus', sub);
  if (existsSync(dir)) return dir;
  console.warn(`NOTICE: ${dir} is absent; skipping tests that need the shared corpus.`);
  return null;
}

/** The corpora of `subs` that are present under ../shared/corpus (each absent one noticed). */
export function sharedCorpora(...subs: string[]): string[] {
  return subs.map(sharedCorpus).filter((d): d is string => d !== null);
}

/** The Message-ID of syzbot's report in the seed thread ("task hung in locks_remove_posix"). */
export const SEED_ID = '000000000000070cb305a66ddc71@google.com';

/** Every message of the seed thread in the shared corpus (`mail/seed-thread`), parsed. */
export function parseSeedThread(dir: string): Promise<ParsedMessage[]> {
  const raws = splitMbox(readFileSync(join(dir, 'locks_remove_posix.mbox')));
  return Promise.all(raws.map((r) => parseMessage(r)));
}

/** Deterministic PRNG so a failure reproduces (mulberry32): numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
