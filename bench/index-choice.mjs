/**
 * `node bench/index-choice.mjs`: which search index, measured. Builds four
 * candidates over the same parsed corpus in one headless Chromium (fresh
 * persistent profile, so IndexedDB is on disk) and measures each one's build
 * time, bytes on disk, cold load after a reload, heap and query latency:
 *
 *   minisearch        MiniSearch, the whole index as JSON in one IndexedDB row
 *   flexsearch        FlexSearch Document index mounted on its IndexedDB adapter
 *   dexie-multientry  a Dexie table {id, tokens[]} with a `*tokens` index
 *   loupe             Loupe's postings (indexMessages -> writeSegment), looked up
 *                     like postings() does, without scoring or verification
 *   loupe-verified    the app's own runSearch over an imported store (candidates,
 *                     then every one verified against the stored message)
 *
 *   node bench/index-choice.mjs [--messages 10000] [--runs 11] [--port 5260]
 *                               [--keep] [--out bench/results/index-choice.json]
 *
 * Page: bench/index-choice.html + bench/index-choice-page.ts, built with Vite
 * into a temp folder (with the corpus, the profile) that is removed at the end.
 * Prints one JSON line per figure ({"metric","value","unit","corpus","candidate"}),
 * then markdown tables, and writes the results file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { format as prettierFormat } from 'prettier';
import { build as viteBuild } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { startServer as startServerAt } from './server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '11' },
    port: { type: 'string', default: '5260' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/index-choice.json') },
  },
});
const MESSAGES = Number(opt.messages);
const RUNS = Math.max(2, Number(opt.runs));
const PORT = Number(opt.port);
const CORPUS = `gen_mbox ${MESSAGES} seed 1`;
const BUILT = ['minisearch', 'flexsearch', 'dexie-multientry', 'loupe'];
const QUERIED = [...BUILT, 'loupe-verified'];
const MB = 1024 * 1024;

const t00 = Date.now();
const log = (...a) =>
  console.error(`[index-choice +${((Date.now() - t00) / 1000).toFixed(0)}s]`, ...a);
const load = () => os.loadavg().map((x) => +x.toFixed(2));
const loads = { start: load() };

const tmp = mkdtempSync(path.join(os.tmpdir(), 'loupe-index-choice-'));
const dist = path.join(tmp, 'dist');
const data = path.join(tmp, 'data');
const profile = path.join(tmp, 'profile');
mkdirSync(data, { recursive: true });

/** Bytes of every file under a folder (0 if it does not exist). */
function dirBytes(dir) {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}
const idbDir = () => path.join(profile, 'Default', 'IndexedDB');

/** Nearest-rank percentile. */
function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const r1 = (x) => Math.round(x * 10) / 10;

const startServer = () => startServerAt(dist, PORT);

/** Used V8 heap of the page after a full GC, in bytes. */
async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** Samples the page's used heap every 100 ms (a long synchronous task delays a sample). */
function heapSampler(cdp) {
  let peak = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      peak = Math.max(peak, (await cdp.send('Runtime.getHeapUsage')).usedSize);
    } catch {
      // the page is navigating
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(sample, 100);
  return {
    sample,
    stop: async () => {
      clearInterval(timer);
      await sample();
      return peak;
    },
  };
}

const figures = [];
function fig(metric, value, unit, candidate) {
  const f = { metric, value, unit, corpus: CORPUS, candidate };
  figures.push(f);
  console.log(JSON.stringify(f));
}

