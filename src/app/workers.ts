/**
 * The page's side of the app's two workers. Each is started on first use and
 * shared by every view; a call may take an AbortSignal, whose abort asks the
 * worker to stop that job at its next safe point (the call still answers,
 * saying it was cancelled). The ingest worker, the one writer, is ended after
 * a while with no call in flight and started again by the next one; the search
 * worker is kept, since the posting numbers and rows it holds are what make a
 * query after the first one fast.
 */
import * as Comlink from 'comlink';
import type { IngestApi } from '../../workers/ingest';
import type { IndexWriter, SearchApi } from '../../workers/search';
import type { SeriesApi } from '../../workers/series';

/** An idle ingest worker is ended after this long (its parse pool with it). */
const INGEST_IDLE_MS = 30_000;

let job = 1;

/** A worker started on demand, whose jobs can be stopped by an AbortSignal. */
class WorkerBridge<Api extends { cancel(job: number): void }> {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<Api> | null = null;
  private busy = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly start: () => Worker,
    private readonly idleMs: number | null,
    private readonly onStart?: (api: Comlink.Remote<Api>) => void,
  ) {}

  /** Runs `f` with the worker and a job id unique across the app's workers. */
  async call<R>(
    f: (api: Comlink.Remote<Api>, job: number) => R,
    signal?: AbortSignal,
  ): Promise<Awaited<R>> {
    const api = this.api();
    const id = job++;
    this.busy++;
    clearTimeout(this.idle);
    // The call goes out first, so the worker knows the job when a cancel arrives.
    const result = f(api, id);
    const stop = () => void (api as Comlink.Remote<{ cancel(job: number): void }>).cancel(id);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    try {
      return await result;
    } finally {
      signal?.removeEventListener('abort', stop);
      if (--this.busy === 0 && this.idleMs !== null)
        this.idle = setTimeout(() => this.stop(), this.idleMs);
    }
  }

  /** Passes `f` a note for the worker only when it is running: one not started has nothing to hear it. */
  tell(f: (api: Comlink.Remote<Api>) => unknown): void {
    if (this.remote) void f(this.remote);
  }

  private api(): Comlink.Remote<Api> {
    if (!this.remote) {
      this.worker = this.start();
      this.remote = Comlink.wrap<Api>(this.worker);
      this.onStart?.(this.remote);
    }
    return this.remote;
  }

  private stop(): void {
    this.remote?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }
}

/** The ingest worker's API as the page calls it. */
export type IngestRemote = Comlink.Remote<IngestApi>;

/** The ingest worker: imports, sync, backfill, and every other IndexedDB write. */
export const ingest = new WorkerBridge<IngestApi>(
  () =>
    new Worker(new URL('../../workers/ingest.ts', import.meta.url), {
      type: 'module',
      name: 'ingest',
    }),
  INGEST_IDLE_MS,
);

/** The search worker's writes go to the ingest worker through the page. */
const indexWriter: IndexWriter = {
  indexBacklog: (onProgress) =>
    ingest.call((w) =>
      w.indexBacklog(Comlink.proxy((done: number, total: number) => void onProgress(done, total))),
    ),
  // Passed on as it came: the ids' bytes move on without a copy on this thread.
  saveDocCache: (row) =>
    ingest.call((w) => w.saveDocCache(Comlink.transfer(row, [row.ids.buffer]))),
};

/** The search worker: local queries and saved-search counts. */
export const search = new WorkerBridge<SearchApi>(
  () =>
    new Worker(new URL('../../workers/search.ts', import.meta.url), {
      type: 'module',
      name: 'search',
    }),
  null,
  (api) => void api.connect(Comlink.proxy(indexWriter)),
);

let series: Comlink.Remote<SeriesApi> | null = null;

/**
 * The series worker: range-diffs. A range-diff runs to its end once started
 * (it is one synchronous computation), so a view that no longer wants it
 * drops the result rather than cancelling it.
 */
export function seriesWorker(): Comlink.Remote<SeriesApi> {
  series ??= Comlink.wrap<SeriesApi>(
    new Worker(new URL('../../workers/series.ts', import.meta.url), {
      type: 'module',
      name: 'series',
    }),
  );
  return series;
}
