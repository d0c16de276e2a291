import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeMsgIdPath } from '../../../src/core/remote';
import { partialThreads } from '../../../src/db/partial';
import { saveSearch, setSavedSearchServer, visitSavedSearch } from '../../../src/db/saved-searches';
import {
  addRemoteInbox,
  backfill,
  backfillState,
  downloadWholeInbox,
  fetchThreads,
  openThread,
  probeInboxSize,
  pullSavedSearch,
  serverSearch,
  startWatching,
  syncInbox,
  syncRound,
  type FetchFn,
} from '../../../src/db/remote';
import { markRead } from '../../../src/db/marks';
import { syncCandidates } from '../../../src/db/sync-status';
import { listWatched, watchThread } from '../../../src/db/watches';
import { ensureInbox, storeBatch } from '../../../src/db/store';
import { freshDb, mail } from './helpers';
import { projectRoot } from '../shared';

const BASE = 'http://pi.test/test/';
const FROM = 'From mboxrd@z Thu Jan  1 00:00:00 1970\n';

interface Msg {
  id: string;
  parent: string | null;
  date: number;
  raw: string;
}

function load(file: string): Msg[] {
  const text = readFileSync(join(projectRoot, 'tests/fixtures/remote', file), 'utf8');
  return text
    .split(FROM)
    .filter((s) => s.trim())
    .map((raw) => ({
      id: /^Message-ID: <([^>]+)>/im.exec(raw)?.[1] ?? '',
      parent: /^In-Reply-To: <([^>]+)>/im.exec(raw)?.[1] ?? null,
      date: Date.parse(/^Date: (.+)$/im.exec(raw)?.[1] ?? ''),
      raw,
    }));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A fake public-inbox: new.atom, MSGID/t.mbox.gz and POST ?q=d:A..B&x=m, with overrides. */
class FakeInbox {
  msgs: Msg[] = load('inbox.mboxrd');
  requests: string[] = [];
  override = new Map<string, () => Response>();
  inFlight = 0;
  maxInFlight = 0;

  root(id: string): string {
    let m = this.msgs.find((x) => x.id === id);
    while (m?.parent && this.msgs.some((x) => x.id === m?.parent))
      m = this.msgs.find((x) => x.id === m?.parent);
    return m?.id ?? id;
  }

  atom(msgs = this.msgs, limit = 25): string {
    const entries = [...msgs]
      .sort((a, b) => b.date - a.date)
      .slice(0, limit)
      .map((m) => {
        const irt = m.parent
          ? `<thr:in-reply-to ref="urn:uuid:${esc(m.parent)}" href="${BASE}${esc(encodeMsgIdPath(m.parent))}/"/>`
          : '';
        const from = /^From: (.+)$/im.exec(m.raw)?.[1] ?? '';
        const body = m.raw.slice(m.raw.indexOf('\n\n') + 2);
        return `<entry><author><name>${esc(from)}</name></author><title>${esc(m.id)}</title><updated>${new Date(m.date).toISOString()}</updated><link href="${BASE}${esc(encodeMsgIdPath(m.id))}/"/><id>urn:uuid:${esc(m.id)}</id>${irt}<content type="text">${esc(body)}</content></entry>`;
      });
    return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"><title>t</title>${entries.join('')}</feed>`;
  }

  mbox(msgs: Msg[]): Uint8Array<ArrayBuffer> {
    return new Uint8Array(gzipSync(msgs.map((m) => FROM + m.raw).join('')));
  }

  fetch: FetchFn = async (url, init) => {
    this.requests.push(`${init?.method ?? 'GET'} ${url.replace(BASE, '')}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    const path = url.replace(BASE, '');
    const special = this.override.get(path);
    if (special) return special();
    if (path === 'new.atom')
      return new Response(this.atom(), { headers: { 'content-type': 'application/atom+xml' } });
    if (path === 'all.mbox.gz')
      return new Response(this.mbox(this.msgs), {
        headers: { 'content-type': 'application/gzip' },
      });
    // Search: every word of q (after +/space splitting) must appear in the raw message.
    const search = /^\?q=([^&]+)&x=A(&r)?(?:&o=(\d+))?$/.exec(path);
    if (search) {
      const words = decodeURIComponent(search[1].replace(/\+/g, ' ')).toLowerCase().split(' ');
      if (words[0] === 'd:19700101..') return new Response('</feed>');
      const hit = this.msgs.filter((m) => words.every((w) => m.raw.toLowerCase().includes(w)));
      if (!hit.length) return new Response('<html>no results</html>', { status: 404 });
      return new Response(this.atom(hit, 200), {
        headers: { 'content-type': 'application/atom+xml' },
      });
    }
    const ta = /^([^/]+)\/t\.atom$/.exec(path);
    if (ta) {
      const root = this.root(decodeURIComponent(ta[1]));
      const thread = this.msgs.filter((m) => this.root(m.id) === root);
      if (!thread.length) return new Response('not found', { status: 404 });
      return new Response(this.atom(thread, 1000), {
        headers: { 'content-type': 'application/atom+xml' },
      });
    }
    const t = /^([^/]+)\/t\.mbox\.gz$/.exec(path);
    if (t) {
      const root = this.root(decodeURIComponent(t[1]));
      const thread = this.msgs.filter((m) => this.root(m.id) === root);
      if (!thread.length) return new Response('not found', { status: 404 });
      return new Response(this.mbox(thread), { headers: { 'content-type': 'application/gzip' } });
    }
    const q = /\?q=d%3A(\d{8})\.\.(\d{8})&x=m$/.exec(path);
    if (q && init?.method === 'POST') {
      const day = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6));
      const hit = this.msgs.filter((m) => m.date >= day(q[1]) && m.date < day(q[2]) + 86_400_000);
      if (!hit.length) return new Response('no results', { status: 404 });
      return new Response(this.mbox(hit), { headers: { 'content-type': 'application/gzip' } });
    }
    return new Response('not found', { status: 404 });
  };
}

const fx = freshDb('remote');
let pi: FakeInbox;

beforeEach(async () => {
  pi = new FakeInbox();
  const r = await addRemoteInbox(fx.db, BASE);
  expect(r).toEqual({ ok: true, inbox: 'test' });
});

const threadFetches = () => pi.requests.filter((r) => r.endsWith('t.mbox.gz'));

describe('syncInbox', () => {
  it('fetches each new thread once, stores every message and remembers the feed', async () => {
    const seen: number[] = [];
    const r = await syncInbox(fx.db, 'test', pi.fetch, { onProgress: (p) => seen.push(p.done) });
    expect(r.error).toBeNull();
    expect(r.failures).toEqual([]);
    expect(r.newEntries).toBe(10);
    expect(threadFetches()).toHaveLength(3);
    expect(r.added).toBe(10);
    expect(await fx.db.messages.count()).toBe(10);
    expect(await fx.db.threads.count()).toBe(3);
    const row = await fx.db.inboxes.get('test');
    expect(row?.feedSeen).toHaveLength(10);
    expect(row?.lastSync).toBeGreaterThan(0);
    expect(row?.messageCount).toBe(10);
    expect(pi.maxInFlight).toBeLessThanOrEqual(2);
    expect(seen.at(-1)).toBe(3);
  });

  it('on the next sync fetches only the new thread, and nothing when nothing is new', async () => {
    await syncInbox(fx.db, 'test', pi.fetch);
    pi.requests = [];
    pi.msgs.push(...load('new-thread.mboxrd'));
    const r = await syncInbox(fx.db, 'test', pi.fetch);
    expect(pi.requests.sort()).toEqual([
      'GET a1b2c3d4-hub-reset@example.edu/t.mbox.gz',
      'GET new.atom',
      'GET uas-stall-question.42@example.cn/t.mbox.gz',
    ]);
    expect(r.added).toBe(2);
    pi.requests = [];
    const again = await syncInbox(fx.db, 'test', pi.fetch);
    expect(pi.requests).toEqual(['GET new.atom']);
    expect(again.newEntries).toBe(0);
  });

  it('reports a failed thread, keeps the others and retries only it next time', async () => {
    const bad = `${encodeMsgIdPath('b2c9f0e1-resume-oops@example.net')}/t.mbox.gz`;
    pi.override.set(
      bad,
      () => new Response('<html>oops</html>', { headers: { 'content-type': 'text/html' } }),
    );
    const r = await syncInbox(fx.db, 'test', pi.fetch);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].kind).toBe('html');
    expect(r.failures[0].message).toMatch(/web page instead of mail/);
    expect(await fx.db.messages.count()).toBe(8);
    // Nothing of that thread is stored, so there is no thread to mark partial.
    expect(await partialThreads(fx.db, 'test')).toEqual([]);
    // An HTML page without a content-type is refused too, not stored as a message.
    pi.override.set(bad, () => new Response(new TextEncoder().encode('<!DOCTYPE html><p>login')));
    expect((await syncInbox(fx.db, 'test', pi.fetch)).failures.map((f) => f.kind)).toEqual([
      'html',
    ]);
    expect(await fx.db.messages.count()).toBe(8);
    pi.override.clear();
    pi.requests = [];
    await syncInbox(fx.db, 'test', pi.fetch);
    expect(threadFetches()).toEqual([`GET ${bad}`]);
    expect(await fx.db.messages.count()).toBe(10);
  });

  it('keeps the complete messages of a truncated download and says so', async () => {
    const path = `${encodeMsgIdPath('20240102080000.1000-0-ana@example.org')}/t.mbox.gz`;
    const gz = pi.mbox(pi.msgs.slice(0, 6));
    pi.override.set(path, () => new Response(gz.slice(0, gz.length - 400)));
    const r = await syncInbox(fx.db, 'test', pi.fetch);
    expect(r.failures.map((f) => f.kind)).toEqual(['damaged']);
    expect(r.failures[0].message).toMatch(/cut off or damaged/);
    const kept = await fx.db.messages.count();
    // The other two threads (4 messages) and the complete start of the cut-off one.
    expect(kept).toBeGreaterThan(4);
    expect(kept).toBeLessThan(10);
  });

  it('marks a thread cut off midway partial, and a retry makes it whole and unmarks it', async () => {
    const root = '20240102080000.1000-0-ana@example.org';
    const path = `${encodeMsgIdPath(root)}/t.mbox.gz`;
    const gz = pi.mbox(pi.msgs.slice(0, 6));
    pi.override.set(path, () => new Response(gz.slice(0, gz.length - 400)));
    await syncInbox(fx.db, 'test', pi.fetch);
    const partial = await partialThreads(fx.db, 'test');
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatchObject({ inbox: 'test', msgid: root, kind: 'damaged' });
    expect(partial[0].ids).toContain('ZZVcZGQ1-ana-reply@example.org');
    expect(await partialThreads(fx.db, '*')).toHaveLength(1);

    // A retry that fails again keeps the mark (with the newest reason) and the messages.
    pi.override.set(path, () => new Response('boom', { status: 502 }));
    const again = await fetchThreads(fx.db, 'test', [partial[0].ids], pi.fetch, { refetch: true });
    expect(again.failures.map((f) => f.kind)).toEqual(['server']);
    expect((await partialThreads(fx.db, 'test'))[0].kind).toBe('server');

    pi.override.clear();
    const ok = await fetchThreads(fx.db, 'test', [partial[0].ids], pi.fetch, { refetch: true });
    expect(ok).toMatchObject({ fetched: 1, failures: [], error: null });
    expect(await fx.db.messages.count()).toBe(10);
    expect(await partialThreads(fx.db, 'test')).toEqual([]);
  });

  it('waits as Retry-After says on 429, then succeeds; gives up after bounded retries', async () => {
    let calls = 0;
    pi.override.set('new.atom', () =>
      ++calls === 1
        ? new Response('slow down', { status: 429, headers: { 'retry-after': '2' } })
        : new Response(pi.atom()),
    );
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    const r = await syncInbox(fx.db, 'test', pi.fetch, { sleep });
    expect(slept).toEqual([2000]);
    expect(r.error).toBeNull();

    const upstream = { 'x-loupe-proxy': 'relay', 'content-security-policy': "default-src 'none'" };
    pi.override.set('new.atom', () => new Response('busy', { status: 503, headers: upstream }));
    const r2 = await syncInbox(fx.db, 'test', pi.fetch, {
      sleep,
      retries: 2,
    });
    expect(r2.error?.kind).toBe('rate-limited');
    expect(slept).toHaveLength(3);
  });

  it('turns a network failure and a server error into clear errors, changing nothing', async () => {
    const down: FetchFn = () => Promise.reject(new TypeError('Failed to fetch'));
    const r = await syncInbox(fx.db, 'test', down);
    expect(r.error?.kind).toBe('unreachable');
    expect(r.error?.message).toBe('Could not reach pi.test (Failed to fetch).');
    expect((await fx.db.inboxes.get('test'))?.lastSync).toBeNull();
    pi.override.set(
      'new.atom',
      () => new Response('boom', { status: 500, statusText: 'Internal' }),
    );
    expect((await syncInbox(fx.db, 'test', pi.fetch)).error?.message).toBe(
      'pi.test answered 500 Internal for pi.test/test/new.atom.',
    );
  });

  it('tells the proxy refusing or failing to connect apart from the server', async () => {
    const own = { 'x-loupe-proxy': 'error', 'content-type': 'text/plain' };
    pi.override.set(
      'new.atom',
      () => new Response('cannot connect to pi.test', { status: 502, headers: own }),
    );
    expect((await syncInbox(fx.db, 'test', pi.fetch)).error).toMatchObject({
      kind: 'unreachable',
      message: 'Could not reach pi.test: cannot connect to pi.test.',
    });
    pi.override.set(
      'new.atom',
      () => new Response('host not allowed: pi.test', { status: 403, headers: own }),
    );
    expect((await syncInbox(fx.db, 'test', pi.fetch)).error?.kind).toBe('refused');
    // The same 404 from the server is the server's answer, not the proxy's.
    const relayed = { 'x-loupe-proxy': 'relay', 'content-type': 'text/html' };
    pi.override.set('new.atom', () => new Response('gone', { status: 404, headers: relayed }));
    expect((await syncInbox(fx.db, 'test', pi.fetch)).error?.message).toBe(
      'pi.test/test/new.atom does not exist on the server (404).',
    );
    pi.override.set(
      'new.atom',
      () => new Response('method not allowed: PUT', { status: 405, headers: own }),
    );
    expect((await syncInbox(fx.db, 'test', pi.fetch)).error).toMatchObject({
      kind: 'refused',
      message:
        'The Loupe proxy refused the request for pi.test/test/new.atom (method not allowed: PUT).',
    });
  });

  it('pages back through the search feed when the whole feed is new', async () => {
    await fx.db.inboxes.update('test', {
      feedSeen: ['urn:uuid:gone 1'],
      lastSync: Date.UTC(2024, 0, 3),
    });
    for (let i = 0; i < 30; i++) {
      const id = `bulk${i}@example.org`;
      const date = Date.UTC(2024, 1, 1, 0, i);
      pi.msgs.push({
        id,
        parent: null,
        date,
        raw: `Message-ID: <${id}>\nSubject: bulk ${i}\nDate: ${new Date(date).toUTCString()}\n\nx\n`,
      });
    }
    const r = await syncInbox(fx.db, 'test', pi.fetch);
    expect(r.pagedBack).toBe(true);
    expect(pi.requests).toContain('GET ?q=d%3A20240102..&x=A');
  });
});

describe('openThread', () => {
  it('fetches a thread by URL, then answers from the cache', async () => {
    const r = await openThread(fx.db, `${BASE}typo.fix+v1@example.com/T/`, pi.fetch);
    expect(r).toEqual({ ok: true, inbox: 'test', msgid: 'typo.fix+v1@example.com', fetched: true });
    expect(await fx.db.messages.count()).toBe(2);
    pi.requests = [];
    const again = await openThread(fx.db, '<2024010912-applied-gregkh@example.org>', pi.fetch);
    expect(again).toMatchObject({ ok: true, inbox: 'test', fetched: false });
    expect(pi.requests).toEqual([]);
  });

  it('looks a bare Message-ID up in followed inboxes first', async () => {
    const r = await openThread(fx.db, 'id:c1d2e3f4-xhci-answer@example.com', pi.fetch);
    expect(r).toMatchObject({ ok: true, inbox: 'test', fetched: true });
    expect(pi.requests[0]).toBe('GET c1d2e3f4-xhci-answer@example.com/t.mbox.gz');
  });

  it('says clearly when a message does not exist', async () => {
    const r = await openThread(fx.db, `${BASE}nope@nowhere/`, pi.fetch);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('not-found');
      expect(r.error.message).toBe('No message <nope@nowhere> was found at pi.test/test/.');
    }
  });
});

describe('backfill', () => {
  it('fetches date windows by search, resumes after a failure', async () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2024, 0, 10);
    const win2 = '?q=d%3A20240105..20240107&x=m';
    pi.override.set(win2, () => new Response('down', { status: 500 }));
    const r = await backfill(fx.db, 'test', from, to, pi.fetch, { windowDays: 3 });
    expect(r.error?.kind).toBe('server');
    expect(r.windowsDone).toBe(1);
    expect(await backfillState(fx.db, 'test')).toEqual({
      from,
      to: Date.UTC(2024, 0, 10),
      next: Date.UTC(2024, 0, 7),
    });
    pi.override.clear();
    pi.requests = [];
    const r2 = await backfill(fx.db, 'test', from, to, pi.fetch, { windowDays: 3 });
    expect(r2.error).toBeNull();
    expect(r2.windowsDone).toBe(4);
    expect(pi.requests[0]).toBe(`POST ${win2}`);
    expect(pi.requests).toHaveLength(3);
    expect(await fx.db.messages.count()).toBe(10);
  });
});

describe('serverSearch', () => {
  it('returns the server hits with subject, author, date and snippet, marking the cached ones', async () => {
    await openThread(fx.db, `${BASE}b2c9f0e1-resume-oops@example.net/`, pi.fetch);
    pi.requests = [];
    const r = await serverSearch(fx.db, 'test', 'usb: gadget', pi.fetch, { relevance: true });
    expect(pi.requests).toEqual(['GET ?q=usb%3A+gadget&x=A&r']);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.host).toBe('pi.test');
    expect(r.more).toBe(false);
    expect(r.hits.map((h) => h.cached)).toContain(false);
    const r2 = await serverSearch(fx.db, 'test', 'xhci', pi.fetch);
    if (!r2.ok) throw new Error(r2.error.message);
    expect(r2.hits.map((h) => [h.id, h.cached, h.crash])).toEqual([
      ['c1d2e3f4-xhci-answer@example.com', true, null],
      [
        'b2c9f0e1-resume-oops@example.net',
        true,
        {
          title: 'BUG: unable to handle kernel NULL pointer dereference in xhci_resume',
          type: 'NULL-POINTER-DEREFERENCE',
        },
      ],
    ]);
    const other = r.hits.find((h) => !h.cached);
    expect(other?.author).not.toBe('');
    expect(other?.date).toBeGreaterThan(Date.UTC(2024, 0, 1));
    expect(other?.snippet.length).toBeGreaterThan(0);
  });

  it('treats 404 as no results and reports a server failure as an error', async () => {
    const none = await serverSearch(fx.db, 'test', 'zzznothing', pi.fetch);
    expect(none).toEqual({ ok: true, hits: [], more: false, host: 'pi.test' });
    const down: FetchFn = () => Promise.reject(new TypeError('Failed to fetch'));
    const r = await serverSearch(fx.db, 'test', 'xhci', down);
    expect(r).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });

  it('fetches the threads of server hits once each, skipping what one download brought', async () => {
    const r = await serverSearch(fx.db, 'test', 'f_ncm', pi.fetch);
    if (!r.ok) throw new Error(r.error.message);
    const ids = r.hits.map((h) => [h.id]);
    expect(ids.length).toBeGreaterThan(2);
    pi.requests = [];
    const f = await fetchThreads(fx.db, 'test', ids, pi.fetch, { perHost: 1 });
    expect(f.failures).toEqual([]);
    expect(f.fetched).toBe(1);
    expect(f.skipped).toBe(ids.length - 1);
    expect(threadFetches()).toHaveLength(1);
  });
});

describe('saved searches that pull from the server', () => {
  async function saved(query: string): Promise<number> {
    await saveSearch(fx.db, query, 'test');
    const row = (await fx.db.savedSearches.toArray()).find((s) => s.query === query);
    if (row?.id === undefined) throw new Error('not saved');
    await setSavedSearchServer(fx.db, row.id, true);
    return row.id;
  }

  it('fetches the whole threads of matches not cached, counts them new and records the run', async () => {
    const id = await saved('xhci');
    const r = await pullSavedSearch(fx.db, id, pi.fetch);
    expect(r.error).toBeNull();
    // The answer replies to the oops: one thread, one download.
    expect(pi.requests).toEqual([
      'GET ?q=xhci&x=A',
      'GET b2c9f0e1-resume-oops@example.net/t.mbox.gz',
    ]);
    expect(r.found.sort()).toEqual([
      'b2c9f0e1-resume-oops@example.net',
      'c1d2e3f4-xhci-answer@example.com',
    ]);
    expect([r.matches, r.fetched, r.added]).toEqual([2, 1, 2]);
    expect(await fx.db.messages.count()).toBe(2);
    const row = await fx.db.savedSearches.get(id);
    expect(row?.lastRun).toMatchObject({
      error: null,
      matches: 2,
      more: false,
      found: 2,
      added: 2,
    });
    expect(row?.fresh).toHaveLength(2);

    pi.requests = [];
    const again = await pullSavedSearch(fx.db, id, pi.fetch);
    expect(pi.requests).toEqual(['GET ?q=xhci&x=A']);
    expect(again.found).toEqual([]);
    // New until the reader opens the search.
    expect((await fx.db.savedSearches.get(id))?.fresh).toHaveLength(2);
    await visitSavedSearch(fx.db, id);
    expect((await fx.db.savedSearches.get(id))?.fresh).toEqual([]);
  });

  it('calls new only what the server lists since the last run, cached or not', async () => {
    await syncInbox(fx.db, 'test', pi.fetch);
    const id = await saved('ucsi');
    const first = await pullSavedSearch(fx.db, id, pi.fetch);
    // Everything was cached by the sync: nothing to fetch, nothing new.
    expect([first.matches, first.found.length, first.fetched]).toEqual([2, 0, 0]);
    pi.msgs.push(...load('typo-reply.mboxrd'));
    pi.requests = [];
    const next = await pullSavedSearch(fx.db, id, pi.fetch);
    expect(next.found).toEqual(['typo-thanks.1@example.com']);
    expect(threadFetches()).toEqual(['GET typo-thanks.1@example.com/t.mbox.gz']);
    expect([next.matches, next.added]).toEqual([3, 1]);
    expect((await fx.db.savedSearches.get(id))?.fresh).toEqual(['typo-thanks.1@example.com']);
  });

  it('records why a run failed and keeps what earlier runs found', async () => {
    const local = await saved('is:unread ucsi');
    const r = await pullSavedSearch(fx.db, local, pi.fetch);
    expect(r.error?.kind).toBe('bad-input');
    expect(pi.requests).toEqual([]);
    expect((await fx.db.savedSearches.get(local))?.lastRun?.error).toMatch(
      /is:unread is a Loupe term/,
    );

    const id = await saved('xhci');
    await pullSavedSearch(fx.db, id, pi.fetch);
    const down: FetchFn = () => Promise.reject(new TypeError('Failed to fetch'));
    const failed = await pullSavedSearch(fx.db, id, down);
    expect(failed.error?.kind).toBe('unreachable');
    const row = await fx.db.savedSearches.get(id);
    expect(row?.lastRun).toMatchObject({ matches: 2, found: 0 });
    expect(row?.lastRun?.error).toBe('Could not reach pi.test (Failed to fetch).');
    expect(row?.seen).toHaveLength(2);
    expect(row?.fresh).toHaveLength(2);
  });
});

describe('whole inbox', () => {
  it('calls a small inbox small and downloads it as one all.mbox.gz', async () => {
    expect(await probeInboxSize(fx.db, 'test', pi.fetch)).toEqual({ ok: true, small: true });
    expect(pi.requests).toEqual(['GET ?q=d%3A19700101..&x=A&o=5000']);
    const added: number[] = [];
    const r = await downloadWholeInbox(fx.db, 'test', pi.fetch, {
      onProgress: (p) => added.push(p.added),
    });
    expect(r).toMatchObject({ added: 10, windowsDone: 1, error: null, cancelled: false });
    expect(added.at(-1)).toBe(10);
    expect(await fx.db.messages.count()).toBe(10);
  });

  it('a big inbox is not small; an unreachable server is an error', async () => {
    pi.override.set('?q=d%3A19700101..&x=A&o=5000', () => new Response(pi.atom()));
    expect(await probeInboxSize(fx.db, 'test', pi.fetch)).toEqual({ ok: true, small: false });
    const down: FetchFn = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await probeInboxSize(fx.db, 'test', down)).toMatchObject({ ok: false });
  });
});

describe('watched threads', () => {
  const TYPO = 'typo.fix+v1@example.com';
  const REPLY = 'typo-thanks.1@example.com';

  it('polls a watched thread by its t.atom, fetches a new reply and counts it new until read', async () => {
    await openThread(fx.db, `${BASE}${TYPO}/`, pi.fetch);
    const w = await startWatching(fx.db, TYPO, 'test', pi.fetch);
    expect(w).toMatchObject({ ok: true, error: null });
    expect(await listWatched(fx.db)).toMatchObject([{ id: TYPO, fresh: 0, replies: [] }]);

    pi.msgs.push(...load('typo-reply.mboxrd'));
    pi.requests = [];
    // Opened by address, never synced: only its watches are polled, not its feed.
    const r = await syncRound(fx.db, 'test', pi.fetch, { feed: 'if-synced' });
    expect(r.fed).toBe(false);
    expect(pi.requests).toEqual([`GET ${TYPO}/t.atom`, `GET ${TYPO}/t.mbox.gz`]);
    expect(r.watched).toMatchObject({ polled: 1, replies: 1, added: 1, failures: [] });
    const [row] = await listWatched(fx.db);
    expect(row).toMatchObject({ fresh: 1, firstFresh: REPLY, threadId: TYPO });
    expect(row.lastActivity).toBe(Date.parse('Wed, 10 Jan 2024 08:15:00 +0200'));

    await markRead(fx.db, TYPO, [REPLY]);
    expect((await listWatched(fx.db))[0]).toMatchObject({ fresh: 0, replies: [REPLY] });
    pi.requests = [];
    await syncRound(fx.db, 'test', pi.fetch, { feed: 'if-synced' });
    expect(pi.requests).toEqual([`GET ${TYPO}/t.atom`]);
  });

  it('counts a reply the inbox feed stored first, and records how each round went', async () => {
    await syncInbox(fx.db, 'test', pi.fetch);
    await startWatching(fx.db, TYPO, 'test', pi.fetch);
    pi.msgs.push(...load('typo-reply.mboxrd'));
    const r = await syncRound(fx.db, 'test', pi.fetch);
    expect(r.added).toBe(1);
    expect(r.watched).toMatchObject({ replies: 1, added: 0 });
    expect((await listWatched(fx.db))[0].fresh).toBe(1);
    expect(await fx.db.syncStatus.get('test')).toMatchObject({
      added: 1,
      failures: 0,
      error: null,
    });

    pi.override.set('new.atom', () => new Response('busy', { status: 503 }));
    const opts = { retries: 0, sleep: async () => undefined };
    expect((await syncRound(fx.db, 'test', pi.fetch, opts)).error?.kind).toBe('rate-limited');
    await syncRound(fx.db, 'test', pi.fetch, opts);
    const [c] = await syncCandidates(fx.db);
    expect(c).toMatchObject({ name: 'test', outcome: { failures: 2, added: 0 } });
    expect(c.outcome?.error?.message).toMatch(/answered 503/);
  });

  it('refuses to watch a thread no followed inbox holds', async () => {
    await ensureInbox(fx.db, 'local', null);
    await storeBatch(fx.db, 'local', [await mail('only@here', 3)]);
    const r = await watchThread(fx.db, 'only@here', 'local');
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/only in local inboxes/) });
    expect(await watchThread(fx.db, 'nowhere@x', 'test')).toMatchObject({ ok: false });
  });
});
