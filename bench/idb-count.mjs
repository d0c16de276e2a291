/**
 * Counts the IndexedDB requests each realm (the page, each worker) issues over a
 * stretch of time: `countInRealm` is evaluated in a realm (CDP `Runtime.evaluate`)
 * and wraps the request methods of IDBObjectStore, IDBIndex and IDBCursor and
 * IDBDatabase.transaction; `readCounts` reads and clears what it counted. Dexie
 * calls these methods on the prototypes at call time, so wrapping them after the
 * realm started still sees every later request. Per realm: requests by
 * `store.method` (an index read is `store[index].method`, a cursor step
 * `cursor.continue`), and their number per 500 ms since the counting started.
 */
export const countInRealm = `(() => {
  const g = globalThis;
  if (g.__idbCount) { g.__idbCount.reset(); return 'reset'; }
  let byKey = {}, bySlot = [], t0 = performance.now();
  const bump = (k) => {
    byKey[k] = (byKey[k] || 0) + 1;
    const s = Math.floor((performance.now() - t0) / 500);
    bySlot[s] = (bySlot[s] || 0) + 1;
  };
  const wrap = (proto, names, key) => {
    for (const n of names) {
      const f = proto[n];
      if (typeof f !== 'function') continue;
      proto[n] = function (...a) { bump(key(this, n)); return f.apply(this, a); };
    }
  };
  const reads = ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor'];
  wrap(IDBObjectStore.prototype, [...reads, 'put', 'add', 'delete', 'clear'], (s, n) => s.name + '.' + n);
  wrap(IDBIndex.prototype, reads, (i, n) => i.objectStore.name + '[' + i.name + '].' + n);
  wrap(IDBCursor.prototype, ['continue', 'advance', 'continuePrimaryKey'], (_, n) => 'cursor.' + n);
  wrap(IDBDatabase.prototype, ['transaction'], (_, n) => n);
  g.__idbCount = {
    reset() { byKey = {}; bySlot = []; t0 = performance.now(); },
    read() {
      const out = { byKey, bySlot: Array.from(bySlot, (x) => x || 0) };
      this.reset();
      return JSON.stringify(out);
    },
  };
  return 'installed';
})()`;

export const readCounts = `globalThis.__idbCount ? globalThis.__idbCount.read() : 'null'`;

/** Total requests (transactions left out) in a realm's counts. */
export function requestTotal(counts) {
  return Object.entries(counts?.byKey ?? {}).reduce(
    (n, [k, v]) => (k === 'transaction' ? n : n + v),
    0,
  );
}
