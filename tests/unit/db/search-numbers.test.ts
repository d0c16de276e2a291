/**
 * Finding a message's posting number without an index on the segment rows: a
 * cross-post gains the new inbox at the number it has, and a message imported
 * again after its deletion is indexed once, whichever connection wrote what.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src/core/query';
import type { ParsedMessage } from '../../../src/core/message';
import { deleteInbox } from '../../../src/db/maintenance';
import type { LoupeDB } from '../../../src/db/schema';
import { runSearch, searchTables } from '../../../src/db/search';
import { postingNumbers } from '../../../src/db/search/numbers';
import { storeBatch } from '../../../src/db/store';
import { mail, scratchDbs } from './helpers';

const open = scratchDbs();
let n = 0;

/** Every live posting number of each Message-ID, from the segment rows. */
async function numbersOf(db: LoupeDB): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const row of await db.searchSegs.toArray())
    row.ids.forEach((id, i) => {
      if (id) out.set(id, [...(out.get(id) ?? []), row.seg + i]);
    });
  return out;
}

async function found(db: LoupeDB, query: string): Promise<string[]> {
  const q = parseQuery(query, Date.now());
  if (!q.ok) throw new Error(q.error.message);
  const ids: string[] = [];
  await runSearch(db, q.ast, { inbox: '*', onHits: (h) => ids.push(...h.map((x) => x.id)) });
  return ids.sort();
}

const thread = (): Promise<ParsedMessage[]> =>
  Promise.all([
    mail('root@x', 1, [], 'wombat patch'),
    mail('r1@x', 2, ['root@x'], 'Re: wombat patch'),
    mail('r2@x', 3, ['root@x', 'r1@x'], 'Re: wombat patch'),
  ]);

describe('posting numbers by Message-ID', () => {
  it('gives a cross-post its inbox at the number it was indexed under', async () => {
    const db = await open(`numbers-${n++}`);
    const msgs = await thread();
    await storeBatch(db, 'lkml', msgs);
    const before = await numbersOf(db);
    await storeBatch(db, 'Netdev', [msgs[1], await mail('other@x', 4)]);
    const after = await numbersOf(db);
    expect(after.get('r1@x')).toEqual(before.get('r1@x'));
    expect((await db.searchInboxes.toArray()).map((r) => [r.no, r.inbox])).toEqual([
      [before.get('r1@x')?.[0], 'netdev'],
    ]);
    expect(await found(db, 'inbox:netdev')).toEqual(['other@x', 'r1@x']);
  });

  it('indexes a message imported again after its inbox was deleted once, at a new number', async () => {
    const db = await open(`numbers-${n++}`);
    const msgs = await thread();
    await storeBatch(db, 'lkml', msgs);
    // The replies keep a ghost root's node after the deletion: the ids were seen before.
    await storeBatch(db, 'netdev', [await mail('late@x', 5, ['root@x'])]);
    await deleteInbox(db, 'lkml');
    const old = await numbersOf(db);
    expect([...old.keys()]).toEqual(['late@x']);
    await storeBatch(db, 'lkml', msgs);
    const again = await numbersOf(db);
    expect([...again.values()].every((nos) => nos.length === 1)).toBe(true);
    expect([...again.keys()].sort()).toEqual(['late@x', 'r1@x', 'r2@x', 'root@x']);
    expect(await found(db, 'wombat')).toEqual(['r1@x', 'r2@x', 'root@x']);
  });

  it('takes the old number out of the index when a deletion stopped before its index step', async () => {
    const db = await open(`numbers-${n++}`);
    const msgs = await thread();
    await storeBatch(db, 'lkml', msgs);
    const old = await numbersOf(db);
    // deleteInbox removes message rows first, in small transactions, and the index last.
    await db.messages.bulkDelete(['root@x', 'r1@x']);
    await storeBatch(db, 'netdev', msgs);
    const again = await numbersOf(db);
    expect(again.get('root@x')).toHaveLength(1);
    expect(again.get('root@x')).not.toEqual(old.get('root@x'));
    expect(again.get('r1@x')).toHaveLength(1);
    expect(again.get('r1@x')).not.toEqual(old.get('r1@x'));
    // r2 was still stored: a cross-post, at the number it had.
    expect(again.get('r2@x')).toEqual(old.get('r2@x'));
    expect(await found(db, 'wombat')).toEqual(['r1@x', 'r2@x', 'root@x']);
  });

  it('follows numbers another connection gave and an inbox deletion it did', async () => {
    const name = `numbers-${n++}`;
    const a = await open(name);
    const b = await open(name);
    const msgs = await thread();
    await storeBatch(a, 'lkml', [msgs[0]]);
    // A cross-post makes `a` read the numbers.
    await storeBatch(a, 'netdev', [msgs[0]]);
    await storeBatch(b, 'lkml', [msgs[1]]);
    await storeBatch(a, 'netdev', [msgs[1]]);
    const nos = await numbersOf(a);
    expect(await a.searchInboxes.get([nos.get('r1@x')?.[0] as number, 'netdev'])).toBeDefined();
    // `b` deletes both inboxes and imports r1 again, at a new number: `a` cross-posts it there.
    await deleteInbox(b, 'netdev');
    await deleteInbox(b, 'lkml');
    const left = await a.transaction('r', searchTables(a), async () => {
      const numbers = await postingNumbers(a);
      return [numbers.get('root@x'), numbers.get('r1@x'), numbers.size];
    });
    expect(left).toEqual([undefined, undefined, 0]);
    await storeBatch(b, 'lkml', [msgs[1]]);
    await storeBatch(a, 'netdev', [msgs[1]]);
    const after = await numbersOf(a);
    expect([...after.keys()]).toEqual(['r1@x']);
    const no = after.get('r1@x')?.[0] as number;
    expect(no).not.toBe(nos.get('r1@x')?.[0]);
    expect((await a.searchInboxes.toArray()).map((r) => [r.no, r.inbox])).toEqual([[no, 'netdev']]);
    expect(await found(a, 'inbox:netdev')).toEqual(['r1@x']);
  });
});
