/** A small handle on the running app for benchmarks and the browser console. */
import * as Comlink from 'comlink';
import { getDB } from '../db/schema';
import type { SearchOrder } from '../db/search';
import { autosync } from './state/autosync.svelte';
import { imports } from './state/imports.svelte';
import { search } from './workers';

/** One query through the search worker, timed as the search view sees it. */
export interface TimedSearch {
  /** Until the last hit of the page arrived. */
  ms: number;
  /** Until the first hits arrived (0 when none matched). */
  firstMs: number;
  hits: number;
  matched: number;
  candidates: number | null;
  error: string | null;
}

async function timedSearch(
  query: string,
  {
    inbox = '*',
    order = 'relevance',
    limit = 100,
  }: { inbox?: string; order?: SearchOrder; limit?: number } = {},
): Promise<TimedSearch> {
  const t0 = performance.now();
  let firstMs = 0;
  let hits = 0;
  const onHits = Comlink.proxy((_job: number, h: unknown[]) => {
    firstMs ||= performance.now() - t0;
    hits += h.length;
  });
  const req = { query, inbox, order, limit, now: Date.now() };
  const r = await search.call((w, job) => w.search(job, req, onHits));
  const ms = performance.now() - t0;
  if (!r.ok) return { ms, firstMs, hits, matched: 0, candidates: null, error: r.error.message };
  return {
    ms,
    firstMs,
    hits,
    matched: r.summary.matched,
    candidates: r.summary.candidates,
    error: null,
  };
}

declare global {
  interface Window {
    loupe?: {
      importUrl: typeof imports.importUrl;
      db: typeof getDB;
      search: typeof timedSearch;
      /** Sets how often followed inboxes sync, in ms, for this page only (null: the setting). */
      syncEvery: (ms: number | null) => void;
    };
  }
}

window.loupe = {
  importUrl: imports.importUrl.bind(imports),
  db: getDB,
  search: timedSearch,
  syncEvery: (ms) => autosync.setIntervalMs(ms),
};
