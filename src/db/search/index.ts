/**
 * Local search over the IndexedDB index: writing it inside the import
 * transaction (write.ts), and running queries by candidate-then-verify
 * (plan.ts, rank.ts, run.ts) over what a searcher keeps in memory (cache.ts).
 * Index terms and highlighting are pure and live in src/core/query.
 */
export { indexComplete, searchTables } from './meta';
export { deleteInboxIndex, indexBacklog, indexMessages } from './write';
export { saveDocCache, type DocTable } from './saved';
export type { SaveDocs } from './cache';
export { indexedSizes } from './sizes';
export { touchReadMarks } from './reads';
export { smallestFirst, selectSmallest } from './rank';
export { eachPosting, postingRowBytes, rowKeys } from './postings';
export {
  countMatches,
  runSearch,
  warmSearch,
  type SearchHit,
  type SearchOptions,
  type SearchOrder,
  type SearchSummary,
} from './run';
