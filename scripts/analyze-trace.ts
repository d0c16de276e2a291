/**
 * Prints one JSON line per file with the syzkaller-style summary of its first crash report:
 * {"file","title","alt_titles","type","frame","corrupted"} (title null when there is none).
 * Usage: npx tsx scripts/analyze-trace.ts FILE...
 */
import { readFileSync } from 'node:fs';
import { analyzeOops } from '../src/core/oops/index';

// Console logs are bytes, not text: valid UTF-8 is kept, anything else is read as latin1 so
// every byte survives as one character and nothing can fail to decode.
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

let failed = false;
for (const file of process.argv.slice(2)) {
  let line: Record<string, unknown>;
  try {
    const result = analyzeOops(decode(readFileSync(file)));
    line = {
      file,
      title: result?.title ?? null,
      alt_titles: result?.altTitles ?? [],
      type: result?.type ?? null,
      frame: result?.frame ?? null,
      corrupted: result?.corrupted ?? false,
    };
  } catch (err) {
    failed = true;
    line = { file, error: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
if (failed) process.exitCode = 1;
