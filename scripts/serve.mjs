// `npm start`: serves dist/ and the same-origin public-inbox proxy (see scripts/server/).
// Usage: node scripts/serve.mjs [--port 5173] [--host 127.0.0.1] [--root dist] [--config FILE]
// Env: PORT, LOUPE_PROXY_ALLOW=host[:port],... (extra allowlisted hosts, e.g. a local
// public-inbox-httpd). Requests must address 127.0.0.1, localhost or [::1] on this port, the
// --host name, or a name in the config's serverNames (protection against DNS rebinding).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, startServer } from './server/index.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    root: { type: 'string' },
    config: { type: 'string' },
  },
});
const port = Number(values.port ?? process.env.PORT ?? 5173);
const host = values.host ?? '127.0.0.1';
const root = values.root ? path.resolve(values.root) : path.join(projectRoot, 'dist');
const configFile = values.config
  ? path.resolve(values.config)
  : path.join(projectRoot, 'proxy.config.json');

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid port: ${values.port ?? process.env.PORT}`);
  process.exit(2);
}
if (!existsSync(path.join(root, 'index.html'))) {
  console.warn(`warning: ${root}/index.html not found; run \`vite build\` first`);
}
const config = await loadConfig(configFile, process.env.LOUPE_PROXY_ALLOW);
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  console.warn(`warning: listening on ${host}; anyone who can reach it can use the proxy`);
}
const { url } = await startServer({ root, config, port, host });
console.log(`Loupe at ${url}`);
