import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript module with JSDoc types and no .d.ts
import * as proxyMjs from '../../scripts/server/index.mjs';

type Started = { server: http.Server; url: string };
type HostEntry = { host: string; scheme: string; allowPrivate?: boolean; anyPort?: boolean };
const { isPrivateAddress, loadConfig, normalizeConfig, parseAllowEnv, startServer } = proxyMjs as {
  isPrivateAddress(ip: string): boolean;
  loadConfig(file: string, allowEnv?: string): Promise<{ hosts: HostEntry[] }>;
  normalizeConfig(raw: Record<string, unknown>, allowEnv?: string): Record<string, unknown>;
  parseAllowEnv(list: string): unknown[];
  startServer(opts: { root: string; config: unknown; port: number }): Promise<Started>;
};

const FEED =
  '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>';
const GZ = gzipSync(
  Buffer.from('From x@y Mon Jan 1 00:00:00 2024\nSubject: hi\n\nbody\n'.repeat(50)),
);
const UA = 'Loupe-proxy-test/1';

let upstream: http.Server;
let up: string; // "127.0.0.1:PORT"
let inflight = 0;
let maxInflight = 0;
const servers: http.Server[] = [];

/** A GET with a chosen Host header (fetch cannot set one), as a rebound name would send it. */
function getAs(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      })
      .on('error', reject);
  });
}

/** Upstream bodies that never end: how many are being sent, and their bytes so far. */
const endless = { open: 0, bytes: 0 };

/** Writes while the socket takes it (and on every drain) until the reader goes away. */
function endlessBody(res: http.ServerResponse, write: () => boolean, timer?: NodeJS.Timeout) {
  endless.open++;
  res.on('close', () => {
    endless.open--;
    clearInterval(timer);
  });
  const pump = () => {
    while (!res.destroyed && write()) endless.bytes += 64 * 1024;
  };
  res.on('drain', pump);
  pump();
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

async function proxy(config: Record<string, unknown> = {}, root = tmpdir()): Promise<string> {
  const cfg = normalizeConfig({ userAgent: UA, ...config }, `127.0.0.1:${up.split(':')[1]}`);
  const started = await startServer({ root, config: cfg, port: 0 });
  servers.push(started.server);
  return started.url.replace(/\/$/, '');
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/feed':
        res.writeHead(200, {
          'content-type': 'application/atom+xml',
          etag: '"f1"',
          'set-cookie': 'a=b',
        });
        return void res.end(FEED);
      case '/t.mbox.gz':
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': GZ.length });
        return void res.end(GZ);
      case '/busy':
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '120' });
        return void res.end('try later');
      case '/redir':
        res.writeHead(302, { location: '/feed' });
        return void res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return void res.end();
      case '/away':
        res.writeHead(301, { location: 'http://example.invalid/feed' });
        return void res.end();
      case '/huge': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 120);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pump);
        return pump();
      }
      case '/redir-endless':
        res.writeHead(302, { location: '/feed' });
        return endlessBody(res, () => res.write(Buffer.alloc(64 * 1024, 120)));
      case '/endless.mbox.gz':
        res.writeHead(200, { 'content-type': 'application/gzip' });
        return endlessBody(res, () => res.write(Buffer.alloc(64 * 1024, 120)));
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'application/atom+xml' });
        res.write('<');
        const drip = setInterval(() => res.write(' '), 50);
        return endlessBody(res, () => false, drip);
      }
      case '/huge-declared':
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        return void res.write('x');
      case '/slow':
        return; // never answers
      case '/hold':
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        return void setTimeout(() => {
          inflight--;
          res.end('ok');
        }, 100);
      case '/echo':
      case '/inbox/':
      case '/inbox/raw':
      case '/':
      case '/a/b/': {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              method: req.method,
              query: url.search,
              headers: req.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        });
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such message');
    }
  });
  up = `127.0.0.1:${await listen(upstream)}`;
});

