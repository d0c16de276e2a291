/**
 * Remote public-inbox sources: sync an inbox from its new.atom, open one
 * thread by URL or Message-ID, backfill older mail by date windows. Every
 * download goes through `ingestStream`, so what was stored stays stored when
 * a later request fails; failures come back as typed values, never throws.
 */
import { parseAtom, type AtomEntry } from '../core/atom';
import {
  DEFAULT_HOST,
  SEARCH_PAGE,
  backoffMs,
  dateWindows,
  diffFeed,
  entryKey,
  groupThreads,
  inboxUrl,
  labelOf,
  localInboxName,
  parseRemoteInput,
  retryAfterMs,
  searchFeedUrl,
  searchMboxUrl,
  threadMboxUrl,
} from '../core/remote';
import { ingestStream, type IngestResult } from './ingest';
import type { InboxRow, LoupeDB } from './schema';

/** Fetches a remote URL (the caller routes it through the same-origin proxy). */
export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

/** What went wrong with one request, in a word the UI can branch on. */
export type RemoteErrorKind =
  | 'bad-input'
  | 'not-remote'
  | 'not-found'
  | 'offline'
  | 'unreachable'
  | 'refused'
  | 'rate-limited'
  | 'server'
  | 'html'
  | 'bad-feed'
  | 'damaged'
  | 'storage';

/** A failed request: its kind, the remote URL and a sentence for the user. */
export interface RemoteError {
  kind: RemoteErrorKind;
  url: string;
  message: string;
}

/** Progress of a sync, open or backfill. */
export interface SyncProgress {
  inbox: string;
  phase: 'feed' | 'threads' | 'windows' | 'done';
  /** Threads (or date windows, for backfill) to fetch and done so far. */
  total: number;
  done: number;
  added: number;
  failed: number;
}

/** How a sync ended. `error` is set when nothing could be synced (the feed failed). */
export interface SyncResult {
  inbox: string;
  newEntries: number;
  threadsFetched: number;
  /** Threads not fetched because an earlier download of this sync already held them. */
  threadsSkipped: number;
  added: number;
  pagedBack: boolean;
  cancelled: boolean;
  /** Threads that failed; the others were stored. */
  failures: RemoteError[];
  error: RemoteError | null;
}

/** Options shared by the remote operations; tests replace the clock. */
export interface RemoteOptions {
  onProgress?: (p: SyncProgress) => void;
  isCancelled?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Requests in flight per host. */
  perHost?: number;
  /** Retries after 429/503. */
  retries?: number;
}

/** Thrown inside this module only; converted to a RemoteError at each boundary. */
class RemoteFailure extends Error {
  constructor(readonly info: RemoteError) {
    super(info.message);
  }
}

const DAY = 86_400_000;
const MAX_PAGE_BACK = 5;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function fail(kind: RemoteErrorKind, url: string, message: string): RemoteFailure {
  return new RemoteFailure({ kind, url, message });
}

function asRemoteError(e: unknown, url: string): RemoteError {
  if (e instanceof RemoteFailure) return e.info;
  const msg = e instanceof Error ? e.message : String(e);
  return { kind: 'unreachable', url, message: `Could not fetch ${labelOf(url)}: ${msg}.` };
}

/** A per-host FIFO limit on requests in flight. */
function hostLimiter(max: number) {
  const state = new Map<string, { active: number; queue: (() => void)[] }>();
  return async <T>(host: string, task: () => Promise<T>): Promise<T> => {
    const s = state.get(host) ?? { active: 0, queue: [] };
    state.set(host, s);
    if (s.active >= max) await new Promise<void>((r) => s.queue.push(r));
    s.active++;
    try {
      return await task();
    } finally {
      s.active--;
      s.queue.shift()?.();
    }
  };
}

interface Ctx {
  fetch: FetchFn;
  opts: RemoteOptions;
  limit: ReturnType<typeof hostLimiter>;
}

