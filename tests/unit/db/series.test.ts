import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { linkedMessageIds } from '../../../src/core/series/versions';
import { threadOf } from '../../../src/db/queries';
import { threadMailsByDate, versionCandidates } from '../../../src/db/series';
import { storeBatch } from '../../../src/db/store';
import { projectRoot } from '../shared';
import { freshDb } from './helpers';

const fx = freshDb('series');

async function store(name: string) {
  const bytes = readFileSync(join(projectRoot, 'tests/fixtures/mail', name));
  await storeBatch(fx.db, 'frob', await Promise.all(splitMbox(bytes).map((r) => parseMessage(r))));
}

describe('series queries', () => {
  it('reads a thread in arrival order and finds the thread of the other version', async () => {
    await store('series-frob-v2.mbox');
    await store('series-frob-v1.mbox');
    const v2 = await threadOf(fx.db, 'cover.20261109090000.ada@frobnic.example');
    expect(v2).toBeDefined();
    const mails = await threadMailsByDate(fx.db, v2?.id ?? '');
    expect(mails.map((m) => m.date)).toEqual([...mails.map((m) => m.date)].sort((a, b) => a - b));
    expect(mails[0].subject).toBe('[PATCH v2 0/3] frob: make the counter safe');
    const linked = linkedMessageIds(mails[0].text);
    if (!v2) throw new Error('the v2 thread is not stored');
    const others = await versionCandidates(fx.db, v2, linked);
    expect(others.map((t) => t.rootId)).toEqual(['cover.20261103090000.ada@frobnic.example']);
  });
});
