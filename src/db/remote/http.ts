/**
 * Requests to a public-inbox host: a per-host limit on requests in flight,
 * retries on 429/503, the Loupe proxy's own refusals told apart from the
 * server's answers, and web pages refused where mail or a feed was expected.
 */
import { parseAtom, type AtomEntry } from '../../core/atom';
import { backoffMs, labelOf, retryAfterMs } from '../../core/remote';
import { fail, type RemoteFailure } from './errors';

/** Fetches a remote URL (the caller routes it through the same-origin proxy). */
export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

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

/** Options shared by the remote operations; tests replace the clock. */
export interface RemoteOptions {
  onProgress?: (p: SyncProgress) => void;
  /** Stops the operation at its next safe point; what was stored stays. */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Requests in flight per host. */
  perHost?: number;
  /** Retries after 429/503. */
  retries?: number;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
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

export interface Ctx {
  fetch: FetchFn;
  opts: RemoteOptions;
  limit: ReturnType<typeof hostLimiter>;
}

// One limit per page or worker, so a sync, a search and an open together stay at 2 per host.
const sharedLimit = hostLimiter(2);

export function makeCtx(fetchFn: FetchFn, opts: RemoteOptions): Ctx {
  const limit = opts.perHost ? hostLimiter(opts.perHost) : sharedLimit;
  return { fetch: fetchFn, opts, limit };
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One request with retries on 429/503; a non-OK answer becomes a RemoteFailure. */
export async function request(ctx: Ctx, url: string, init?: RequestInit): Promise<Response> {
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
      if (ctx.opts.signal?.aborted) throw fail('rate-limited', url, `${host} is busy; stopped.`);
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

export function refuseHtml(res: Response, url: string): void {
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    void res.body?.cancel().catch(() => undefined);
    throw htmlFailure(url);
  }
}

/** Refuses a body that is an HTML page although no content-type said so; else replays it whole. */
export async function refuseHtmlBytes(
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

/** Fetches and parses an Atom feed; a page that is not a feed is a `bad-feed` failure. */
export async function fetchFeed(ctx: Ctx, url: string): Promise<AtomEntry[]> {
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