function makeCtx(fetchFn: FetchFn, opts: RemoteOptions): Ctx {
  return { fetch: fetchFn, opts, limit: hostLimiter(opts.perHost ?? 2) };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One request with retries on 429/503; a non-OK answer becomes a RemoteFailure. */
async function request(ctx: Ctx, url: string, init?: RequestInit): Promise<Response> {
  const where = labelOf(url);
  const host = hostOf(url);
  const retries = ctx.opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await ctx.fetch(url, init);
    } catch (e) {
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      if (offline) throw fail('offline', url, `You are offline, so ${where} could not be fetched.`);
      const why = e instanceof Error ? e.message : String(e);
      throw fail('unreachable', url, `Could not reach ${host} (${why}).`);
    }
    if (res.ok) return res;
    // The proxy marks every answer; only upstream answers carry its content-security-policy.
    const proxyOwn =
      res.headers.get('x-loupe-proxy') === '1' && !res.headers.has('content-security-policy');
    const text = proxyOwn ? (await res.text().catch(() => '')).trim() : '';
    if (!proxyOwn) void res.body?.cancel().catch(() => undefined);
    if ((res.status === 429 || res.status === 503) && !proxyOwn && attempt < retries) {
      if (ctx.opts.isCancelled?.()) throw fail('rate-limited', url, `${host} is busy; stopped.`);
      const wait = backoffMs(
        attempt,
        retryAfterMs(res.headers.get('retry-after')),
        ctx.opts.random,
      );
      await (ctx.opts.sleep ?? defaultSleep)(wait);
      continue;
    }
    if (proxyOwn && res.status === 403)
      throw fail(
        'refused',
        url,
        `The Loupe proxy does not allow ${host} (${text}); add it to proxy.config.json.`,
      );
    if (proxyOwn && res.status >= 500)
      throw fail('unreachable', url, `Could not reach ${host}: ${text || res.status}.`);
    if (res.status === 404)
      throw fail('not-found', url, `${where} does not exist on the server (404).`);
    if (res.status === 429 || res.status === 503)
      throw fail(
        'rate-limited',
        url,
        `${host} is busy (answered ${res.status}) after ${retries} retries; try again later.`,
      );
    throw fail(
      'server',
      url,
      `${host} answered ${res.status} ${res.statusText} for ${where}.`.replace(/ +/g, ' '),
    );
  }
}

function htmlFailure(url: string): RemoteFailure {
  const what = `${labelOf(url)} sent a web page instead of mail; is this a public-inbox address?`;
  return fail('html', url, what);
}

function refuseHtml(res: Response, url: string): void {
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    void res.body?.cancel().catch(() => undefined);
    throw htmlFailure(url);
  }
}

