/**
 * The saved table of posting numbers (searchCache), so a searcher's start need not
 * read every index row. Its Message-IDs are most of its bytes (4.5 MB of 7 at 100k
 * messages) and the reading time follows the bytes (330–690 ms for the whole row at
 * load 24, 20–65 ms without the ids), while a query needs the ids only of the hits
 * it shows: so the table row holds the typed arrays, and the ids lie in rows of
 * IDS_PER_ROW numbers, read for the hits that need them.
 */
import type { LoupeDB, SearchDocsRow, SearchIdsRow } from '../schema';

/** Posting numbers per row of saved ids: about 6 KB of ids, so a page of hits reads little more than it shows. */
export const IDS_PER_ROW = 128;

/**
 * The table's row. The one saved before the ids had rows of their own (`docs`, with
 * every id in it) is not read, and goes when this one is saved: an older page still
 * open beside this one reads only that key, and finds it missing rather than changed.
 */
const DOCS = 'docs.v2';
const OLD_DOCS = 'docs';

const idsKey = (row: number) => `ids:${row}`;

/** What a searcher saves: the table row's fields and the Message-IDs of numbers from `idsFrom` on. */
export interface DocTable extends Omit<SearchDocsRow, 'key'> {
  /** A multiple of IDS_PER_ROW: the id rows below it are kept as they are. */
  idsFrom: number;
  ids: string[];
}

/** The saved table row, if it still describes the index. */
export async function savedDocs(
  db: LoupeDB,
  gen: number,
  next: number,
): Promise<SearchDocsRow | null> {
  const row = (await db.searchCache.get(DOCS)) as SearchDocsRow | undefined;
  if (!row || row.gen !== gen || row.next > next) return null;
  // An index dropped and built again may reuse generation and numbers: the last doc must match.
  if (row.lastNo > 0) {
    const seg = await db.searchSegs.where('seg').belowOrEqual(row.lastNo).last();
    if (seg?.ids[row.lastNo - seg.seg] !== row.lastId) return null;
  }
  return row;
}

/** The saved Message-IDs of id rows (`rows[k]` holds numbers from rows[k] * IDS_PER_ROW), null where not saved at `gen`. */
export async function savedIds(
  db: LoupeDB,
  gen: number,
  rows: number[],
): Promise<(string[] | null)[]> {
  const got = (await db.searchCache.bulkGet(rows.map(idsKey))) as (SearchIdsRow | undefined)[];
  return got.map((r) => (r && r.gen === gen ? r.ids : null));
}

/** Saves a searcher's table of posting numbers: the table row and the id rows from `idsFrom`. */
export async function saveDocCache(db: LoupeDB, table: DocTable): Promise<void> {
  const { idsFrom, ids, ...docs } = table;
  const rows: SearchIdsRow[] = [];
  for (let at = 0; at < ids.length; at += IDS_PER_ROW)
    rows.push({
      key: idsKey((idsFrom + at) / IDS_PER_ROW),
      gen: docs.gen,
      ids: ids.slice(at, at + IDS_PER_ROW),
    });
  const row: SearchDocsRow = { key: DOCS, ...docs };
  await db.transaction('rw', db.searchCache, async () => {
    await db.searchCache.delete(OLD_DOCS);
    await db.searchCache.bulkPut(rows);
    await db.searchCache.put(row);
  });
}
