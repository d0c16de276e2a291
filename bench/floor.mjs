/**
 * The store's floor: how fast this machine's Chromium can store what an import
 * stores, with nothing split, parsed, threaded or indexed. The files are imported
 * once by the app (a build given with --dist); then the page reads every table the
 * import wrote back into memory and writes the rows again, as they are, into an
 * empty database with the same tables and indexes, in transactions of --batch
 * messages, each with its share of every other table's rows. Only that second write
 * is timed, with the CPU seconds of each Chromium process (the browser process runs
 * IndexedDB's backend).
 *
 *   node bench/floor.mjs --dist DIR [--port 5253] [--batch 2000] [--runs 1] FILE...
 *
 * Each row is written once here, where an import also reads what it stores over
 * and writes a thread or a posting row again when later mail changes it: the
 * figure is a bound no import into these tables can beat, not an import's speed.
 * Prints one JSON line per run: messages, rows, ms, msgs/s, CPU seconds per
 * process type, and the app's own import of the same files for comparison.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuByType, cpuSince } from './cpu.mjs';
import { importInPage } from './in-page.mjs';
import { openApp, serveFiles, startServer } from './server.mjs';

const { values: opt, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    dist: { type: 'string' },
    port: { type: 'string', default: '5253' },
    batch: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '1' },
  },
});
if (!opt.dist || !files.length) {
  console.error('usage: node bench/floor.mjs --dist DIR [--port P] [--batch N] [--runs N] FILE...');
  process.exit(2);
}

const dist = path.resolve(opt.dist);
const { names, tmp, done } = serveFiles(dist, 'floor-data', files);

/** In the page: read every table of database `loupe` into memory, and make an empty `loupe-floor` like it. */
async function readStore() {
  const done = (r) =>
    new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const src = await done(indexedDB.open('loupe'));
  const stores = [...src.objectStoreNames];
  const read = src.transaction(stores, 'readonly');
  // Every request asked at once, inside the one transaction.
  const tables = await Promise.all(
    stores.map(async (name) => {
      const s = read.objectStore(name);
      const [values, keys] = await Promise.all([
        done(s.getAll()),
        s.keyPath === null ? done(s.getAllKeys()) : null,
      ]);
      const indexes = [...s.indexNames].map((i) => {
        const x = s.index(i);
        return { name: i, keyPath: x.keyPath, unique: x.unique, multiEntry: x.multiEntry };
      });
      return { name, keyPath: s.keyPath, autoIncrement: s.autoIncrement, indexes, values, keys };
    }),
  );
  src.close();
  const create = indexedDB.open('loupe-floor', 1);
  create.onupgradeneeded = () => {
    for (const t of tables) {
      const s = create.result.createObjectStore(t.name, {
        keyPath: t.keyPath,
        autoIncrement: t.autoIncrement,
      });
      for (const i of t.indexes)
        s.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
    }
  };
  const dst = await done(create);
  window.floorCopy = { tables, dst };
  return Object.fromEntries(tables.map((t) => [t.name, t.values.length]));
}

/** In the page: write the tables `readStore` read into `loupe-floor`, `batch` messages a transaction. */
async function writeStore(batch) {
  const { tables, dst } = window.floorCopy;
  const messages = tables.find((t) => t.name === 'messages')?.values.length ?? 0;
  const rounds = Math.max(1, Math.ceil(messages / batch));
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    const tx = dst.transaction(
      tables.map((t) => t.name),
      'readwrite',
    );
    for (const t of tables) {
      const s = tx.objectStore(t.name);
      const from = Math.floor((t.values.length * r) / rounds);
      const to = Math.floor((t.values.length * (r + 1)) / rounds);
      for (let i = from; i < to; i++) {
        if (t.keys) s.put(t.values[i], t.keys[i]);
        else s.put(t.values[i]);
      }
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const ms = performance.now() - t0;
  dst.close();
  delete window.floorCopy;
  return { messages, ms, transactions: rounds };
}

const server = await startServer(dist, Number(opt.port));
const base = `http://127.0.0.1:${opt.port}/`;
try {
  for (let run = 0; run < Number(opt.runs); run++) {
    const profileDir = path.join(tmp, `chromium-${run}`);
    const { ctx, page, browserPid } = await openApp(profileDir, base);
    try {
      let cpu0 = cpuByType(browserPid);
      const load0 = os.loadavg()[0];
      const imp = await page.evaluate(
        importInPage,
        names.map((n) => `${base}floor-data/${n}`),
      );
      if (imp.error) throw new Error(imp.error);
      const importCpu = cpuSince(browserPid, cpu0);
      const rows = await page.evaluate(readStore);
      // The app's workers are idle now, and the reads are done: only the writes count.
      await page.waitForTimeout(1000);
      cpu0 = cpuByType(browserPid);
      const floor = await page.evaluate(writeStore, Number(opt.batch));
      const floorCpu = cpuSince(browserPid, cpu0);
      const rate = (n, ms) => Math.round(n / (ms / 1000));
      console.log(
        JSON.stringify({
          run,
          load: [+load0.toFixed(2), +os.loadavg()[0].toFixed(2)],
          import: {
            messages: imp.added,
            ms: imp.wallMs,
            msgsPerS: rate(imp.added, imp.wallMs),
            cpuSeconds: importCpu,
          },
          floor: {
            messages: floor.messages,
            rows,
            transactions: floor.transactions,
            ms: Math.round(floor.ms),
            msgsPerS: rate(floor.messages, floor.ms),
            cpuSeconds: floorCpu,
          },
        }),
      );
    } finally {
      await ctx.close();
    }
  }
} finally {
  server.kill();
  done();
}
