// Static file server for dist/ plus a same-origin, allowlisted proxy for public-inbox hosts
// (public-inbox sends no CORS headers). Plain Node, no dependencies. Used by scripts/serve.mjs
// and tests/unit/proxy.test.ts. Proxy URL shape: /_/HOST[:PORT]/PATH?QUERY.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { Transform, pipeline } from 'node:stream';

/**
 * @typedef {{ host: string, scheme: 'http' | 'https', ports?: number[], anyPort?: boolean,
 *   allowPrivate?: boolean }} HostEntry
 * @typedef {{ hosts: HostEntry[], serverNames: string[], maxBytes: number, timeoutMs: number,
 *   totalTimeoutMs: number, feedTimeoutMs: number, maxPerHost: number, maxRedirects: number,
 *   maxPostBytes: number, userAgent: string }} ProxyConfig
 */

/** @type {Omit<ProxyConfig, 'hosts'>} */
const DEFAULTS = {
  serverNames: [],
  maxBytes: 512 * 1024 * 1024,
  timeoutMs: 120_000,
  totalTimeoutMs: 10 * 60_000,
  feedTimeoutMs: 60_000,
  maxPerHost: 4,
  maxRedirects: 3,
  maxPostBytes: 64 * 1024,
  userAgent: 'Loupe-proxy/0.1 (offline public-inbox reader)',
};
const FORWARD_REQ = ['accept', 'if-none-match', 'if-modified-since', 'range'];
const PASS_RES = ['content-type', 'content-length', 'content-encoding', 'content-range',
  'accept-ranges', 'etag', 'last-modified', 'retry-after', 'cache-control']; // prettier-ignore
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RESOLVE_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const JS = 'text/javascript; charset=utf-8';
// prettier-ignore
const MIME = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8', '.js': JS, '.mjs': JS, '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json', '.json': 'application/json',
  '.map': 'application/json', '.gz': 'application/gzip', '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
});

const PRIVATE = new net.BlockList();
for (const [a, p] of /** @type {[string, number][]} */ ([
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
])) PRIVATE.addSubnet(a, p, 'ipv4'); // prettier-ignore
for (const [a, p] of /** @type {[string, number][]} */ ([
  ['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
])) PRIVATE.addSubnet(a, p, 'ipv6'); // prettier-ignore

/** True for loopback, private, link-local, CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(/** @type {string} */ ip) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  const family = net.isIP(ip);
  if (!family) return true;
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Parses LOUPE_PROXY_ALLOW items `[http://|https://]host[:port]`. Such entries were typed by
 * the operator, so they may resolve to private addresses; the scheme defaults to http for
 * localhost and IP literals, https otherwise.
 * @param {string | undefined} list @returns {HostEntry[]}
 */
export function parseAllowEnv(list) {
  return (list ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const m = /^(?:(https?):\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/i.exec(item);
    if (!m) throw new Error(`LOUPE_PROXY_ALLOW: cannot parse "${item}"`);
    const host = m[2].replace(/^\[|\]$/g, '').toLowerCase();
    const local = host === 'localhost' || net.isIP(host) !== 0;
    const scheme = /** @type {'http' | 'https'} */ (m[1]?.toLowerCase() ?? (local ? 'http' : 'https'));
    return { host, scheme, allowPrivate: true, ...(m[3] ? { ports: [Number(m[3])] } : {}) };
  }); // prettier-ignore
}

/** Fills defaults and appends LOUPE_PROXY_ALLOW-style entries. @returns {ProxyConfig} */
export function normalizeConfig(/** @type {Partial<ProxyConfig>} */ raw = {}, allowEnv = '') {
  const hosts = [...(raw.hosts ?? []), ...parseAllowEnv(allowEnv)].map((h) => ({
    ...h,
    host: h.host.toLowerCase(),
    scheme: h.scheme ?? 'https',
  }));
  return { ...DEFAULTS, ...raw, hosts };
}

/** Reads proxy.config.json (keys starting with "_" are comments). */
export async function loadConfig(/** @type {string} */ file, allowEnv = '') {
  return normalizeConfig(JSON.parse(await readFile(file, 'utf8')), allowEnv);
}

/** @param {ProxyConfig} cfg @param {string} host @param {number | null} port @param {string} [scheme] */
function findEntry(cfg, host, port, scheme) {
  return cfg.hosts.find((e) => {
    if (e.host !== host || (scheme && e.scheme !== scheme)) return false;
    const dflt = e.scheme === 'https' ? 443 : 80;
    return port === null || port === dflt || e.anyPort || (e.ports ?? []).includes(port);
  });
}

/** dns.lookup wrapper that refuses private answers, so we connect only to the checked IP. */
/** @type {import('node:net').LookupFunction} */
const publicLookup = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
    if (err) return callback(err, '', 0);
    const bad = addrs.find((a) => isPrivateAddress(a.address));
    if (bad) {
      const msg = `private address: ${hostname} resolves to ${bad.address}`;
      return callback(Object.assign(new Error(msg), { code: 'EPRIVATE' }), '', 0);
    }
    if (options.all) return /** @type {any} */ (callback)(null, addrs);
    callback(null, addrs[0].address, addrs[0].family);
  });
};

/** Per-key FIFO semaphore. @param {number} max */
function limiter(max) {
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

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} msg */
function fail(res, status, msg, extra = {}) {
  if (res.headersSent) return void res.destroy();
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
  const length = { 'content-length': Buffer.byteLength(msg) };
  // `x-loupe-proxy: error` tells the app this refusal is the proxy's own, not the server's.
  res.writeHead(status, { ...headers, ...length, 'x-loupe-proxy': 'error', ...extra });
  res.end(msg);
}

