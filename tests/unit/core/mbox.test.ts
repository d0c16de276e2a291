import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  describeSkipped,
  MAX_LINE_BYTES,
  MAX_MESSAGE_BYTES,
  MboxSplitter,
  openMailStream,
  splitMbox,
  splitMboxStream,
  type SkippedMessage,
} from '../../../src/core/mbox';
import { projectRoot, sharedCorpus } from '../shared';

const gitDir = sharedCorpus('mail/git-mailinfo');
const listsDir = sharedCorpus('mail/lists');

const enc = new TextEncoder();
const dec = new TextDecoder();
const fixture = (name: string) => readFileSync(join(projectRoot, 'tests/fixtures/mail', name));

function streamOf(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

describe('mbox splitting', () => {
  it('splits an mboxrd file and unescapes >From lines by one level', () => {
    const msgs = splitMbox(fixture('two.mboxrd')).map((m) => dec.decode(m));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toContain('\nFrom the start\n>From quoted\n');
    expect(msgs[0]).toContain('From here is not a separator');
    expect(msgs[0].endsWith('no date\n')).toBe(true);
    expect(msgs[1].startsWith('From: Bob')).toBe(true);
  });

  it('gives the same messages whatever the chunk size', async () => {
    const bytes = fixture('two.mboxrd');
    const whole = splitMbox(bytes).map((m) => dec.decode(m));
    for (const size of [1, 3, 7, 64, 4096]) {
      const out: string[] = [];
      for await (const m of splitMboxStream(streamOf(bytes, size))) out.push(dec.decode(m));
      expect(out).toEqual(whole);
    }
  });

  it('treats a file without a From_ line as one bare message', () => {
    const msgs = splitMbox(fixture('bare.eml'));
    expect(msgs).toHaveLength(1);
    expect(dec.decode(msgs[0])).toContain('From the desk of');
  });

  it('splits CRLF mbox files', () => {
    const crlf = enc.encode(
      'From a@b Mon Jan  1 00:00:00 2001\r\nSubject: one\r\n\r\nx\r\n\r\nFrom a@b Mon Jan  1 00:00:00 2001\r\nSubject: two\r\n\r\ny\r\n',
    );
    const msgs = splitMbox(crlf).map((m) => dec.decode(m));
    expect(msgs).toEqual(['Subject: one\r\n\r\nx\r\n', 'Subject: two\r\n\r\ny\r\n']);
  });

  it('keeps NUL and non-UTF-8 bytes as they are', () => {
    const bytes = new Uint8Array([
      ...enc.encode('From x Thu Jan  1 00:00:00 1970\nSubject: a\n\n'),
      0,
      0xff,
      0x0a,
    ]);
    const [m] = splitMbox(bytes);
    expect([...m.slice(-3)]).toEqual([0, 0xff, 0x0a]);
  });

  it('reads gzip through DecompressionStream and plain bytes as they are', async () => {
    const bytes = fixture('two.mboxrd');
    for (const input of [bytes, gzipSync(bytes)]) {
      const out: Uint8Array[] = [];
      for await (const m of splitMboxStream(await openMailStream(streamOf(input, 100))))
        out.push(m);
      expect(out).toHaveLength(2);
    }
  });

  it('fails with an error on a truncated gzip after yielding what it could', async () => {
    const big = enc.encode(
      Array.from(
        { length: 300 },
        (_, i) =>
          `From x Thu Jan  1 00:00:00 1970\nMessage-ID: <${i}@x>\n\n${'body '.repeat(50)}\n\n`,
      ).join(''),
    );
    const gz = gzipSync(big);
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const seen: Uint8Array[] = [];
    await expect(async () => {
      for await (const m of splitMboxStream(await openMailStream(streamOf(cut, 512)))) seen.push(m);
    }).rejects.toThrow();
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!gitDir)('mbox splitting like git mailsplit', () => {
  it('splits the git mailsplit mboxrd sample into 2 messages like git does', () => {
    const dir = gitDir as string;
    const msgs = splitMbox(readFileSync(join(dir, 't5100/sample.mboxrd')));
    expect(msgs).toHaveLength(2);
    const expected = readFileSync(join(dir, 't5100/0001mboxrd'));
    // 0001mboxrd is git mailinfo's body output: compare the body, ignoring the final blank line.
    const body = dec.decode(msgs[0]).split('\n\n').slice(1).join('\n\n');
    expect(body.trimEnd()).toBe(dec.decode(expected).trimEnd());
  });
});

describe.skipIf(!listsDir)('mbox splitting of a real list archive', () => {
  it('finds every message of a real list archive, streamed in chunks or split whole', async () => {
    const gz = readFileSync(join(listsDir as string, 'kexec.lists.infradead.org.0.mboxrd.gz'));
    const streamed: number[] = [];
    for await (const m of splitMboxStream(await openMailStream(streamOf(gz, 65536))))
      streamed.push(m.length);
    expect(streamed).toHaveLength(2342);
    // The stream splitter and the whole-file splitter agree message by message.
    expect(splitMbox(gunzipSync(gz)).map((m) => m.length)).toEqual(streamed);
  });
});

describe('mbox separators', () => {
  it('skips blank lines before the first From_ line and splits on full ctime From_ lines', () => {
    const bytes = enc.encode(
      '  \n\t\nFrom nobody Mon Sep 17 00:00:00 2001\nFrom: a@x\nDate: d\nFrom nobody Mon Sep 17 00:00:00 2001\nFrom: b@x\n\nbody From me 10:30\n',
    );
    const msgs = splitMbox(bytes).map((m) => dec.decode(m));
    expect(msgs).toEqual(['From: a@x\nDate: d\n', 'From: b@x\n\nbody From me 10:30\n']);
  });
});

describe('mbox caps', () => {
  const good = (n: number) =>
    `From a@x Mon Jan  6 10:00:00 2025\nMessage-ID: <good${n}@x>\nSubject: good ${n}\n\nok ${n}\n\n`;

  /** Splits `parts` (strings, or a byte count of `fill`) fed in chunks of `chunk` bytes. */
  function splitChunked(parts: (string | [number, string])[], chunk: number) {
    const skipped: SkippedMessage[] = [];
    const s = new MboxSplitter((x) => skipped.push(x));
    const out: string[] = [];
    const feed = (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; at += chunk) {
        for (const m of s.push(bytes.subarray(at, at + chunk))) out.push(dec.decode(m));
      }
    };
    for (const p of parts) {
      if (typeof p === 'string') feed(enc.encode(p));
      else feed(new Uint8Array(p[0]).fill(p[1].charCodeAt(0)));
    }
    for (const m of s.end()) out.push(dec.decode(m));
    return { out, skipped };
  }

  it('skips a message with a line past 1 MiB, names it and keeps its neighbours at any chunk size', () => {
    for (const chunk of [4096, 65536, 4 * 1024 * 1024]) {
      const { out, skipped } = splitChunked(
        [
          good(1),
          'From a@x Mon Jan  6 10:00:00 2025\nSubject: ',
          [MAX_LINE_BYTES + 10, 'A'],
          '\nMessage-ID: <long@x>\n\nbody\n\n',
          good(2),
        ],
        chunk,
      );
      expect(
        out.map((m) => /Subject: (.*)/.exec(m)?.[1]),
        `chunk ${chunk}`,
      ).toEqual(['good 1', 'good 2']);
      expect(skipped).toHaveLength(1);
      // The message starts after its From_ line.
      const at = good(1).length + 'From a@x Mon Jan  6 10:00:00 2025\n'.length;
      expect(skipped[0].offset).toBe(at);
      expect(describeSkipped(skipped[0])).toBe(
        `message at byte ${at} (<long@x>, ${'A'.repeat(80)}): a line of 1 MiB (longer than 1 MiB)`,
      );
    }
  });

  it('skips a message past 64 MiB as it is read, keeping the messages after it', () => {
    const { out, skipped } = splitChunked(
      [
        good(1),
        'From a@x Mon Jan  6 10:00:00 2025\nMessage-ID: <big@x>\n\n',
        [MAX_MESSAGE_BYTES, '\n'],
        'From the body, not a separator\n\n',
        good(2),
        good(3),
      ],
      1024 * 1024,
    );
    expect(out.map((m) => /Subject: (.*)/.exec(m)?.[1])).toEqual(['good 1', 'good 2', 'good 3']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0].reason).toBe('larger than 64 MiB');
    expect(skipped[0].bytes).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(describeSkipped(skipped[0])).toContain('(<big@x>)');
  });

  it('splits a 50 MB line cut into 64 KiB chunks in linear time (it used to take 95 s)', () => {
    const t0 = performance.now();
    const { out, skipped } = splitChunked(
      [good(1), 'From a@x Mon Jan  6 10:00:00 2025\nSubject: ', [50e6, 'A'], '\n\n', good(2)],
      65536,
    );
    expect(out).toHaveLength(2);
    expect(skipped).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('takes a line just under the cap whole, across chunks', () => {
    const line = 'x'.repeat(MAX_LINE_BYTES - 1);
    const { out, skipped } = splitChunked([good(1).replace('ok 1', line), good(2)], 1000);
    expect(skipped).toEqual([]);
    expect(out[0]).toContain(`\n\n${line}\n`);
    expect(out).toHaveLength(2);
  });
});
