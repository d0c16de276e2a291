/** Saved searches: the sidebar's list of queries kept by the reader. */
import type { LoupeDB, SavedSearchRow } from './schema';

/** Saved searches in the order they were saved. */
export function listSavedSearches(db: LoupeDB): Promise<SavedSearchRow[]> {
  return db.savedSearches.toArray();
}

/** Saves a search for the sidebar (once per query and inbox). */
export async function saveSearch(db: LoupeDB, query: string, inbox: string): Promise<void> {
  await db.transaction('rw', db.savedSearches, async () => {
    const all = await db.savedSearches.toArray();
    if (all.some((s) => s.query === query && s.inbox === inbox)) return;
    await db.savedSearches.add({ name: query || '(everything)', query, inbox });
  });
}

/** The saved search of this query and inbox, if saved. */
export async function findSavedSearch(
  db: LoupeDB,
  query: string,
  inbox: string,
): Promise<SavedSearchRow | undefined> {
  return (await db.savedSearches.toArray()).find((s) => s.query === query && s.inbox === inbox);
}

/** Turns running a saved search on its inbox's server on or off. */
export async function setSavedSearchServer(db: LoupeDB, id: number, on: boolean): Promise<void> {
  await db.savedSearches.update(id, { server: on });
}

/** The reader opened a saved search: what its server runs found is no longer new. */
export async function visitSavedSearch(db: LoupeDB, id: number): Promise<void> {
  await db.savedSearches.update(id, { fresh: [] });
}

/** Forgets a saved search. */
export async function removeSavedSearch(db: LoupeDB, id: number): Promise<void> {
  await db.savedSearches.delete(id);
}
