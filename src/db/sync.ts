/**
 * Remote public-inbox sources: sync an inbox from its new.atom, open one
 * thread by URL or Message-ID, backfill older mail by date windows or whole,
 * search the server. Every download goes through `ingestStream`, so what was
 * stored stays stored when a later request fails; a thread whose download
 * failed after part of it was stored is remembered as partial until a retry
 * succeeds. Failures come back as typed values, never throws.
 */
import { parseAtom, type AtomEntry } from '../core/atom';
import {
  DEFAULT_HOST,
  SEARCH_PAGE,
  backoffMs,
  dateWindows,
  diffFeed,
  entryKey,
  entrySnippet,
  groupThreads,
  inboxUrl,
  labelOf,
  localInboxName,
  parseRemoteInput,
  retryAfterMs,
  searchFeedUrl,
  searchMboxUrl,
  serverSearchUrl,
  sizeProbeUrl,
  threadMboxUrl,
  wholeInboxUrl,
} from '../core/remote';
import { ingestStream, type IngestProgress, type IngestResult } from './ingest';
import { clearPartial, markPartial } from './partial';
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
  /** Bytes downloaded so far, for a single big download (the whole inbox). */
  bytes?: number;
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

// One limit per page or worker, so a sync, a search and an open together stay at 2 per host.
const sharedLimit = hostLimiter(2);

function makeCtx(fetchFn: FetchFn, opts: RemoteOptions): Ctx {
  const limit = opts.perHost ? hostLimiter(opts.perHost) : sharedLimit;
  return { fetch: fetchFn, opts, limit };
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
    // The Loupe proxy marks its own refusals apart from what it relays from the server.
    const proxyOwn = res.headers.get('x-loupe-proxy') === 'error';
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
    if (proxyOwn)
      throw fail('refused', url, `The Loupe proxy refused the request for ${where} (${text}).`);
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
  onIngest?: (p: IngestProgress) => void,
): Promise<IngestResult> {
  return ctx.limit(hostOf(url), () => fetchMboxNow(ctx, db, url, inbox, base, init, onIngest));
}

