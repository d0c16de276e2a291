/**
 * The build's sizes as `npm run bench` reports them: the shell (index.html and the
 * scripts and styles it loads before the first paint), the lazy chunks, each worker
 * and the service worker, gzipped at level 9.
 *
 *   node bench/sizes.mjs [DIST]   # builds into a temp folder (or measures DIST) and prints them
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Sizes of the `vite build` output in `dist`. */
export function measureBuild(dist) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(path.relative(dist, p).split(path.sep).join('/'));
    }
  };
  walk(dist);
  const gz = (f) => gzipSync(readFileSync(path.join(dist, f)), { level: 9 }).length;
  // Worker entry chunks: the files named in `new Worker(new URL(...))` of the page bundles.
  const workerChunks = new Set();
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const src = readFileSync(path.join(dist, f), 'utf8');
    for (const m of src.matchAll(/new Worker\([^)]{0,60}?[`'"]([^`'"]+\.js)[`'"]/g))
      workerChunks.add('assets/' + path.basename(m[1]));
  }
  const isSw = (f) => f === 'sw.js' || /^workbox-[^/]*\.js$/.test(f);
  const isDemo = (f) => f.startsWith('demo/');
  const code = (f) => /\.(js|css|html)$/.test(f);
  // The shell: index.html and the scripts and styles it loads before the first paint
  // (its module script, modulepreloads, stylesheets). Views loaded on demand are `lazy`.
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const shell = [
    'index.html',
    ...[...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map(
      (m) => m[1],
    ),
  ];
  const lazy = files.filter(
    (f) => code(f) && !shell.includes(f) && !workerChunks.has(f) && !isSw(f) && !isDemo(f),
  );
  const sum = (fs) => fs.reduce((s, f) => s + gz(f), 0);
  const byWorker = {};
  for (const f of workerChunks) byWorker[path.basename(f).replace(/-[\w-]{8}\.js$/, '')] = gz(f);
  return {
    shellFiles: shell,
    shellGzipBytes: sum(shell),
    lazyGzipBytes: sum(lazy),
    workerChunks: [...workerChunks],
    workerGzipBytes: byWorker,
    swGzipBytes: sum(files.filter(isSw)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let dist = process.argv[2];
  const tmp = dist ? null : mkdtempSync(path.join(os.tmpdir(), 'loupe-sizes-'));
  if (tmp) {
    dist = path.join(tmp, 'dist');
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const r = spawnSync(
      'npx',
      ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const s = measureBuild(dist);
  const kb = (b) => (b / 1024).toFixed(1) + ' KB';
  console.log(`shell ${kb(s.shellGzipBytes)} gzipped: ${s.shellFiles.join(' ')}`);
  console.log(`lazy ${kb(s.lazyGzipBytes)}, service worker ${kb(s.swGzipBytes)}`);
  for (const [name, b] of Object.entries(s.workerGzipBytes)) console.log(`worker ${name} ${kb(b)}`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
