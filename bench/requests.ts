/**
 * IndexedDB requests per imported message: the import's cost that does not move
 * with the machine's load. Imports mbox(.gz) files with the app's own pipeline
 * (ingestStream, parsing in this thread, the same chunks and batches as the
 * worker) into fake-indexeddb, counting every request per table and kind, the
 * index entries its writes add, and the bytes of the values written (V8's
 * structured serialization, what Chromium clones for each put).
 *
 *   npx tsx bench/requests.ts FILE...        # one JSON line per file, then a total
 *
 * The counts are those of Chromium's backend too: Dexie sends the same requests
 * to either (one per put, get, cursor step...).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serialize } from 'node:v8';
import { IDBIndex, IDBObjectStore, IDBCursor } from 'fake-indexeddb';
import { ingestStream } from '../src/db/ingest';
import { LoupeDB } from '../src/db/schema';

type Counts = Record<string, number>;
const requests: Counts = {};
const indexEntries: Counts = {};
const bytes: Counts = {};
const bump = (c: Counts, k: string, n = 1) => (c[k] = (c[k] ?? 0) + n);

/** Index keys a value adds to a store's indexes (a multiEntry index: one per element). */
function entriesOf(store: IDBObjectStore, value: unknown): number {
  let n = 0;
  for (const name of Array.from(store.indexNames)) {
    const ix = store.index(name);
    const paths = Array.isArray(ix.keyPath) ? ix.keyPath : [ix.keyPath];
    const vals = paths.map((p) => (value as Record<string, unknown>)[p]);
    if (vals.some((v) => v === undefined)) continue;
    n += ix.multiEntry && Array.isArray(vals[0]) ? new Set(vals[0]).size : 1;
  }
  return n;
}

function wrap(proto: object, kind: string, method: string, write = false): void {
  const p = proto as Record<string, (...a: unknown[]) => unknown>;
  const orig = p[method];
  p[method] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
    const store = 'objectStore' in this ? this.objectStore.name : this.name;
    bump(requests, `${store}.${kind}${method}`);
    if (write && this instanceof IDBObjectStore) {
      bump(indexEntries, store, entriesOf(this, args[0]));
      bump(bytes, store, serialize(args[0]).length);
    }
    return orig.apply(this, args);
  };
}
for (const m of ['put', 'add']) wrap(IDBObjectStore.prototype, '', m, true);
for (const m of ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'delete', 'clear'])
  wrap(IDBObjectStore.prototype, '', m);
for (const m of ['openCursor', 'openKeyCursor']) wrap(IDBObjectStore.prototype, '', m);
for (const m of ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor'])
  wrap(IDBIndex.prototype, 'index.', m);
{
  const proto = IDBCursor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['continue', 'advance', 'update', 'delete']) {
    const orig = proto[m];
    proto[m] = function (this: IDBCursor, ...args: unknown[]) {
      const src = this.source as IDBObjectStore | IDBIndex;
      const store = 'objectStore' in src ? src.objectStore.name : src.name;
      bump(requests, `${store}.cursor.${m}`);
      return orig.apply(this, args);
    };
  }
}

const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
const per = (c: Counts, n: number) =>
  Object.fromEntries(
    Object.entries(c)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, +(v / n).toFixed(3)]),
  );

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: npx tsx bench/requests.ts FILE...');
  process.exit(2);
}
const db = new LoupeDB(`bench-requests-${process.pid}`);
await db.open();
let messages = 0;
for (const f of files) {
  const before = { ...requests };
  const data = readFileSync(f);
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < data.length; i += 1 << 16) c.enqueue(data.subarray(i, i + (1 << 16)));
      c.close();
    },
  });
  const r = await ingestStream(db, input, { inbox: 'INBOX' });
  if (r.error) throw new Error(`${f}: ${r.error}`);
  messages += r.added;
  const here = Object.fromEntries(
    Object.entries(requests).map(([k, v]) => [k, v - (before[k] ?? 0)]),
  );
  console.log(
    JSON.stringify({
      file: path.basename(f),
      added: r.added,
      requestsPerMessage: +(sum(here) / Math.max(1, r.added)).toFixed(3),
    }),
  );
}
console.log(
  JSON.stringify(
    {
      files: files.map((f) => path.basename(f)),
      messages,
      requestsPerMessage: +(sum(requests) / messages).toFixed(3),
      indexEntriesPerMessage: +(sum(indexEntries) / messages).toFixed(3),
      bytesWrittenPerMessage: Math.round(sum(bytes) / messages),
      requests: per(requests, messages),
      indexEntries: per(indexEntries, messages),
      bytesWritten: per(bytes, messages),
    },
    null,
    2,
  ),
);
await db.delete();
