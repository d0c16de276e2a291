/** Starts `scripts/serve.mjs` over a build folder and resolves once it listens. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function startServer(root, port) {
  const child = spawn(
    process.execPath,
    ['scripts/serve.mjs', '--port', String(port), '--root', root],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const on = (b) => {
      out += b;
      if (/Loupe at/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return child;
}
