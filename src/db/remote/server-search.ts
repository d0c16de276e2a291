/**
 * Searching the inbox's public-inbox server, and telling which hits are
 * already stored.
 */
import type { AtomEntry } from '../../core/atom';
import { SEARCH_PAGE, entrySnippet, serverSearchUrl } from '../../core/remote';
import type { LoupeDB } from '../schema';
import { crashBadge, crashRows, type HitCrash } from '../search/meta';
import { asRemoteError, type RemoteError } from './errors';
import { fetchFeed, hostOf, makeCtx, type FetchFn } from './http';
import { remoteInbox } from './threads';

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
  /** The crash a stored message reports, for its badge. */
  crash: HitCrash | null;
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
  const stored = await storedHits(
    db,
    withId.map((e) => e.messageId),
  );
  const seen = new Set<string>();
  const hits: ServerHit[] = [];
  withId.forEach((e) => {
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
      cached: stored.has(e.messageId),
      crash: stored.get(e.messageId) ?? null,
    });
  });
  return { ok: true, hits, more: entries.length >= SEARCH_PAGE, host: hostOf(remote.url) };
}

/** Which of these Message-IDs are stored locally, with the crash each reports (for its badge). */
export async function storedHits(
  db: LoupeDB,
  ids: string[],
): Promise<Map<string, HitCrash | null>> {
  const rows = await db.messages.bulkGet(ids);
  const crashes = await crashRows(
    db,
    rows.flatMap((m) => (m?.hasOops ? [m.id] : [])),
  );
  return new Map(ids.flatMap((id, i) => (rows[i] ? [[id, crashBadge(crashes.get(id))]] : [])));
}
