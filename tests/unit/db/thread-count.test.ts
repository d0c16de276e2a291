import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ALL } from '../../../src/core/constants';
import type { ParsedMessage } from '../../../src/core/message';
import { deleteInbox } from '../../../src/db/maintenance';
import { rememberedThreadCount, type CountStore } from '../../../src/db/queries';
import { ensureInbox, storeBatch } from '../../../src/db/store';
import { freshDb, mail } from './helpers';

const fx = freshDb('thread-count');

/** localStorage as the page has it, in memory. */
function memoryStore(): CountStore & { keys: Map<string, string> } {
  const keys = new Map<string, string>();
  return {
    keys,
    getItem: (k) => keys.get(k) ?? null,
    setItem: (k, v) => void keys.set(k, v),
  };
}

async function store(inbox: string, msgs: Promise<ParsedMessage>[]): Promise<void> {
  await ensureInbox(fx.db, inbox, null);
  await storeBatch(fx.db, inbox, await Promise.all(msgs));
}

/** Overwrites a remembered count, keeping its stamp: a walk would not return it. */
function tamper(s: ReturnType<typeof memoryStore>, inbox: string, count: number): void {
  const key = `loupe.threadCount.${inbox}`;
  const saved = JSON.parse(s.keys.get(key) as string) as { stamp: string };
  s.keys.set(key, JSON.stringify({ stamp: saved.stamp, count }));
}

describe('rememberedThreadCount', () => {
  it('counts once and answers from memory while the threads are unchanged', async () => {
    await store('a', [mail('p@x', 1), mail('q@x', 2, ['p@x']), mail('r@x', 3)]);
    const s = memoryStore();
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(2);
    expect(await rememberedThreadCount(fx.db, ALL, s)).toBe(2);
    tamper(s, 'a', 41);
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(41);
    // Storing what is already there changes nothing.
    await store('a', [mail('p@x', 1)]);
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(41);
  });

  it('counts again once new mail is stored', async () => {
    await store('a', [mail('p@x', 1)]);
    const s = memoryStore();
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(1);
    tamper(s, 'a', 41);
    await store('a', [mail('n@x', 4), mail('reply@x', 5, ['p@x'])]);
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(2);
  });

  it('counts again when a message already stored is cross-posted to another inbox', async () => {
    await store('a', [mail('p@x', 1)]);
    await ensureInbox(fx.db, 'b', null);
    const s = memoryStore();
    expect(await rememberedThreadCount(fx.db, 'b', s)).toBe(0);
    await store('b', [mail('p@x', 1)]);
    expect(await rememberedThreadCount(fx.db, 'b', s)).toBe(1);
  });

  it('counts again after an inbox is deleted, and when it is added again', async () => {
    await store('a', [mail('p@x', 1), mail('r@x', 3)]);
    await store('b', [mail('p@x', 1)]);
    const s = memoryStore();
    expect(await rememberedThreadCount(fx.db, 'b', s)).toBe(1);
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(2);
    await deleteInbox(fx.db, 'b');
    expect(await rememberedThreadCount(fx.db, 'b', s)).toBe(0);
    await ensureInbox(fx.db, 'b', null);
    expect(await rememberedThreadCount(fx.db, 'b', s)).toBe(0);
    await deleteInbox(fx.db, 'a');
    expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(0);
  });

  it('still counts when its memory is full', async () => {
    await store('a', [mail('p@x', 1)]);
    const full: CountStore = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(await rememberedThreadCount(fx.db, 'a', full)).toBe(1);
  });

  it('counts when what it remembered is unreadable', async () => {
    await store('a', [mail('p@x', 1)]);
    const s = memoryStore();
    for (const junk of ['{', 'null', '{"stamp":1,"count":"2"}']) {
      s.keys.set('loupe.threadCount.a', junk);
      expect(await rememberedThreadCount(fx.db, 'a', s)).toBe(1);
    }
  });
});
