import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/core/message';
import { useMemoryBlob } from '../../../workers/memory-blob';
import { sharedCorpus } from '../shared';

const nativeBlob = globalThis.Blob;
afterEach(() => {
  globalThis.Blob = nativeBlob;
});

const edge = sharedCorpus('mail/mime-edge');

describe('the parse worker’s in-memory Blob', () => {
  it('joins strings, byte arrays and views into the bytes a native Blob holds', async () => {
    const parts: BlobPart[] = [
      'héllo\n',
      new Uint8Array([1, 2, 3]),
      new Uint8Array([9, 8, 7, 6]).subarray(1, 3),
    ];
    const want = new Uint8Array(await new Blob(parts).arrayBuffer());
    useMemoryBlob();
    const blob = new Blob(parts, { type: 'Application/Octet-Stream' });
    expect(blob.size).toBe(want.length);
    expect(blob.type).toBe('application/octet-stream');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(want);
    expect(new Uint8Array(await blob.slice(1, 4).arrayBuffer())).toEqual(want.slice(1, 4));
  });

  it.skipIf(!edge)('parses every MIME edge case exactly as with the native Blob', async () => {
    const dir = edge as string;
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.eml'),
    );
    expect(files.length).toBeGreaterThan(20);
    const raws = files.map((f) => new Uint8Array(readFileSync(join(dir, f))));
    const now = Date.UTC(2026, 0, 1);
    const native = await Promise.all(raws.map((r) => parseMessage(r, now)));
    useMemoryBlob();
    // postal-mime must reach the Blob of the global scope at call time, or this proves nothing.
    let made = 0;
    const Memory = globalThis.Blob;
    globalThis.Blob = class extends Memory {
      constructor(...args: ConstructorParameters<typeof Blob>) {
        super(...args);
        made++;
      }
    };
    const inMemory = await Promise.all(raws.map((r) => parseMessage(r, now)));
    expect(made).toBeGreaterThan(50);
    expect(inMemory).toEqual(native);
  });
});