afterAll(async () => {
  for (const s of [...servers, upstream]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('proxy config', () => {
  it('parses LOUPE_PROXY_ALLOW entries with default schemes and ports', () => {
    expect(parseAllowEnv('127.0.0.1:8080, example.org ,http://mirror.test')).toEqual([
      { host: '127.0.0.1', scheme: 'http', allowPrivate: true, ports: [8080] },
      { host: 'example.org', scheme: 'https', allowPrivate: true },
      { host: 'mirror.test', scheme: 'http', allowPrivate: true },
    ]);
  });

  it('classifies loopback, private and link-local addresses as private', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.1', '169.254.1.1', '::1', 'fe80::1']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('139.178.84.217')).toBe(false);
    expect(isPrivateAddress('2604:1380:4641:c500::1')).toBe(false);
  });

  it('checks an IPv6 address that carries an IPv4 address as that IPv4 address', () => {
    const carriers: [string, boolean][] = [
      ['::ffff:7f00:1', true], // IPv4-mapped, hex form
      ['::127.0.0.1', true], // IPv4-compatible
      ['::a00:1', true],
      ['64:ff9b::7f00:1', true], // NAT64
      ['64:ff9b::192.168.1.1', true],
      ['64:ff9b:1::a00:1', true], // local-use NAT64
      ['2002:7f00:1::', true], // 6to4
      ['2002:c0a8:101::1', true],
      ['2001:0:8bb2:54d9::80ff:fffe', true], // Teredo, client 127.0.0.1 (bits inverted)
      ['fe80::5efe:10.0.0.1', true], // ISATAP
      ['2001:db8::5efe:a9fe:a9fe', true], // ISATAP, 169.254.169.254
      ['64:ff9b::8bb2:54d9', false], // NAT64 of a public address
      ['2002:8bb2:54d9::1', false],
      ['::ffff:139.178.84.217', false],
    ];
    for (const [ip, isPrivate] of carriers) expect(isPrivateAddress(ip), ip).toBe(isPrivate);
  });
});

describe('DNS rebinding', () => {
  let base: string;
  let port: string;
  beforeAll(async () => {
    base = await proxy({ serverNames: ['loupe.example.org'] });
    port = new URL(base).port;
  });

  it('refuses a request addressed to another name with 421, for the proxy and the app', async () => {
    const viaProxy = await getAs(`${base}/_/${up}/feed`, `evil.example:${port}`);
    expect(viaProxy.status).toBe(421);
    expect(viaProxy.body).toContain('Host "evil.example:' + port + '" is not served here');
    expect(viaProxy.body).not.toContain('<feed');
    expect((await getAs(`${base}/`, `evil.example:${port}`)).status).toBe(421);
  });

  it('refuses a loopback name with another port than the one it listens on', async () => {
    expect((await getAs(`${base}/_/${up}/feed`, 'localhost:1')).status).toBe(421);
    expect((await getAs(`${base}/_/${up}/feed`, '127.0.0.1')).status).toBe(421);
  });

  it('answers its loopback names and the configured server names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await getAs(`${base}/_/${up}/feed`, host)).body, host).toBe(FEED);
    }
    // Behind a reverse proxy the public name arrives without the port Loupe listens on.
    expect((await getAs(`${base}/_/${up}/feed`, 'LOUPE.example.org')).body).toBe(FEED);
  });
});

describe('shipped config', () => {
  it('allows public hosts only; local servers come from LOUPE_PROXY_ALLOW', async () => {
    const file = join(import.meta.dirname, '../../proxy.config.json');
    const shipped = await loadConfig(file);
    for (const e of shipped.hosts) {
      expect(e.allowPrivate, e.host).toBeFalsy();
      expect(e.anyPort, e.host).toBeFalsy();
      expect(e.host === 'localhost' || isIP(e.host) !== 0, e.host).toBe(false);
    }
    const local = await loadConfig(file, '127.0.0.1:8089');
    expect(local.hosts.at(-1)).toEqual({
      host: '127.0.0.1',
      scheme: 'http',
      allowPrivate: true,
      ports: [8089],
    });
  });
});