let server = null;
let context = null;
const raw = { build: {}, load: {}, queries: {} };
try {
  log(`gen_mbox.py ${MESSAGES} messages`);
  const gz = path.join(data, 'corpus.mbox.gz');
  const gen = spawnSync(
    'python3',
    ['tools/gen_mbox.py', '--messages', String(MESSAGES), '--seed', '1', '--out', gz, '--gzip'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gen_mbox.py failed: ${gen.stderr}`);

  log('vite build →', dist);
  await viteBuild({
    root: ROOT,
    configFile: false,
    base: './',
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: dist,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: path.join(ROOT, 'bench/index-choice.html') },
    },
  });
  symlinkSync(data, path.join(dist, 'bench-data'));
  server = await startServer();

  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    serviceWorkers: 'block',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30 * 60_000);
  page.on('pageerror', (e) => log('page error:', e.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const url = `http://127.0.0.1:${PORT}/bench/index-choice.html`;
  const fresh = async () => {
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
  };
  await fresh();

  log('parse');
  const prep = await page.evaluate(() => window.bench.prepare('../bench-data/corpus.mbox.gz'));
  log(`parsed ${prep.messages} messages (${prep.unique} unique) in ${r1(prep.parseMs)} ms`);
  fig('messages_indexed', prep.unique, 'msgs', 'all');
  fig('parse_ms', r1(prep.parseMs), 'ms', 'all');

  log('loupe-verified: storeBatch (the import) of every message');
  const storeMs = await page.evaluate(() => window.bench.storeLoupe());
  raw.build['loupe-verified'] = { storeMs };
  fig('import_store_ms', r1(storeMs), 'ms', 'loupe-verified');

  for (const c of BUILT) {
    log(`build ${c}`);
    await new Promise((r) => setTimeout(r, 2000));
    const est0 = await page.evaluate(() => window.bench.usage());
    const dir0 = dirBytes(idbDir());
    const sampler = heapSampler(cdp);
    const b = await page.evaluate((cand) => window.bench.build(cand), c);
    const peak = await sampler.stop();
    await new Promise((r) => setTimeout(r, 2000));
    const est1 = await page.evaluate(() => window.bench.usage());
    const dir1 = dirBytes(idbDir());
    raw.build[c] = { ...b, est0, est1, dir0, dir1, peakHeap: peak };
    fig('build_ms', r1(b.ms), 'ms', c);
    if (b.payloadBytes !== null) fig('payload_mb', r1(b.payloadBytes / MB), 'MB', c);
    fig('idb_estimate_mb', r1((est1 - est0) / MB), 'MB', c);
    fig('idb_dir_mb', r1((dir1 - dir0) / MB), 'MB', c);
    fig('build_peak_heap_mb', r1(peak / MB), 'MB', c);
  }

  // Cold loads: a fresh page (new JS realm) per candidate; the IndexedDB files stay.
  await fresh();
  const baseHeap = await heapAfterGc(cdp);
  fig('fresh_page_heap_mb', r1(baseHeap / MB), 'MB', 'none');
  for (const c of QUERIED) {
    log(`load + query ${c}`);
    await fresh();
    const h0 = await heapAfterGc(cdp);
    const sampler = heapSampler(cdp);
    const loadMs = await page.evaluate((cand) => window.bench.load(cand), c);
    await sampler.sample();
    const loaded = await heapAfterGc(cdp);
    const timings = await page.evaluate(([cand, n]) => window.bench.queries(cand, n), [c, RUNS]);
    const peak = await sampler.stop();
    const afterQueries = await heapAfterGc(cdp);
    raw.load[c] = { loadMs, heapBefore: h0, heapLoaded: loaded, heapAfterQueries: afterQueries };
    raw.queries[c] = timings;
    const first = timings.map((t) => t.ms[0]);
    const warm = timings.flatMap((t) => t.ms.slice(1));
    const ref = (q) => (c === 'loupe-verified' ? { count: prep.bruteLoupe[q] } : prep.brute[q]);
    const same = timings.filter((t) => {
      const want = ref(t.q);
      return t.digest.count === want.count && (want.sum === undefined || t.digest.sum === want.sum);
    }).length;
    fig('load_ms', r1(loadMs), 'ms', c);
    fig('heap_loaded_mb', r1(loaded / MB), 'MB', c);
    fig('heap_index_mb', r1((loaded - h0) / MB), 'MB', c);
    fig('heap_after_queries_mb', r1(afterQueries / MB), 'MB', c);
    fig('heap_peak_mb', r1(peak / MB), 'MB', c);
    fig('first_query_p50_ms', r1(pct(first, 50)), 'ms', c);
    fig('first_query_max_ms', r1(Math.max(...first)), 'ms', c);
    fig('query_p50_ms', r1(pct(warm, 50)), 'ms', c);
    fig('query_p95_ms', r1(pct(warm, 95)), 'ms', c);
    fig('queries_matching_brute_force', same, `of ${timings.length}`, c);
  }
  loads.end = load();

  // ---------------------------------------------------------------- tables
  const get = (metric, c) => figures.find((f) => f.metric === metric && f.candidate === c)?.value;
  const cell = (v) => (v === undefined ? '—' : String(v));
  const lines = [
    `Corpus: ${CORPUS} (${prep.unique} messages), headless Chromium, fresh persistent profile; ` +
      `load average ${loads.start.join(' ')} → ${loads.end.join(' ')}; ${RUNS - 1} warm runs per query.`,
    '',
    '| candidate | build ms | on disk MB (estimate / dir) | cold load ms | heap after load MB (index) | peak heap MB | first query p50 ms | warm p50 ms | warm p95 ms | counts = brute force |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of QUERIED) {
    const disk = BUILT.includes(c)
      ? `${cell(get('idb_estimate_mb', c))} / ${cell(get('idb_dir_mb', c))}`
      : '(shares the store)';
    lines.push(
      `| ${c} | ${BUILT.includes(c) ? cell(get('build_ms', c)) : `(import: ${cell(get('import_store_ms', c))})`} | ${disk} | ${cell(get('load_ms', c))} | ` +
        `${cell(get('heap_loaded_mb', c))} (${cell(get('heap_index_mb', c))}) | ${cell(get('heap_peak_mb', c))} | ` +
        `${cell(get('first_query_p50_ms', c))} | ${cell(get('query_p50_ms', c))} | ${cell(get('query_p95_ms', c))} | ` +
        `${cell(get('queries_matching_brute_force', c))}/${Object.keys(prep.brute).length} |`,
    );
  }
  lines.push(
    '',
    `| query | brute force | ${BUILT.join(' | ')} | brute force (Loupe syntax) | loupe-verified (candidates) | warm p50 ms: ${QUERIED.join(' / ')} |`,
    `| --- | --- | ${BUILT.map(() => '---').join(' | ')} | --- | --- | --- |`,
  );
  for (const q of Object.keys(prep.brute)) {
    const of = (c) => raw.queries[c]?.find((t) => t.q === q);
    const v = of('loupe-verified');
    lines.push(
      `| \`${q}\` | ${prep.brute[q].count} | ${BUILT.map((c) => cell(of(c)?.digest.count)).join(' | ')} | ` +
        `${prep.bruteLoupe[q]} | ${cell(v?.digest.count)} (${cell(v?.candidates ?? undefined)}) | ` +
        `${QUERIED.map((c) => cell(of(c) && r1(pct(of(c).ms.slice(1), 50)))).join(' / ')} |`,
    );
  }
  const table = lines.join('\n');
  console.log('\n' + table);

  mkdirSync(path.dirname(opt.out), { recursive: true });
  // Formatted as `npx prettier --check bench` wants it.
  const json = JSON.stringify(
    {
      date: new Date().toISOString(),
      corpus: CORPUS,
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memGB: os.totalmem() / 2 ** 30,
      },
      loads,
      chromium: spawnSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).stdout.trim(),
      figures,
      table,
      brute: { words: prep.brute, loupeSyntax: prep.bruteLoupe, ms: prep.bruteMs },
      raw,
    },
    null,
    2,
  );
  writeFileSync(opt.out, await prettierFormat(json, { parser: 'json' }));
  log('wrote', path.relative(ROOT, opt.out));
} finally {
  await context?.close().catch(() => {});
  server?.kill();
  if (opt.keep) log('kept', tmp);
  else rmSync(tmp, { recursive: true, force: true });
}
