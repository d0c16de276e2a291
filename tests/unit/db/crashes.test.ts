import 'fake-indexeddb/auto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashSummary } from '../../../src/core/oops';
import { crashIndex } from '../../../src/db/crashes';
import { storeBatch } from '../../../src/db/store';
import { parseFile } from '../conformance/helpers';
import { projectRoot } from '../shared';
import { freshDb } from './helpers';

const fx = freshDb('crashes');

async function store(name: string): Promise<void> {
  const msgs = await parseFile(join(projectRoot, 'tests/fixtures/mail', name));
  await storeBatch(
    fx.db,
    'linux-bluetooth',
    msgs.map((m) => ({ ...m, crash: m.hasOops ? crashSummary(m.text) : null })),
  );
}

describe('the crash index over a syzbot thread', () => {
  it('shows one bug under its syzbot title, with status, reproducer and kernel', async () => {
    await store('syzbot-thread.mboxrd');
    const { groups, subsystems, labels } = await crashIndex(fx.db);
    expect(groups).toHaveLength(1);
    const [g] = groups;
    expect(g.title).toBe('KASAN: slab-use-after-free Write in rfcomm_sock_release');
    expect(g.label).toBe('use-after-free write');
    expect(g.plain).toBeNull();
    expect(g.bugs).toHaveLength(1);
    expect(g.bugs[0]).toMatchObject({
      name: 'KASAN: slab-use-after-free Write in rfcomm_sock_release (2)',
      reproducer: true,
      reports: 1,
      headCommit: '4b3f1a9c2d7e',
    });
    expect(g.bugs[0].triage.status).toBe('fix pending');
    expect(subsystems).toEqual(['bluetooth']);
    expect(labels).toEqual(['use-after-free write']);
    expect((await crashIndex(fx.db, { status: 'open' })).groups).toEqual([]);
    expect((await crashIndex(fx.db, { subsystem: 'usb' })).groups).toEqual([]);
  });

  it('moves the bug to fixed when the #syz fix reply arrives', async () => {
    await store('syzbot-thread.mboxrd');
    await store('syzbot-thread-fix.mboxrd');
    const { groups } = await crashIndex(fx.db, { status: 'fixed' });
    expect(groups[0].bugs[0].triage).toMatchObject({
      status: 'fixed',
      fixCommit: "Bluetooth: RFCOMM: don't drop the dlc twice on release",
    });
    expect(groups[0].lastActivity).toBe(Date.parse('2024-04-22T20:30:00Z'));
  });
});
