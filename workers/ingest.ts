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
import {
  removeSavedSearch,
  saveSearch,
  setSavedSearchServer,
  visitSavedSearch,
} from '../src/db/saved-searches';
import { unwatch } from '../src/db/watches';
import { getDB } from '../src/db/schema';
import { indexBacklog, saveDocCache } from '../src/db/search';
import { fromJsonBytes } from '../src/core/json-bytes';
import type { DocCacheBytes } from './search';
import { cancelJob, exclusively, withJob, writeJob } from './jobs';
import { parseRemoteInput, proxiedUrl } from '../src/core/remote';
import { sampleListIds } from '../src/core/list-ids';
import {
  addRemoteInbox,
  backfill,
  backfillState,
  countSince,
  downloadWholeInbox,
  fetchThreads,
  openThread,
  probeInboxSize,
  notPulled,
  pullSavedSearch,
  serverSearch,
  startWatching,
  storedHits,
  syncRound,
  noRound,
  type BackfillResult,
  type FetchFn,
  type SyncProgress,
  type ThreadsResult,
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

/** An import that stored nothing: it failed before reading, or was cancelled waiting to write. */
function importEnded(
  totalBytes: number | null,
  how: { error: string } | { cancelled: true },
): IngestResult {
  return {
    ...emptyProgress(totalBytes),
    cancelled: false,
    error: null,
    lost: 0,
    quota: false,
    ...how,
  };
}

/** Remote jobs cancelled while waiting to write: nothing was fetched or stored. */
const notBackfilled = (inbox: string): BackfillResult => ({
  inbox,
  windowsDone: 0,
  windowsTotal: 0,
  added: 0,
  cancelled: true,
  error: null,
});
const notFetched = (groups: string[][]): ThreadsResult & { error: null } => ({
  fetched: 0,
  skipped: 0,
  added: 0,
  cancelled: true,
  failures: [],
  failedIds: groups.flat(),
  error: null,
});

const api = {
  /** Imports a File/Blob (mbox, mbox.gz, .eml) into an inbox. */
  importBlob(
    job: number,
    blob: Blob,
    inbox: string,
    onProgress: (p: IngestProgress) => void,
    onWait: () => void,
  ): Promise<IngestResult> {
    const run = (signal: AbortSignal) => {
      const stream = blob.stream() as ReadableStream<Uint8Array>;
      return ingestStream(getDB(), stream, {
        inbox,
        totalBytes: blob.size,
        ...poolParser(),
        onProgress,
        signal,
      });
    };
    return writeJob(job, run, {
      onWait,
      cancelled: () => importEnded(blob.size, { cancelled: true }),
    });
  },

  /** The List-Ids of the first messages of each file (to name the inbox they go into). */
  async sampleListIds(files: Blob[]): Promise<(string | null)[]> {
    // A file that cannot be read gives no List-Id; its import then says what is wrong.
    const all = await Promise.all(
      files.map((f) => sampleListIds(f.stream() as ReadableStream<Uint8Array>).catch(() => [])),
    );
    return all.flat();
  },

  /** Fetches a URL (same-origin or proxied) and imports it into an inbox. */
  importUrl(
    job: number,
    url: string,
    inbox: string,
    inboxUrl: string | null,
    onProgress: (p: IngestProgress) => void,
    onWait: () => void,
  ): Promise<IngestResult> {
    const run = async (signal: AbortSignal) => {
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
        return importEnded(null, { error: `Could not fetch: ${error}` });
      }
    };
    return writeJob(job, run, { onWait, cancelled: () => importEnded(null, { cancelled: true }) });
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
    const run = (signal: AbortSignal) =>
      syncRound(getDB(), inbox, viaProxy(appBase), { onProgress, signal, feed });
    return writeJob(job, run, { cancelled: () => noRound(inbox) });
  },

  /** Watches the thread of a stored message, polling it once at once. */
  watchThread(msgid: string, inbox: string, appBase: string) {
    return exclusively(() => startWatching(getDB(), msgid, inbox, viaProxy(appBase)));
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
    return withJob(job, async (signal) => {
      const open = () => openThread(getDB(), input, viaProxy(appBase), { signal });
      // A stored message opens without a write, so it need not wait for another job's.
      const parsed = parseRemoteInput(input);
      const msgid = parsed.ok ? parsed.ref.msgid : null;
      const stored = msgid ? (await getDB().messages.get(msgid)) !== undefined : false;
      return stored ? open() : exclusively(open);
    });
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
    const run = (signal: AbortSignal) =>
      backfill(getDB(), inbox, from, to, viaProxy(appBase), { onProgress, signal });
    return writeJob(job, run, { cancelled: () => notBackfilled(inbox) });
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
    const run = (signal: AbortSignal) =>
      downloadWholeInbox(getDB(), inbox, viaProxy(appBase), { onProgress, signal });
    return writeJob(job, run, { cancelled: () => notBackfilled(inbox) });
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
    const run = (signal: AbortSignal) =>
      fetchThreads(getDB(), inbox, groups, viaProxy(appBase), { refetch, onProgress, signal });
    return writeJob(job, run, { cancelled: () => notFetched(groups) });
  },

  /** Which of these Message-IDs are stored, with the crash each reports. */
  storedHits(ids: string[]) {
    return storedHits(getDB(), ids);
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

  /** Runs a saved search on its inbox's server, fetching the threads of new matches. */
  pullSavedSearch(job: number, id: number, appBase: string, onProgress: (p: SyncProgress) => void) {
    const run = (signal: AbortSignal) =>
      pullSavedSearch(getDB(), id, viaProxy(appBase), { onProgress, signal });
    return writeJob(job, run, { cancelled: () => notPulled(id, true) });
  },

  /** Turns running a saved search on its inbox's server on or off. */
  setSavedSearchServer(id: number, on: boolean) {
    return setSavedSearchServer(getDB(), id, on);
  },

  /** The reader opened a saved search: its new matches are no longer new. */
  visitSavedSearch(id: number) {
    return visitSavedSearch(getDB(), id);
  },

  /** Forgets a saved search. */
  removeSavedSearch(id: number) {
    return removeSavedSearch(getDB(), id);
  },

  /** Deletes an inbox and the messages no other inbox holds. */
  deleteInbox(name: string) {
    return exclusively(() => deleteInbox(getDB(), name));
  },

  /** Restores a backup: its .json (as text, checked here) and its .mbox(.gz). */
  async restoreBackup(json: string, mail: Blob, onProgress: (messages: number) => void) {
    const state = parseBackupState(JSON.parse(json));
    const stream = mail.stream() as ReadableStream<Uint8Array>;
    return exclusively(() => restoreBackup(getDB(), state, stream, onProgress));
  },

  /** Remembers that the demo inbox was imported, so a later start does not import it again. */
  async markDemoImported(): Promise<void> {
    await getDB().settings.put({ key: 'demoImported', value: Date.now() });
  },

  /**
   * Indexes mail stored before the index existed (the search worker asks, through
   * the page, before its first query). Without the write lock, so a search never
   * waits for an import: each batch checks inside its own transaction what is
   * indexed already, and an import indexes what it stores.
   */
  indexBacklog(onProgress: (done: number, total: number) => void) {
    return indexBacklog(getDB(), undefined, onProgress);
  },

  /** Saves the search worker's table of posting numbers. */
  saveDocCache(row: DocCacheBytes) {
    return saveDocCache(getDB(), { ...row, ids: fromJsonBytes<string[]>(row.ids) });
  },

  /** Asks a running job to stop after the current message; committed batches stay. */
  cancel(job: number): void {
    cancelJob(job);
  },
};

/** The worker's API, as seen through Comlink. */
export type IngestApi = typeof api;

Comlink.expose(api);