describe('proxy', () => {
  let base: string;
  beforeAll(async () => {
    base = await proxy({
      hosts: [
        { host: 'localhost', scheme: 'http', anyPort: true, allowPrivate: false },
        { host: 'nothing-here.invalid', scheme: 'http' },
        { host: '127.0.0.2', scheme: 'http', anyPort: true },
      ],
      maxBytes: 1024 * 1024,
    });
  });

  it('passes an allowlisted feed through with its content type and ETag', async () => {
    const res = await fetch(`${base}/_/${up}/feed`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml');
    expect(res.headers.get('etag')).toBe('"f1"');
    expect(res.headers.get('x-loupe-proxy')).toBe('relay');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toBe(FEED);
  });

  it('passes gzip bodies through byte-exact without Content-Encoding', async () => {
    const res = await fetch(`${base}/_/${up}/t.mbox.gz`);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(GZ.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(GZ)).toBe(true);
  });

  it('forwards only safe request headers and sends the configured User-Agent', async () => {
    const res = await fetch(`${base}/_/${up}/echo?a=1&b=%20`, {
      headers: { cookie: 'secret=1', authorization: 'Basic x', range: 'bytes=0-9', accept: 'x/y' },
    });
    const echo = await res.json();
    expect(echo.query).toBe('?a=1&b=%20');
    expect(echo.headers['user-agent']).toBe(UA);
    expect(echo.headers['accept-encoding']).toBe('identity');
    expect(echo.headers.range).toBe('bytes=0-9');
    expect(echo.headers.accept).toBe('x/y');
    expect(echo.headers.host).toBe(up);
    expect(echo.headers.cookie).toBeUndefined();
    expect(echo.headers.authorization).toBeUndefined();
  });

  it('passes upstream 404 and 503 through with body and Retry-After', async () => {
    const missing = await fetch(`${base}/_/${up}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-loupe-proxy')).toBe('relay');
    expect(await missing.text()).toBe('no such message');
    const busy = await fetch(`${base}/_/${up}/busy`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('120');
    expect(await busy.text()).toBe('try later');
  });

  it('follows a redirect that stays on the same host', async () => {
    const res = await fetch(`${base}/_/${up}/redir`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(FEED);
  });

  it('refuses a redirect to another host with 502', async () => {
    const res = await fetch(`${base}/_/${up}/away`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('redirect to another host refused: example.invalid');
  });

  it('stops after too many same-host redirects', async () => {
    const res = await fetch(`${base}/_/${up}/loop`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('too many redirects');
  });

  it('refuses a host that is not allowlisted with 403', async () => {
    const res = await fetch(`${base}/_/example.com/feed`);
    expect(res.status).toBe(403);
    // The app tells the proxy's own refusals apart from the server's answers by this mark.
    expect(res.headers.get('x-loupe-proxy')).toBe('error');
    expect(await res.text()).toBe('host not allowed: example.com');
  });

  it('refuses a port that is not allowlisted for a known host', async () => {
    const res = await fetch(`${base}/_/127.0.0.1:1/feed`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('port not allowed');
  });

  it('refuses a public-only host that resolves to a private address', async () => {
    const port = up.split(':')[1];
    const res = await fetch(`${base}/_/localhost:${port}/feed`);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/^private address: localhost resolves to /);
  });

  it('refuses a private IP literal whose entry does not allow private addresses', async () => {
    const res = await fetch(`${base}/_/127.0.0.2:${up.split(':')[1]}/feed`);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('private address: 127.0.0.2');
  });

  it('keeps the allowlisted host when the path starts with //', async () => {
    const res = await fetch(`${base}/_/${up}//example.com/echo`);
    expect(res.status).toBe(200);
    expect((await res.json()).headers.host).toBe(up);
  });

  it('rejects a malformed proxy URL with 400', async () => {
    expect((await fetch(`${base}/_/user@example.com/`)).status).toBe(400);
  });

  it('reports a name that does not resolve as 502', async () => {
    const res = await fetch(`${base}/_/nothing-here.invalid/feed`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('cannot resolve nothing-here.invalid');
  });

  it('reports a refused connection as 502', async () => {
    const probe = http.createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
    const local = await proxy({
      hosts: [{ host: '127.0.0.1', scheme: 'http', anyPort: true, allowPrivate: true }],
    });
    const res = await fetch(`${local}/_/127.0.0.1:${port}/feed`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe(`cannot connect to 127.0.0.1:${port}`);
  });

  it('refuses a response whose declared length exceeds maxBytes', async () => {
    const res = await fetch(`${base}/_/${up}/huge-declared`);
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('response too large');
  });

  it('cuts off a streamed response that grows past maxBytes', async () => {
    const outcome = await fetch(`${base}/_/${up}/huge`)
      .then(
        async (res) => (res.status === 502 ? 'refused' : `${(await res.arrayBuffer()).byteLength}`),
        () => 'error',
      )
      .catch(() => 'truncated');
    expect(['refused', 'error', 'truncated']).toContain(outcome);
  });

  it('answers 504 when upstream does not respond in time', async () => {
    const quick = await proxy({ timeoutMs: 200 });
    const res = await fetch(`${quick}/_/${up}/slow`);
    expect(res.status).toBe(504);
  });

  it('queues requests beyond maxPerHost', async () => {
    const limited = await proxy({ maxPerHost: 2 });
    maxInflight = 0;
    const all = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${limited}/_/${up}/hold`).then((r) => r.text())),
    );
    expect(all).toEqual(Array(5).fill('ok'));
    expect(maxInflight).toBe(2);
  });

  it('frees the per-host slot when the client disconnects mid-download', async () => {
    const single = await proxy({ maxPerHost: 1 });
    const abort = new AbortController();
    const res = await fetch(`${single}/_/${up}/huge`, { signal: abort.signal });
    await res.body?.getReader().read();
    abort.abort();
    const next = await fetch(`${single}/_/${up}/feed`, { signal: AbortSignal.timeout(5000) });
    expect(await next.text()).toBe(FEED);
  });

  it('rejects PUT with 405', async () => {
    const res = await fetch(`${base}/_/${up}/echo`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(405);
  });

  it('forwards a POST search of an inbox with q= and x=m including its body', async () => {
    const res = await fetch(`${base}/_/${up}/inbox/?q=s%3Afoo&x=m`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'z=1',
    });
    const echo = await res.json();
    expect(echo).toMatchObject({ method: 'POST', query: '?q=s%3Afoo&x=m', body: 'z=1' });
    expect(echo.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('refuses a POST anywhere but an inbox root with q= and x=m with 405', async () => {
    for (const path of [
      'echo?q=foo', // no x=m
      'inbox/?x=m', // no query
      'inbox/raw?q=a&x=m', // below the inbox
      '?q=a&x=m', // the host's root
      'a/b/?q=a&x=m', // two segments
    ]) {
      const res = await fetch(`${base}/_/${up}/${path}`, { method: 'POST', body: 'x' });
      expect(res.status, path).toBe(405);
      expect(await res.text()).toBe(
        'POST is forwarded only to an inbox search: /_/HOST/INBOX/?q=…&x=m',
      );
    }
  });

  it('rejects a POST body larger than 64 KB with 413, declared or streamed', async () => {
    const declared = await fetch(`${base}/_/${up}/inbox/?q=a&x=m`, {
      method: 'POST',
      body: 'x'.repeat(70_000),
    });
    expect(declared.status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/_/${up}/inbox/?q=a&x=m`, { method: 'POST' }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      // Chunked: no length to refuse upfront; the proxy stops reading past the cap.
      for (let i = 0; i < 40; i++) req.write('x'.repeat(4096));
    });
    expect(streamed).toBe(413);
  });

  it('answers 408 to a POST body that trickles', async () => {
    const quick = await proxy({ timeoutMs: 300 });
    const t0 = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${quick}/_/${up}/inbox/?q=a&x=m`, { method: 'POST' }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      const drip = setInterval(() => req.write('x'), 50);
      req.on('close', () => clearInterval(drip));
    });
    expect(status).toBe(408);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('proxy under attack from its upstream', () => {
  it('drops a redirect whose body never ends and frees the connection at once', async () => {
    const limited = await proxy({ maxPerHost: 4 });
    endless.open = 0;
    endless.bytes = 0;
    const bodies = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${limited}/_/${up}/redir-endless`).then((r) => r.text()),
      ),
    );
    expect(bodies).toEqual(Array(10).fill(FEED));
    await expect.poll(() => endless.open, { timeout: 2000 }).toBe(0);
    const sent = endless.bytes;
    await new Promise((r) => setTimeout(r, 300));
    expect(endless.bytes).toBe(sent);
    // Each endless body is cut after what the sockets had buffered, not read on.
    expect(sent).toBeLessThan(10 * 16 * 1024 * 1024);
  });

  it('cuts a response that trickles past the total deadline although it is never idle', async () => {
    const strict = await proxy({ timeoutMs: 1000, feedTimeoutMs: 400 });
    endless.open = 0;
    const t0 = Date.now();
    const res = await fetch(`${strict}/_/${up}/trickle`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(1500);
    await expect.poll(() => endless.open, { timeout: 1000 }).toBe(0);
  });

  it('answers 504 when no answer comes before the total deadline', async () => {
    const strict = await proxy({ timeoutMs: 60_000, feedTimeoutMs: 300 });
    const res = await fetch(`${strict}/_/${up}/slow`);
    expect(res.status).toBe(504);
    expect(await res.text()).toBe(`upstream took longer than 0.3 s: ${up}`);
  });

  it('gives a whole mbox download the longer deadline, and still ends a never-ending one', async () => {
    const strict = await proxy({
      maxBytes: 1024 ** 4,
      timeoutMs: 1000,
      feedTimeoutMs: 100,
      totalTimeoutMs: 700,
    });
    endless.open = 0;
    const t0 = Date.now();
    const res = await fetch(`${strict}/_/${up}/endless.mbox.gz`);
    expect(res.status).toBe(200);
    let got = 0;
    const reader = res.body?.getReader();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true };
          if (done) return got;
          got += value.length;
        }
      })(),
    ).rejects.toThrow();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(2500);
    expect(got).toBeGreaterThan(0);
    await expect.poll(() => endless.open, { timeout: 1000 }).toBe(0);
  });

  it('refuses an IPv6 address that carries a private IPv4 address', async () => {
    const nat64 = await proxy({
      hosts: [{ host: '64:ff9b::7f00:1', scheme: 'http', anyPort: true }],
    });
    const res = await fetch(`${nat64}/_/[64:ff9b::7f00:1]:${up.split(':')[1]}/feed`);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('private address: 64:ff9b::7f00:1');
  });
});

