// The server's own plain-text refusals.

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} msg */
export function fail(res, status, msg, extra = {}) {
  if (res.headersSent) return void res.destroy();
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
  const length = { 'content-length': Buffer.byteLength(msg) };
  // `x-loupe-proxy: error` tells the app this refusal is the proxy's own, not the server's.
  res.writeHead(status, { ...headers, ...length, 'x-loupe-proxy': 'error', ...extra });
  res.end(msg);
}
