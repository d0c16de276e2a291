/**
 * Saved searches that update from the server, like `lei up`: the query runs
 * on the inbox's public-inbox server, matches not cached are fetched as whole
 * threads, and what no run found before is remembered as new until the reader
 * opens the search.
 */
import { parseQuery } from '../../core/query';
import { SEARCH_PAGE, groupThreads, planServerQuery } from '../../core/remote';
import type { LoupeDB, SavedSearchRow, SavedSearchRun } from '../schema';
import type { RemoteError } from './errors';
import { makeCtx, type FetchFn, type RemoteOptions, type SyncProgress } from './http';
import { serverSearch, type ServerHit } from './server-search';
import { fetchGroups, remoteInbox } from './threads';

/**
 * Result pages a run reads at most. The first run of a search reads one (the
 * newest SEARCH_PAGE matches, as the server search shows them); later runs
 * read on until a page holds a match seen before, since results come newest first.
 */
export const PULL_PAGES = 5;
/** Matches remembered per saved search to tell what is new. */
export const SEEN_MAX = 5000;

/** What one server run of a saved search did. */
export interface SavedSearchPull {
  id: number;
  inbox: string;
  /** Matches the server lists, as far as runs have read them. */
  matches: number;
  more: boolean;
  /** Message-IDs of the matches this run found new to the search. */
  found: string[];
  /** Threads downloaded and messages they stored. */
  fetched: number;
  added: number;
  failures: RemoteError[];
  cancelled: boolean;
  /** Why the run could not go through (nothing was recorded as seen). */
  error: RemoteError | null;
}

/** A run that did nothing (yet): the start of every run, and a run cancelled before it began. */
export function notPulled(id: number, cancelled: boolean): SavedSearchPull {
  return {
    id,
    inbox: '',
    matches: 0,
    more: false,
    found: [],
    fetched: 0,
    added: 0,
    failures: [],
    cancelled,
    error: null,
  };
}

/**
 * Runs saved search `id` on its inbox's server: new matches are fetched as
 * whole threads into the inbox, counted new for the search, and the run
 * recorded on it (`lastRun`), failed or not.
 */
export async function pullSavedSearch(
  db: LoupeDB,
  id: number,
  fetchFn: FetchFn,
  options: RemoteOptions = {},
): Promise<SavedSearchPull> {
  const row = await db.savedSearches.get(id);
  const out: SavedSearchPull = { ...notPulled(id, false), inbox: row?.inbox ?? '' };
  if (!row) {
    const message = 'This saved search no longer exists.';
    return { ...out, error: { kind: 'bad-input', url: '', message } };
  }
  const problem = await serverProblem(db, row);
  if (problem) return record(db, id, { ...out, error: problem });
  const seen = row.seen ?? [];
  // Until a run went through, nothing was listed before: new is what was not cached.
  const firstRun = !seen.length && row.lastRun?.error !== null;
  const hits = await readMatches(db, row, fetchFn, firstRun ? 1 : PULL_PAGES, options.signal, out);
  if (out.error || out.cancelled) return record(db, id, out);

  const known = new Set(seen);
  out.found = hits.filter((h) => (firstRun ? !h.cached : !known.has(h.id))).map((h) => h.id);
  out.matches = new Set([...hits.map((h) => h.id), ...seen]).size;

  const todo = hits.filter((h) => !h.cached);
  if (todo.length) {
    const remote = await remoteInbox(db, row.inbox, 'fetch from');
    if ('kind' in remote) return record(db, id, { ...out, error: remote });
    const groups = groupThreads(
      todo.map((h) => ({ messageId: h.id, inReplyTo: h.inReplyTo, updated: h.date })),
    );
    const progress: SyncProgress = {
      inbox: row.inbox,
      phase: 'threads',
      total: 0,
      done: 0,
      added: 0,
      failed: 0,
    };
    const ctx = makeCtx(fetchFn, options);
    const t = await fetchGroups(ctx, db, row.inbox, remote.url, groups, progress);
    Object.assign(out, { fetched: t.fetched, added: t.added, failures: t.failures });
    out.cancelled = t.cancelled;
    progress.phase = 'done';
    options.onProgress?.({ ...progress });
  }
  return record(db, id, out, hits);
}

/** Why a saved search cannot run on its inbox's server, or null when it can. */
async function serverProblem(db: LoupeDB, row: SavedSearchRow): Promise<RemoteError | null> {
  const parsed = parseQuery(row.query, Date.now());
  const plan = parsed.ok ? planServerQuery(parsed.ast) : null;
  if (!plan?.run) {
    const why = !parsed.ok ? parsed.error.message : plan?.run === false ? plan.reason : '';
    const message = `"${row.query}" cannot run on the server: ${why}.`;
    return { kind: 'bad-input', url: '', message };
  }
  const remote = await remoteInbox(db, row.inbox, 'search');
  return 'kind' in remote ? remote : null;
}

/** Reads result pages, newest first, until one holds a match seen before (or the page cap). */
async function readMatches(
  db: LoupeDB,
  row: SavedSearchRow,
  fetchFn: FetchFn,
  pages: number,
  signal: AbortSignal | undefined,
  out: SavedSearchPull,
): Promise<ServerHit[]> {
  const known = new Set(row.seen ?? []);
  const hits = new Map<string, ServerHit>();
  for (let page = 0; page < pages; page++) {
    if (signal?.aborted) {
      out.cancelled = true;
      break;
    }
    const r = await serverSearch(db, row.inbox, row.query, fetchFn, { offset: page * SEARCH_PAGE });
    if (!r.ok) {
      out.error = r.error;
      break;
    }
    for (const h of r.hits) if (!hits.has(h.id)) hits.set(h.id, h);
    out.more = r.more;
    if (!r.more || r.hits.some((h) => known.has(h.id))) {
      out.more = false;
      break;
    }
  }
  return [...hits.values()];
}

/** Writes how the run went on the saved search (if it still exists) and returns the result. */
async function record(
  db: LoupeDB,
  id: number,
  out: SavedSearchPull,
  hits: ServerHit[] = [],
): Promise<SavedSearchPull> {
  // A match whose thread was not stored (failed, or stopped) stays unseen: the next run fetches it.
  const unstored = new Set(out.failures.length || out.cancelled ? await missing(db, hits) : []);
  await db.transaction('rw', db.savedSearches, async () => {
    const row = await db.savedSearches.get(id);
    if (!row) return;
    const prev = row.lastRun;
    const failed = out.error;
    const run: SavedSearchRun = {
      at: Date.now(),
      error: failed ? failed.message : out.cancelled ? 'Stopped before the end.' : null,
      matches: failed ? (prev?.matches ?? 0) : out.matches,
      more: failed ? (prev?.more ?? false) : out.more,
      found: out.found.length,
      added: out.added,
      failed: out.failures.length,
    };
    if (failed) return void (await db.savedSearches.update(id, { lastRun: run }));
    const seenNow = hits.map((h) => h.id).filter((x) => !unstored.has(x));
    const seen = [...new Set([...seenNow, ...(row.seen ?? [])])].slice(0, SEEN_MAX);
    const fresh = [...new Set([...(row.fresh ?? []), ...out.found])].slice(-SEEN_MAX);
    await db.savedSearches.update(id, { lastRun: run, seen, fresh });
  });
  return out;
}

/** The hits whose message is still not stored. */
async function missing(db: LoupeDB, hits: ServerHit[]): Promise<string[]> {
  const rows = await db.messages.bulkGet(hits.map((h) => h.id));
  return hits.filter((_, i) => !rows[i]).map((h) => h.id);
}
