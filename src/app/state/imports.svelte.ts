/**
 * Bridge to the ingest worker (Squoosh style): one worker, typed calls,
 * cancel per job, and the visible state of the running or last import.
 */
import * as Comlink from 'comlink';
import { ingest, type IngestRemote } from '../workers';
import { suggestInboxName, type NameSource } from '../../core/inbox-name';
import type { IngestProgress, IngestResult } from '../../db/ingest';
import { askPersistence, importShortfall, storageInfo } from '../../db/storage';

export interface ImportJob {
  /** Aborted to stop the import. */
  stop: AbortController;
  label: string;
  progress: IngestProgress | null;
  /** Another job, in this tab or another, is writing; this one starts when it ends. */
  waiting: boolean;
  result: IngestResult | null;
  /** After a full disk stopped the import: bytes more it needs (null: unknown). */
  spaceNeeded?: number | null;
}

/** Files waiting for the reader to say which inbox they go into. */
export interface PendingImport {
  files: File[];
  /** A new inbox's name from the files' List-Id or name; null while their first messages are read. */
  suggestion: { name: string; source: NameSource } | null;
}

class Imports {
  job = $state<ImportJob | null>(null);
  pending = $state.raw<PendingImport | null>(null);

  private async run(
    label: string,
    call: (
      w: IngestRemote,
      job: number,
      onProgress: (p: IngestProgress) => void,
      onWait: () => void,
    ) => Promise<IngestResult>,
  ): Promise<IngestResult> {
    const stop = new AbortController();
    const job: ImportJob = { stop, label, progress: null, waiting: false, result: null };
    this.job = job;
    const onProgress = Comlink.proxy((p: IngestProgress) => {
      if (this.job?.stop === stop) this.job = { ...this.job, progress: p, waiting: false };
    });
    const onWait = Comlink.proxy(() => {
      if (this.job?.stop === stop) this.job = { ...this.job, waiting: true };
    });
    const before = storageInfo();
    const result = await ingest.call((w, id) => call(w, id, onProgress, onWait), stop.signal);
    const spaceNeeded = result.quota
      ? await importShortfall((await before).usage, result, /\.gz\b/i.test(label))
      : undefined;
    if (this.job?.stop === stop)
      this.job = { ...this.job, progress: result, waiting: false, result, spaceNeeded };
    return result;
  }

  /**
   * Asks where picked or dropped files go. A new inbox's name is suggested from
   * the List-Id most of their first messages carry (read in the worker), else
   * from the first file's name.
   */
  async ask(files: File[]): Promise<void> {
    const pending: PendingImport = { files, suggestion: null };
    this.pending = pending;
    // Without a List-Id (or a worker) the name comes from the file name.
    const ids = await ingest.call((w) => w.sampleListIds(files)).catch(() => []);
    if (this.pending !== pending) return;
    const names = files.map((f) => f.name);
    this.pending = { files, suggestion: suggestInboxName(ids, names) };
  }

  /** Imports the waiting files into `inbox`, new or existing. */
  confirm(inbox: string): void {
    const files = this.pending?.files;
    this.pending = null;
    if (files) void this.importFiles(files, inbox);
  }

  /** Drops the waiting files without importing them. */
  cancelPending(): void {
    this.pending = null;
  }

  /** Imports local files (mbox, mbox.gz, .eml) into one inbox, one after another. */
  async importFiles(files: File[], inbox: string): Promise<void> {
    void askPersistence();
    for (const f of files) {
      const r = await this.run(f.name, (w, id, cb, wait) => w.importBlob(id, f, inbox, cb, wait));
      if (r.error || r.cancelled) break;
    }
  }

  /** Fetches a URL and imports it. */
  importUrl(
    url: string,
    inbox: string,
    inboxUrl: string | null,
    label = url,
  ): Promise<IngestResult> {
    return this.run(label, (w, id, cb, wait) => w.importUrl(id, url, inbox, inboxUrl, cb, wait));
  }

  /** Stops the running job; batches already stored stay. */
  cancel(): void {
    if (this.job && !this.job.result) this.job.stop.abort();
  }

  dismiss(): void {
    if (this.job?.result) this.job = null;
  }
}

/** Import state shared by the views. */
export const imports = new Imports();
