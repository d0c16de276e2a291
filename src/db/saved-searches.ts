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

/** Forgets a saved search. */
export async function removeSavedSearch(db: LoupeDB, id: number): Promise<void> {
  await db.savedSearches.delete(id);
}
