import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRaws, type Parser } from '../../../src/core/parse';
import { ingestStream } from '../../../src/db/ingest';
import { freshDb } from './helpers';

const fx = freshDb('ingest');

function mbox(count: number, body: (i: number) => string[] = () => []): Uint8Array {
  const msgs = Array.from({ length: count }, (_, i) => {
    const root = i % 10 === 0;
    const head = [
      'From mboxrd@z Thu Jan  1 00:00:00 1970',
      `Message-ID: <m${i}@x>`,
      `Date: Mon, 1 Jun 2020 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
      `Subject: ${root ? '' : 'Re: '}topic ${Math.floor(i / 10)}`,
      ...(root ? [] : [`In-Reply-To: <m${i - (i % 10)}@x>`]),
    ];
    return `${head.join('\n')}\n\nbody ${i} ${'words '.repeat(40)}\n${body(i).join('\n')}\n`;
  });
  return new TextEncoder().encode(msgs.join('\n'));
}

const streamOf = (bytes: Uint8Array, size = 4096) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
      c.close();
    },
  });

describe('ingest pipeline', () => {
  it('stores the same messages and threads whether parsing is in place or out of order', async () => {
    // A parser that finishes chunks out of order, as a pool of workers may.
    const jittery: Parser = async (raws) => {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      return parseRaws(raws);
    };
    const r = await ingestStream(fx.db, streamOf(gzipSync(mbox(1234))), {
      inbox: 'l',
      batchSize: 300,
      parse: jittery,
      parallel: 3,
    });
    expect(r).toMatchObject({ messages: 1234, added: 1234, error: null, cancelled: false });
    expect(await fx.db.messages.count()).toBe(1234);
    expect(await fx.db.threads.count()).toBe(124);
    expect((await fx.db.threads.get('m0@x'))?.count).toBe(10);
  });

  it('judges progress on the bytes of parsed messages, not on what was read ahead', async () => {
    // A slow parser: reading and gunzip run far ahead of it.
    const slow: Parser = async (raws) => {
      await new Promise((r) => setTimeout(r, 5));
      return parseRaws(raws);
    };
    // Plain mbox: Node's gunzip swallows its whole input at once, Chromium's does not.
    const bytes = mbox(2000, (i) =>
      Array.from({ length: 8 }, (_, k) => createHash('sha256').update(`${i}.${k}`).digest('hex')),
    );
    const seen: { bytes: number; doneBytes: number; messages: number }[] = [];
    const r = await ingestStream(fx.db, streamOf(bytes, 512), {
      inbox: 'l',
      batchSize: 200,
      parse: slow,
      totalBytes: bytes.length,
      onProgress: (p) => seen.push(p),
    });
    expect(r.doneBytes).toBe(bytes.length);
    expect(seen.length).toBeGreaterThan(2);
    for (const p of seen) expect(p.doneBytes).toBeLessThanOrEqual(p.bytes);
    // Midway, the share of bytes done follows the share of messages done.
    const mid = seen.find((p) => p.messages >= 1000 && p.messages < 2000);
    expect(mid).toBeDefined();
    const share = (mid?.doneBytes ?? 0) / bytes.length;
    expect(Math.abs(share - (mid?.messages ?? 0) / 2000)).toBeLessThan(0.1);
    expect(seen.filter((p) => p.doneBytes < p.bytes).length).toBeGreaterThan(0);
  });

  it('keeps whole batches only when cancelled', async () => {
    let seen = 0;
    const stop = new AbortController();
    const counting: Parser = async (raws) => {
      seen += raws.length;
      if (seen >= 1200) stop.abort();
      return parseRaws(raws);
    };
    const r = await ingestStream(fx.db, streamOf(mbox(3000)), {
      inbox: 'l',
      batchSize: 500,
      parse: counting,
      signal: stop.signal,
    });
    expect(r.cancelled).toBe(true);
    expect(r.added % 500).toBe(0);
    expect(await fx.db.messages.count()).toBe(r.added);
  });

  it('stores every complete message before a truncated gzip and reports the damage', async () => {
    const gz = gzipSync(mbox(2000));
    const r = await ingestStream(fx.db, streamOf(gz.subarray(0, Math.floor(gz.length * 0.6))), {
      inbox: 'l',
    });
    expect(r.error).toMatch(/damaged or truncated/);
    expect(r.added).toBeGreaterThan(500);
    expect(await fx.db.messages.count()).toBe(r.added);
  });
});

describe('ingest failures', () => {
  it('reports a storage failure at the end of the input as a result, never a throw', async () => {
    // Like a worker parser, this one takes the buffers: they are detached afterwards.
    const taking: Parser = async (raws) => {
      const copies = raws.map((r) => r.slice());
      for (const r of raws) structuredClone(r.buffer, { transfer: [r.buffer] });
      return parseRaws(copies);
    };
    const full = Object.assign(new Error('The quota has been exceeded.'), {
      name: 'QuotaExceededError',
    });
    const original = fx.db.messages.bulkPut.bind(fx.db.messages);
    let calls = 0;
    fx.db.messages.bulkPut = ((...args: Parameters<typeof original>) => {
      if (++calls > 1) throw full;
      return original(...args);
    }) as typeof fx.db.messages.bulkPut;
    const r = await ingestStream(fx.db, streamOf(mbox(250)), {
      inbox: 'l',
      batchSize: 100,
      parse: taking,
    });
    expect(r.error).toMatch(/ran out of storage space/);
    expect(r.quota).toBe(true);
    expect(r.added).toBe(100);
    expect(await fx.db.messages.count()).toBe(100);
  });
});
