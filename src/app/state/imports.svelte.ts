/**
 * Bridge to the ingest worker (Squoosh style): one worker, typed calls,
 * cancel per job, and the visible state of the running or last import.
 */
import * as Comlink from 'comlink';
import { ingestWorker, nextJob } from '../workers';
import { ALL } from '../../core/constants';
import { router } from './route.svelte';
import type { IngestProgress, IngestResult } from '../../db/ingest';
import { askPersistence, importShortfall, storageInfo } from '../../db/maintenance';

export interface ImportJob {
  id: number;
  label: string;
  progress: IngestProgress | null;
  result: IngestResult | null;
  /** After a full disk stopped the import: bytes more it needs (null: unknown). */
  spaceNeeded?: number | null;
}

const api = ingestWorker;

class Imports {
  job = $state<ImportJob | null>(null);

  private async run(
    label: string,
    call: (id: number, onProgress: (p: IngestProgress) => void) => Promise<IngestResult>,
  ): Promise<IngestResult> {
    const id = nextJob();
    const job: ImportJob = { id, label, progress: null, result: null };
    this.job = job;
    const onProgress = Comlink.proxy((p: IngestProgress) => {
      if (this.job?.id === id) this.job = { ...this.job, progress: p };
    });
    const before = storageInfo();
    const result = await call(id, onProgress);
    const spaceNeeded = result.quota
      ? await importShortfall((await before).usage, result, /\.gz\b/i.test(label))
      : undefined;
    if (this.job?.id === id) this.job = { ...this.job, progress: result, result, spaceNeeded };
    return result;
  }

  /** Imports files into the inbox being viewed ("local" from the all-inboxes view). */
  importHere(files: File[]): Promise<void> {
    const { inbox } = router.route;
    return this.importFiles(files, inbox === ALL ? 'local' : inbox);
  }

  /** Imports local files (mbox, mbox.gz, .eml) into one inbox, one after another. */
  async importFiles(files: File[], inbox: string): Promise<void> {
    void askPersistence();
    for (const f of files) {
      const r = await this.run(f.name, (id, cb) => api().importBlob(id, f, inbox, cb));
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
    return this.run(label, (id, cb) => api().importUrl(id, url, inbox, inboxUrl, cb));
  }

  /** Stops the running job; batches already stored stay. */
  cancel(): void {
    if (this.job && !this.job.result) void api().cancel(this.job.id);
  }

  dismiss(): void {
    if (this.job?.result) this.job = null;
  }
}

/** Import state shared by the views. */
export const imports = new Imports();
