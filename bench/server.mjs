/** Starts `scripts/serve.mjs` over a build folder and resolves once it listens. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { findChromium } from './cpu.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function startServer(root, port) {
  const child = spawn(
    process.execPath,
    ['scripts/serve.mjs', '--port', String(port), '--root', root],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const on = (b) => {
      out += b;
      if (/Loupe at/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return child;
}

/**
 * Serves the server at `servePort` to the context as if it were at `originPort`.
 * IndexedDB belongs to the origin, port included, so a kept store opens only at the
 * port it was written at; routing lets several runs open copies of it side by side,
 * each with a server of its own. The page's requests and its workers' go through the
 * route (service workers are blocked in the bench contexts), but not those of a
 * worker's own workers: the parse workers the ingest worker starts cannot load, so a
 * routed page searches, scrolls and reads but cannot import.
 */
export async function routeOrigin(ctx, originPort, servePort) {
  if (originPort === servePort) return;
  const origin = `http://127.0.0.1:${originPort}/`;
  const served = `http://127.0.0.1:${servePort}/`;
  await ctx.route(`${origin}**`, async (route) => {
    const url = served + route.request().url().slice(origin.length);
    // A connection reset (seen under load) is tried once more; a request of a page being
    // reloaded has nowhere to go. Either way it fails in the page instead of ending the run.
    for (let tries = 2; tries--;) {
      try {
        return await route.fulfill({ response: await route.fetch({ url }) });
      } catch {
        if (!tries) await route.abort().catch(() => undefined);
      }
    }
  });
}

/**
 * Chromium on a fresh profile at the app served at `base` (no demo inbox, service
 * workers blocked), once `window.loupe` is there; with the browser process's pid
 * for CPU accounting (bench/cpu.mjs).
 */
export async function openApp(profileDir, base) {
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    serviceWorkers: 'block',
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`${base}?nodemo`);
    await page.waitForFunction(() => !!window.loupe, null, { timeout: 60_000 });
    const browserPid = ctx.browser()?.process?.()?.pid ?? findChromium(profileDir);
    return { ctx, page, browserPid };
  } catch (e) {
    await ctx.close();
    throw e;
  }
}

/**
 * Files to import, linked into a new temp folder that the build at `dist` serves as
 * `/<dir>/` (a link in the build folder, removed by `done`): their names there, the
 * temp folder (for Chromium profiles and other files), and `done`.
 */
export function serveFiles(dist, dir, files) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `loupe-${dir}-`));
  const served = path.join(dist, dir);
  rmSync(served, { recursive: true, force: true });
  symlinkSync(tmp, served);
  const names = files.map((f, i) => {
    const n = `${i}-${path.basename(f)}`;
    symlinkSync(path.resolve(f), path.join(tmp, n));
    return n;
  });
  const done = () => {
    rmSync(served, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  };
  return { names, tmp, done };
}
