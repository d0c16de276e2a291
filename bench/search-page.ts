/** Bench page (driven by bench/search.mjs): import an mbox, rebuild the index, time queries. */
import { parseQuery } from '../src/core/query';
import { ingestStream } from '../src/db/ingest';
import { LoupeDB } from '../src/db/schema';
import { indexBacklog, runSearch } from '../src/db/search';

const QUERIES = [
  's:locks_remove_posix',
  'f:syzbot d:2024-01-01..2024-02-01',
  'dfn:drivers/usb/class/cdc-wdm.c',
  'oops:"task hung"',
  'b:"use-after-free"',
  'is:patch s:usb',
  'deadlock',
  '"possible deadlock"',
  'nvme OR xfs',
  'NOT syzbot',
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function usage(): Promise<number> {
  return (await navigator.storage.estimate()).usage ?? 0;
}

async function main(url: string, runs: number) {
  const out: Record<string, unknown> = {};
  const db = new LoupeDB('bench');
  await db.delete();
  await db.open();
  const u0 = await usage();
  const res = await fetch(url);
  const t0 = performance.now();
  const r = await ingestStream(db, res.body as ReadableStream<Uint8Array>, { inbox: 'lkml' });
  out.import = { messages: r.added, ms: Math.round(performance.now() - t0), error: r.error };
  out.usageAfterImport = (await usage()) - u0;

  // Index alone: drop it and rebuild from the stored messages.
  await db.searchDocs.clear();
  await db.postings.clear();
  await db.searchMeta.clear();
  const t1 = performance.now();
  const n = await indexBacklog(db, 1000);
  const buildMs = performance.now() - t1;
  out.rebuild = {
    messages: n,
    ms: Math.round(buildMs),
    msgsPerSec: Math.round(n / (buildMs / 1000)),
  };

  let postingBytes = 0;
  let postingRows = 0;
  await db.postings.each((p) => {
    postingRows++;
    postingBytes += p.p.reduce((n, a) => n + a.byteLength, 0) + p.keys.join('').length * 2 + 8;
  });
  let docBytes = 0;
  await db.searchDocs.each((d) => {
    docBytes += d.id.length * 2 + 8 * 4 + d.inboxes.join('').length * 2;
  });
  out.index = {
    postingRows,
    postingBytes,
    docBytes,
    bytesPerMessage: Math.round((postingBytes + docBytes) / n),
  };
  out.usageTotal = (await usage()) - u0;

  const cold = performance.now();
  await runSearch(db, (parseQuery('s:usb') as { ok: true; ast: never }).ast, { limit: 100 });
  out.firstQueryMs = Math.round(performance.now() - cold);

  const queries: Record<string, unknown> = {};
  for (const order of ['relevance', 'date'] as const) {
    for (const q of QUERIES) {
      const p = parseQuery(q);
      if (!p.ok) throw new Error(q);
      const times: number[] = [];
      const firsts: number[] = [];
      let matched = 0;
      let candidates: number | null = 0;
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        let first = 0;
        const sum = await runSearch(db, p.ast, {
          order,
          limit: 100,
          onHits: () => (first ||= performance.now() - s),
        });
        times.push(performance.now() - s);
        firsts.push(first);
        matched = sum.matched;
        candidates = sum.candidates;
      }
      queries[`${order} ${q}`] = {
        p50: +pct(times, 50).toFixed(1),
        p95: +pct(times, 95).toFixed(1),
        firstHitP50: +pct(firsts, 50).toFixed(1),
        matched,
        candidates,
      };
    }
  }
  out.queries = queries;
  return out;
}

declare global {
  interface Window {
    benchSearch: typeof main;
  }
}
window.benchSearch = main;
(document.getElementById('out') as HTMLElement).textContent = 'ready';
