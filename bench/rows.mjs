/**
 * What a row costs to read in the browser, on a copy of a kept store: message and
 * thread rows by key scattered (as a page of hits in relevance order asks for them)
 * and adjacent (one `getAll` over a key range), whole or keys only, and small
 * summary-sized rows in a table of their own keyed by posting number, one per
 * message or grouped per 128 numbers. The summary tables are added to the copy
 * (a version above the app's), so run this on a copy made for it only.
 *
 *   node bench/rows.mjs --store COPY/profile-gen100k --port 5299 [--rounds 5]
 *
 * --port is the port the store was written at (its folder's `port` file): IndexedDB
 * belongs to the origin, so a blank page is served there and reads the store
 * directly (no app, no worker). The measures take turns, round after round, so the
 * machine's load falls on all alike. Prints per measure the median and range of its
 * wall times (ms) and the CPU time of all Chromium processes over all its rounds
 * (IndexedDB runs in the browser process; ticks of 10 ms, so summed).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { cpuByType, findChromium } from './cpu.mjs';

const { values: opt } = parseArgs({
  options: {
    store: { type: 'string' },
    port: { type: 'string', default: '5299' },
    rounds: { type: 'string', default: '5' },
  },
});
if (!opt.store) {
  console.error('usage: node bench/rows.mjs --store PROFILE [--port N] [--rounds N]');
  process.exit(2);
}
const origin = `http://127.0.0.1:${opt.port}/`;
const ctx = await chromium.launchPersistentContext(opt.store, {
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
  serviceWorkers: 'block',
});
await ctx.route(`${origin}**`, (r) =>
  r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>rows</title>' }),
);
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.on('crash', () => console.log('page crashed'));
await page.goto(`${origin}rows.html`);
console.log(
  'load',
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' '),
);
const info = await page.evaluate(setUp);
const pid = findChromium(opt.store);
const cpu = () => Object.values(cpuByType(pid)).reduce((a, b) => a + b, 0);
const wall = Object.fromEntries(info.measures.map((k) => [k, []]));
const cpuMs = Object.fromEntries(info.measures.map((k) => [k, 0]));
for (let r = 0; r < Number(opt.rounds); r++)
  for (const k of info.measures) {
    const c0 = cpu();
    wall[k].push(await page.evaluate((name) => window.rowsMeasure(name), k));
    cpuMs[k] += (cpu() - c0) * 1000;
  }
for (const [name, xs] of Object.entries(wall)) {
  const s = [...xs].sort((a, b) => a - b);
  const med = s[Math.floor((s.length - 1) / 2)].toFixed(1).padStart(7);
  const all = s.map((x) => x.toFixed(0)).join(', ');
  console.log(
    `${name.padEnd(44)} ${med}  CPU ${String(Math.round(cpuMs[name])).padStart(5)}  (${all})`,
  );
}
console.log(JSON.stringify({ ...info, measures: undefined }));
console.log(
  'load',
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' '),
);
await ctx.close();

/** In the page: opens the store, adds the summary tables once, and sets `rowsMeasure`. */
async function setUp() {
  const GROUPS = [1, 8, 128];
  const req = (r) =>
    new Promise((res, rej) => {
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
  const open = (version, upgrade) =>
    new Promise((res, rej) => {
      const r = version ? indexedDB.open('loupe', version) : indexedDB.open('loupe');
      r.onupgradeneeded = () => upgrade?.(r.result);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
  let db = await open();
  const tx = (stores) => db.transaction(stores, 'readonly');
  const msgKeys = await req(tx('messages').objectStore('messages').getAllKeys());
  const threadKeys = await req(tx('threads').objectStore('threads').getAllKeys());
  const n = msgKeys.length;
  const info = { messages: n, threads: threadKeys.length };
  // Summary tables sized like what a hit shows: id, thread id, subject, sender, date,
  // flags and the first 200 characters of the body; a row per message, or per GROUP
  // posting numbers (row r holds numbers r * GROUP and on).
  const tables = GROUPS.map((g) => `probeSummary${g}`);
  const missing = tables.filter((t) => !db.objectStoreNames.contains(t));
  if (missing.length) {
    const v = db.version + 1;
    db.close();
    db = await open(v, (d) => missing.forEach((t) => d.createObjectStore(t)));
    const pad = (s, len) => (s + 'x'.repeat(len)).slice(0, len);
    const one = (no) => ({
      id: msgKeys[no],
      threadId: msgKeys[(no * 7) % n],
      subject: pad(`[PATCH v2 ${no}/7] mm: fix something in the page allocator `, 60),
      from: { name: 'Some Developer', addr: `dev${no % 977}@example.org` },
      date: 1.7e12 + no * 1000,
      hasPatch: no % 3 === 0,
      hasOops: false,
      inboxes: ['INBOX'],
      lead: pad(`On ${no} someone wrote: this is the start of the body text `, 200),
    });
    for (let from = 0; from < n; from += 8192) {
      const t = db.transaction(missing, 'readwrite');
      for (const name of missing) {
        const g = Number(name.slice('probeSummary'.length));
        const st = t.objectStore(name);
        const to = Math.min(n, from + 8192);
        for (let r = from / g; r * g < to; r++)
          st.put(
            g === 1
              ? one(r)
              : Array.from({ length: Math.min(g, n - r * g) }, (_, i) => one(r * g + i)),
            r,
          );
      }
      await new Promise((res, rej) => {
        t.oncomplete = res;
        t.onerror = () => rej(t.error);
      });
    }
    info.summaryBytes = JSON.stringify(one(1)).length;
  }
  const pick = (keys, k) => {
    const s = new Set();
    while (s.size < Math.min(k, keys.length)) s.add(keys[Math.floor(Math.random() * keys.length)]);
    return [...s];
  };
  const gets = (store, keys) => {
    const st = tx(store).objectStore(store);
    return Promise.all(keys.map((k) => req(st.get(k))));
  };
  const getKeys = (store, keys) => {
    const st = tx(store).objectStore(store);
    return Promise.all(keys.map((k) => req(st.getKey(k))));
  };
  const range = (store, keys, count) => {
    const at = keys[Math.floor(Math.random() * (keys.length - count))];
    return req(tx(store).objectStore(store).getAll(IDBKeyRange.lowerBound(at), count));
  };
  const rowsOf = (g) => Array.from({ length: Math.ceil(n / g) }, (_, i) => i);
  const measures = {
    'messages: 100 scattered get': () => gets('messages', pick(msgKeys, 100)),
    'messages: 100 scattered getKey (no value)': () => getKeys('messages', pick(msgKeys, 100)),
    'messages: 100 adjacent getAll': () => range('messages', msgKeys, 100),
    'threads: 50 scattered get': () => gets('threads', pick(threadKeys, 50)),
    'threads: 50 scattered getKey (no value)': () => getKeys('threads', pick(threadKeys, 50)),
    'threads: 50 adjacent getAll': () => range('threads', threadKeys, 50),
  };
  for (const g of GROUPS) {
    const keys = rowsOf(g);
    const name = g === 1 ? 'summary per message' : `summary rows of ${g}`;
    measures[`${name}: 100 scattered get`] = () => gets(`probeSummary${g}`, pick(keys, 100));
    const adjacent = Math.ceil(100 / g);
    measures[`${name}: ${adjacent} adjacent getAll`] = () =>
      range(`probeSummary${g}`, keys, adjacent);
  }

  // Each call reads fresh random keys.
  window.rowsMeasure = async (name) => {
    const t0 = performance.now();
    await measures[name]();
    return performance.now() - t0;
  };
  const some = await gets('messages', pick(msgKeys, 100));
  info.rawBytesPer100 = some.reduce((s, m) => s + (m?.raw?.length ?? 0), 0);
  info.measures = Object.keys(measures);
  return info;
}
