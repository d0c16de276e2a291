/**
 * The ingest worker: the app's one IndexedDB writer. It fetches or reads mail,
 * parses it in a pool of parse workers and stores it, and makes every other
 * write too (read marks, saved searches, deleting an inbox, restoring a backup,
 * the search index backlog), so the page and the search worker only read.
 */
import * as Comlink from 'comlink';
import {
  emptyProgress,
  ingestStream,
  type IngestProgress,
  type IngestResult,
} from '../src/db/ingest';
import type { Parser } from '../src/core/parse';
import type { ParseApi } from './parse';
import { parseBackupState, restoreBackup } from '../src/db/restore';
import { deleteInbox } from '../src/db/maintenance';
import { markRead, markThreadRead } from '../src/db/marks';
import { removeSavedSearch, saveSearch } from '../src/db/saved-searches';
import { unwatch } from '../src/db/watches';
import { getDB, type SearchCacheRow } from '../src/db/schema';
import { indexBacklog, saveDocCache } from '../src/db/search';
import { cancelJob, withJob } from './jobs';
import { proxiedUrl } from '../src/core/remote';
import {
  addRemoteInbox,
  backfill,
  backfillState,
  countSince,
  downloadWholeInbox,
  fetchThreads,
  openThread,
  probeInboxSize,
  serverSearch,
  startWatching,
  storedIds,
  syncRound,
  type FetchFn,
  type SyncProgress,
} from '../src/db/remote';

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
  importBlob(
    job: number,
    blob: Blob,
    inbox: string,
    onProgress: (p: IngestProgress) => void,
  ): Promise<IngestResult> {
    return withJob(job, (signal) => {
      const stream = blob.stream() as ReadableStream<Uint8Array>;
      return ingestStream(getDB(), stream, {
        inbox,
        totalBytes: blob.size,
        ...poolParser(),
        onProgress,
        signal,
      });
    });
  },

  /** Fetches a URL (same-origin or proxied) and imports it into an inbox. */
  importUrl(
    job: number,
    url: string,
    inbox: string,
    inboxUrl: string | null,
    onProgress: (p: IngestProgress) => void,
  ): Promise<IngestResult> {
    return withJob(job, async (signal) => {
      try {
        const { body, size } = await fetchStream(url);
        return await ingestStream(getDB(), body, {
          inbox,
          inboxUrl,
          totalBytes: size,
          ...poolParser(),
          onProgress,
          signal,
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
    });
  },

  /** Adds a remote inbox by its URL (no download yet). */
  addInbox(url: string) {
    return addRemoteInbox(getDB(), url);
  },

  /**
   * Syncs a remote inbox (new.atom, then each new thread) and polls its watched
   * threads, recording how it went. `appBase` locates the proxy; syncing on its
   * own asks `if-synced`, which leaves the feed of an inbox never synced alone.
   */
  syncInbox(
    job: number,
    inbox: string,
    appBase: string,
    onProgress: (p: SyncProgress) => void,
    feed: 'always' | 'if-synced' = 'always',
  ) {
    return withJob(job, (signal) =>
      syncRound(getDB(), inbox, viaProxy(appBase), { onProgress, signal, feed }),
    );
  },

  /** Watches the thread of a stored message, polling it once at once. */
  watchThread(msgid: string, inbox: string, appBase: string) {
    return startWatching(getDB(), msgid, inbox, viaProxy(appBase));
  },

  /** Stops watching a thread. */
  unwatchThread(id: string) {
    return unwatch(getDB(), id);
  },

  /** Remembers how often followed inboxes sync on their own (minutes; 0: never). */
  async setSyncMinutes(minutes: number): Promise<void> {
    await getDB().settings.put({ key: 'syncMinutes', value: minutes });
  },

  /** Shows a message from the cache, or fetches its thread first. */
  openThread(job: number, input: string, appBase: string) {
    return withJob(job, (signal) => openThread(getDB(), input, viaProxy(appBase), { signal }));
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
    return withJob(job, (signal) =>
      backfill(getDB(), inbox, from, to, viaProxy(appBase), { onProgress, signal }),
    );
  },

  /** Where the inbox's backfill stands (to offer "resume"). */
  backfillState(inbox: string) {
    return backfillState(getDB(), inbox);
  },

  /** Whether a remote inbox is small enough to download whole. */
  probeInboxSize(inbox: string, appBase: string) {
    return probeInboxSize(getDB(), inbox, viaProxy(appBase));
  },

  /** How many messages a remote inbox holds dated FROM or later (null: the server does not say). */
  countSince(inbox: string, fromMs: number, appBase: string) {
    return countSince(getDB(), inbox, fromMs, viaProxy(appBase));
  },

  /** Downloads a whole (small) remote inbox as all.mbox.gz. */
  downloadWholeInbox(
    job: number,
    inbox: string,
    appBase: string,
    onProgress: (p: SyncProgress) => void,
  ) {
    return withJob(job, (signal) =>
      downloadWholeInbox(getDB(), inbox, viaProxy(appBase), { onProgress, signal }),
    );
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
    return withJob(job, (signal) =>
      fetchThreads(getDB(), inbox, groups, viaProxy(appBase), { refetch, onProgress, signal }),
    );
  },

  /** Which of these Message-IDs are stored. */
  storedIds(ids: string[]) {
    return storedIds(getDB(), ids);
  },

  /** Marks messages of one thread read. */
  markRead(threadId: string, ids: string[]) {
    return markRead(getDB(), threadId, ids);
  },

  /** Marks every message of a thread read. */
  markThreadRead(threadId: string) {
    return markThreadRead(getDB(), threadId);
  },

  /** Saves a search for the sidebar (once per query and inbox). */
  saveSearch(query: string, inbox: string) {
    return saveSearch(getDB(), query, inbox);
  },

  /** Forgets a saved search. */
  removeSavedSearch(id: number) {
    return removeSavedSearch(getDB(), id);
  },

  /** Deletes an inbox and the messages no other inbox holds. */
  deleteInbox(name: string) {
    return deleteInbox(getDB(), name);
  },

  /** Restores a backup: its .json (as text, checked here) and its .mbox(.gz). */
  async restoreBackup(json: string, mail: Blob, onProgress: (messages: number) => void) {
    const state = parseBackupState(JSON.parse(json));
    return restoreBackup(getDB(), state, mail.stream() as ReadableStream<Uint8Array>, onProgress);
  },

  /** Remembers that the demo inbox was imported, so a later start does not import it again. */
  async markDemoImported(): Promise<void> {
    await getDB().settings.put({ key: 'demoImported', value: Date.now() });
  },

  /** Indexes mail stored before the index existed (the search worker asks, through the page). */
  indexBacklog(onProgress: (done: number, total: number) => void) {
    return indexBacklog(getDB(), undefined, onProgress);
  },

  /** Saves the search worker's table of posting numbers. */
  saveDocCache(row: SearchCacheRow) {
    return saveDocCache(getDB(), row);
  },

  /** Asks a running job to stop after the current message; committed batches stay. */
  cancel(job: number): void {
    cancelJob(job);
  },
};

/** The worker's API, as seen through Comlink. */
export type IngestApi = typeof api;

Comlink.expose(api);
