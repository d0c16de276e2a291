/**
 * `npm run bench`: Loupe's performance figures next to its peers' on this machine.
 *
 *   npm run bench [-- --quick | --full] [--mbox FILE ...] [--no-gen] [--import-only]
 *                 [--no-peers] [--peers-all] [--no-pi] [--pi-all] [--no-search]
 *                 [--search-runs N] [--port 5250] [--keep] [--out bench/results/latest.json]
 *                 [--reuse DIR] [--dist DIR] [--no-rebuild]
 *
 * --quick (default): the 10,000-message corpus. --full adds 100,000 messages
 * (about 11 minutes in all). The peers run on the 10k corpus only (notmuch would take
 * 14 minutes on 100k) unless --peers-all; public-inbox-index too unless --pi-all.
 * Real archives: every --mbox FILE (mbox or mbox.gz, repeat the option) as one corpus,
 * else the real list corpus in ../shared/corpus/mail/lists when present; Loupe imports
 * them one after the other into one inbox, and the peers index the same messages.
 * --no-gen skips the generated corpora; --import-only skips scrolling, reading and search.
 * --reuse DIR: the temp folder of an earlier --keep run (kept again, opened at that run's port,
 * since IndexedDB belongs to the origin): its corpora are not
 * generated again, and a corpus whose Chromium profile is there is only searched (no
 * import, scroll or reading figures). --dist DIR benches that build (copied into the temp folder) instead of
 * building the working tree (to compare two builds, also on one stored profile). --no-rebuild skips the
 * search index rebuild (70 s at 100k).
 *
 * Steps: `vite build` into a temp folder (sizes), gen_mbox.py corpora and
 * bench/gen-thread.mjs (a 1,000-message thread + a 5,000-line patch) into the
 * same temp folder, then per corpus a fresh persistent Chromium profile: the
 * floor (fetch + DecompressionStream), the real import through window.loupe
 * (the ingest worker, real IndexedDB) with heap sampling over CDP every 250 ms,
 * storage used, a scripted scroll of the thread list, the reading figures and,
 * on the largest corpus, 20 queries through the app's search worker (cold after
 * a reload, then warm; then each once in one page) and an index rebuild. Then the peers (notmuch, mu,
 * public-inbox-index) on a Maildir / v2 inbox of the same corpus, each with
 * HOME and config in the temp folder.
 *
 * Prints one JSON line per figure ({"metric","value","unit","corpus"}), then a
 * markdown table, and writes bench/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { symlinkSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { writeThreadMbox } from './gen-thread.mjs';
import { workerChannel } from './cdp.mjs';
import { scrollInPage, timeRenderInPage } from './in-page.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { routeOrigin, startServer as startServerAt } from './server.mjs';
import { measureBuild } from './sizes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
    'no-pi': { type: 'boolean', default: false },
    'pi-all': { type: 'boolean', default: false },
    'peers-all': { type: 'boolean', default: false },
    'no-search': { type: 'boolean', default: false },
    'search-runs': { type: 'string', default: '6' },
    mbox: { type: 'string', multiple: true, default: [] },
    'no-gen': { type: 'boolean', default: false },
    'import-only': { type: 'boolean', default: false },
    port: { type: 'string', default: '5250' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    dist: { type: 'string' },
    'no-rebuild': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/latest.json') },
  },
});
const FULL = opt.full && !opt.quick;
const CORPORA = opt['no-gen'] ? [] : [{ key: 'gen10k', messages: 10_000, seed: 1 }];
if (FULL && !opt['no-gen']) CORPORA.push({ key: 'gen100k', messages: 100_000, seed: 1 });
const MB = 1024 * 1024;

/**
 * Real archives: the files given with --mbox (one corpus), else the real list corpus
 * of ../shared when it is there. They are imported (and indexed by the peers) but not
 * scrolled, read or searched: the reading and search figures need the generated corpus.
 */
const LISTS = path.resolve(ROOT, '../shared/corpus/mail/lists');
const REAL = (() => {
  if (opt.mbox.length) {
    const files = opt.mbox.map((f) => path.resolve(f));
    for (const f of files) if (!existsSync(f)) throw new Error(`--mbox ${f}: no such file`);
    return { key: 'mbox', name: files.map((f) => path.basename(f)).join(' + '), files };
  }
  const files = existsSync(LISTS)
    ? readdirSync(LISTS)
        .filter((f) => /\.mbox(rd)?(\.gz)?$/.test(f))
        .sort()
        .map((f) => path.join(LISTS, f))
    : [];
  if (!files.length) {
    console.error(`[bench] no real list corpus at ${LISTS}: skipping the real-mail figures`);
    return null;
  }
  return { key: 'lists', name: 'real lists (../shared/corpus/mail/lists)', files };
})();
if (REAL) CORPORA.push({ ...REAL, real: true });
if (!CORPORA.length) throw new Error('nothing to bench: --no-gen and no --mbox files');
const corpusName = (c) => (c.real ? c.name : `gen_mbox ${c.messages} seed ${c.seed}`);

