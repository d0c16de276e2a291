// The same-origin, allowlisted proxy for public-inbox hosts (public-inbox sends no CORS
// headers). Proxy URL shape: /_/HOST[:PORT]/PATH?QUERY.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Transform, pipeline } from 'node:stream';
import { isPrivateAddress, publicLookup } from './addresses.mjs';
import { findEntry } from './config.mjs';
import { fail } from './fail.mjs';

/** @typedef {import('./config.mjs').ProxyConfig} ProxyConfig @typedef {import('./config.mjs').HostEntry} HostEntry */

const FORWARD_REQ = ['accept', 'if-none-match', 'if-modified-since', 'range'];
const PASS_RES = ['content-type', 'content-length', 'content-encoding', 'content-range',
  'accept-ranges', 'etag', 'last-modified', 'retry-after', 'cache-control']; // prettier-ignore
// An inbox's root: one path segment ending with a slash.
const INBOX_ROOT = /^\/[^/]+\/$/;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RESOLVE_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Per-key FIFO semaphore. @param {number} max */
export function limiter(max) {
  /** @type {Map<string, { active: number, queue: (() => void)[] }>} */
  const state = new Map();
  return (/** @type {string} */ key) =>
    /** @type {Promise<() => void>} */ (
      new Promise((resolve) => {
        const s = state.get(key) ?? { active: 0, queue: [] };
        state.set(key, s);
        const grant = () => {
          s.active++;
          let done = false;
          resolve(() => {
            if (done) return;
            done = true;
            s.active--;
            const next = s.queue.shift();
            if (next) next();
            else if (s.active === 0) state.delete(key);
          });
        };
        if (s.active < max) grant();
        else s.queue.push(grant);
      })
    );
}

/**
 * Reads a request body of at most `max` bytes within `ms`; stops reading at once past either.
 * @param {import('node:http').IncomingMessage} req @param {number} max @param {number} ms
 * @returns {Promise<Buffer | null | 'timeout'>} null when too large
 */
function readBody(req, max, ms) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    const timer = setTimeout(() => stop('timeout'), ms);
    const stop = (/** @type {Buffer | null | 'timeout'} */ result) => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      req.pause();
      resolve(result);
    };
    req.on('data', (/** @type {Buffer} */ c) => {
      size += c.length;
      if (size > max) return stop(null);
      chunks.push(c);
    });
    req.on('end', () => stop(Buffer.concat(chunks)));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {ProxyConfig} cfg @param {(key: string) => Promise<() => void>} acquire
 */
