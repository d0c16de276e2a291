/** The ingest worker: fetch or read mail, parse and store it off the UI thread. */
import * as Comlink from 'comlink';
import {
  emptyProgress,
  ingestStream,
  type IngestProgress,
  type IngestResult,
  type Parser,
} from '../src/db/ingest';
import type { ParseApi } from './parse';
import { getDB } from '../src/db/schema';
import { proxiedUrl } from '../src/core/remote';
import {
  addRemoteInbox,
  backfill,
  backfillState,
  downloadWholeInbox,
  fetchThreads,
  openThread,
  probeInboxSize,
  serverSearch,
  storedIds,
  syncInbox,
  type FetchFn,
  type SyncProgress,
} from '../src/db/remote';

const cancelled = new Set<number>();

// One core stores while the others parse: a pool of parse workers, made on first use.
const POOL = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
let pool: Comlink.Remote<ParseApi>[] | null = null;
let turn = 0;

function poolParser(): { parse: Parser; parallel: number } {
  pool ??= Array.from({ length: POOL }, (_, i) =>
    Comlink.wrap<ParseApi>(
      new Worker(new URL('./parse.ts', import.meta.url), { type: 'module', name: `parse-${i}` }),
    ),
  );
  const workers = pool;
  const parse: Parser = (raws) =>
    workers[turn++ % workers.length].parse(
      Comlink.transfer(
        raws,
        raws.map((r) => r.buffer as ArrayBuffer),
      ),
    );
  return { parse, parallel: POOL };
}

async function fetchStream(
  url: string,
): Promise<{ body: ReadableStream<Uint8Array>; size: number | null }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`.trim());
  if (!res.body) throw new Error(`${url} sent no body`);
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('text/html')) throw new Error(`${url} sent an HTML page instead of mail`);
  const len = Number(res.headers.get('content-length'));
  return { body: res.body, size: Number.isFinite(len) && len > 0 ? len : null };
}

/** Fetches remote URLs through the app's same-origin proxy (public-inbox sends no CORS headers). */
function viaProxy(appBase: string): FetchFn {
  return (url, init) => fetch(proxiedUrl(url, appBase), init);
}

const api = {
  /** Imports a File/Blob (mbox, mbox.gz, .eml) into an inbox. */
  async importBlob(
    job: number,
    blob: Blob,
    inbox: string,
    onProgress: (p: IngestProgress) => void,
  ): Promise<IngestResult> {
    const stream = blob.stream() as ReadableStream<Uint8Array>;
    return ingestStream(getDB(), stream, {
      inbox,
      totalBytes: blob.size,
      ...poolParser(),
      onProgress,
      isCancelled: () => cancelled.has(job),
    });
  },

  /** Fetches a URL (same-origin or proxied) and imports it into an inbox. */
  async importUrl(
    job: number,
    url: string,
    inbox: string,
    inboxUrl: string | null,
    onProgress: (p: IngestProgress) => void,
  ): Promise<IngestResult> {
    try {
      const { body, size } = await fetchStream(url);
      return await ingestStream(getDB(), body, {
        inbox,
        inboxUrl,
        totalBytes: size,
        ...poolParser(),
        onProgress,
        isCancelled: () => cancelled.has(job),
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      return {
        ...emptyProgress(),
        cancelled: false,
        error: `Could not fetch: ${error}`,
        lost: 0,
        quota: false,
      };
    }
  },

  /** Adds a remote inbox by its URL (no download yet). */
  addInbox(url: string) {
    return addRemoteInbox(getDB(), url);
  },

  /** Syncs a remote inbox: new.atom, then each new thread. `appBase` locates the proxy. */
  syncInbox(job: number, inbox: string, appBase: string, onProgress: (p: SyncProgress) => void) {
    return syncInbox(getDB(), inbox, viaProxy(appBase), onProgress, () => cancelled.has(job));
  },

  /** Shows a message from the cache, or fetches its thread first. */
  openThread(job: number, input: string, appBase: string) {
    return openThread(getDB(), input, viaProxy(appBase), { isCancelled: () => cancelled.has(job) });
  },

  /** Fetches older mail of a remote inbox by date windows; resumes where it stopped. */
  backfill(
    job: number,
    inbox: string,
    from: number,
    to: number,
    appBase: string,
    onProgress: (p: SyncProgress) => void,
  ) {
    return backfill(getDB(), inbox, from, to, viaProxy(appBase), {
      onProgress,
      isCancelled: () => cancelled.has(job),
    });
  },

  /** Where the inbox's backfill stands (to offer "resume"). */
  backfillState(inbox: string) {
    return backfillState(getDB(), inbox);
  },

  /** Whether a remote inbox is small enough to download whole. */
  probeInboxSize(inbox: string, appBase: string) {
    return probeInboxSize(getDB(), inbox, viaProxy(appBase));
  },

  /** Downloads a whole (small) remote inbox as all.mbox.gz. */
  downloadWholeInbox(
    job: number,
    inbox: string,
    appBase: string,
    onProgress: (p: SyncProgress) => void,
  ) {
    return downloadWholeInbox(getDB(), inbox, viaProxy(appBase), {
      onProgress,
      isCancelled: () => cancelled.has(job),
    });
  },

  /** Runs a query on the inbox's server; says which hits are stored already. */
  serverSearch(inbox: string, query: string, appBase: string, relevance: boolean) {
    return serverSearch(getDB(), inbox, query, viaProxy(appBase), { relevance });
  },

  /** Fetches whole threads, one per group of Message-IDs (`refetch` also when all are stored). */
  fetchThreads(
    job: number,
    inbox: string,
    groups: string[][],
    appBase: string,
    refetch: boolean,
    onProgress: (p: SyncProgress) => void,
  ) {
    return fetchThreads(getDB(), inbox, groups, viaProxy(appBase), {
      refetch,
      onProgress,
      isCancelled: () => cancelled.has(job),
    });
  },

  /** Which of these Message-IDs are stored. */
  storedIds(ids: string[]) {
    return storedIds(getDB(), ids);
  },

  /** Asks a running job to stop after the current message; committed batches stay. */
  cancel(job: number): void {
    cancelled.add(job);
  },
};

/** The worker's API, as seen through Comlink. */
export type IngestApi = typeof api;

Comlink.expose(api);
