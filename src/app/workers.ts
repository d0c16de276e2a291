/**
 * The app's two workers, each started once on first use and shared by every
 * view (one IndexedDB writer, one parse pool), and one job counter so that
 * cancelling one job never cancels another.
 */
import * as Comlink from 'comlink';
import type { IngestApi } from '../../workers/ingest';
import type { SearchApi } from '../../workers/search';
import type { SeriesApi } from '../../workers/series';

let ingest: Comlink.Remote<IngestApi> | null = null;
let search: Comlink.Remote<SearchApi> | null = null;
let series: Comlink.Remote<SeriesApi> | null = null;
let job = 1;

/** The ingest worker: imports, sync, backfill. */
export function ingestWorker(): Comlink.Remote<IngestApi> {
  ingest ??= Comlink.wrap<IngestApi>(
    new Worker(new URL('../../workers/ingest.ts', import.meta.url), {
      type: 'module',
      name: 'ingest',
    }),
  );
  return ingest;
}

/** The search worker. */
export function searchWorker(): Comlink.Remote<SearchApi> {
  search ??= Comlink.wrap<SearchApi>(
    new Worker(new URL('../../workers/search.ts', import.meta.url), {
      type: 'module',
      name: 'search',
    }),
  );
  return search;
}

/** The series worker: range-diffs. */
export function seriesWorker(): Comlink.Remote<SeriesApi> {
  series ??= Comlink.wrap<SeriesApi>(
    new Worker(new URL('../../workers/series.ts', import.meta.url), {
      type: 'module',
      name: 'series',
    }),
  );
  return series;
}

/** A job id unique across the app's workers. */
export function nextJob(): number {
  return job++;
}
