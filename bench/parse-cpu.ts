/**
 * CPU time of an import's parse path per message, and a hash of everything it
 * produces. Splits mbox(.gz) files with the app's splitter (in 64 KiB pieces, as
 * a stream arrives), parses the messages in chunks of 200 with `parseRaws` (what
 * a parse worker runs: records, crash summaries, term runs) and reports the
 * process's CPU time (user + system, so garbage collection on helper threads
 * counts) of the split and of the parse, the minimum over the runs. The hash
 * covers every field of every item (the raw bytes, the text, the term run's
 * keys and entries), so a change that must not alter what is stored is checked
 * by comparing two hashes.
 *
 *   npx tsx bench/parse-cpu.ts [--runs N] FILE...
 *   npx tsx bench/parse-cpu.ts --base DIR [--pairs N] FILE...
 *
 * With `--base`, DIR is another checkout of the project (e.g. `git worktree add
 * /tmp/base main`, with node_modules linked): the two trees run alternately in
 * fresh processes, N pairs, so both see the same load; it prints each side's
 * minimum and whether their hashes agree. Decompression is outside the time.
 */
import { execFileSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Result {
  root: string;
  messages: number;
  splitMs: number;
  parseMs: number;
  hash: string;
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  return value;
}

/** Hashes a value with its object keys in sorted order (field order is not output). */
function feed(h: Hash, v: unknown): void {
  if (v instanceof Uint8Array || v instanceof Uint32Array) {
    h.update(`#${v.constructor.name}${v.length}:`);
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  } else if (Array.isArray(v)) {
    h.update(`[${v.length}`);
    for (const x of v) feed(h, x);
    h.update(']');
  } else if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    h.update(`{${keys.length}`);
    for (const k of keys) {
      h.update(JSON.stringify(k));
      feed(h, (v as Record<string, unknown>)[k]);
    }
    h.update('}');
  } else h.update(`${typeof v}:${JSON.stringify(v)};`);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One pass over the files with the tree at `root`. */
async function measure(root: string, files: Buffer[], runs: number): Promise<Result> {
  const url = (f: string) => pathToFileURL(path.join(root, f)).href;
  const { MboxSplitter } = (await import(
    url('src/core/mbox.ts')
  )) as typeof import('../src/core/mbox');
  const { parseRaws } = (await import(
    url('src/core/parse.ts')
  )) as typeof import('../src/core/parse');
  const CHUNK = 200;
  const PIECE = 64 * 1024;
  let best: Result | null = null;
  for (let r = 0; r < runs; r++) {
    const h = createHash('sha256');
    let splitMs = 0;
    let parseMs = 0;
    let messages = 0;
    for (const file of files) {
      // A fresh copy: the splitter may hand out views of what it is given.
      const bytes = new Uint8Array(file);
      let t0 = cpuMs();
      const s = new MboxSplitter();
      const raws: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += PIECE)
        raws.push(...s.push(bytes.subarray(at, at + PIECE)));
      raws.push(...s.end());
      splitMs += cpuMs() - t0;
      messages += raws.length;
      for (let at = 0; at < raws.length; at += CHUNK) {
        t0 = cpuMs();
        const { items } = await parseRaws(raws.slice(at, at + CHUNK));
        parseMs += cpuMs() - t0;
        // The run is shared by the chunk's items: hash it once, then each item without it.
        feed(h, items[0]?.terms?.run ?? null);
        for (const { terms, ...item } of items) {
          feed(h, terms?.at ?? null);
          feed(h, item);
        }
      }
    }
    const res = { root, messages, splitMs, parseMs, hash: h.digest('hex').slice(0, 16) };
    if (best && best.hash !== res.hash) throw new Error(`runs disagree: ${best.hash} ${res.hash}`);
    if (!best || res.splitMs + res.parseMs < best.splitMs + best.parseMs) best = res;
  }
  return best as Result;
}

const round = (n: number) => Math.round(n);
const show = (r: Result) =>
  `${r.root}: ${r.messages} msgs, split ${round(r.splitMs)} ms + parse ${round(r.parseMs)} ms = ${round(r.splitMs + r.parseMs)} ms (${((1000 * (r.splitMs + r.parseMs)) / r.messages).toFixed(0)} µs/msg), hash ${r.hash}`;

const args = process.argv.slice(2);
const runs = Number(option(args, '--runs') ?? 5);
const pairs = Number(option(args, '--pairs') ?? 3);
const base = option(args, '--base');
const rootArg = option(args, '--root');
const json = args.includes('--json');
const files = args.filter((a) => !a.startsWith('--'));
if (!files.length) {
  console.error('usage: npx tsx bench/parse-cpu.ts [--runs N] [--base DIR [--pairs N]] FILE...');
  process.exit(2);
}
const self = path.resolve(here, '..');

if (base) {
  // Each side in its own process, alternating, so neither inherits the other's heap or JIT.
  const run = (root: string): Result =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--root',
          root,
          '--json',
          '--runs',
          String(runs),
          ...files,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      ),
    ) as Result;
  const sides: Record<string, Result[]> = { base: [], this: [] };
  for (let i = 0; i < pairs; i++) {
    for (const [name, root] of i % 2
      ? [
          ['this', self],
          ['base', base],
        ]
      : [
          ['base', base],
          ['this', self],
        ]) {
      const r = run(path.resolve(root));
      sides[name].push(r);
      console.log(`pair ${i + 1} ${name.padEnd(4)} ${show(r)}`);
    }
  }
  const min = (rs: Result[]) =>
    rs.reduce((a, b) => (b.splitMs + b.parseMs < a.splitMs + a.parseMs ? b : a));
  const [a, b] = [min(sides.base), min(sides.this)];
  const total = (r: Result) => r.splitMs + r.parseMs;
  console.log(`min base ${show(a)}`);
  console.log(`min this ${show(b)}`);
  console.log(
    `this/base: split ${(b.splitMs / a.splitMs).toFixed(2)}, parse ${(b.parseMs / a.parseMs).toFixed(2)}, total ${(total(b) / total(a)).toFixed(2)}; output ${a.hash === b.hash ? 'identical' : 'DIFFERS'}`,
  );
} else {
  const root = path.resolve(rootArg ?? self);
  const data = files.map((f) => {
    const b = readFileSync(f);
    return f.endsWith('.gz') ? gunzipSync(b) : b;
  });
  const r = await measure(root, data, runs);
  console.log(json ? JSON.stringify(r) : show(r));
}
