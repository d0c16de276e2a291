/**
 * Hostile mail archives, generated at test time (nothing large is committed). Each is a
 * good message, the attack, and another good message, so a test can check that the
 * neighbours survive. Files are written in pieces: the generator never holds a whole input.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';

/** One hostile input: what it is, and which good messages must come out of it. */
export interface Hostile {
  name: string;
  /** Writes the archive to `file` (gzipped when `gzip`). */
  write(file: string): Promise<void>;
  gzip: boolean;
  /** Message-IDs of the good messages around the attack. */
  kept: string[];
  /** How many messages are skipped as problems (not parsed at all). */
  skipped: number;
}

const MiB = 1024 * 1024;

/** A plain, well-formed list message. */
export function goodMessage(id: string, extra = '', body = 'Looks good to me.\n'): string {
  return (
    `From ${id.split('@')[0]}@example.org Mon Jan  6 10:00:00 2025\n` +
    `From: Jane Dev <jane@example.org>\n` +
    `To: linux-usb@vger.kernel.org\n` +
    `Subject: Re: [PATCH] usb: fix ${id.split('@')[0]}\n` +
    `Date: Mon, 6 Jan 2025 10:00:00 +0000\n` +
    `Message-ID: <${id}>\n${extra}\n${body}\n`
  );
}

/** Writes strings and buffers with backpressure, optionally through gzip. */
async function withFile(file: string, gzip: boolean, fill: (out: Writable) => Promise<void>) {
  const disk = createWriteStream(file);
  const out: Writable = gzip ? createGzip({ level: 1 }) : disk;
  if (gzip) out.pipe(disk);
  await fill(out);
  out.end();
  await once(disk, 'close');
}

async function put(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Writes `total` bytes of `unit` repeated, in 1 MiB pieces. */
async function repeat(out: Writable, unit: string, total: number): Promise<void> {
  const piece = Buffer.from(unit.repeat(Math.max(1, Math.floor(MiB / unit.length))));
  for (let left = total; left > 0; left -= piece.length) {
    await put(out, left >= piece.length ? piece : piece.subarray(0, left));
  }
}

/** A hostile input made of a good message, `attack`, and a good message. */
function sandwich(
  name: string,
  gzip: boolean,
  skipped: number,
  attack: (out: Writable) => Promise<void>,
): Hostile {
  const kept = [`before.${name}@example.org`, `after.${name}@example.org`];
  return {
    name,
    gzip,
    kept,
    skipped,
    write: (file) =>
      withFile(file, gzip, async (out) => {
        await put(out, goodMessage(kept[0]));
        await attack(out);
        await put(out, goodMessage(kept[1]));
      }),
  };
}

/** The attacks of the hostile-input suite; `scale` shrinks the big ones for quick runs. */
export function hostileInputs(scale = 1): Hostile[] {
  const big = (n: number) => Math.max(MiB, Math.round(n * scale));
  return [
    // A header line of 50 MB: longer than the line cap, so its message is skipped.
    sandwich('long-line', false, 1, async (out) => {
      await put(out, 'From x@example.org Mon Jan  6 10:00:00 2025\nSubject: ');
      await repeat(out, 'A', big(50 * MiB));
      await put(out, '\nMessage-ID: <long-line@example.org>\n\nbody\n\n');
    }),
    // 64 MiB of NUL bytes (a few KB gzipped) where a message should be.
    sandwich('nuls', true, 1, async (out) => {
      await put(out, 'From x@example.org Mon Jan  6 10:00:00 2025\n');
      await repeat(out, '\0', big(64 * MiB));
      await put(out, '\n\n');
    }),
    // A gzip bomb: 1 GiB of short body lines in one message, about 1 MB compressed.
    sandwich('gzip-bomb', true, 1, async (out) => {
      await put(out, 'From x@example.org Mon Jan  6 10:00:00 2025\nSubject: bomb\n\n');
      await repeat(out, 'x'.repeat(71) + '\n', big(1024 * MiB));
      await put(out, '\n');
    }),
    // 1 GiB of newlines inside one message.
    sandwich('newlines', true, 1, async (out) => {
      await put(out, 'From x@example.org Mon Jan  6 10:00:00 2025\nSubject: blank\n\n');
      await repeat(out, '\n', big(1024 * MiB));
    }),
    // One message with 100,000 References.
    sandwich('references', false, 0, async (out) => {
      const refs = Array.from({ length: 100_000 }, (_, i) => `<r${i}.ref@example.org>`);
      await put(out, goodMessage('refs@example.org', `References: ${refs.join('\n ')}\n`));
    }),
    // 10,000 nested multipart levels.
    sandwich('mime-depth', false, 0, async (out) => {
      const levels = 10_000;
      let head = '';
      for (let i = 0; i < levels; i++) {
        head += `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`;
      }
      let tail = '';
      for (let i = levels; i > 0; i--) tail += `--b${i}--\n`;
      await put(
        out,
        goodMessage(
          'mime@example.org',
          'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n',
          `${head}--b${levels}\nContent-Type: text/plain\n\ninnermost text\n${tail}--b0--\n`,
        ),
      );
    }),
    // 200,000 addresses in To:.
    sandwich('addresses', false, 0, async (out) => {
      const to = Array.from({ length: 200_000 }, (_, i) => `"User ${i}" <u${i}@example.org>`);
      await put(out, goodMessage('addrs@example.org', `Cc: ${to.join(',\n ')}\n`));
    }),
    // Invalid UTF-8 in every header and the body, and an unknown charset.
    sandwich('bad-utf8', false, 0, async (out) => {
      const bad = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]);
      await put(out, 'From x@example.org Mon Jan  6 10:00:00 2025\nFrom: ');
      for (const h of ['\nSubject: ', '\nTo: ', '\nDate: ', '\nMessage-ID: <utf8.']) {
        await put(out, bad);
        await put(out, h);
      }
      await put(out, '@example.org>\nContent-Type: text/plain; charset=x-no-such\n\n');
      for (let i = 0; i < 1000; i++) await put(out, Buffer.concat([bad, Buffer.from('\n')]));
      await put(out, '\n');
    }),
    // Body lines that start with "From " (unescaped, mboxo style), with and without dates.
    sandwich('from-lines', false, 0, async (out) => {
      let body = '';
      for (let i = 0; i < 20_000; i++) {
        body += i % 2 ? `From the start, ${i}\n` : `>From quoted ${i}\n`;
      }
      await put(out, goodMessage('fromlines@example.org', '', body));
    }),
  ];
}

/** A gzip cut off in the middle: the messages before the cut must be kept. */
export function truncatedGzip(): Hostile {
  const kept = Array.from({ length: 200 }, (_, i) => `t${i}.truncated@example.org`);
  return {
    name: 'truncated-gzip',
    gzip: true,
    kept: kept.slice(0, 100),
    skipped: 0,
    write: async (file) => {
      const { gzipSync } = await import('node:zlib');
      const { writeFile } = await import('node:fs/promises');
      const whole = gzipSync(Buffer.from(kept.map((id) => goodMessage(id)).join('')));
      await writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    },
  };
}
