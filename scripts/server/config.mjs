// The proxy's configuration: proxy.config.json, defaults and LOUPE_PROXY_ALLOW.
import { readFile } from 'node:fs/promises';
import net from 'node:net';

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
export function findEntry(cfg, host, port, scheme) {
  return cfg.hosts.find((e) => {
    if (e.host !== host || (scheme && e.scheme !== scheme)) return false;
    const dflt = e.scheme === 'https' ? 443 : 80;
    return port === null || port === dflt || e.anyPort || (e.ports ?? []).includes(port);
  });
}
