/**
 * mbox-stats: message, thread, ghost and parse-problem counts per mail file.
 *
 *   npx tsx scripts/mbox-stats.ts FILE...
 *
 * Prints one JSON line per file. Files are streamed (a 400 MB archive is never
 * held in memory); only the small per-message threading inputs are kept.
 * `skipped` counts messages the splitter dropped (past the size or line cap), with
 * the first few described in `problems`. A file that cannot be read to its end
 * (a truncated gzip, say) still reports what was read before, with its `error`,
 * and makes the exit code 1.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describeSkipped, openMailStream, splitMboxStream } from '../src/core/mbox';
import { parseMessage } from '../src/core/message';
import { buildThreads, type ThreadInput } from '../src/core/thread';

interface Stats {
  file: string;
  messages: number;
  threads: number;
  ghosts: number;
  errors: number;
  skipped: number;
  problems: string[];
  error?: string;
}

/** Problems described in the output; the rest are only counted. */
const SAMPLES = 5;

async function stats(file: string): Promise<Stats> {
  // Node's web stream type differs nominally from the DOM one the core is typed against.
  const web = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
  const inputs: ThreadInput[] = [];
  const problems: string[] = [];
  let errors = 0;
  let skipped = 0;
  let error: string | undefined;
  try {
    const messages = splitMboxStream(await openMailStream(web), (s) => {
      skipped++;
      if (problems.length < SAMPLES) problems.push(describeSkipped(s));
    });
    for await (const raw of messages) {
      const m = await parseMessage(raw);
      if (m.problems.length) {
        errors++;
        if (problems.length < SAMPLES) problems.push(`<${m.id}>: ${m.problems.join(', ')}`);
      }
      inputs.push({ id: m.id, date: m.date, references: m.references, subject: m.subject });
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const threads = buildThreads(inputs);
  const ghosts = threads.reduce((n, t) => n + t.ghostIds.length, 0);
  const counts = { messages: inputs.length, threads: threads.length, ghosts, errors, skipped };
  return { file, ...counts, problems, ...(error === undefined ? {} : { error }) };
}

async function main(files: string[]): Promise<number> {
  if (files.length === 0) {
    console.error('usage: mbox-stats FILE...');
    return 2;
  }
  let status = 0;
  for (const file of files) {
    const s = await stats(file);
    if (s.error !== undefined) status = 1;
    console.log(JSON.stringify(s));
  }
  return status;
}

process.exitCode = await main(process.argv.slice(2));
