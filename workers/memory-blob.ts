/**
 * An in-memory Blob for the parse worker. postal-mime joins every decoded MIME
 * part with `new Blob(parts).arrayBuffer()`; in Chromium each of those is a
 * round trip to the browser process's blob registry, which made a MIME message
 * cost 2.8 ms to parse instead of 0.56 ms (10,000 generated messages, 1,273 of
 * them MIME). Blobs made in the parse worker never leave it (it returns plain
 * records and byte arrays), so joining the parts in memory is exact here.
 */
const encoder = new TextEncoder();

function bytesOf(part: BlobPart): Uint8Array {
  if (typeof part === 'string') return encoder.encode(part);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part))
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  if (part instanceof MemoryBlob) return part.bytes;
  throw new TypeError('MemoryBlob: unsupported part');
}

class MemoryBlob {
  readonly bytes: Uint8Array;
  readonly type: string;

  constructor(parts: BlobPart[] = [], options: BlobPropertyBag = {}) {
    const list = parts.map(bytesOf);
    this.bytes = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of list) {
      this.bytes.set(p, at);
      at += p.length;
    }
    this.type = (options.type ?? '').toLowerCase();
  }

  get size(): number {
    return this.bytes.length;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.slice().buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.bytes);
  }

  slice(start = 0, end = this.bytes.length, type = ''): MemoryBlob {
    return new MemoryBlob([this.bytes.slice(start, end)], { type });
  }

  get [Symbol.toStringTag](): string {
    return 'Blob';
  }
}

/** Replaces the worker's Blob with MemoryBlob; call once, before any parsing. */
export function useMemoryBlob(): void {
  // The parse worker only needs what postal-mime calls: constructor, size, arrayBuffer.
  (globalThis as unknown as { Blob: unknown }).Blob = MemoryBlob;
}
