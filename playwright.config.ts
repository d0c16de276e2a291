import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';

const port = Number(process.env.LOUPE_E2E_PORT ?? 5179);
// The tests' own public-inbox-httpd servers (tests/e2e/pi-server.ts) listen on these ports,
// derived from the app's so parallel runs do not collide. The shipped proxy config allows no
// local address: LOUPE_PROXY_ALLOW lets exactly these through.
const piPorts = [port + 10_000, port + 10_100];
process.env.LOUPE_E2E_PI_PORTS = piPorts.join(',');
const allow = piPorts.map((p) => `127.0.0.1:${p}`);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node scripts/serve.mjs --port ${port} --root dist`,
    url: `http://127.0.0.1:${port}/`,
    env: { LOUPE_PROXY_ALLOW: allow.join(',') },
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
