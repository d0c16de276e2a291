/**
 * mbox-stats: message, thread, ghost and parse-problem counts per mail file.
 *
 *   npx tsx scripts/mbox-stats.ts FILE...
 *
 * Prints one JSON line per file. Files are streamed (a 400 MB archive is never
 * held in memory); only the small per-message threading inputs are kept.
 * A file that cannot be read prints {"file","error"} and makes the exit code 1.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { openMailStream, splitMboxStream } from '../src/core/mbox';
import { parseMessage } from '../src/core/message';
import { buildThreads, type ThreadInput } from '../src/core/thread';

interface Stats {
  file: string;
  messages: number;
  threads: number;
  ghosts: number;
  errors: number;
}

async function stats(file: string): Promise<Stats> {
  // Node's web stream type differs nominally from the DOM one the core is typed against.
  const web = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
  const inputs: ThreadInput[] = [];
  let errors = 0;
  for await (const raw of splitMboxStream(await openMailStream(web))) {
    const m = await parseMessage(raw);
    if (m.problems.length) errors++;
    inputs.push({ id: m.id, date: m.date, references: m.references, subject: m.subject });
  }
  const threads = buildThreads(inputs);
  const ghosts = threads.reduce((n, t) => n + t.ghostIds.length, 0);
  return { file, messages: inputs.length, threads: threads.length, ghosts, errors };
}

async function main(files: string[]): Promise<number> {
  if (files.length === 0) {
    console.error('usage: mbox-stats FILE...');
    return 2;
  }
  let status = 0;
  for (const file of files) {
    try {
      console.log(JSON.stringify(await stats(file)));
    } catch (e) {
      status = 1;
      console.log(JSON.stringify({ file, error: e instanceof Error ? e.message : String(e) }));
    }
  }
  return status;
}

process.exitCode = await main(process.argv.slice(2));
