/** A parse worker: raw messages in, parsed records out, off the ingest worker's thread. */
import * as Comlink from 'comlink';
import { parseRaws, type ParsedChunk } from '../src/core/parse';
import { useMemoryBlob } from './memory-blob';

useMemoryBlob();

const api = {
  /** Parses a chunk of raw messages; the raw, chunk and term buffers travel back with the records. */
  async parse(raws: Uint8Array[]): Promise<ParsedChunk> {
    const chunk = await parseRaws(raws);
    // The term run and each raw chunk are shared by items: their buffers are listed once.
    const buffers = new Set<ArrayBuffer>();
    for (const m of chunk.items) {
      buffers.add(m.raw.buffer as ArrayBuffer);
      if (m.piece) buffers.add(m.piece.chunk.buffer);
      if (m.terms) buffers.add(m.terms.run.starts.buffer).add(m.terms.run.entries.buffer);
    }
    return Comlink.transfer(chunk, [...buffers]);
  },
};

/** The parse worker's API, as seen through Comlink. */
export type ParseApi = typeof api;

Comlink.expose(api);