/** Refuses a body that is an HTML page although no content-type said so; else replays it whole. */
async function refuseHtmlBytes(
  body: ReadableStream<Uint8Array>,
  url: string,
): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const first = await reader.read();
  const head = first.done ? '' : new TextDecoder().decode(first.value.subarray(0, 64));
  if (/^\s*<(!doctype|html|head|body)/i.test(head)) {
    void reader.cancel().catch(() => undefined);
    throw htmlFailure(url);
  }
  return new ReadableStream<Uint8Array>({
    start(c) {
      if (first.done) c.close();
      else c.enqueue(first.value);
    },
    async pull(c) {
      const next = await reader.read();
      if (next.done) c.close();
      else c.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

async function fetchFeed(ctx: Ctx, url: string): Promise<AtomEntry[]> {
  return ctx.limit(hostOf(url), async () => {
    const res = await request(ctx, url);
    refuseHtml(res, url);
    const xml = await res.text();
    try {
      return parseAtom(xml).entries;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw fail('bad-feed', url, `${labelOf(url)} is not a feed this app can read (${why}).`);
    }
  });
}

/** Downloads one mbox(.gz) and stores it; a damaged download keeps its complete messages. */
function fetchMbox(
  ctx: Ctx,
  db: LoupeDB,
  url: string,
  inbox: string,
  base: string,
  init?: RequestInit,
): Promise<IngestResult> {
  return ctx.limit(hostOf(url), () => fetchMboxNow(ctx, db, url, inbox, base, init));
}

/** fetchMbox for a caller that already holds a slot of the host's limit. */
async function fetchMboxNow(
  ctx: Ctx,
  db: LoupeDB,
  url: string,
  inbox: string,
  base: string,
  init?: RequestInit,
): Promise<IngestResult> {
  const res = await request(ctx, url, init);
  refuseHtml(res, url);
  if (!res.body) throw fail('damaged', url, `${labelOf(url)} came back empty.`);
  const len = Number(res.headers.get('content-length'));
  const body = await refuseHtmlBytes(res.body, url);
  const r = await ingestStream(db, body, {
    inbox,
    inboxUrl: base,
    totalBytes: len > 0 ? len : null,
    isCancelled: ctx.opts.isCancelled,
  });
  if (r.error) {
    const storage = /storage space/.test(r.error);
    const kept = `${r.added} complete message${r.added === 1 ? ' was' : 's were'} stored`;
    throw fail(
      storage ? 'storage' : 'damaged',
      url,
      storage ? r.error : `The download of ${labelOf(url)} was cut off or damaged; ${kept}.`,
    );
  }
  return r;
}

async function allStored(db: LoupeDB, inbox: string, ids: string[]): Promise<boolean> {
  const rows = await db.messages.bulkGet(ids);
  return rows.every((m) => m?.inboxes.includes(inbox));
}

/** An inbox row with its remote address, or the error saying it has none to `what` from. */
async function remoteInbox(
  db: LoupeDB,
  inboxName: string,
  what: string,
): Promise<(InboxRow & { url: string }) | RemoteError> {
  const row = await db.inboxes.get(inboxName);
  if (row?.url) return { ...row, url: row.url };
  const message = `"${inboxName}" has no remote address, so there is nothing to ${what}.`;
  return { kind: 'not-remote', url: '', message };
}

/** Fetches an inbox's new.atom, then every new thread's t.mbox.gz, and remembers what was seen. */
export async function syncInbox(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
  onProgress?: (p: SyncProgress) => void,
  isCancelled?: () => boolean,
  options: RemoteOptions = {},
): Promise<SyncResult> {
  const ctx = makeCtx(fetchFn, { ...options, isCancelled, onProgress });
  const result: SyncResult = {
    inbox: inboxName,
    newEntries: 0,
    threadsFetched: 0,
    threadsSkipped: 0,
    added: 0,
    pagedBack: false,
    cancelled: false,
    failures: [],
    error: null,
  };
  const row = await remoteInbox(db, inboxName, 'sync');
  if ('kind' in row) return { ...result, error: row };
  const base = row.url;
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'feed',
    total: 0,
    done: 0,
    added: 0,
    failed: 0,
  };
  const report = () => onProgress?.({ ...progress });
  report();

  let feed: AtomEntry[];
  try {
    feed = await fetchFeed(ctx, `${base}new.atom`);
  } catch (e) {
    return { ...result, error: asRemoteError(e, `${base}new.atom`) };
  }
  const diff = diffFeed(feed, row.feedSeen);
  const fresh = [...diff.fresh];
  if (diff.pageBack) {
    result.pagedBack = true;
    const since = (row.lastSync ?? Date.now()) - DAY;
    const have = new Set([...row.feedSeen, ...fresh.map(entryKey)]);
    for (let page = 0; page < MAX_PAGE_BACK; page++) {
      const url = searchFeedUrl(base, since, page * SEARCH_PAGE);
      let entries: AtomEntry[];
      try {
        entries = await fetchFeed(ctx, url);
      } catch (e) {
        result.failures.push(asRemoteError(e, url));
        break;
      }
      for (const e of entries) {
        if (have.has(entryKey(e))) continue;
        fresh.push(e);
        have.add(entryKey(e));
      }
      if (entries.length < SEARCH_PAGE) break;
    }
  }
  result.newEntries = fresh.length;

  const groups = groupThreads(fresh);
  const failedIds = new Set<string>();
  progress.phase = 'threads';
  progress.total = groups.length;
  report();
  await Promise.all(
    groups.map(async (ids) => {
      if (isCancelled?.()) {
        result.cancelled = true;
        for (const id of ids) failedIds.add(id);
        return;
      }
      const url = threadMboxUrl(base, ids[0]);
      try {
        // Checked inside the host's slot, after earlier downloads of this sync are stored.
        await ctx.limit(hostOf(url), async () => {
          if (await allStored(db, inboxName, ids)) {
            result.threadsSkipped++;
            return;
          }
          const r = await fetchMboxNow(ctx, db, url, inboxName, base);
          result.threadsFetched++;
          result.added += r.added;
          progress.added += r.added;
          if (r.cancelled) result.cancelled = true;
        });
      } catch (e) {
        for (const id of ids) failedIds.add(id);
        result.failures.push(asRemoteError(e, url));
        progress.failed++;
      }
      progress.done++;
      report();
    }),
  );

  // Entries of failed or cancelled threads stay unseen, so the next sync tries them again.
  const seen = feed.filter((e) => !(e.messageId && failedIds.has(e.messageId))).map(entryKey);
  await db.inboxes.update(inboxName, { lastSync: Date.now(), feedSeen: seen });
  progress.phase = 'done';
  report();
  return result;
}

/** Adds a remote inbox by its URL (not yet synced); returns its local name or an error. */
export async function addRemoteInbox(
  db: LoupeDB,
  input: string,
): Promise<{ ok: true; inbox: string } | { ok: false; error: RemoteError }> {
  const parsed = parseRemoteInput(input);
  if (!parsed.ok)
    return { ok: false, error: { kind: 'bad-input', url: input, message: parsed.error } };
  const { ref } = parsed;
  if (!ref.host || !ref.inbox || ref.inbox === 'all') {
    const message = 'Paste the address of one inbox, like https://lore.kernel.org/linux-usb/.';
    return { ok: false, error: { kind: 'bad-input', url: input, message } };
  }
  const url = inboxUrl(ref, ref.inbox);
  const rows = await db.inboxes.toArray();
  const same = rows.find((r) => r.url === url);
  if (same) return { ok: true, inbox: same.name };
  let name = localInboxName(ref);
  if (rows.some((r) => r.name === name))
    name = `${name}@${ref.host}${ref.port ? `:${ref.port}` : ''}`;
  await db.inboxes.put({
    name,
    url,
    title: name,
    addedAt: Date.now(),
    lastSync: null,
    feedSeen: [],
    messageCount: 0,
  });
  return { ok: true, inbox: name };
}

/** Where openThread found (or stored) the message to show. */
export type OpenResult =
  { ok: true; inbox: string; msgid: string; fetched: boolean } | { ok: false; error: RemoteError };

/** Shows a message from the cache, or fetches its whole thread (t.mbox.gz) and stores it first. */
export async function openThread(
  db: LoupeDB,
  input: string,
  fetchFn: FetchFn,
  options: RemoteOptions = {},
): Promise<OpenResult> {
  const parsed = parseRemoteInput(input);
  if (!parsed.ok)
    return { ok: false, error: { kind: 'bad-input', url: input, message: parsed.error } };
  const { ref } = parsed;
  if (!ref.msgid) {
    const message =
      'That is the address of an inbox, not of a message; use "Add inbox" to follow it.';
    return { ok: false, error: { kind: 'bad-input', url: input, message } };
  }
  const msgid = ref.msgid;
  const rows = await db.inboxes.toArray();
  const candidates: { name: string; url: string }[] = [];
  const push = (url: string, fallback: string) => {
    if (candidates.some((c) => c.url === url)) return;
    candidates.push({ name: rows.find((r) => r.url === url)?.name ?? fallback, url });
  };
  if (ref.host && ref.inbox) push(inboxUrl(ref, ref.inbox), localInboxName(ref));

  const cached = await db.messages.get(msgid);
  if (cached) {
    const want = candidates[0]?.name;
    const inbox = want && cached.inboxes.includes(want) ? want : (cached.inboxes[0] ?? want ?? '');
    return { ok: true, inbox, msgid, fetched: false };
  }
  if (!ref.host) {
    // A bare Message-ID: ask the inboxes we follow first, then every inbox on lore.
    const remote = rows.filter((r): r is InboxRow & { url: string } => !!r.url);
    remote.sort((a, b) => (b.lastSync ?? 0) - (a.lastSync ?? 0));
    for (const r of remote) push(r.url, r.name);
    push(inboxUrl(DEFAULT_HOST, 'all'), localInboxName({ ...DEFAULT_HOST, inbox: 'all' }));
  }
  const ctx = makeCtx(fetchFn, options);
  const errors: RemoteError[] = [];
  for (const c of candidates) {
    const url = threadMboxUrl(c.url, msgid);
    try {
      await fetchMbox(ctx, db, url, c.name, c.url);
      if (await db.messages.get(msgid)) return { ok: true, inbox: c.name, msgid, fetched: true };
      errors.push({
        kind: 'not-found',
        url,
        message: `${labelOf(url)} did not contain <${msgid}>.`,
      });
    } catch (e) {
      errors.push(asRemoteError(e, url));
    }
  }
  return { ok: false, error: combine(msgid, errors) };
}

function combine(msgid: string, errors: RemoteError[]): RemoteError {
  if (errors.length === 1) {
    const [e] = errors;
    if (e.kind !== 'not-found') return e;
    return {
      ...e,
      message: `No message <${msgid}> was found at ${labelOf(e.url.replace(/[^/]+\/t\.mbox\.gz$/, ''))}.`,
    };
  }
  const missing = errors.filter((e) => e.kind === 'not-found');
  const where = (e: RemoteError) => labelOf(e.url.replace(/[^/]+\/t\.mbox\.gz$/, ''));
  const others = errors.filter((e) => e.kind !== 'not-found');
  const parts: string[] = [];
  if (missing.length)
    parts.push(`No message <${msgid}> was found at ${missing.map(where).join(', ')}.`);
  for (const e of others) parts.push(e.message);
  return {
    kind: missing.length ? 'not-found' : errors[0].kind,
    url: errors[0]?.url ?? '',
    message: parts.join(' '),
  };
}

/** Progress of a backfill, kept in settings (`backfill:INBOX`) so it resumes where it stopped. */
export interface BackfillState {
  from: number;
  to: number;
  /** Last day (ms, UTC midnight) still to fetch; below `from` when done. */
  next: number;
}

/** How a backfill ended. */
export interface BackfillResult {
  inbox: string;
  windowsDone: number;
  windowsTotal: number;
  added: number;
  cancelled: boolean;
  error: RemoteError | null;
}

/** Fetches mail dated FROM..TO by search (`POST ?q=d:A..B&x=m`), newest window first; resumable. */
export async function backfill(
  db: LoupeDB,
  inboxName: string,
  from: number,
  to: number,
  fetchFn: FetchFn,
  options: RemoteOptions & { windowDays?: number } = {},
): Promise<BackfillResult> {
  const result: BackfillResult = {
    inbox: inboxName,
    windowsDone: 0,
    windowsTotal: 0,
    added: 0,
    cancelled: false,
    error: null,
  };
  const remote = await remoteInbox(db, inboxName, 'backfill');
  if ('kind' in remote) return { ...result, error: remote };
  const base = remote.url;
  const ctx = makeCtx(fetchFn, options);
  const windows = dateWindows(from, to, options.windowDays ?? 7);
  result.windowsTotal = windows.length;
  const key = `backfill:${inboxName}`;
  const prev = (await db.settings.get(key))?.value as BackfillState | undefined;
  const resume = prev && prev.from === windows.at(-1)?.from && prev.to === windows[0]?.to;
  const state: BackfillState = resume
    ? { ...prev }
    : { from: windows.at(-1)?.from ?? from, to: windows[0]?.to ?? to, next: windows[0]?.to ?? to };
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'windows',
    total: windows.length,
    done: 0,
    added: 0,
    failed: 0,
  };
  for (const w of windows) {
    if (w.to > state.next) {
      progress.done = ++result.windowsDone;
      continue;
    }
    if (options.isCancelled?.()) {
      result.cancelled = true;
      break;
    }
    const url = searchMboxUrl(base, w.from, w.to);
    try {
      const r = await fetchMbox(ctx, db, url, inboxName, base, { method: 'POST' });
      result.added += r.added;
    } catch (e) {
      const err = asRemoteError(e, url);
      // public-inbox answers 404 for a search with no results: an empty window.
      if (err.kind !== 'not-found') {
        result.error = err;
        break;
      }
    }
    state.next = w.from - DAY;
    await db.settings.put({ key, value: { ...state } });
    progress.done = ++result.windowsDone;
    progress.added = result.added;
    options.onProgress?.({ ...progress });
  }
  progress.phase = 'done';
  options.onProgress?.({ ...progress });
  return result;
}
