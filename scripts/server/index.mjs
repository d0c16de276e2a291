// The HTTP server of `npm start` (scripts/serve.mjs): static files of dist/ plus the proxy
// under /_/, answering only the host names it serves. Plain Node, no dependencies.
import http from 'node:http';
import path from 'node:path';
import { normalizeConfig } from './config.mjs';
import { fail } from './fail.mjs';
import { handleProxy, limiter } from './proxy.mjs';
import { contentPolicy, serveStatic } from './static.mjs';

export { isPrivateAddress } from './addresses.mjs';
export { loadConfig, normalizeConfig, parseAllowEnv } from './config.mjs';

/** @typedef {import('./config.mjs').ProxyConfig} ProxyConfig */

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
  const policy = contentPolicy(absRoot);
  const extra = new Set([...cfg.serverNames, ...names].map(hostName));
  return http.createServer((req, res) => {
    const refusal = checkHost(req.headers.host, req.socket.localPort ?? 0, extra);
    if (refusal) return fail(res, 421, refusal);
    const handle = req.url?.startsWith('/_/')
      ? handleProxy(req, res, cfg, acquire)
      : serveStatic(req, res, absRoot, policy);
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