/** fetchMbox for a caller that already holds a slot of the host's limit. */
async function fetchMboxNow(
  ctx: Ctx,
  db: LoupeDB,
  url: string,
  inbox: string,
  base: string,
  init?: RequestInit,
  onIngest?: (p: IngestProgress) => void,
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
    onProgress: onIngest,
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

/** Downloads one thread (by its first id) inside a held host slot, keeping the partial marks true. */
async function fetchThreadNow(
  ctx: Ctx,
  db: LoupeDB,
  inbox: string,
  base: string,
  ids: string[],
): Promise<IngestResult> {
  const url = threadMboxUrl(base, ids[0]);
  try {
    const r = await fetchMboxNow(ctx, db, url, inbox, base);
    if (!r.cancelled) await clearPartial(db, inbox, ids);
    return r;
  } catch (e) {
    await markPartial(db, inbox, ids, asRemoteError(e, url));
    throw e;
  }
}

/** How fetching a set of threads went. */
export interface ThreadsResult {
  fetched: number;
  /** Threads not fetched because an earlier download already held every id. */
  skipped: number;
  added: number;
  cancelled: boolean;
  failures: RemoteError[];
  /** Ids of the groups that failed or were cancelled. */
  failedIds: string[];
}

/** A thread-fetching result before any thread was fetched. */
function noThreads(): ThreadsResult {
  return { fetched: 0, skipped: 0, added: 0, cancelled: false, failures: [], failedIds: [] };
}

/**
 * Fetches groups of Message-IDs, one t.mbox.gz per group (by its first id),
 * at most the host's limit at once. Unless `refetch`, a group whose ids are
 * all stored by then is skipped, so one download serves every group it holds.
 */
async function fetchGroups(
  ctx: Ctx,
  db: LoupeDB,
  inbox: string,
  base: string,
  groups: string[][],
  progress: SyncProgress,
  refetch = false,
): Promise<ThreadsResult> {
  const out = noThreads();
  progress.phase = 'threads';
  progress.total = groups.length;
  ctx.opts.onProgress?.({ ...progress });
  await Promise.all(
    groups.map(async (ids) => {
      if (ctx.opts.isCancelled?.()) {
        out.cancelled = true;
        out.failedIds.push(...ids);
        return;
      }
      try {
        // Checked inside the host's slot, after earlier downloads of this call are stored.
        await ctx.limit(hostOf(base), async () => {
          if (!refetch && (await allStored(db, inbox, ids))) {
            out.skipped++;
            return;
          }
          const r = await fetchThreadNow(ctx, db, inbox, base, ids);
          out.fetched++;
          out.added += r.added;
          progress.added += r.added;
          if (r.cancelled) {
            out.cancelled = true;
            out.failedIds.push(...ids);
          }
        });
      } catch (e) {
        out.failedIds.push(...ids);
        out.failures.push(asRemoteError(e, threadMboxUrl(base, ids[0])));
        progress.failed++;
      }
      progress.done++;
      ctx.opts.onProgress?.({ ...progress });
    }),
  );
  return out;
}

/**
 * Fetches the threads of the given groups of Message-IDs into a remote inbox
 * (server search hits, or a partial thread again with `refetch`).
 */
export async function fetchThreads(
  db: LoupeDB,
  inboxName: string,
  groups: string[][],
  fetchFn: FetchFn,
  options: RemoteOptions & { refetch?: boolean } = {},
): Promise<ThreadsResult & { error: RemoteError | null }> {
  const row = await remoteInbox(db, inboxName, 'fetch from');
  const empty = noThreads();
  if ('kind' in row) return { ...empty, error: row };
  const ctx = makeCtx(fetchFn, options);
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'threads',
    total: 0,
    done: 0,
    added: 0,
    failed: 0,
  };
  const r = await fetchGroups(ctx, db, inboxName, row.url, groups, progress, options.refetch);
  progress.phase = 'done';
  options.onProgress?.({ ...progress });
  return { ...r, error: null };
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

  // Each group also names the stored parents it replies to, so that a failed download
  // of new replies marks the thread that holds them partial.
  const parents = new Map(fresh.map((e) => [e.messageId, e.inReplyTo]));
  const groups = groupThreads(fresh).map((ids) => [
    ...new Set([...ids, ...ids.flatMap((id) => parents.get(id) ?? [])]),
  ]);
  const t = await fetchGroups(ctx, db, inboxName, base, groups, progress);
  result.threadsFetched = t.fetched;
  result.threadsSkipped = t.skipped;
  result.added = t.added;
  result.cancelled = t.cancelled;
  result.failures.push(...t.failures);
  const failedIds = new Set(t.failedIds);

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
      await ctx.limit(hostOf(url), () => fetchThreadNow(ctx, db, c.name, c.url, [msgid]));
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
  const result = noneFetched(inboxName, 0);
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
  await db.settings.put({ key, value: { ...state } });
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
      // Stopped inside this window: it stays to do, so resuming fetches it whole.
      if (r.cancelled) {
        result.cancelled = true;
        break;
      }
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

/** Where a backfill of an inbox stands, if one was started (see BackfillState). */
export async function backfillState(
  db: LoupeDB,
  inboxName: string,
): Promise<BackfillState | undefined> {
  return (await db.settings.get(`backfill:${inboxName}`))?.value as BackfillState | undefined;
}

/** A backfill result before any window was fetched. */
function noneFetched(inbox: string, windowsTotal: number): BackfillResult {
  return { inbox, windowsDone: 0, windowsTotal, added: 0, cancelled: false, error: null };
}

/** Downloads a whole inbox as one all.mbox.gz (meant for small inboxes; see probeInboxSize). */
export async function downloadWholeInbox(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
  options: RemoteOptions = {},
): Promise<BackfillResult> {
  const result = noneFetched(inboxName, 1);
  const remote = await remoteInbox(db, inboxName, 'download');
  if ('kind' in remote) return { ...result, error: remote };
  const ctx = makeCtx(fetchFn, options);
  const url = wholeInboxUrl(remote.url);
  const progress: SyncProgress = {
    inbox: inboxName,
    phase: 'windows',
    total: 1,
    done: 0,
    added: 0,
    failed: 0,
    bytes: 0,
  };
  options.onProgress?.({ ...progress });
  try {
    const r = await fetchMbox(ctx, db, url, inboxName, remote.url, undefined, (p) =>
      options.onProgress?.({ ...progress, added: p.added, bytes: p.bytes }),
    );
    result.added = r.added;
    result.cancelled = r.cancelled;
    result.windowsDone = r.cancelled ? 0 : 1;
  } catch (e) {
    result.error = asRemoteError(e, url);
  }
  options.onProgress?.({
    ...progress,
    phase: 'done',
    done: result.windowsDone,
    added: result.added,
  });
  return result;
}

/** Whether an inbox is small enough (at most SMALL_INBOX messages) to download whole. */
export async function probeInboxSize(
  db: LoupeDB,
  inboxName: string,
  fetchFn: FetchFn,
): Promise<{ ok: true; small: boolean } | { ok: false; error: RemoteError }> {
  const remote = await remoteInbox(db, inboxName, 'measure');
  if ('kind' in remote) return { ok: false, error: remote };
  const url = sizeProbeUrl(remote.url);
  try {
    const entries = await fetchFeed(makeCtx(fetchFn, {}), url);
    return { ok: true, small: entries.length === 0 };
  } catch (e) {
    const err = asRemoteError(e, url);
    // Past the last result public-inbox sends a cut-off feed; with no result at all, 404.
    if (err.kind === 'bad-feed' || err.kind === 'not-found') return { ok: true, small: true };
    return { ok: false, error: err };
  }
}

/** One server search result, with what its Atom entry tells. */
export interface ServerHit {
  id: string;
  subject: string;
  author: string;
  email: string;
  date: number;
  snippet: string;
  inReplyTo: string | null;
  /** The message is stored locally already. */
  cached: boolean;
}

/** A page of server search results, or why there is none. */
export type ServerSearchResult =
  { ok: true; hits: ServerHit[]; more: boolean; host: string } | { ok: false; error: RemoteError };

/**
 * Runs a query on the inbox's public-inbox server (`?q=…&x=A`, one page of
 * SEARCH_PAGE) and says which hits are already stored. The query goes as typed:
 * the caller checks first that it holds no Loupe-only terms (planServerQuery).
 */
export async function serverSearch(
  db: LoupeDB,
  inboxName: string,
  query: string,
  fetchFn: FetchFn,
  opts: { offset?: number; relevance?: boolean } = {},
): Promise<ServerSearchResult> {
  const remote = await remoteInbox(db, inboxName, 'search');
  if ('kind' in remote) return { ok: false, error: remote };
  const url = serverSearchUrl(remote.url, query, opts);
  let entries: AtomEntry[];
  try {
    entries = await fetchFeed(makeCtx(fetchFn, {}), url);
  } catch (e) {
    const err = asRemoteError(e, url);
    // 404 is public-inbox's answer to a search with no results; past the end, a cut-off feed.
    const empty = err.kind === 'not-found' || (err.kind === 'bad-feed' && !!opts.offset);
    if (!empty) return { ok: false, error: err };
    entries = [];
  }
  const withId = entries.filter((e): e is AtomEntry & { messageId: string } => !!e.messageId);
  const stored = await db.messages.bulkGet(withId.map((e) => e.messageId));
  const seen = new Set<string>();
  const hits: ServerHit[] = [];
  withId.forEach((e, i) => {
    if (seen.has(e.messageId)) return;
    seen.add(e.messageId);
    hits.push({
      id: e.messageId,
      subject: e.title,
      author: e.authorName || e.authorEmail,
      email: e.authorEmail,
      date: e.updated,
      snippet: entrySnippet(e.content),
      inReplyTo: e.inReplyTo,
      cached: !!stored[i],
    });
  });
  return { ok: true, hits, more: entries.length >= SEARCH_PAGE, host: hostOf(remote.url) };
}

/** Which of these Message-IDs are stored locally. */
export async function storedIds(db: LoupeDB, ids: string[]): Promise<string[]> {
  const rows = await db.messages.bulkGet(ids);
  return ids.filter((_, i) => !!rows[i]);
}
