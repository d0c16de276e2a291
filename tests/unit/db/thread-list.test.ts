import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { describe, expect, it } from 'vitest';
import { ALL } from '../../../src/core/constants';
import {
  listThreads,
  listThreadsBeside,
  listWindow,
  listWindowKeeping,
  type ListAnchor,
} from '../../../src/db/queries';
import { markThreadRead } from '../../../src/db/marks';
import type { StoredThread } from '../../../src/db/schema';
import { storeBatch } from '../../../src/db/store';
import { freshDb, mail } from './helpers';

const fx = freshDb('thread-list');

/**
 * 40 threads in `lkml`, every third also in `linux-mm`; their roots fall on six
 * hours only, so most share their last date with others (the index orders those
 * by id).
 */
async function store() {
  for (let i = 0; i < 40; i++) {
    const id = `t${String((i * 7) % 40).padStart(2, '0')}@example.org`;
    const m = await mail(id, i % 6, [], `thread ${i}`);
    await storeBatch(fx.db, 'lkml', [m]);
    if (i % 3 === 0) await storeBatch(fx.db, 'linux-mm', [m]);
  }
}

const ids = (rows: StoredThread[]) => rows.map((t) => t.id);
const anchorOf = (t: StoredThread, side: ListAnchor['side']): ListAnchor => ({
  id: t.id,
  lastDate: t.lastDate,
  side,
});

describe('reading the thread list beside a row', () => {
  it('gives the rows an offset read gives, after and before every row, in every list', async () => {
    await store();
    for (const inbox of ['lkml', 'linux-mm', ALL]) {
      const whole = await listThreads(fx.db, inbox, 0, 1000);
      expect(whole.length).toBe(inbox === 'linux-mm' ? 14 : 40);
      // Ties are what the anchor has to get right.
      expect(new Set(whole.map((t) => t.lastDate)).size).toBeLessThan(whole.length / 2);
      for (let p = 0; p < whole.length; p++) {
        const older = await listThreadsBeside(fx.db, inbox, anchorOf(whole[p], 'older'), 7);
        expect(ids(older), `${inbox} after ${p}`).toEqual(ids(whole.slice(p + 1, p + 8)));
        const newer = await listThreadsBeside(fx.db, inbox, anchorOf(whole[p], 'newer'), 7);
        expect(ids(newer), `${inbox} before ${p}`).toEqual(ids(whole.slice(Math.max(0, p - 7), p)));
      }
    }
  });

  it('reads by offset when the rows above the anchor are fewer than its position says', async () => {
    await store();
    const whole = await listThreads(fx.db, 'lkml', 0, 40);
    // A window 10..20 whose lower neighbour is taken to be at position 20, but is at 5.
    const rows = await listWindow(fx.db, 'lkml', 10, 10, anchorOf(whole[5], 'newer'));
    expect(ids(rows)).toEqual(ids(whole.slice(10, 20)));
  });

  it('wakes a live read beside a row when a thread is added above that row', async () => {
    await store();
    const whole = await listThreads(fx.db, 'lkml', 0, 40);
    const anchor = anchorOf(whole[19], 'older');
    const seen: string[][] = [];
    let runs = 0;
    const sub = liveQuery(() =>
      // As the list does: the first run beside the anchor, a run again by offset.
      listWindow(fx.db, 'lkml', 20, 5, runs++ === 0 ? anchor : null),
    ).subscribe((rows) => seen.push(ids(rows)));
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toEqual(ids(whole.slice(20, 25)));
    // Newer than every thread: each row moves one place down.
    await storeBatch(fx.db, 'lkml', [await mail('new@example.org', 23, [], 'news')]);
    await expect.poll(() => seen.length).toBe(2);
    sub.unsubscribe();
    expect(seen[1]).toEqual(ids(whole.slice(19, 24)));
  });

  it('joins the rows read beside a row to the rows kept, as an offset read gives them', async () => {
    await store();
    const whole = await listThreads(fx.db, 'lkml', 0, 40);
    const down = await listWindowKeeping(
      fx.db,
      'lkml',
      { from: 20, limit: 10 },
      anchorOf(whole[19], 'older'),
      whole.slice(12, 20),
    );
    expect(ids(down)).toEqual(ids(whole.slice(12, 30)));
    const up = await listWindowKeeping(
      fx.db,
      'lkml',
      { from: 5, limit: 10 },
      anchorOf(whole[15], 'newer'),
      whole.slice(15, 22),
    );
    expect(ids(up)).toEqual(ids(whole.slice(5, 22)));
  });

  it('wakes a live read keeping rows when a kept row changes', async () => {
    await store();
    const whole = await listThreads(fx.db, 'lkml', 0, 40);
    const kept = whole.slice(12, 20);
    const seen: StoredThread[][] = [];
    let runs = 0;
    const sub = liveQuery(() =>
      runs++ === 0
        ? listWindowKeeping(
            fx.db,
            'lkml',
            { from: 20, limit: 5 },
            anchorOf(whole[19], 'older'),
            kept,
          )
        : listWindow(fx.db, 'lkml', 12, 13, null),
    ).subscribe((rows) => seen.push(rows));
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0][3].unread).toBe(1);
    // Only the row's unread count changes, not its place: no row read this time tells.
    await markThreadRead(fx.db, kept[3].id);
    await expect.poll(() => seen.length).toBe(2);
    sub.unsubscribe();
    expect(ids(seen[1])).toEqual(ids(whole.slice(12, 25)));
    expect(seen[1][3].unread).toBe(0);
  });
});
