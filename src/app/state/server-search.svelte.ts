/**
 * Server search for remote inboxes: the same query runs on the inbox's
 * public-inbox server (through the proxy) beside the local search, and its
 * hits not already listed show as "not cached", one click from being fetched.
 */
import * as Comlink from 'comlink';
import { groupThreads, planServerQuery } from '../../core/remote';
import { parseQuery } from '../../core/query';
import type { ServerHit, SyncProgress } from '../../db/remote';
import { ingest } from '../workers';
import { pwa } from '../pwa.svelte';

/** What the server search is doing, for the status line. */
export type ServerStatus =
  | { kind: 'none' }
  | { kind: 'off' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'running'; host: string }
  | { kind: 'done'; host: string; more: boolean }
  | { kind: 'failed'; host: string; message: string };

/** One hit's download: running, or failed with the reason. */
export type HitFetch = { state: 'fetching' } | { state: 'failed'; message: string };

const KEY = 'loupe.serverSearch';

function hostOf(url: string | null): string {
  try {
    return url ? new URL(url).host : '';
  } catch {
    return '';
  }
}

class ServerSearchState {
  /** Search the server too (remembered; on unless turned off). */
  enabled = $state(globalThis.localStorage?.getItem(KEY) !== 'off');
  status = $state.raw<ServerStatus>({ kind: 'none' });
  hits = $state.raw<ServerHit[]>([]);
  /** Downloads of hits, by Message-ID. */
  fetches = $state.raw<Readonly<Record<string, HitFetch>>>({});
  /** "Fetch all": threads done of total. */
  bulk = $state<{ done: number; total: number; stop: AbortController } | null>(null);
  private run = 0;
  private last: { query: string; inbox: string; url: string | null; relevance: boolean } | null =
    null;

  /** Turns server search on or off and remembers it. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    globalThis.localStorage?.setItem(KEY, on ? 'on' : 'off');
    if (this.last) void this.search(this.last);
  }

  /** Runs a query on the server of `inbox` when that inbox is remote (url set); else clears. */
  async search(req: {
    query: string;
    inbox: string;
    url: string | null;
    relevance: boolean;
  }): Promise<void> {
    this.last = req;
    const run = ++this.run;
    this.hits = [];
    this.fetches = {};
    const host = hostOf(req.url);
    if (!req.url) return void (this.status = { kind: 'none' });
    if (!this.enabled) return void (this.status = { kind: 'off' });
    const parsed = parseQuery(req.query, Date.now());
    if (!parsed.ok) return void (this.status = { kind: 'none' });
    const plan = planServerQuery(parsed.ast);
    if (!plan.run) return void (this.status = { kind: 'skipped', reason: plan.reason });
    if (!pwa.online) return void (this.status = { kind: 'skipped', reason: 'you are offline' });
    this.status = { kind: 'running', host };
    try {
      const r = await ingest.call((w) =>
        w.serverSearch(req.inbox, req.query, document.baseURI, req.relevance),
      );
      if (run !== this.run) return;
      if (!r.ok) {
        this.status = { kind: 'failed', host, message: r.error.message };
        return;
      }
      this.hits = r.hits;
      this.status = { kind: 'done', host: r.host, more: r.more };
    } catch (e) {
      if (run !== this.run) return;
      const message = e instanceof Error ? e.message : String(e);
      this.status = { kind: 'failed', host, message };
    }
  }

  /** Runs the last search again (after a failure). */
  retry(): void {
    if (this.last) void this.search(this.last);
  }

  /** Fetches the threads of these hits (one download per thread) and marks what is now stored. */
  async fetch(inbox: string, hits: ServerHit[]): Promise<void> {
    const run = this.run;
    const todo = hits.filter((h) => !h.cached && this.fetches[h.id]?.state !== 'fetching');
    if (!todo.length) return;
    this.setFetch(todo, { state: 'fetching' });
    const groups = groupThreads(
      todo.map((h) => ({ messageId: h.id, inReplyTo: h.inReplyTo, updated: h.date })),
    );
    const stop = new AbortController();
    const many = groups.length > 1;
    if (many) this.bulk = { done: 0, total: groups.length, stop };
    const onProgress = Comlink.proxy((p: SyncProgress) => {
      if (this.bulk?.stop === stop) this.bulk = { done: p.done, total: p.total, stop };
    });
    try {
      const r = await ingest.call(
        (w, job) => w.fetchThreads(job, inbox, groups, document.baseURI, false, onProgress),
        stop.signal,
      );
      if (run !== this.run) return;
      const ids = this.hits.map((h) => h.id);
      const stored = await ingest.call((w) => w.storedHits(ids));
      this.hits = this.hits.map((h) =>
        stored.has(h.id) ? { ...h, cached: true, crash: stored.get(h.id) ?? null } : h,
      );
      const why = r.error?.message ?? r.failures[0]?.message;
      const next = { ...this.fetches };
      for (const h of todo) delete next[h.id];
      this.fetches = next;
      const failed = todo.filter((h) => !stored.has(h.id));
      if (why && failed.length) this.setFetch(failed, { state: 'failed', message: why });
    } catch (e) {
      if (run !== this.run) return;
      const message = e instanceof Error ? e.message : String(e);
      this.setFetch(todo, { state: 'failed', message });
    } finally {
      if (this.bulk?.stop === stop) this.bulk = null;
    }
  }

  /** Stops a running "fetch all" after the threads in flight. */
  cancelBulk(): void {
    this.bulk?.stop.abort();
  }

  private setFetch(hits: ServerHit[], f: HitFetch) {
    this.fetches = { ...this.fetches, ...Object.fromEntries(hits.map((h) => [h.id, f])) };
  }
}

/** Server search state shared by the search view's components. */
export const serverSearch = new ServerSearchState();
