/** A real public-inbox-httpd on 127.0.0.1 for browser tests, built by scripts/pi-start.sh. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'scripts/pi-start.sh');

/** A running test server. */
export interface PiServer {
  /** The inbox URL, ending with / (http://127.0.0.1:PORT/NAME/). */
  url: string;
  port: number;
  /** Imports more mail (mboxrd file under tests/fixtures/remote, or an absolute path) and re-indexes. */
  add(fixture: string): void;
  /** Stops answering (the host goes down); `serve` brings it back with the same mail. */
  halt(): void;
  serve(): void;
  stop(): void;
}

/** Throws when something already listens on the port (a stale server from an aborted run). */
function ensureFree(port: number): Promise<void> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', () => fail(new Error(`port ${port} is in use; stop the stale test server`)));
    s.listen(port, '127.0.0.1', () => s.close(() => ok()));
  });
}

/**
 * Builds an inbox from fixtures (names under tests/fixtures/remote, or absolute paths) and
 * serves it on the slot-th port of LOUPE_E2E_PI_PORTS; call stop() when done.
 */
export async function startPi(name: string, fixtures: string[], slot = 0): Promise<PiServer> {
  // Fixed by playwright.config.ts, which lets exactly these ports through the app's proxy.
  const port = Number((process.env.LOUPE_E2E_PI_PORTS ?? '').split(',')[slot]);
  if (!port) throw new Error(`no test server port for slot ${slot} (see playwright.config.ts)`);
  await ensureFree(port);
  const dir = mkdtempSync(join(tmpdir(), 'loupe-pi-'));
  const files = fixtures.map((f) => resolve(root, 'tests/fixtures/remote', f));
  const out = execFileSync(
    'bash',
    [script, '--dir', dir, '--port', String(port), '--name', name, ...files],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = /^URL=(.+)$/m.exec(out)?.[1];
  if (!url) throw new Error(`pi-start.sh printed no URL:\n${out}`);
  return {
    url,
    port,
    add(fixture) {
      const file = resolve(root, 'tests/fixtures/remote', fixture);
      execFileSync('bash', [script, '--dir', dir, '--name', name, '--add', file], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    },
    halt() {
      execFileSync('bash', [script, '--dir', dir, '--stop']);
    },
    serve() {
      execFileSync(
        'bash',
        [script, '--dir', dir, '--port', String(port), '--name', name, '--serve'],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    },
    stop() {
      execFileSync('bash', [script, '--dir', dir, '--stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The number of matches public-inbox-httpd states for a query ("Results 1-200 of ~354"). */
export async function serverTotal(inboxUrl: string, query: string): Promise<number> {
  const html = await (await fetch(`${inboxUrl}?q=${encodeURIComponent(query)}`)).text();
  const m = /Results \d+-\d+ of ~?(\d+)|No more results, only (\d+)/.exec(html);
  if (!m) throw new Error(`no result count for ${query}`);
  return Number(m[1] ?? m[2]);
}
