/**
 * The two whole list archives (public-inbox mboxrd, gzipped): every message
 * splits and parses, threading gives a sane number of threads, and the
 * throughput is printed so slowdowns show.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openMailStream, splitMboxStream } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { buildThreads, type ThreadInput } from '../../../src/core/thread';
import { sharedCorpus } from '../shared';
import { Tally } from './helpers';

const dir = sharedCorpus('mail/lists');

const ARCHIVES = [
  { file: 'ksummit.lists.linux.dev.0.mboxrd.gz', messages: 3115 },
  { file: 'kexec.lists.infradead.org.0.mboxrd.gz', messages: 2342 },
];

describe.skipIf(!dir)('list archives', () => {
  it('splits, parses and threads both archives', { timeout: 60_000 }, async () => {
    const t = new Tally('lists');
    for (const { file, messages } of ARCHIVES) {
      const started = performance.now();
      // Node's web stream type differs nominally from the DOM one the core is typed against.
      const web = Readable.toWeb(
        createReadStream(join(dir ?? '', file)),
      ) as unknown as ReadableStream<Uint8Array>;
      const inputs: ThreadInput[] = [];
      let problems = 0;
      for await (const raw of splitMboxStream(await openMailStream(web))) {
        const m = await parseMessage(raw);
        if (m.problems.length) problems++;
        inputs.push({ id: m.id, date: m.date, references: m.references, subject: m.subject });
      }
      const threads = buildThreads(inputs);
      const seconds = (performance.now() - started) / 1000;
      const ids = new Set(threads.flatMap((th) => th.messageIds));
      t.check(inputs.length === messages, `${file}: ${inputs.length} messages, not ${messages}`);
      t.check(
        ids.size === new Set(inputs.map((i) => i.id)).size,
        `${file}: messages lost in threading`,
      );
      // A discussion list has several messages per thread, but not everything in one.
      t.check(
        threads.length > messages / 30 && threads.length < messages / 2,
        `${file}: ${threads.length} threads`,
      );
      t.check(problems < messages * 0.01, `${file}: ${problems} messages with problems`);
      // About 700-1,100 messages/s here; a floor far below that catches only real regressions.
      t.check(
        inputs.length / seconds > 150,
        `${file}: only ${Math.round(inputs.length / seconds)} messages/s`,
      );
      console.log(
        `  ${file}: ${inputs.length} messages, ${threads.length} threads, ${problems} with problems, ` +
          `${seconds.toFixed(2)} s, ${Math.round(inputs.length / seconds)} messages/s`,
      );
    }
    t.report();
    expect(t.passed).toBe(t.total);
  });
});