const CSP = "default-src 'self'; script-src 'self'; object-src 'none'";

describe('static files', () => {
  let dir: string;
  let base: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loupe-serve-'));
    const root = join(dir, 'dist');
    await mkdir(join(root, 'assets'), { recursive: true });
    await mkdir(join(root, 'demo'));
    await writeFile(
      join(root, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="${CSP}"><title>Loupe</title>`,
    );
    await writeFile(join(root, 'assets', 'x-abc123.js'), 'console.log(1);');
    await writeFile(join(root, 'sw.js'), 'self;');
    await writeFile(join(root, 'manifest.webmanifest'), '{}');
    await writeFile(join(root, 'demo', 'a.mbox.gz'), GZ);
    await writeFile(join(dir, 'secret.txt'), 'secret');
    base = await proxy({}, root);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sends the CSP of the meta tag in index.html as a header, with frame-ancestors', async () => {
    for (const path of ['/', '/assets/x-abc123.js', '/sw.js', '/lkml/some-route']) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get('content-security-policy'), path).toBe(
        `${CSP}; frame-ancestors 'none'`,
      );
    }
  });

  it('the shipped index.html allows scripts, workers and connections from the app only', () => {
    const html = readFileSync(join(import.meta.dirname, '../../index.html'), 'utf8');
    const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
    const directives = new Map(
      (policy ?? '').split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('worker-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
  });

  it('serves index.html at / without caching', async () => {
    const res = await fetch(`${base}/`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<title>Loupe</title>');
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const res = await fetch(`${base}/assets/x-abc123.js`);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1);');
  });

  it('serves sw.js and the manifest with their types', async () => {
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const manifest = await fetch(`${base}/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
  });

  it('serves .gz files as raw application/gzip bytes', async () => {
    const res = await fetch(`${base}/demo/a.mbox.gz`);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(GZ)).toBe(true);
  });

  it('falls back to index.html for unknown app routes', async () => {
    const res = await fetch(`${base}/lkml/20240101.1234@example.com`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Loupe</title>');
  });

  it('answers 404 for missing files and assets', async () => {
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/gone`)).status).toBe(404);
  });

  it('refuses paths that escape the root', async () => {
    const res = await fetch(`${base}/..%2fsecret.txt`);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('secret');
  });

  it('revalidates with ETag', async () => {
    const first = await fetch(`${base}/index.html`);
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${base}/index.html`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });
});
