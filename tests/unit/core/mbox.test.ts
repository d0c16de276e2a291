import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openMailStream, splitMbox, splitMboxStream } from '../../../src/core/mbox';
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
