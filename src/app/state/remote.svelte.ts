/**
 * Remote inboxes in the UI: add and sync an inbox, open a thread by URL or
 * Message-ID. The work runs in an ingest worker; this holds what the views show.
 */
import { askPersistence } from '../../db/storage';
import * as Comlink from 'comlink';
import { ingest } from '../workers';
import type { PartialThread } from '../../db/partial';
import type { RoundResult, SyncProgress } from '../../db/remote';
import { router } from './route.svelte';

/** A failure shown inline, with what to do again. */
export interface ShownError {
  message: string;
  retry: () => void;
}

/** The app's base URL, which the proxy lives under (`_/HOST/PATH`). */
function appBase(): string {
  return document.baseURI;
}

function summary(r: RoundResult): string {
  const added = `${r.added} new message${r.added === 1 ? '' : 's'}`;
  const threads = `${r.threadsFetched} thread${r.threadsFetched === 1 ? '' : 's'} fetched`;
  const n = r.watched.replies;
  const watched = n ? `; ${n} new repl${n === 1 ? 'y' : 'ies'} in watched threads` : '';
  const failures = [...r.failures, ...r.watched.failures];
  if (!failures.length) return `Synced ${r.inbox}: ${threads}, ${added}${watched}.`;
  const f = failures.length;
  return `Synced ${r.inbox} in part: ${threads}, ${added}${watched}; ${f} failed. ${failures[0].message}`;
}

class RemoteState {
  /** The running sync, if any. */
  syncing = $state<{ inbox: string; progress: SyncProgress | null } | null>(null);
  syncNotice = $state<string | null>(null);
  syncError = $state<ShownError | null>(null);
  opening = $state<string | null>(null);
  /** An inbox just added, waiting for the reader to choose how much history to fetch. */
  adding = $state<string | null>(null);
  openError = $state<ShownError | null>(null);
  /** Partial threads being fetched again, by their Message-ID, and the last retry's failure. */
  retrying = $state.raw<ReadonlySet<string>>(new Set());
  retryError = $state.raw<{ msgid: string; message: string } | null>(null);
  private stopSync: AbortController | null = null;

  /** Adds an inbox by its URL and shows it, asking how much history to fetch. Resolves false when the URL was refused. */
  async add(url: string): Promise<boolean> {
    this.syncError = null;
    // Following an inbox is a real import: ask the browser to keep the data.
    void askPersistence();
    const r = await ingest.call((w) => w.addInbox(url));
    if (!r.ok) {
      this.syncError = { message: r.error.message, retry: () => void this.add(url) };
      return false;
    }
    router.go({ inbox: r.inbox, msgid: null, view: 'list' });
    this.adding = r.inbox;
    return true;
  }

  /**
   * Fetches what is new in a remote inbox and polls its watched threads. A sync
   * on its own (`quiet`) tells its outcome only in the inbox list.
   */
  async sync(inbox: string, { quiet = false } = {}): Promise<void> {
    if (this.syncing) return;
    const stop = (this.stopSync = new AbortController());
    this.syncError = null;
    this.syncNotice = null;
    this.syncing = { inbox, progress: null };
    const onProgress = Comlink.proxy((p: SyncProgress) => {
      if (this.stopSync === stop && this.syncing) this.syncing = { inbox, progress: p };
    });
    try {
      const feed = quiet ? 'if-synced' : 'always';
      const r = await ingest.call(
        (w, job) => w.syncInbox(job, inbox, appBase(), onProgress, feed),
        stop.signal,
      );
      if (quiet) return;
      if (r.error)
        this.syncError = { message: r.error.message, retry: () => void this.sync(inbox) };
      else this.syncNotice = r.cancelled ? `Sync of ${inbox} stopped.` : summary(r);
    } catch (e) {
      const message = `Sync failed: ${e instanceof Error ? e.message : String(e)}`;
      if (!quiet) this.syncError = { message, retry: () => void this.sync(inbox) };
    } finally {
      this.syncing = null;
    }
  }

  /** Stops the running sync after the threads in flight; what was stored stays. */
  cancelSync(): void {
    if (this.syncing) this.stopSync?.abort();
  }

  /** Opens a message by lore URL or Message-ID, fetching its thread when it is not cached. */
  async open(input: string): Promise<boolean> {
    this.openError = null;
    this.opening = input;
    try {
      const r = await ingest.call((w, job) => w.openThread(job, input, appBase()));
      if (!r.ok) {
        this.openError = { message: r.error.message, retry: () => void this.open(input) };
        return false;
      }
      router.go({ inbox: r.inbox, msgid: r.msgid, view: 'message' });
      return true;
    } catch (e) {
      const message = `Could not open it: ${e instanceof Error ? e.message : String(e)}`;
      this.openError = { message, retry: () => void this.open(input) };
      return false;
    } finally {
      this.opening = null;
    }
  }

  /** Fetches a partial thread again; its mark goes away once the whole thread is stored. */
  async retryPartial(p: PartialThread): Promise<void> {
    if (this.retrying.has(p.msgid)) return;
    this.retrying = new Set([...this.retrying, p.msgid]);
    if (this.retryError?.msgid === p.msgid) this.retryError = null;
    const done = Comlink.proxy(() => undefined);
    try {
      const r = await ingest.call((w, job) =>
        w.fetchThreads(job, p.inbox, [p.ids], appBase(), true, done),
      );
      const why = r.error?.message ?? r.failures[0]?.message;
      if (why) this.retryError = { msgid: p.msgid, message: why };
    } catch (e) {
      this.retryError = { msgid: p.msgid, message: e instanceof Error ? e.message : String(e) };
    } finally {
      this.retrying = new Set([...this.retrying].filter((id) => id !== p.msgid));
    }
  }

  dismiss(): void {
    this.syncNotice = null;
    this.syncError = null;
    this.openError = null;
  }
}

/** Remote-source state shared by the top bar's components. */
export const remote = new RemoteState();
