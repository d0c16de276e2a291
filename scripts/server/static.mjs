// Static files of the built app (dist/), with an SPA fallback to index.html.
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fail } from './fail.mjs';

const JS = 'text/javascript; charset=utf-8';
// prettier-ignore
const MIME = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8', '.js': JS, '.mjs': JS, '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json', '.json': 'application/json',
  '.map': 'application/json', '.gz': 'application/gzip', '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
});

/**
 * The Content-Security-Policy header for the app: the policy of the meta tag in the built
 * index.html (the one place it is written), plus frame-ancestors, which only a header can
 * carry. Without a readable policy the app is still kept out of frames.
 * @param {string} root
 */
export function contentPolicy(root) {
  let html = '';
  try {
    html = readFileSync(path.join(root, 'index.html'), 'utf8');
  } catch {
    /* not built yet: serveStatic answers 404 */
  }
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  return [meta?.[1].trim(), "frame-ancestors 'none'"].filter(Boolean).join('; ');
}

/**
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {string} root @param {string} policy the Content-Security-Policy header
 */
export async function serveStatic(req, res, root, policy) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return fail(res, 405, `method not allowed: ${req.method}`, { allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return fail(res, 400, 'bad path');
  }
  let file = path.join(root, pathname);
  if (pathname.includes('\0') || (file !== root && !file.startsWith(root + path.sep))) {
    return fail(res, 403, 'forbidden');
  }
  let st = await stat(file).catch(() => null);
  if (st?.isDirectory()) {
    file = path.join(file, 'index.html');
    st = await stat(file).catch(() => null);
  }
  if (!st?.isFile()) {
    const ext = path.extname(pathname).toLowerCase();
    if (MIME[ext] || pathname.startsWith('/assets/')) return fail(res, 404, 'not found');
    file = path.join(root, 'index.html'); // SPA fallback
    st = await stat(file).catch(() => null);
    if (!st?.isFile()) return fail(res, 404, 'not found (is dist/ built?)');
  }
  const rel = path.relative(root, file).split(path.sep).join('/');
  const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  res.setHeader(
    'content-type',
    MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
  );
  res.setHeader('etag', etag);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', policy);
  const immutable = rel.startsWith('assets/');
  res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
  res.setHeader('content-length', st.size);
  if (req.method === 'HEAD') return void res.end();
  pipeline(createReadStream(file), res, () => {});
}