/**
 * The peers, checked before anything runs: a missing command skips that peer with
 * the reason said up front, not a failure half an hour in.
 */
const PEERS = {
  mu: ['mu'],
  notmuch: ['notmuch'],
  publicInbox: ['public-inbox-init', 'public-inbox-index', 'perl', 'git', 'gzip'],
};
const peerSkipped = {};
if (!opt['no-peers']) {
  for (const [peer, cmds] of Object.entries(PEERS)) {
    if (peer === 'publicInbox' && opt['no-pi']) continue;
    const missing = cmds.filter(
      (c) => spawnSync('sh', ['-c', `command -v "$1"`, '_', c], { stdio: 'ignore' }).status !== 0,
    );
    if (!missing.length) continue;
    peerSkipped[peer] = `${missing.join(', ')} not found on PATH`;
    console.error(
      `[bench] skipping ${peer}: ${peerSkipped[peer]} (apt-get install maildir-utils notmuch public-inbox)`,
    );
  }
}
const runsPeer = (peer) => !opt['no-peers'] && !peerSkipped[peer];

const t00 = Date.now();
const log = (...a) => console.error(`[bench +${((Date.now() - t00) / 1000).toFixed(0)}s]`, ...a);
const load = () => os.loadavg().map((x) => +x.toFixed(2));
const loads = { start: load() };

if (opt.reuse) opt.keep = true;
const tmp = opt.reuse
  ? path.resolve(opt.reuse)
  : mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-'));
// IndexedDB belongs to the page's origin, port included: a kept folder's stores are
// searched again only at the port they were written at. The server listens on --port
// and the pages are routed to it from that origin (routeOrigin), so runs on copies of
// one kept folder can go side by side.
const portFile = path.join(tmp, 'port');
const SERVE_PORT = Number(opt.port);
const PORT =
  opt.reuse && existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : SERVE_PORT;
if (PORT !== SERVE_PORT) log(`serving on ${SERVE_PORT} at the kept stores' origin (port ${PORT})`);
writeFileSync(portFile, String(PORT));
const dist = path.join(tmp, 'dist');
const data = path.join(tmp, 'data');
mkdirSync(data, { recursive: true });

