import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../../../src/core/message';
import { packRaws, rawOfPiece, textIsBody } from '../../../src/core/raw-chunks';
import { projectRoot, sharedCorpora } from '../shared';

const enc = new TextEncoder();
const listDirs = sharedCorpora('mail/lists');

/** Packs messages as a parse worker does and reads every one back; `chunk` is each piece's chunk's place. */
function roundTrip(msgs: ParsedMessage[], limit?: number) {
  const packed = packRaws(msgs, limit);
  const chunks = [...new Set(packed.map((p) => p.chunk))];
  const pieces = packed.map((p) => ({ ...p, chunk: chunks.indexOf(p.chunk) }));
  const back = packed.map((p, i) =>
    rawOfPiece(p.chunk, p.at, p.length, p.textAt === undefined ? null : msgs[i].text),
  );
  return { chunks, pieces, back };
}

/** Messages whose bytes came back different (a message split in Node is a Buffer: compared as bytes). */
const differing = (msgs: ParsedMessage[], back: Uint8Array[]) =>
  msgs.flatMap((m, i) => (Buffer.compare(back[i], m.raw) === 0 ? [] : [m.id]));

function mboxFiles(dir: string): Uint8Array[] {
  return readdirSync(dir)
    .filter((f) => /\.(mbox|mboxrd)(\.gz)?$/.test(f))
    .flatMap((f) => {
      const bytes = readFileSync(join(dir, f));
      return splitMbox(f.endsWith('.gz') ? gunzipSync(bytes) : bytes);
    });
}

describe('packing raw messages into chunks', () => {
  it('keeps only the header block of plain mail, and gives every message back exactly', async () => {
    const raws = readdirSync(join(projectRoot, 'tests/fixtures/mail')).flatMap((f) =>
      splitMbox(readFileSync(join(projectRoot, 'tests/fixtures/mail', f))),
    );
    const msgs = await Promise.all(raws.map((r) => parseMessage(r)));
    const { pieces, back } = roundTrip(msgs);
    expect(back).toHaveLength(msgs.length);
    expect(differing(msgs, back)).toEqual([]);
    const plain = msgs.filter((m) => m.textAt !== null);
    expect(plain.length).toBeGreaterThan(0);
    for (const [i, m] of msgs.entries())
      expect(pieces[i].length).toBe(m.textAt === null ? m.raw.length : m.textAt);
  });

  it('closes a chunk at its size, and puts a larger message in one alone', async () => {
    const msgs = await Promise.all(
      [40, 40, 300, 40].map((n, i) =>
        parseMessage(
          enc.encode(
            `Message-ID: <m${i}@x>\nSubject: s\nContent-Transfer-Encoding: base64\n\n${'QUJD'.repeat(n)}\n`,
          ),
        ),
      ),
    );
    const { chunks, pieces, back } = roundTrip(msgs, 500);
    expect(back).toHaveLength(msgs.length);
    expect(differing(msgs, back)).toEqual([]);
    expect(pieces.map((p) => [p.chunk, p.at])).toEqual([
      [0, 0],
      [0, msgs[0].raw.length],
      [1, 0],
      [2, 0],
    ]);
    expect(chunks.map((c) => c.length)).toEqual([
      msgs[0].raw.length + msgs[1].raw.length,
      msgs[2].raw.length,
      msgs[3].raw.length,
    ]);
  });

  it('tells a body whose text encodes back to its bytes from one that does not', () => {
    expect(textIsBody(enc.encode('Grüße\n'))).toBe(true);
    // windows-1252 (decoded as Café) does not encode back to its bytes.
    expect(textIsBody(Uint8Array.from([0x43, 0x61, 0x66, 0xe9]))).toBe(false);
    // A leading BOM is dropped by decoding.
    expect(textIsBody(Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0x69]))).toBe(false);
    // A BOM inside the body is kept by decoding, so it comes back.
    expect(textIsBody(Uint8Array.from([0x68, 0xef, 0xbb, 0xbf]))).toBe(true);
  });
});

describe.skipIf(!listDirs.length)('packing real list mail', () => {
  it('gives every message of the real lists back byte for byte', async () => {
    for (const dir of listDirs) {
      const msgs = await Promise.all(mboxFiles(dir).map((r) => parseMessage(r)));
      expect(msgs.length).toBeGreaterThan(10);
      const { chunks, back } = roundTrip(msgs);
      expect(differing(msgs, back)).toEqual([]);
      // Plain list mail keeps only its header block in the chunks.
      const total = msgs.reduce((n, m) => n + m.raw.length, 0);
      expect(chunks.reduce((n, c) => n + c.length, 0)).toBeLessThan(total);
    }
  }, 120_000);
});
