/**
 * The search worker: runs queries off the UI thread and streams hits. It only
 * reads: the index backlog and its saved table of posting numbers are written
 * by the ingest worker, which the page connects it to.
 */
import * as Comlink from 'comlink';
import { parseQuery, type QueryError } from '../src/core/query';
import { getDB } from '../src/db/schema';
import {
  countMatches,
  indexComplete,
  type DocTable,
  runSearch,
  warmSearch,
  type SaveDocs,
  type SearchHit,
  type SearchOrder,
  type SearchSummary,
} from '../src/db/search';
import { ForegroundGate } from '../src/core/foreground';
import { toJsonBytes } from '../src/core/json-bytes';
import { cancelJob, withJob } from './jobs';

/** The table of posting numbers on its way to the writer: its Message-IDs as JSON bytes, transferred. */
export type DocCacheBytes = Omit<DocTable, 'ids'> & { ids: Uint8Array<ArrayBuffer> };

/** What the search worker asks of the writer (the ingest worker), relayed by the page. */
export interface IndexWriter {
  indexBacklog(onProgress: (done: number, total: number) => void): Promise<number>;
  saveDocCache(row: DocCacheBytes): Promise<void>;
}

/** Readers' queries and scrolls go first; background work waits while one runs and a moment after. */
const gate = new ForegroundGate(500);

let connectWriter: (w: IndexWriter) => void;
const writer = new Promise<IndexWriter>((resolve) => (connectWriter = resolve));
const saveDocs: SaveDocs = async (table) => {
  // Megabytes cloned through the page and written: not while the reader scrolls.
  await gate.quiet();
  const ids = toJsonBytes(table.ids);
  return (await writer).saveDocCache(Comlink.transfer({ ...table, ids }, [ids.buffer]));
};
let backlog: Promise<number> | null = null;
let backlogAt: { done: number; total: number } | null = null;

/**
 * Whether the index is complete, asked as the worker's script runs: the database is
 * opened and the marker read while the call that started the worker is on its way.
 */
const completeAtStart = indexComplete(getDB());
completeAtStart.catch(() => undefined);

/**
 * Mail stored before the index existed is indexed once (by the writer), before the
 * first query. Once it is, the marker says so here, without starting the writer.
 */
function ready(): Promise<number> {
  backlog ??= completeAtStart
    .then((complete) =>
      complete
        ? 0
        : writer.then((w) =>
            w.indexBacklog(
              Comlink.proxy((done: number, total: number) => {
                backlogAt = done < total ? { done, total } : null;
              }),
            ),
          ),
    )
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
  search(
    job: number,
    req: SearchRequest,
    onHits: (job: number, hits: SearchHit[]) => void,
  ): Promise<SearchResult> {
    return withJob(job, (signal) =>
      gate.run(async () => {
        const parsed = parseQuery(req.query, req.now);
        if (!parsed.ok) return { ok: false, error: parsed.error };
        await ready();
        const summary = await runSearch(getDB(), parsed.ast, {
          inbox: req.inbox,
          order: req.order,
          limit: req.limit,
          saveDocs,
          signal,
          onHits: (hits) => onHits(job, hits),
        });
        return { ok: true, summary };
      }),
    );
  },

  /**
   * Every match of a query, counted after its first page was shown (so that page is
   * not slower); null when cancelled by a newer query.
   */
  total(job: number, req: Omit<SearchRequest, 'order' | 'limit'>): Promise<number | null> {
    return withJob(job, async (signal) => {
      const parsed = parseQuery(req.query, req.now);
      if (!parsed.ok) return null;
      await ready();
      const r = await runSearch(getDB(), parsed.ast, {
        inbox: req.inbox,
        order: 'date',
        countOnly: true,
        limit: Infinity,
        signal,
      });
      return r.cancelled ? null : r.matched;
    });
  },

  /**
   * Match counts (capped) for several queries, e.g. unread counts of saved searches:
   * in the background, waiting while a reader's query runs.
   */
  async counts(
    queries: { query: string; inbox: string }[],
    cap: number,
    now: number,
  ): Promise<({ count: number; capped: boolean } | null)[]> {
    await ready();
    const out: ({ count: number; capped: boolean } | null)[] = [];
    for (const q of queries) {
      const parsed = parseQuery(q.query, now);
      out.push(
        parsed.ok
          ? await countMatches(getDB(), parsed.ast, q.inbox, cap, saveDocs, () => gate.quiet())
          : null,
      );
    }
    return out;
  },

  /**
   * Gets ready for the first query while the reader is still looking at the list;
   * the Message-IDs that query does not need are read later, while no query runs.
   */
  async warm(): Promise<void> {
    await ready();
    await warmSearch(getDB(), saveDocs, () => gate.quiet());
  },

  /** How far indexing mail stored before the index got, while it runs (queries wait for it). */
  indexing(): { done: number; total: number } | null {
    return backlogAt;
  },

  /** The reader scrolls the thread list: background work holds off, as for a query. */
  scrolling(): void {
    gate.touch();
  },

  /** Stops a running query after its current chunk. */
  cancel(job: number): void {
    cancelJob(job);
  },

  /** Gives the worker the writer it sends its few writes to (done once, by the page). */
  connect(w: IndexWriter): void {
    connectWriter(w);
  },
};

/** The worker's API, as seen through Comlink. */
export type SearchApi = typeof api;

Comlink.expose(api);
