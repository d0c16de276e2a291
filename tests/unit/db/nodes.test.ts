import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeMap } from '../../../src/db/nodes';
import { LoupeDB } from '../../../src/db/schema';

const NAME = 'loupe-nodes-test';
const open: LoupeDB[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  await Dexie.delete(NAME);
});

/** A connection of its own, as another tab or worker has. */
async function connect(): Promise<LoupeDB> {
  const db = new LoupeDB(NAME);
  await db.open();
  open.push(db);
  return db;
}

const write = (db: LoupeDB, changes: [string, string | null][]) =>
  db.transaction('rw', db.nodeLog, async () => (await nodeMap(db)).write(changes));
const threadsOf = (db: LoupeDB, ids: string[]) =>
  db.transaction('r', db.nodeLog, async () => {
    const nodes = await nodeMap(db);
    return ids.map((id) => nodes.get(id) ?? null);
  });

describe('the node log', () => {
  it('shows each connection what the others wrote since it last looked', async () => {
    const a = await connect();
    const b = await connect();
    await write(a, [
      ['m1', 't1'],
      ['m2', 't1'],
    ]);
    expect(await threadsOf(b, ['m1', 'm2', 'm3'])).toEqual(['t1', 't1', null]);
    // b moves m2 to another thread and adds m3; a sees both on its next look.
    await write(b, [
      ['m2', 't2'],
      ['m3', 't2'],
    ]);
    expect(await threadsOf(a, ['m1', 'm2', 'm3'])).toEqual(['t1', 't2', 't2']);
    await write(a, [['m1', null]]);
    expect(await threadsOf(b, ['m1', 'm2'])).toEqual([null, 't2']);
    expect(await a.nodeLog.count()).toBe(3);
  });

  it('folds the log into one snapshot that a connection which read before the fold still follows', async () => {
    const a = await connect();
    const b = await connect();
    await write(a, [['m0', 't0']]);
    expect(await threadsOf(b, ['m0'])).toEqual(['t0']);
    // Rows holding more ids than the map (and at least 50,000) are folded.
    const ids = Array.from({ length: 60_000 }, (_, i) => `m${i}`);
    await write(
      a,
      ids.map((id, i) => [id, `t${i % 7}`]),
    );
    expect(await a.nodeLog.count()).toBe(1);
    // So are more than 1,000 rows, however small.
    for (let i = 0; i < 1001; i++) await write(a, [[`m${i}`, i === 5 ? null : `t${i % 7}`]]);
    expect(await a.nodeLog.count()).toBe(1);
    await write(a, [['m0', null]]);
    expect(await a.nodeLog.count()).toBe(2);
    const want = ids.map((_, i) => (i === 0 || i === 5 ? null : `t${i % 7}`));
    expect(await threadsOf(b, ids)).toEqual(want);
    // A connection that never looked reads the snapshot and what followed it.
    expect(await threadsOf(await connect(), ids)).toEqual(want);
  });

  it('forgets what a transaction that failed wrote', async () => {
    const db = await connect();
    await write(db, [['m1', 't1']]);
    await expect(
      db.transaction('rw', db.nodeLog, async () => {
        await (
          await nodeMap(db)
        ).write([
          ['m1', 't9'],
          ['m2', 't9'],
        ]);
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    // Asking twice in one transaction must not take its own rows for committed ones.
    await expect(
      db.transaction('rw', db.nodeLog, async () => {
        await (await nodeMap(db)).write([['m3', 't9']]);
        expect((await nodeMap(db)).get('m3')).toBe('t9');
        throw new Error('cancelled');
      }),
    ).rejects.toThrow('cancelled');
    expect(await threadsOf(db, ['m1', 'm2', 'm3'])).toEqual(['t1', null, null]);
    expect(await db.nodeLog.count()).toBe(1);
  });

  it('writes nothing for no changes', async () => {
    const db = await connect();
    await write(db, []);
    expect(await db.nodeLog.count()).toBe(0);
  });
});
