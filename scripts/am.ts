/**
 * am: the am-ready mbox of the series that holds a message, like `b4 am`.
 *
 *   npm run -s am -- --mbox FILE [--version N] MSGID > series.mbx
 *
 * FILE is an mbox or mbox.gz; MSGID may be any patch, reply or the cover
 * letter of the thread. The mbox goes to stdout; what was picked (version,
 * patches, trailers added, missing patches) goes to stderr.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { openMailStream, splitMboxStream } from '../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../src/core/message';
import { amReady, writeAmMbox } from '../src/core/series/am';
import { detectSeries } from '../src/core/series/detect';
import { threadAround } from '../src/core/series/gather';
import { trailerText } from '../src/core/series/trailers';

async function readMbox(file: string): Promise<ParsedMessage[]> {
  // Node's web stream type differs nominally from the DOM one the core is typed against.
  const web = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
  const out: ParsedMessage[] = [];
  for await (const raw of splitMboxStream(await openMailStream(web)))
    out.push(await parseMessage(raw));
  return out;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { mbox: { type: 'string' }, version: { type: 'string' } },
    allowPositionals: true,
  });
  const msgid = positionals[0]?.replace(/^<|>$/g, '');
  if (!values.mbox || !msgid) {
    console.error('usage: npm run -s am -- --mbox FILE [--version N] MSGID');
    return 2;
  }
  const mails = await readMbox(values.mbox);
  if (!mails.some((m) => m.id === msgid)) {
    console.error(`<${msgid}> is not in ${values.mbox}`);
    return 1;
  }
  const thread = detectSeries(threadAround(mails, msgid));
  const wanted = values.version === undefined ? undefined : Number(values.version);
  const result = amReady(thread, wanted);
  if (!result) {
    console.error(
      wanted
        ? `no v${wanted} in the thread of <${msgid}>`
        : `no patches in the thread of <${msgid}>`,
    );
    return 1;
  }
  const { version, patches } = result;
  const added = patches.reduce((n, p) => n + p.added.length, 0);
  const log = [
    `v${version.version}: ${patches.length} of ${version.total} patches, ${added} trailers added` +
      (result.versions.length > 1
        ? ` (versions in thread: ${result.versions.map((v) => `v${v}`).join(' ')})`
        : ''),
  ];
  for (const p of patches) {
    log.push(`  ${p.subject}`);
    for (const t of p.added) log.push(`    + ${trailerText(t)}`);
  }
  for (const n of version.missing) log.push(`  MISSING: patch ${n}/${version.total}`);
  if (result.mismatched)
    log.push(`  ${result.mismatched} trailers ignored: given in someone else's name`);
  console.error(log.join('\n'));
  process.stdout.write(writeAmMbox(patches));
  return version.missing.length ? 3 : 0;
}

process.exitCode = await main();
