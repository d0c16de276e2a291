/** A parse worker: raw messages in, parsed records out, off the ingest worker's thread. */
import * as Comlink from 'comlink';
import { parseRaws, type ParsedChunk } from '../src/db/ingest';
import { useMemoryBlob } from './memory-blob';

useMemoryBlob();

const api = {
  /** Parses a chunk of raw messages; the raw buffers travel back with the records. */
  async parse(raws: Uint8Array[]): Promise<ParsedChunk> {
    const chunk = await parseRaws(raws);
    return Comlink.transfer(
      chunk,
      chunk.items.map((m) => m.raw.buffer as ArrayBuffer),
    );
  },
};

/** The parse worker's API, as seen through Comlink. */
export type ParseApi = typeof api;

Comlink.expose(api);
