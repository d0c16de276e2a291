/**
 * Bridge to the search worker: one query at a time (a new one cancels the old),
 * hits streamed in as the worker verifies them, and saved-search counts.
 */
import * as Comlink from 'comlink';
import { search as worker } from '../workers';
import type { QueryError } from '../../core/query';
import type { SearchHit, SearchOrder, SearchSummary } from '../../db/search';

/** How many results a page adds. */
export const PAGE = 100;

/** A scroll is passed on to the search worker at most this often (its gate waits 500 ms after). */
const SCROLL_NOTE_MS = 100;

class SearchState {
  hits = $state.raw<SearchHit[]>([]);
  summary = $state.raw<SearchSummary | null>(null);
  error = $state.raw<QueryError | null>(null);
  running = $state(false);
  /** Mail stored before the index existed being indexed (the query waits for it). */
  indexing = $state.raw<{ done: number; total: number } | null>(null);
  /** Every match of the query when the page shows only some (null: not counted yet). */
  total = $state<number | null>(null);
  order = $state<SearchOrder>('relevance');
  limit = $state(PAGE);
  private job = 0;
  private stop: AbortController | null = null;
  private onHits = Comlink.proxy((job: number, hits: SearchHit[]) => {
    if (job === this.job) this.hits = [...this.hits, ...hits];
  });

  /** Starts a query (cancelling the previous one); a malformed query only sets `error`. */
  async run(query: string, inbox: string): Promise<void> {
    this.stop?.abort();
    const stop = (this.stop = new AbortController());
    const mine = () => this.stop === stop;
    const now = Date.now();
    this.job = 0; // hits still streaming from the previous query are dropped
    this.hits = [];
    this.summary = null;
    this.total = null;
    // The query parser loads with the first query, not with the shell.
    const { parseQuery } = await import('../../core/query');
    if (!mine()) return;
    const parsed = parseQuery(query, now);
    if (!parsed.ok) {
      this.error = parsed.error;
      this.running = false;
      return;
    }
    this.error = null;
    this.running = true;
    const poll = setInterval(() => {
      void worker
        .call((w) => w.indexing())
        .then((at) => {
          if (mine()) this.indexing = at;
        });
    }, 500);
    try {
      const req = { query, inbox, order: this.order, limit: this.limit, now };
      const r = await worker.call((w, job) => {
        this.job = job;
        return w.search(job, req, this.onHits);
      }, stop.signal);
      if (!mine()) return;
      if (r.ok) {
        this.summary = r.summary;
        if (r.summary.more) void this.count(stop, { query, inbox, now });
      } else this.error = r.error;
    } catch (e) {
      if (mine()) this.error = { message: e instanceof Error ? e.message : String(e), offset: 0 };
    } finally {
      clearInterval(poll);
      if (mine()) {
        this.running = false;
        this.indexing = null;
      }
    }
  }

  /** Counts every match once the first page is shown; a newer query stops it. */
  private async count(
    stop: AbortController,
    req: { query: string; inbox: string; now: number },
  ): Promise<void> {
    const n = await worker.call((w, job) => w.total(job, req), stop.signal);
    if (this.stop === stop) this.total = n;
  }

  /** Starts the worker and reads what the first query needs, when the page is idle. */
  warmUp(): void {
    const go = () => void worker.call((w) => w.warm());
    if ('requestIdleCallback' in window) requestIdleCallback(go, { timeout: 2000 });
    else setTimeout(go, 500);
  }

  /**
   * Tells the search worker the reader is scrolling the list (at most every
   * SCROLL_NOTE_MS): its background work (badge counts, saving its table of posting
   * numbers) then waits until the scroll stops. Right after a large import that work
   * fell into the first seconds of a scroll, with IndexedDB reads and writes and a
   * clone of megabytes on the page's thread.
   */
  scrolling(): void {
    const now = performance.now();
    if (now - this.scrollNoted < SCROLL_NOTE_MS) return;
    this.scrollNoted = now;
    // A search worker not started yet has no background work to hold off.
    worker.tell((w) => w.scrolling());
  }
  private scrollNoted = -Infinity;

  /** Capped match counts for several queries (null for a malformed one). */
  counts(queries: CountQuery[], cap: number) {
    return worker.call((w) => w.counts(queries, cap, Date.now()));
  }

  /**
   * Counts that follow changing input (badges re-counted on every mail change): one
   * run at a time, and input given while one runs is counted after it, only the
   * latest; `show` gets the results of input no newer input replaced.
   */
  latestCounts<C>(cap: number, show: (rs: CountResult[], context: C) => void) {
    let pending: { queries: CountQuery[]; context: C } | null = null;
    let running = false;
    const drain = async () => {
      running = true;
      while (pending) {
        const { queries, context } = pending;
        pending = null;
        const rs = await this.counts(queries, cap).catch(() => null);
        if (rs && !pending) show(rs, context);
      }
      running = false;
    };
    return (queries: CountQuery[], context: C) => {
      pending = { queries, context };
      if (!running) void drain();
    };
  }
}

type CountQuery = { query: string; inbox: string };
type CountResult = { count: number; capped: boolean } | null;

/** Search state shared by the search view and the sidebar. */
export const search = new SearchState();
