/** The search worker: runs queries off the UI thread, streams hits, cancels by job id. */
import * as Comlink from 'comlink';
import { parseQuery, type QueryError } from '../src/core/query';
import { getDB } from '../src/db/schema';
import {
  countMatches,
  indexBacklog,
  runSearch,
  warmSearch,
  type SearchHit,
  type SearchOrder,
  type SearchSummary,
} from '../src/db/search';

const cancelled = new Set<number>();
let backlog: Promise<number> | null = null;
let backlogAt: { done: number; total: number } | null = null;

/** Mail stored before the index existed is indexed once, before the first query. */
function ready(): Promise<number> {
  backlog ??= indexBacklog(getDB(), undefined, (done, total) => {
    backlogAt = done < total ? { done, total } : null;
  })
    .catch(() => 0)
    .finally(() => (backlogAt = null));
  return backlog;
}

export interface SearchRequest {
  query: string;
  inbox: string;
  order: SearchOrder;
  limit: number;
  /** The UI's clock, so relative dates (`d:2.weeks.ago..`) mean the same on both sides. */
  now: number;
}

export type SearchResult = { ok: true; summary: SearchSummary } | { ok: false; error: QueryError };

const api = {
  /** Runs one query; hits arrive through onHits in result order. */
  async search(
    job: number,
    req: SearchRequest,
    onHits: (job: number, hits: SearchHit[]) => void,
  ): Promise<SearchResult> {
    const parsed = parseQuery(req.query, req.now);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    await ready();
    try {
      const summary = await runSearch(getDB(), parsed.ast, {
        inbox: req.inbox,
        order: req.order,
        limit: req.limit,
        isCancelled: () => cancelled.has(job),
        onHits: (hits) => onHits(job, hits),
      });
      return { ok: true, summary };
    } finally {
      cancelled.delete(job);
    }
  },

  /**
   * Every match of a query, counted after its first page was shown (so that page is
   * not slower); null when cancelled by a newer query.
   */
  async total(job: number, req: Omit<SearchRequest, 'order' | 'limit'>): Promise<number | null> {
    const parsed = parseQuery(req.query, req.now);
    if (!parsed.ok) return null;
    await ready();
    try {
      const r = await runSearch(getDB(), parsed.ast, {
        inbox: req.inbox,
        order: 'date',
        countOnly: true,
        limit: Infinity,
        isCancelled: () => cancelled.has(job),
      });
      return r.cancelled ? null : r.matched;
    } finally {
      cancelled.delete(job);
    }
  },

  /** Match counts (capped) for several queries, e.g. unread counts of saved searches. */
  async counts(
    queries: { query: string; inbox: string }[],
    cap: number,
    now: number,
  ): Promise<({ count: number; capped: boolean } | null)[]> {
    await ready();
    const out: ({ count: number; capped: boolean } | null)[] = [];
    for (const q of queries) {
      const parsed = parseQuery(q.query, now);
      out.push(parsed.ok ? await countMatches(getDB(), parsed.ast, q.inbox, cap) : null);
    }
    return out;
  },

  /** Gets ready for the first query while the reader is still looking at the list. */
  async warm(): Promise<void> {
    await ready();
    await warmSearch(getDB());
  },

  /** How far indexing mail stored before the index got, while it runs (queries wait for it). */
  indexing(): { done: number; total: number } | null {
    return backlogAt;
  },

  /** Stops a running query after its current chunk. */
  cancel(job: number): void {
    cancelled.add(job);
  },
};

/** The worker's API, as seen through Comlink. */
export type SearchApi = typeof api;

Comlink.expose(api);
