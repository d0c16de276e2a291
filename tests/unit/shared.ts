import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file lives in tests/unit). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Path of ../shared/corpus beside the clone, or null (with a printed notice) when absent. */
export function sharedCorpus(sub: string): string | null {
  const dir = join(projectRoot, '..', 'shared', 'corpus', sub);
  if (existsSync(dir)) return dir;
  console.warn(`NOTICE: ${dir} is absent; skipping tests that need the shared corpus.`);
  return null;
}