/** Runs a command to completion; throws with its stderr when it fails. */
function sh(cmd, args, o = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: o.cwd ?? ROOT,
    env: o.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * MB,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !o.allowFail)
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`,
    );
  return { ms, stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
}

// ---------------------------------------------------------------- build & sizes

function buildAndMeasure() {
  if (opt.dist) {
    // A build made before (another commit's, to compare two in turns), copied so
    // that the bench data linked into it stays in the temp folder.
    log('build', opt.dist, '→', dist);
    cpSync(path.resolve(opt.dist), dist, { recursive: true });
  } else {
    log('vite build →', dist);
    sh('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn']);
  }
  return measureBuild(dist);
}

// ---------------------------------------------------------------- data

function makeData() {
  for (const c of CORPORA) {
    if (c.real) {
      // Served from the data folder under names of their own (two lists may share a basename).
      c.urls = c.files.map((f, i) => {
        const name = `${c.key}-${i}-${path.basename(f)}`;
        if (!existsSync(path.join(data, name))) symlinkSync(f, path.join(data, name));
        return name;
      });
      c.gzBytes = c.files.reduce((n, f) => n + statSync(f).size, 0);
      continue;
    }
    c.gz = path.join(data, `${c.key}.mbox.gz`);
    c.urls = [path.basename(c.gz)];
    if (!existsSync(c.gz)) {
      log(`gen_mbox.py ${c.messages} messages`);
      sh('python3', [
        'tools/gen_mbox.py',
        '--messages',
        String(c.messages),
        '--seed',
        String(c.seed),
        '--out',
        c.gz,
        '--gzip',
      ]);
    }
    c.gzBytes = statSync(c.gz).size;
  }
  const thread = writeThreadMbox(path.join(data, 'thread1000.mbox.gz'), {
    messages: 1000,
    seed: 1,
  });
  if (!existsSync(path.join(dist, 'bench-data'))) symlinkSync(data, path.join(dist, 'bench-data'));
  return thread;
}

// ---------------------------------------------------------------- server

const startServer = () => startServerAt(dist, SERVE_PORT);

// ---------------------------------------------------------------- browser

/**
 * Samples V8 heap usage every 250 ms over CDP: the page (its own session) and every
 * worker whose URL matches (attached from the page session, non-flattened, as they appear).
 * Peaks: the ingest worker alone, and the sum over all matching workers at one sample.
 */
function heapSampler(cdp, workerUrl, mainWorker) {
  const peak = {
    pageUsed: 0,
    pageTotal: 0,
    workerUsed: 0,
    workerTotal: 0,
    allWorkersUsed: 0,
    allWorkersTotal: 0,
    samples: 0,
    workers: {},
  };
  const sessions = new Map(); // targetId -> { sessionId, url }
  const ask = workerChannel(cdp);
  // usedSize: the V8 JS heap in use. Total adds Blink's (embedder) heap and ArrayBuffer backing stores.
  const total = (h) => h.usedSize + (h.embedderHeapUsedSize ?? 0) + (h.backingStorageSize ?? 0);
  const tick = async () => {
    const p = await cdp.send('Runtime.getHeapUsage').catch(() => null);
    if (p) {
      peak.samples++;
      peak.pageUsed = Math.max(peak.pageUsed, p.usedSize);
      peak.pageTotal = Math.max(peak.pageTotal, total(p));
    }
    const { targetInfos } = await cdp.send('Target.getTargets');
    for (const t of targetInfos) {
      if (t.type !== 'worker' || !workerUrl.test(t.url) || sessions.has(t.targetId)) continue;
      sessions.set(t.targetId, { sessionId: null, url: t.url });
      const r = await cdp
        .send('Target.attachToTarget', { targetId: t.targetId, flatten: false })
        .catch(() => null);
      if (r) sessions.get(t.targetId).sessionId = r.sessionId;
    }
    let used = 0;
    let tot = 0;
    const live = [...sessions.values()].filter((s) => s.sessionId);
    const heaps = await Promise.all(
      live.map((s) => ask(s.sessionId, 'Runtime.getHeapUsage', {}, 5000)),
    );
    live.forEach((s, i) => {
      const h = heaps[i];
      if (!h) return;
      const name = s.url.replace(/^.*\//, '') + ` (${s.sessionId.slice(0, 6)})`;
      const w = (peak.workers[name] ??= { used: 0, total: 0, samples: 0 });
      w.samples++;
      w.used = Math.max(w.used, h.usedSize);
      w.total = Math.max(w.total, total(h));
      used += h.usedSize;
      tot += total(h);
      if (mainWorker.test(s.url)) {
        peak.workerUsed = Math.max(peak.workerUsed, h.usedSize);
        peak.workerTotal = Math.max(peak.workerTotal, total(h));
      }
    });
    peak.allWorkersUsed = Math.max(peak.allWorkersUsed, used);
    peak.allWorkersTotal = Math.max(peak.allWorkersTotal, tot);
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 250);
  return async () => {
    clearInterval(timer);
    while (busy) await new Promise((r) => setTimeout(r, 20));
    await tick().catch(() => undefined);
    for (const s of sessions.values())
      if (s.sessionId)
        await cdp
          .send('Target.detachFromTarget', { sessionId: s.sessionId })
          .catch(() => undefined);
    return peak;
  };
}

/** In the page: fetch (+ gunzip, for a .gz file) the file, no parsing. */
function floorInPage(url) {
  return (async () => {
    const t0 = performance.now();
    const res = await fetch(url, { cache: 'no-store' });
    const body = url.endsWith('.gz')
      ? res.body.pipeThrough(new DecompressionStream('gzip'))
      : res.body;
    const reader = body.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    return { ms: performance.now() - t0, bytes };
  })();
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

async function browserCorpus(base, c, thread) {
  const profile = path.join(tmp, `profile-${c.key}`);
  const stored = opt.reuse && existsSync(profile);
  if (stored && c.real) return {};
  if (!stored && PORT !== SERVE_PORT)
    throw new Error(`${c.key}: no stored profile to search, and a routed page cannot import`);
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 900 },
  });
  const out = { chromium: ctx.browser()?.version() ?? null };
  try {
    await routeOrigin(ctx, PORT, SERVE_PORT);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await ctx.newCDPSession(page);
    await page.goto(`${base}?nodemo`);
    await page.waitForFunction(() => !!window.loupe, null, { timeout: 60_000 });
    if (stored) {
      if (!opt['no-search'] && c === CORPORA.filter((x) => !x.real).at(-1))
        out.search = await searchBench(page, c);
      return out;
    }
    const urls = c.urls.map((u) => `${base}bench-data/${u}`);
    const usage = () => page.evaluate(() => navigator.storage.estimate());
    const u0 = await usage();

    log(`${c.key}: floor (fetch + DecompressionStream)`);
    // Per file, the best of two; the corpus's floor is their sum.
    const floors = [];
    for (const url of urls) {
      const runs = [await page.evaluate(floorInPage, url), await page.evaluate(floorInPage, url)];
      floors.push({ url, ms: Math.min(...runs.map((f) => f.ms)), runs, bytes: runs[0].bytes });
    }
    out.floor = {
      ms: floors.reduce((n, f) => n + f.ms, 0),
      files: floors,
      rawBytes: floors.reduce((n, f) => n + f.bytes, 0),
    };

    log(`${c.key}: import through the ingest worker (${urls.length} file(s))`);
    out.loadBeforeImport = load();
    const stop = heapSampler(cdp, /\/(ingest|parse)[-.]/, /\/ingest[-.]/);
    // One file after the other into one inbox, as a reader importing a list's archives would.
    const imp = await page.evaluate(async (urls) => {
      const files = [];
      const t0 = performance.now();
      for (const u of urls) {
        const t1 = performance.now();
        const r = await window.loupe.importUrl(u, 'INBOX', null);
        files.push({ url: u, wallMs: performance.now() - t1, result: r });
        if (r.error) break;
      }
      const sum = (k) => files.reduce((n, f) => n + f.result[k], 0);
      const result = {
        messages: sum('messages'),
        added: sum('added'),
        duplicates: sum('duplicates'),
        flawed: sum('flawed'),
        skipped: sum('skipped'),
        parseMs: sum('parseMs'),
        storeMs: sum('storeMs'),
        error: files.find((f) => f.result.error)?.result.error ?? null,
      };
      return { wallMs: performance.now() - t0, result, files };
    }, urls);
    out.heap = await stop();
    out.loadAfterImport = load();
    out.import = imp;
    if (imp.result.error) log(`${c.key}: import error: ${imp.result.error}`);
    const u1 = await usage();
    out.storage = { before: u0, after: u1, bytes: (u1.usage ?? 0) - (u0.usage ?? 0) };
    if (c.real || opt['import-only']) return out;

    log(`${c.key}: thread list scroll`);
    await page.evaluate(() => (location.hash = '#/INBOX/'));
    await page.waitForSelector('[data-testid="thread-row"]', { timeout: 60_000 });
    await page.waitForTimeout(500);
    out.scroll = await page.evaluate(scrollInPage, { durationMs: 4000, pxPerS: 6000 });

    log(`${c.key}: reading (1,000-message thread, 5,000-line patch)`);
    const ti = await page.evaluate(
      (u) =>
        window.loupe
          .importUrl(u, 'bench-thread', null)
          .then((r) => ({ added: r.added, error: r.error })),
      `${base}bench-data/thread1000.mbox.gz`,
    );
    out.threadImport = ti;
    const enc = (id) => encodeURIComponent(id).replace(/%40/g, '@');
    const runs = { thread: [], patch: [] };
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => (location.hash = '#/bench-thread/'));
      await page.waitForSelector('[data-testid="thread-row"]', { timeout: 30_000 });
      await page.waitForTimeout(300);
      runs.thread.push(
        await page.evaluate(timeRenderInPage, {
          hash: `#/bench-thread/${enc(thread.rootId)}/T/`,
          sel: '[data-testid="message"]',
          firstSel: '[data-testid="message"]',
          min: thread.threadMessages,
          timeoutMs: 60_000,
        }),
      );
      await page.evaluate(() => (location.hash = '#/bench-thread/'));
      await page.waitForSelector('[data-testid="thread-row"]', { timeout: 30_000 });
      await page.waitForTimeout(300);
      runs.patch.push(
        await page.evaluate(timeRenderInPage, {
          hash: `#/bench-thread/${enc(thread.bigPatchId)}/`,
          sel: '[data-testid="diff"] > span',
          firstSel: '[data-testid="message"]',
          min: thread.bigPatchLines,
          timeoutMs: 60_000,
        }),
      );
    }
    out.reading = runs;
    if (!opt['no-search'] && c === CORPORA.filter((x) => !x.real).at(-1))
      out.search = await searchBench(page, c);
    out.pageErrors = errors.slice(0, 5);
  } finally {
    await ctx.close();
    if (!opt.keep) rmSync(profile, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------- peers

function peerEnv(home) {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

function peers(c) {
  const out = {};
  const maildir = path.join(tmp, `maildir-${c.key}`);
  log(`${c.key}: Maildir split (not timed)`);
  const sources = c.real ? c.files : [c.gz];
  out.maildirMessages = Number(
    sh('python3', ['bench/mbox2maildir.py', ...sources, maildir]).stdout.trim(),
  );
  const count = out.maildirMessages;

  out.skipped = peerSkipped;
  if (runsPeer('mu')) {
    log(`${c.key}: mu init && mu index`);
    const env = peerEnv(path.join(tmp, `home-mu-${c.key}`));
    const muhome = path.join(env.HOME, 'mu');
    out.loadBeforeMu = load();
    const a = sh('mu', ['init', `--muhome=${muhome}`, `--maildir=${maildir}`], { env });
    const b = sh('mu', ['index', `--muhome=${muhome}`], { env });
    const ms = a.ms + b.ms;
    out.mu = { ms, msgsPerS: count / (ms / 1000), version: firstLine('mu', ['--version'], env) };
  }
  if (runsPeer('notmuch')) {
    log(`${c.key}: notmuch new`);
    const env = peerEnv(path.join(tmp, `home-notmuch-${c.key}`));
    const cfg = path.join(env.HOME, 'notmuch-config');
    writeFileSync(
      cfg,
      [
        '[database]',
        `path=${maildir}`,
        '[user]',
        'name=Bench',
        'primary_email=bench@example.org',
        '[new]',
        'tags=unread;inbox;',
        'ignore=',
        '[search]',
        'exclude_tags=deleted;spam;',
        '[maildir]',
        'synchronize_flags=true',
        '',
      ].join('\n'),
    );
    env.NOTMUCH_CONFIG = cfg;
    out.loadBeforeNotmuch = load();
    const r = sh('notmuch', ['new', '--quiet'], { env });
    const n = Number(sh('notmuch', ['count', '*'], { env }).stdout.trim());
    out.notmuch = {
      ms: r.ms,
      msgsPerS: count / (r.ms / 1000),
      indexed: n,
      version: firstLine('notmuch', ['--version'], env),
    };
  }
  if (
    runsPeer('publicInbox') &&
    !opt['no-pi'] &&
    (c.real || c.messages <= 10_000 || opt['pi-all'] || opt['peers-all'])
  ) {
    log(`${c.key}: public-inbox (import not timed, then public-inbox-index on a fresh index)`);
    const env = peerEnv(path.join(tmp, `home-pi-${c.key}`));
    env.PI_CONFIG = path.join(env.HOME, 'pi-config');
    const dir = path.join(env.HOME, 'bench');
    // -L basic: the (untimed) import skips Xapian; the timed step then builds the full index from git.
    sh(
      'public-inbox-init',
      ['-V2', '-L', 'basic', 'bench', dir, 'http://127.0.0.1:1/bench', 'bench@example.org'],
      { env },
    );
    const importer =
      'my $ibx = PublicInbox::Config->new->lookup_name($ARGV[0]) or die "no inbox\\n";' +
      'PublicInbox::InboxWritable->new($ibx)->import_mbox(\\*STDIN, "mboxrd");';
    sh(
      'bash',
      [
        '-c',
        'i="$1"; shift; for f; do case "$f" in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac; done |' +
          ' perl -MPublicInbox::Config -MPublicInbox::InboxWritable -e "$i" bench',
        '_',
        importer,
        ...sources,
      ],
      { env },
    );
    sh('git', ['config', '-f', env.PI_CONFIG, 'publicinbox.bench.indexlevel', 'full'], { env });
    for (const f of readdirSync(dir))
      if (f.startsWith('msgmap.sqlite3') || f === 'xap15')
        rmSync(path.join(dir, f), { recursive: true });
    out.loadBeforePi = load();
    const r = sh('public-inbox-index', [dir], { env });
    out.publicInbox = { ms: r.ms, msgsPerS: count / (r.ms / 1000), version: piVersion() };
  }
  rmSync(maildir, { recursive: true, force: true });
  return out;
}

function firstLine(cmd, args, env) {
  return sh(cmd, args, { env, allowFail: true }).stdout.split('\n')[0].trim();
}
function piVersion() {
  const r = sh('dpkg-query', ['-W', '-f', '${Version}', 'public-inbox'], { allowFail: true });
  return r.stdout.trim() || null;
}

// ---------------------------------------------------------------- search

/** The fixed query set: subjects, authors, phrases, dates, diff file names, crash titles. */
const QUERIES = [
  's:qcom',
  's:"memory leak"',
  'f:gregkh',
  'f:"Kees Thompson"',
  '"use guard(mutex)"',
  '"memory leak"',
  'deadlock',
  'dfn:kernel/sched/fair.c',
  'dfn:mlx5',
  'oops:KASAN',
  'oops:"use-after-free"',
  'd:2024-01-02..2024-01-03',
  's:PCI d:2024-01-01..2024-01-04',
  'is:patch s:sched',
  'nvme OR xfs',
  'NOT f:gregkh',
  'b:"Reviewed-by"',
  'qcom_pcie*',
  's:"PATCH v2"',
  'a:kernel.org',
];

/**
 * Search through the app's own search worker (window.loupe.search), first page of
 * 100 results in relevance order, in the store the import just wrote. Cold: the
 * first run of each query after a page reload (fresh worker, nothing cached).
 * Warm: the runs after it. Then the index is dropped and rebuilt by the worker
 * from the stored messages, timed.
 */
async function searchBench(page, c) {
  const runs = Math.max(2, Number(opt['search-runs']));
  const reload = async () => {
    await page.evaluate(() => (location.hash = '#/INBOX/'));
    await page.reload();
    await page.waitForFunction(() => !!window.loupe, null, { timeout: 60_000 });
  };
  const one = (q) => page.evaluate((q) => window.loupe.search(q, { inbox: 'INBOX' }), q);
  log(`${c.key}: search, ${QUERIES.length} queries, cold after a reload and ${runs - 1} warm runs`);
  const queries = {};
  for (const q of QUERIES) {
    await reload();
    const cold = await one(q);
    const warm = [];
    for (let i = 1; i < runs; i++) warm.push(await one(q));
    queries[q] = {
      coldMs: cold.ms,
      warmMs: warm.map((w) => w.ms),
      firstMs: warm.map((w) => w.firstMs),
      matched: cold.matched,
      candidates: cold.candidates,
      error: cold.error,
    };
  }
  // A session of different queries: after a reload and one query that matches
  // nothing (it loads the posting numbers), each query once, in order. Their
  // messages were never read in this page unless an earlier query shared them.
  log(`${c.key}: search, each query once after a reload`);
  await reload();
  await one('zzzqqqxxnomatch');
  const fresh = {};
  for (const q of QUERIES) fresh[q] = (await one(q)).ms;
  const index = await page.evaluate(async () => {
    const db = window.loupe.db();
    let postingBytes = 0;
    await db.postings.each((p) => {
      const lists = p.lists?.byteLength ?? p.p.reduce((n, a) => n + a.byteLength, 0);
      postingBytes += lists + p.keys.join('').length * 2;
    });
    let docs = 0;
    await db.searchSegs.each((s) => (docs += s.ids.filter(Boolean).length));
    return { postingBytes, docs };
  });
  if (opt['no-rebuild']) return { queries, fresh, index };
  log(`${c.key}: search index dropped, rebuilt by the search worker`);
  await page.evaluate(async () => {
    const db = window.loupe.db();
    const tables = [db.searchSegs, db.searchInboxes, db.postings, db.searchMeta];
    await db.transaction('rw', tables, async () => {
      await Promise.all(tables.map((t) => t.clear()));
    });
  });
  await reload();
  const t0 = Date.now();
  index.rebuildQuery = await one('s:qcom');
  index.rebuildMs = Date.now() - t0;
  return { queries, fresh, index };
}

// ---------------------------------------------------------------- figures

const metrics = [];
const add = (metric, value, unit, corpus, target = null) => {
  if (value === null || value === undefined || Number.isNaN(value)) return;
  const v = Math.abs(value) >= 100 ? Math.round(value) : +value.toFixed(value < 1 ? 3 : 2);
  metrics.push({ metric, value: v, unit, corpus, target });
};
/** target: { op: '>=' | '<', value, note? } */
const check = (m) =>
  m.target ? (m.target.op === '<' ? m.value < m.target.value : m.value >= m.target.value) : null;

function figures(sizes, perCorpus) {
  add('shell_gzip_kb', sizes.shellGzipBytes / 1024, 'KB', null, { op: '<', value: 80 });
  add('lazy_gzip_kb', sizes.lazyGzipBytes / 1024, 'KB', null);
  for (const [name, b] of Object.entries(sizes.workerGzipBytes))
    add(`${name}_worker_gzip_kb`, b / 1024, 'KB', null);
  add('sw_gzip_kb', sizes.swGzipBytes / 1024, 'KB', null);

  for (const { c, b, p } of perCorpus) {
    const name = corpusName(c);
    // A reused profile was only searched.
    if (!b.import) continue;
    const r = b.import.result;
    const s = b.import.wallMs / 1000;
    const mps = r.messages / s;
    // The targets: 10k generated ≥ 1,500 msgs/s and 3× the fastest peer; real mail
    // ≥ 1,000 msgs/s and 3× mu and notmuch.
    const rate = c.real ? 1000 : c.messages === 10_000 ? 1500 : null;
    add('import_msgs_per_s', mps, 'msgs/s', name, rate ? { op: '>=', value: rate } : null);
    add('import_messages', r.messages, 'msgs', name);
    add('import_mb_per_s', b.floor.rawBytes / MB / s, 'MB/s', name);
    add('import_s', s, 's', name);
    add('import_parse_s', r.parseMs / 1000, 's', name);
    add('import_store_s', r.storeMs / 1000, 's', name);
    add('floor_s', b.floor.ms / 1000, 's', name);
    add('import_vs_floor', b.import.wallMs / b.floor.ms, 'ratio', name);
    const big = !c.real && c.messages >= 100_000;
    add(
      'worker_peak_heap_mb',
      b.heap.workerUsed / MB,
      'MB',
      name,
      big ? { op: '<', value: 300 } : null,
    );
    add('worker_peak_heap_total_mb', b.heap.workerTotal / MB, 'MB', name);
    add('import_workers_peak_heap_mb', b.heap.allWorkersUsed / MB, 'MB', name);
    add('page_peak_heap_mb', b.heap.pageUsed / MB, 'MB', name);
    add('idb_bytes_per_msg', b.storage.bytes / Math.max(1, r.added), 'bytes', name);
    add('idb_total_mb', b.storage.bytes / MB, 'MB', name);
    if (b.scroll && !b.scroll.error) {
      add('list_scroll_dropped_frames', b.scroll.dropped, 'frames', name);
      add(
        'list_scroll_dropped_pct',
        (100 * b.scroll.dropped) / Math.max(1, b.scroll.expectedFrames),
        '%',
        name,
        big ? { op: '<', value: 2 } : null,
      );
      add('list_scroll_p95_frame_ms', b.scroll.p95FrameMs, 'ms', name);
    }
    const rd = `bench thread (1,000 msgs) in ${name} store`;
    if (b.reading) {
      add('thread_1000_first_ms', median(b.reading.thread.map((x) => x.firstPaintedMs)), 'ms', rd, {
        op: '<',
        value: 100,
      });
      add('thread_1000_first_dom_ms', median(b.reading.thread.map((x) => x.firstMs)), 'ms', rd);
      add('thread_1000_full_ms', median(b.reading.thread.map((x) => x.fullPaintedMs)), 'ms', rd);
      add('patch_5000_first_ms', median(b.reading.patch.map((x) => x.firstPaintedMs)), 'ms', rd);
      add('patch_5000_full_ms', median(b.reading.patch.map((x) => x.fullPaintedMs)), 'ms', rd);
    }
    if (p) {
      const x3 = { op: '>=', value: 3 };
      const peersRate = [];
      if (p.notmuch) {
        add('notmuch_msgs_per_s', p.notmuch.msgsPerS, 'msgs/s', name);
        add('import_vs_notmuch', mps / p.notmuch.msgsPerS, 'ratio', name, c.real ? x3 : null);
        peersRate.push(p.notmuch.msgsPerS);
      }
      if (p.mu) {
        add('mu_msgs_per_s', p.mu.msgsPerS, 'msgs/s', name);
        add('import_vs_mu', mps / p.mu.msgsPerS, 'ratio', name, c.real ? x3 : null);
        peersRate.push(p.mu.msgsPerS);
      }
      if (p.publicInbox) {
        add('public_inbox_index_msgs_per_s', p.publicInbox.msgsPerS, 'msgs/s', name);
        add('import_vs_public_inbox', mps / p.publicInbox.msgsPerS, 'ratio', name);
        peersRate.push(p.publicInbox.msgsPerS);
      }
      if (peersRate.length)
        add(
          'import_vs_fastest_peer',
          mps / Math.max(...peersRate),
          'ratio',
          name,
          c.real ? null : x3,
        );
    }
  }
  const last = perCorpus.find((x) => x.b.search);
  if (last) {
    const name = corpusName(last.c);
    const q = Object.values(last.b.search.queries).filter((x) => !x.error);
    const pick = (xs, p) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    };
    const warm = q.flatMap((x) => x.warmMs);
    const cold = q.map((x) => x.coldMs);
    const first = q.flatMap((x) => x.firstMs.filter((f) => f > 0));
    add('search_p50_ms', pick(warm, 0.5), 'ms', name);
    add('search_p95_ms', pick(warm, 0.95), 'ms', name, { op: '<', value: 50 });
    add('search_max_ms', Math.max(...warm), 'ms', name);
    add('search_first_hits_p95_ms', pick(first, 0.95), 'ms', name);
    const fresh = Object.values(last.b.search.fresh ?? {});
    if (fresh.length) {
      add('search_new_query_p50_ms', pick(fresh, 0.5), 'ms', name);
      add('search_new_query_p95_ms', pick(fresh, 0.95), 'ms', name, { op: '<', value: 50 });
    }
    add('search_cold_p50_ms', pick(cold, 0.5), 'ms', name, { op: '<', value: 150 });
    add('search_cold_p95_ms', pick(cold, 0.95), 'ms', name);
    const ix = last.b.search.index;
    add('search_index_bytes_per_msg', ix.postingBytes / Math.max(1, ix.docs), 'bytes', name);
    if (ix.rebuildMs !== undefined) add('search_index_rebuild_s', ix.rebuildMs / 1000, 's', name);
  }
}

/** Formats JSON the way the repo's prettier does, so `npm run lint` passes on the results. */
async function prettyJson(json, file) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(json, { ...config, plugins: [], parser: 'json' });
  } catch {
    return JSON.stringify(JSON.parse(json), null, 2) + '\n';
  }
}

