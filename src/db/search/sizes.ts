/** What the index knows of each inbox's size, read without reading mail. */
import type { LoupeDB } from '../schema';

/** Raw bytes and count of the indexed messages of every inbox (lowercased), without reading mail. */
export async function indexedSizes(
  db: LoupeDB,
): Promise<Map<string, { bytes: number; count: number }>> {
  const out = new Map<string, { bytes: number; count: number }>();
  const add = (ib: string, size: number) => {
    const s = out.get(ib) ?? { bytes: 0, count: 0 };
    if (!s.count) out.set(ib, s);
    s.bytes += size;
    s.count++;
  };
  const sizeOf = new Map<number, number>();
  await db.transaction('r', [db.searchSegs, db.searchInboxes], async () => {
    for (const row of await db.searchSegs.toArray())
      row.ids.forEach((id, i) => {
        if (!id) return;
        sizeOf.set(row.seg + i, row.sizes[i]);
        for (const ib of row.inboxes[i]) add(ib, row.sizes[i]);
      });
    for (const r of await db.searchInboxes.toArray())
      if (sizeOf.has(r.no)) add(r.inbox, sizeOf.get(r.no) as number);
  });
  return out;
}
