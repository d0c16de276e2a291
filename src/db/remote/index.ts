/**
 * Remote public-inbox sources: sync an inbox from its new.atom, open one
 * thread by URL or Message-ID, backfill older mail by date windows or whole,
 * search the server. Every download goes through `ingestStream`, so what was
 * stored stays stored when a later request fails; a thread whose download
 * failed after part of it was stored is remembered as partial until a retry
 * succeeds. Failures come back as typed values, never throws.
 */
export type { RemoteError, RemoteErrorKind } from './errors';
export type { FetchFn, RemoteOptions, SyncProgress } from './http';
export { fetchThreads, type ThreadsResult } from './threads';
export { syncInbox, type SyncResult } from './feed';
export { noRound, syncRound, type RoundResult } from './round';
export { startWatching, type WatchPoll } from './watch';
export { addRemoteInbox, openThread, type OpenResult } from './open';
export {
  backfill,
  backfillState,
  countSince,
  downloadWholeInbox,
  probeInboxSize,
  type BackfillResult,
  type BackfillState,
} from './backfill';
export { serverSearch, storedHits, type ServerHit, type ServerSearchResult } from './server-search';
export {
  PULL_PAGES,
  SEEN_MAX,
  notPulled,
  pullSavedSearch,
  type SavedSearchPull,
} from './saved-search-pull';
