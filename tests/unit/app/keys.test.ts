/**
 * The key map against the real router, reader state and database: only the
 * browser's location, history and document are stood in for, with just what
 * the key handler touches.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mail } from '../db/helpers';

let hash = '';
const onHash: (() => void)[] = [];
const listSteps: number[] = [];
const focused: string[] = [];

vi.stubGlobal('location', {
  get hash() {
    return hash;
  },
  set hash(h: string) {
    hash = h;
    for (const f of onHash) f();
  },
});
vi.stubGlobal('history', { replaceState: (_s: unknown, _t: string, url: string) => (hash = url) });
vi.stubGlobal('addEventListener', (type: string, f: () => void) => {
  if (type === 'hashchange') onHash.push(f);
});
vi.stubGlobal('document', {
  querySelector: (sel: string) => ({ focus: () => focused.push(sel) }),
  dispatchEvent: (e: CustomEvent<number>) => listSteps.push(e.detail),
});

const { handleKey } = await import('../../../src/app/keys');
const { router } = await import('../../../src/app/state/route.svelte');
const { reader } = await import('../../../src/app/state/reader.svelte');
const { getDB } = await import('../../../src/db/schema');
const { storeBatch } = await import('../../../src/db/store');
const { markRead } = await import('../../../src/db/marks');

/** A keydown as the handler sees it; `target` is the element that has focus. */
function key(k: string, mods: Partial<KeyboardEvent> = {}, tagName = 'BODY'): boolean {
  const target = { tagName, isContentEditable: false, blur: () => focused.push('blur') };
  return handleKey({ key: k, target, ...mods } as unknown as KeyboardEvent);
}

/** Resolves once the hash changes (thread moves read the database first). */
function nextHash(): Promise<string> {
  const before = hash;
  return vi.waitFor(() => {
    if (hash === before) throw new Error('hash unchanged');
    return hash;
  });
}

beforeAll(async () => {
  // Three threads in lkml, newest first: c (12:00), b (11:00, read), a (10:00).
  await storeBatch(getDB(), 'lkml', [
    await mail('a@x', 10),
    await mail('a2@x', 10, ['a@x']),
    await mail('b@x', 11),
    await mail('c@x', 12),
    await mail('c2@x', 12, ['c@x']),
  ]);
  await markRead(getDB(), 'b@x', ['b@x']);
});

afterAll(async () => {
  getDB().close();
  await Dexie.delete('loupe');
  vi.unstubAllGlobals();
});

beforeEach(() => {
  router.go({ inbox: 'lkml', msgid: 'c@x', view: 'message' });
  reader.order = ['c@x', 'c2@x'];
  reader.showHelp = false;
  listSteps.length = 0;
  focused.length = 0;
});

describe('keys in a thread', () => {
  it('steps through the messages with j and k, stopping at either end', () => {
    expect(key('j')).toBe(true);
    expect(router.route.msgid).toBe('c2@x');
    key('j');
    expect(router.route.msgid).toBe('c2@x');
    key('k');
    key('k');
    expect(router.route.msgid).toBe('c@x');
  });

  it('goes to the next older thread with n, back with p, and skips read threads with N', async () => {
    key('n');
    expect(await nextHash()).toBe('#/lkml/b@x/');
    key('n');
    expect(await nextHash()).toBe('#/lkml/a@x/');
    key('p');
    expect(await nextHash()).toBe('#/lkml/b@x/');
    router.go({ inbox: 'lkml', msgid: 'c@x', view: 'message' });
    key('N');
    expect(await nextHash()).toBe('#/lkml/a@x/');
  });

  it('switches to the flat, nested and raw views and back to the list', () => {
    key('t');
    expect(hash).toBe('#/lkml/c@x/t/');
    key('t');
    expect(hash).toBe('#/lkml/c@x/T/');
    key('r');
    expect(hash).toBe('#/lkml/c@x/raw');
    key('u');
    expect(hash).toBe('#/lkml/');
  });

  it('folds and unfolds the current message with o', () => {
    key('o');
    expect(reader.folded.has('c@x')).toBe(true);
    key('o');
    expect(reader.folded.has('c@x')).toBe(false);
  });
});

describe('keys anywhere', () => {
  it('moves through the thread list with j and k when no thread is open', () => {
    router.go({ inbox: 'lkml', msgid: null, view: 'list' });
    key('j');
    key('k');
    expect(listSteps).toEqual([1, -1]);
  });

  it('toggles the help with ? and closes it with Escape', () => {
    key('?');
    expect(reader.showHelp).toBe(true);
    key('Escape');
    expect(reader.showHelp).toBe(false);
  });

  it('focuses the search box with /', () => {
    key('/');
    expect(focused).toEqual(['[data-search-box]']);
  });

  it('leaves keys typed into a field or with a modifier to the browser', () => {
    expect(key('j', {}, 'INPUT')).toBe(false);
    expect(key('u', {}, 'TEXTAREA')).toBe(false);
    expect(key('j', { ctrlKey: true })).toBe(false);
    expect(key('r', { metaKey: true })).toBe(false);
    expect(key('x')).toBe(false);
    expect(router.route).toEqual({ inbox: 'lkml', msgid: 'c@x', view: 'message' });
  });

  it('leaves a field with Escape', () => {
    expect(key('Escape', {}, 'INPUT')).toBe(true);
    expect(focused).toEqual(['blur']);
  });
});