export async function handleProxy(req, res, cfg, acquire) {
  const m = /^\/_\/([^/?#]*)([^#]*)/.exec(req.url ?? '');
  const auth = m && /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(m[1]);
  if (!m || !auth) return fail(res, 400, 'bad proxy URL: expected /_/HOST[:PORT]/PATH');
  const host = auth[1].replace(/^\[|\]$/g, '').toLowerCase();
  const port = auth[2] ? Number(auth[2]) : null;
  const rest = m[2].startsWith('/') ? m[2] : `/${m[2]}`;
  const q = rest.indexOf('?');
  const pathname = q < 0 ? rest : rest.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rest.slice(q));
  const isPost = req.method === 'POST';
  if (req.method !== 'GET' && !isPost) {
    return fail(res, 405, `method not allowed: ${req.method}`, { allow: 'GET' });
  }
  // public-inbox takes POST only for an inbox's search results as mbox (`INBOX/?q=…&x=m`).
  if (isPost && !(INBOX_ROOT.test(pathname) && query.get('q') && query.getAll('x').includes('m'))) {
    return fail(res, 405, 'POST is forwarded only to an inbox search: /_/HOST/INBOX/?q=…&x=m', {
      allow: 'GET',
    });
  }
  const entry = findEntry(cfg, host, port);
  if (!entry) {
    const known = cfg.hosts.some((e) => e.host === host);
    return fail(res, 403, known ? `port not allowed: ${m[1]}` : `host not allowed: ${host}`);
  }
  if (!entry.allowPrivate && net.isIP(host) && isPrivateAddress(host)) {
    return fail(res, 403, `private address: ${host}`);
  }
  let body = null;
  if (isPost) {
    if (Number(req.headers['content-length'] ?? 0) > cfg.maxPostBytes) {
      return fail(res, 413, 'request body too large', { connection: 'close' });
    }
    body = await readBody(req, cfg.maxPostBytes, cfg.timeoutMs);
    if (body === 'timeout') return fail(res, 408, 'request body too slow', { connection: 'close' });
    if (!body) return fail(res, 413, 'request body too large', { connection: 'close' });
  }
  /** @type {Record<string, string>} */
  const headers = { 'user-agent': cfg.userAgent, 'accept-encoding': 'identity' };
  for (const h of FORWARD_REQ) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
  if (isPost && req.headers['content-type']) headers['content-type'] = req.headers['content-type'];

  const release = await acquire(`${host}:${port ?? ''}`);
  if (res.destroyed || res.writableEnded) return release();
  res.on('close', release);
  /** The upstream request being relayed; null once nothing more is read from upstream. */
  /** @type {import('node:http').ClientRequest | null} */
  let current = null;
  const drop = () => {
    const upReq = current;
    current = null;
    upReq?.destroy();
  };
  res.on('close', drop);

  const hostLabel = auth[0];
  // A whole-request deadline besides the idle timeout: an upstream that trickles a byte now
  // and then never trips the idle timeout. Whole mbox downloads may take minutes; the rest not.
  const limitMs = isPost || pathname.endsWith('.mbox.gz') ? cfg.totalTimeoutMs : cfg.feedTimeoutMs;
  const deadline = setTimeout(() => {
    drop();
    if (res.headersSent) res.destroy();
    else fail(res, 504, `upstream took longer than ${limitMs / 1000} s: ${hostLabel}`);
  }, limitMs);
  res.on('close', () => clearTimeout(deadline));
  /** @param {URL} url @param {HostEntry} ent @param {string} method @param {Buffer | null} payload @param {number} hops */
  const forward = (url, ent, method, payload, hops) => {
    const mod = url.protocol === 'https:' ? https : http;
    const hdrs = payload ? { ...headers, 'content-length': String(payload.length) } : headers;
    if (!payload) delete hdrs['content-type'];
    const upReq = mod.request(url, {
      method,
      headers: hdrs,
      timeout: cfg.timeoutMs,
      ...(ent.allowPrivate ? {} : { lookup: publicLookup }),
    });
    current = upReq;
    const timeout = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
    upReq.on('timeout', () => upReq.destroy(timeout));
    upReq.on('error', (/** @type {any} */ err) => {
      if (current !== upReq) return; // a request we left (redirect, refusal, deadline)
      const code = err.code ?? err.errors?.[0]?.code;
      if (code === 'EPRIVATE') return fail(res, 403, err.message);
      if (RESOLVE_ERRORS.has(code)) return fail(res, 502, `cannot resolve ${url.hostname}`);
      if (CONNECT_ERRORS.has(code)) return fail(res, 502, `cannot connect to ${hostLabel}`);
      if (code === 'ETIMEDOUT') return fail(res, 504, `upstream timeout: ${hostLabel}`);
      fail(res, 502, `upstream error from ${hostLabel}: ${code ?? err.message}`);
    });
    upReq.on('response', (up) => {
      const status = up.statusCode ?? 502;
      if (REDIRECTS.has(status) && up.headers.location) {
        // Never read a body we do not relay: it may be endless.
        drop();
        let next;
        try {
          next = new URL(up.headers.location, url);
        } catch {
          return fail(res, 502, 'bad redirect from upstream');
        }
        if (next.hostname !== url.hostname) {
          return fail(res, 502, `redirect to another host refused: ${next.host}`);
        }
        const nport = next.port ? Number(next.port) : null;
        const nent = findEntry(cfg, host, nport, next.protocol.slice(0, -1));
        if (!nent) return fail(res, 502, `redirect refused: ${next.origin} is not allowed`);
        if (hops >= cfg.maxRedirects) return fail(res, 502, 'too many redirects');
        const toGet = status === 303 || (status !== 307 && status !== 308 && method === 'POST');
        return forward(next, nent, toGet ? 'GET' : method, toGet ? null : payload, hops + 1);
      }
      const length = Number(up.headers['content-length'] ?? 0);
      if (length > cfg.maxBytes) {
        drop();
        return fail(res, 502, 'response too large');
      }
      /** @type {Record<string, string>} */
      const out = { 'x-loupe-proxy': 'relay', 'x-content-type-options': 'nosniff' };
      // Stop upstream HTML from running as our origin if someone navigates to a proxy URL.
      out['content-security-policy'] = "default-src 'none'; sandbox";
      for (const h of PASS_RES) if (typeof up.headers[h] === 'string') out[h] = up.headers[h];
      res.writeHead(status, out);
      let total = 0;
      const counter = new Transform({
        transform(chunk, _enc, cb) {
          total += chunk.length;
          cb(total > cfg.maxBytes ? new Error('response too large') : null, chunk);
        },
      });
      pipeline(up, counter, res, (err) => {
        if (err) {
          drop();
          res.destroy();
        }
      });
    });
    upReq.end(payload ?? undefined);
  };
  // Concatenate rather than resolve, so a path like //evil.example/ cannot change the host.
  let target = null;
  try {
    target = new URL(`${entry.scheme}://${auth[0]}${rest}`);
  } catch {
    /* handled below */
  }
  if (target?.hostname.replace(/^\[|\]$/g, '') !== host) return fail(res, 400, 'bad proxy URL');
  forward(target, entry, /** @type {string} */ (req.method), body, 0);
}