/** @param {import('node:http').IncomingMessage} req @param {number} max @returns {Promise<Buffer | null>} */
function readBody(req, max) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ c) => {
      size += c.length;
      if (size > max) return resolve(null);
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {ProxyConfig} cfg @param {(key: string) => Promise<() => void>} acquire
 */
async function handleProxy(req, res, cfg, acquire) {
  const m = /^\/_\/([^/?#]*)([^#]*)/.exec(req.url ?? '');
  const auth = m && /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(m[1]);
  if (!m || !auth) return fail(res, 400, 'bad proxy URL: expected /_/HOST[:PORT]/PATH');
  const host = auth[1].replace(/^\[|\]$/g, '').toLowerCase();
  const port = auth[2] ? Number(auth[2]) : null;
  const rest = m[2].startsWith('/') ? m[2] : `/${m[2]}`;
  const query = new URLSearchParams(rest.includes('?') ? rest.slice(rest.indexOf('?')) : '');
  const isPost = req.method === 'POST' && query.getAll('x').includes('m');
  if (req.method !== 'GET' && !isPost) {
    return fail(res, 405, `method not allowed: ${req.method}`, { allow: 'GET' });
  }
  const entry = findEntry(cfg, host, port);
  if (!entry) {
    const known = cfg.hosts.some((e) => e.host === host);
    return fail(res, 403, known ? `port not allowed: ${m[1]}` : `host not allowed: ${host}`);
  }
  if (!entry.allowPrivate && net.isIP(host) && isPrivateAddress(host)) {
    return fail(res, 403, `private address: ${host}`);
  }
  const body = isPost ? await readBody(req, cfg.maxPostBytes) : null;
  if (isPost && !body) return fail(res, 413, 'request body too large');
  /** @type {Record<string, string>} */
  const headers = { 'user-agent': cfg.userAgent, 'accept-encoding': 'identity' };
  for (const h of FORWARD_REQ) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
  if (isPost && req.headers['content-type']) headers['content-type'] = req.headers['content-type'];

  const release = await acquire(`${host}:${port ?? ''}`);
  if (res.destroyed || res.writableEnded) return release();
  res.on('close', release);
  /** @type {import('node:http').ClientRequest | null} */
  let current = null;
  res.on('close', () => current?.destroy());

  const hostLabel = auth[0];
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
      if (current !== upReq) return; // a redirect we already left
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
        up.resume();
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
        up.destroy();
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
          res.destroy();
          upReq.destroy();
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

/**
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {string} root
 */
async function serveStatic(req, res, root) {
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
  const immutable = rel.startsWith('assets/');
  res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
  res.setHeader('content-length', st.size);
  if (req.method === 'HEAD') return void res.end();
  pipeline(createReadStream(file), res, () => {});
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);
const ANY_ADDRESS = new Set(['0.0.0.0', '::']);

/** A Host header's or configured name's host part: lowercase, without brackets and port. */
function hostName(/** @type {string} */ value) {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(value.trim().toLowerCase());
  return (m ? m[1] : value).replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/**
 * Refuses requests for any name but the ones this server answers to, so a web page whose
 * name an attacker rebinds to 127.0.0.1 (DNS rebinding) can neither read the app's origin nor
 * use the proxy. Loopback names must carry the port the request came in on; names the operator
 * gave (--host, serverNames) may come with any port, as a reverse proxy in front may send them.
 * @param {string | undefined} header @param {number} port @param {Set<string>} extra
 * @returns {string | null} why the request is refused, or null
 */
function checkHost(header, port, extra) {
  if (!header) return 'missing Host header';
  const name = hostName(header);
  const given = /:(\d+)$/.exec(header.trim())?.[1];
  if (extra.has(name)) return null;
  if (LOOPBACK_NAMES.has(name) && Number(given ?? 80) === port) return null;
  const served = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, ...extra];
  return (
    `Host "${header}" is not served here. Loupe answers ${served.join(', ')}; ` +
    'add a name with --host or "serverNames" in proxy.config.json.'
  );
}

/**
 * Creates (does not start) the HTTP server: `/_/…` is proxied, everything else is static.
 * `names`: host names besides the loopback ones that requests may address (see checkHost).
 * @param {{ root: string, config?: Partial<ProxyConfig>, names?: string[] }} opts
 */
export function createServer({ root, config, names = [] }) {
  const cfg = normalizeConfig(config);
  const acquire = limiter(cfg.maxPerHost);
  const absRoot = path.resolve(root);
  const extra = new Set([...cfg.serverNames, ...names].map(hostName));
  return http.createServer((req, res) => {
    const refusal = checkHost(req.headers.host, req.socket.localPort ?? 0, extra);
    if (refusal) return fail(res, 421, refusal);
    const handle = req.url?.startsWith('/_/')
      ? handleProxy(req, res, cfg, acquire)
      : serveStatic(req, res, absRoot);
    handle.catch((err) => fail(res, 500, `internal error: ${err?.message ?? err}`));
  });
}

/**
 * Creates and starts the server; resolves once listening (port 0 picks a free port).
 * The address it listens on (`host`) is one of the names it answers to.
 * @param {{ root: string, config?: Partial<ProxyConfig>, port?: number, host?: string }} opts
 */
export function startServer({ root, config, port = 0, host = '127.0.0.1' }) {
  const names = [host].filter((h) => !LOOPBACK_NAMES.has(hostName(h)) && !ANY_ADDRESS.has(h));
  const server = createServer({ root, config, names });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
      const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({ server, url: `http://${h}:${addr.port}/` });
    });
  });
}
