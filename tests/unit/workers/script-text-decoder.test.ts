import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { headerEnd } from '../../../src/core/headers';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { sharedCorpus } from '../shared';

const BrowserTextDecoder = globalThis.TextDecoder;
afterEach(() => {
  globalThis.TextDecoder = BrowserTextDecoder;
  vi.resetModules();
});

/** Installs the parse worker's decoder the way the worker does: by loading its module. */
async function install(): Promise<typeof TextDecoder> {
  vi.resetModules();
  await import('../../../workers/script-text-decoder');
  expect(globalThis.TextDecoder).not.toBe(BrowserTextDecoder);
  return globalThis.TextDecoder;
}

const enc = new TextEncoder();
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...enc.encode(p)] : p)));

/** Decodes one sequence of calls with a decoder, or the error it throws. */
function run(
  Decoder: typeof TextDecoder,
  label: string,
  options: TextDecoderOptions,
  calls: [Uint8Array, boolean][],
): string[] | string {
  const d = new Decoder(label, options);
  try {
    return calls.map(([input, stream]) => d.decode(input, { stream }));
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
}

describe('the parse worker’s TextDecoder', () => {
  it('decodes what the browser’s decoder decodes, call for call', async () => {
    const Script = await install();
    const base64Line = 'dGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw==\r\n';
    const cases: [string, TextDecoderOptions, [Uint8Array, boolean][]][] = [
      ['utf-8', {}, [[bytes(base64Line), false]]],
      ['utf8', { ignoreBOM: true }, [[bytes('Subject: [PATCH] mm: fix\r\n'), false]]],
      ['utf-8', {}, [[bytes([0xef, 0xbb, 0xbf], 'BOM first'), false]]],
      ['utf-8', { fatal: true }, [[bytes('caf', [0xe9]), false]]],
      ['utf-8', {}, [[bytes('caf', [0xe9]), false]]],
      ['windows-1252', {}, [[bytes('caf', [0xe9], ' au lait'), false]]],
      ['latin1', {}, [[bytes('plain ascii'), false]]],
      ['utf-16le', {}, [[bytes('a', [0], 'b', [0]), false]]],
      ['utf-8', {}, [[bytes('x'.repeat(5000)), false]]],
      // A character cut between streamed calls: the next call, ASCII or not, finishes it.
      [
        'utf-8',
        {},
        [
          [bytes('Gr', [0xc3]), true],
          [bytes([0xbc], 'sse'), false],
          [bytes('ascii after'), false],
        ],
      ],
      [
        'utf-8',
        {},
        [
          [bytes('cut ', [0xe2, 0x82]), true],
          [bytes('plain'), false],
        ],
      ],
    ];
    for (const [label, options, calls] of cases) {
      expect(run(Script, label, options, calls), label).toEqual(
        run(BrowserTextDecoder, label, options, calls),
      );
    }
  });

  const edge = sharedCorpus('mail/mime-edge');
  const lists = sharedCorpus('mail/lists');

  it.skipIf(!edge || !lists)(
    'parses MIME edge cases and real list mail exactly as with the browser’s decoder',
    async () => {
      const raws: Uint8Array[] = readdirSync(edge as string, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.eml'))
        .map((f) => new Uint8Array(readFileSync(join(edge as string, f))));
      // Of the lists, the MIME messages postal-mime reads (signed, with attachments).
      const multipart = /^content-type:[ \t]*multipart\//im;
      for (const f of readdirSync(lists as string))
        for (const raw of splitMbox(gunzipSync(readFileSync(join(lists as string, f)))))
          if (multipart.test(new TextDecoder().decode(raw.subarray(0, headerEnd(raw).headEnd))))
            raws.push(raw);
      const now = Date.UTC(2026, 0, 1);
      // The raw bytes are the input itself: compare everything else, as one text (fast).
      const parsed = async (parse: typeof parseMessage) =>
        JSON.stringify(
          await Promise.all(raws.map(async (r) => ({ ...(await parse(r, now)), raw: 0 }))),
        );
      const browser = await parsed(parseMessage);

      const Script = await install();
      // postal-mime makes decoders as it loads and per part: count what reaches this one.
      let calls = 0;
      globalThis.TextDecoder = class extends Script {
        override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
          calls++;
          return super.decode(input, options);
        }
      };
      const fresh = await import('../../../src/core/message');
      const script = await parsed(fresh.parseMessage);
      expect(raws.length).toBeGreaterThan(200);
      expect(calls).toBeGreaterThan(10_000);
      expect(script === browser).toBe(true);
    },
  );
});