function gitCommit() {
  try {
    const head = readFileSync(path.join(ROOT, '.git/HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    const ref = head.slice(5);
    const loose = path.join(ROOT, '.git', ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim().slice(0, 12);
    const packed = readFileSync(path.join(ROOT, '.git/packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(' ' + ref));
    return line ? line.slice(0, 12) : null;
  } catch {
    return null;
  }
}

function table(machine) {
  const fmt = (m) => (m.target ? `${m.target.op === '<' ? '<' : '≥'} ${m.target.value}` : '');
  const lines = [
    `Loupe bench, ${machine.date} on ${machine.cpus}× ${machine.cpuModel}, ${machine.memGB} GB RAM, ` +
      `${machine.os}, Chromium ${machine.chromium ?? '?'}, Node ${machine.node}` +
      (machine.commit ? `, commit ${machine.commit}` : '') +
      `. Load average (1/5/15 min) at start ${machine.load.start.join('/')}, at end ${machine.load.end.join('/')}` +
      ` (the machine is shared: figures vary with it).`,
    '',
    '| metric | corpus | value | unit | target | ok |',
    '| --- | --- | ---: | --- | --- | :-: |',
  ];
  for (const m of metrics) {
    const ok = check(m);
    lines.push(
      `| ${m.metric} | ${m.corpus ?? '—'} | ${m.value} | ${m.unit} | ${fmt(m)} | ${ok === null ? '' : ok ? '✓' : '✗'} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

let server = null;
// On Ctrl-C: stop the static server and remove the temp folder (Playwright closes Chromium).
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    server?.kill();
    if (!opt.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
const raw = { options: { full: FULL, peers: !opt['no-peers'], search: !opt['no-search'] } };
try {
  raw.sizes = buildAndMeasure();
  const thread = makeData();
  raw.thread = thread;
  server = await startServer();
  const base = `http://127.0.0.1:${PORT}/`;
  const perCorpus = [];
  for (const c of CORPORA) {
    loads[`browser_${c.key}`] = load();
    perCorpus.push({ c, b: await browserCorpus(base, c, thread), p: null });
  }
  server.kill();
  server = null;
  if (!opt['no-peers'])
    for (const pc of perCorpus) {
      if (!pc.c.real && pc.c.messages > 10_000 && !opt['peers-all']) continue;
      loads[`peers_${pc.c.key}`] = load();
      pc.p = peers(pc.c);
    }
  loads.end = load();
  const cpus = os.cpus();
  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? '?',
    memGB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: perCorpus[0]?.b.chromium ?? null,
    commit: gitCommit(),
    load: loads,
  };
  figures(raw.sizes, perCorpus);
  for (const m of metrics)
    console.log(
      JSON.stringify({ metric: m.metric, value: m.value, unit: m.unit, corpus: m.corpus }),
    );
  const md = table(machine);
  console.log('\n' + md);
  raw.perCorpus = perCorpus.map(({ c, b, p }) => ({
    corpus: { ...c, gz: undefined, files: c.files?.map((f) => path.basename(f)) },
    browser: b,
    peers: p,
  }));
  mkdirSync(path.dirname(opt.out), { recursive: true });
  const json = JSON.stringify(
    { machine, metrics: metrics.map((m) => ({ ...m, ok: check(m) })), table: md, raw },
    null,
    2,
  );
  writeFileSync(opt.out, await prettyJson(json, opt.out));
  log(
    `wrote ${path.relative(ROOT, opt.out)}; ${opt.keep ? `kept ${tmp}` : 'removed the temp folder'}`,
  );
} finally {
  if (server) server.kill();
  if (!opt.keep) rmSync(tmp, { recursive: true, force: true });
}
