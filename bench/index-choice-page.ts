/**
 * The page half of `node bench/index-choice.mjs`: builds, persists, reopens and
 * queries four search-index candidates over the same parsed corpus, in one page.
 * The runner drives it through `window.bench` and measures disk and heap itself.
 *
 * Every candidate indexes the same words: the project's parser, toSearchDoc and
 * tokenize (the words of subject, from, to/cc and body; longer than 64
 * characters truncated, as docTokens does).
 */
import Dexie, { type EntityTable } from 'dexie';
import { Document, IndexedDB, type DocumentOptions } from 'flexsearch';
import MiniSearch, { type Options as MiniSearchOptions } from 'minisearch';
import { openMailStream, splitMboxStream } from '../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../src/core/message';
import { crashSummary } from '../src/core/oops';
import {
  matchMessage,
  parseQuery,
  tokenize,
  type QueryNode,
  type SearchDoc,
} from '../src/core/query';
import type { CrashSummary } from '../src/core/types';
import { LoupeDB, type PostingRow } from '../src/db/schema';
import { docTokens, toSearchDoc } from '../src/core/query/terms';
import {
  rowKeys,
  eachPosting,
  indexMessages,
  postingRowBytes,
  runSearch,
  searchTables,
} from '../src/db/search';
import { storeBatch } from '../src/db/store';

/** The candidates, as the runner names them. */
export type Candidate =
  'minisearch' | 'flexsearch' | 'dexie-multientry' | 'loupe' | 'loupe-verified';

const INBOX = 'bench';
/** Messages per write transaction (the import's default store batch). */
const BATCH = 2000;
// Field-group bits of a posting (src/core/query/terms.ts): subject, from, to/cc, body.
const S = 1;
const F = 2;
const T = 4;
const B = 8;
const TEXT_GROUPS = S | F | T | B;
/** docTokens' special keys (is:patch, type:, lid:) start with this; they are not words. */
const SPECIAL = '\u0001';
const MAX_TOKEN = 64;

/** The ten queries: words all required, or any of them with `OR`. */
export const QUERIES = [
  'qcom',
  'memory leak',
  'gregkh',
  'deadlock',
  'mlx5',
  'kasan',
  'nvme OR xfs',
  'reviewed',
  'sched',
  'kernel org',
];

interface QuerySpec {
  q: string;
  words: string[];
  any: boolean;
}

const SPECS: QuerySpec[] = QUERIES.map((q) => ({
  q,
  any: /\bOR\b/.test(q),
  words: tokenize(q.replace(/\bOR\b/g, ' ')),
}));

/** What the libraries index per message (id = position in the deduplicated corpus). */
type LibDoc = { id: number; subject: string; from: string; to: string; body: string };

interface Parsed {
  m: ParsedMessage;
  crash: CrashSummary | null;
  doc: SearchDoc;
}

/** A result set's size and an order-independent checksum of its ids. */
export interface SetDigest {
  count: number;
  sum: number;
}

export interface QueryTiming {
  q: string;
  /** ms per run; the first is the first run after the index was loaded. */
  ms: number[];
  digest: SetDigest | null;
  /** loupe-verified only: candidates from the postings before verification. */
  candidates?: number | null;
}

const words = (text: string): string[] =>
  tokenize(text).map((t) => (t.length > MAX_TOKEN ? t.slice(0, MAX_TOKEN) : t));
const same = (t: string): string => t;

function digest(ids: Iterable<number>): SetDigest {
  let count = 0;
  let sum = 0;
  for (const id of ids) {
    count++;
    sum = (sum + (Math.imul(id + 1, 2654435761) >>> 0)) >>> 0;
  }
  return { count, sum };
}

function combine(sets: Set<number>[], any: boolean): Set<number> {
  if (any) {
    const out = new Set<number>();
    for (const s of sets) for (const id of s) out.add(id);
    return out;
  }
  const [first, ...rest] = [...sets].sort((a, b) => a.size - b.size);
  const out = new Set<number>();
  if (!first) return out;
  for (const id of first) if (rest.every((s) => s.has(id))) out.add(id);
  return out;
}

/** The words of a doc's subject, from, to/cc and body, as docTokens keys them. */
function textTokens(doc: SearchDoc): string[] {
  const out: string[] = [];
  for (const [k, g] of docTokens(doc)) if (g & TEXT_GROUPS && !k.startsWith(SPECIAL)) out.push(k);
  return out;
}

// ---------------------------------------------------------------- candidates' storage

interface KvRow {
  k: string;
  json: string;
}

class KvDB extends Dexie {
  kv!: EntityTable<KvRow, 'k'>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ kv: 'k' });
  }
}

interface TokenRow {
  id: number;
  tokens: string[];
}

class TokenDB extends Dexie {
  docs!: EntityTable<TokenRow, 'id'>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ docs: 'id, *tokens' });
  }
}

const MS_OPTIONS: MiniSearchOptions<LibDoc> = {
  fields: ['subject', 'from', 'to', 'body'],
  idField: 'id',
  tokenize: words,
  processTerm: same,
  searchOptions: { tokenize: words, processTerm: same, prefix: false, fuzzy: false },
};

function flexOptions(): DocumentOptions<LibDoc, false, IndexedDB> {
  return {
    document: { id: 'id', index: ['subject', 'from', 'to', 'body'] },
    tokenize: 'strict',
    encode: words,
    cache: false,
  };
}

const DB_NAMES = {
  minisearch: 'ic-minisearch',
  flexsearch: 'ic-flexsearch',
  dexie: 'ic-dexie',
  loupeIndex: 'ic-loupe-index',
  loupeStore: 'ic-loupe-store',
};

// ---------------------------------------------------------------- page state

let corpus: Parsed[] = [];
let miniSearch: MiniSearch<LibDoc> | null = null;
let flex: Document<LibDoc, false, IndexedDB> | null = null;
let tokenDb: TokenDB | null = null;
let loupeIndex: { db: LoupeDB; live: Uint8Array; buckets: Map<string, PostingRow[]> } | null = null;
let loupeStore: LoupeDB | null = null;
const asts = new Map<string, QueryNode>();

function ast(q: string): QueryNode {
  let a = asts.get(q);
  if (!a) {
    const r = parseQuery(q);
    if (!r.ok) throw new Error(`bad query ${q}`);
    asts.set(q, (a = r.ast));
  }
  return a;
}

const libDoc = ({ doc }: Parsed, id: number): LibDoc => ({
  id,
  subject: doc.subject,
  from: doc.from,
  to: [doc.to, doc.cc].filter(Boolean).join(', '),
  body: doc.body,
});

// ---------------------------------------------------------------- steps

/** Fetches, gunzips, splits and parses the corpus (Message-IDs deduplicated). */
async function prepare(url: string): Promise<{
  messages: number;
  unique: number;
  parseMs: number;
  brute: Record<string, SetDigest>;
  bruteLoupe: Record<string, number>;
  bruteMs: number;
}> {
  const t0 = performance.now();
  const res = await fetch(url);
  if (!res.body) throw new Error(`no body: ${url}`);
  const seen = new Set<string>();
  let messages = 0;
  corpus = [];
  for await (const raw of splitMboxStream(await openMailStream(res.body))) {
    messages++;
    const m = await parseMessage(raw);
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    const crash = m.hasOops ? crashSummary(m.text) : null;
    corpus.push({ m, crash, doc: toSearchDoc(m, [INBOX], crash, true, raw.length) });
  }
  const parseMs = performance.now() - t0;
  const t1 = performance.now();
  const sets = corpus.map((p) => new Set(textTokens(p.doc)));
  const brute: Record<string, SetDigest> = {};
  const bruteLoupe: Record<string, number> = {};
  for (const s of SPECS) {
    const hit = (set: Set<string>) =>
      s.any ? s.words.some((w) => set.has(w)) : s.words.every((w) => set.has(w));
    brute[s.q] = digest(sets.flatMap((set, i) => (hit(set) ? [i] : [])));
    const a = ast(s.q);
    bruteLoupe[s.q] = corpus.filter((p) => matchMessage(a, p.doc)).length;
  }
  return {
    messages,
    unique: corpus.length,
    parseMs,
    brute,
    bruteLoupe,
    bruteMs: performance.now() - t1,
  };
}

/** Stores the corpus as the app's import does (storeBatch, which also indexes): loupe-verified's data. */
async function storeLoupe(): Promise<number> {
  const t0 = performance.now();
  const db = new LoupeDB(DB_NAMES.loupeStore);
  for (let i = 0; i < corpus.length; i += BATCH)
    await storeBatch(
      db,
      INBOX,
      corpus.slice(i, i + BATCH).map((p) => ({ ...p.m, crash: p.crash })),
    );
  db.close();
  return performance.now() - t0;
}

/** Builds one candidate's index from the parsed corpus and persists it; resolves once committed. */
async function build(c: Candidate): Promise<{ ms: number; payloadBytes: number | null }> {
  const t0 = performance.now();
  let payloadBytes: number | null = null;
  switch (c) {
    case 'minisearch': {
      const ms = new MiniSearch<LibDoc>(MS_OPTIONS);
      ms.addAll(corpus.map(libDoc));
      const json = JSON.stringify(ms);
      const db = new KvDB(DB_NAMES.minisearch);
      await db.kv.put({ k: 'index', json });
      db.close();
      payloadBytes = json.length; // ASCII apart from a few names: ≈ UTF-8 bytes
      break;
    }
    case 'flexsearch': {
      const ix = new Document<LibDoc, false, IndexedDB>(flexOptions());
      const store = new IndexedDB(DB_NAMES.flexsearch);
      await ix.mount(store);
      corpus.forEach((p, i) => ix.add(libDoc(p, i)));
      await ix.commit();
      await store.close();
      break;
    }
    case 'dexie-multientry': {
      const db = new TokenDB(DB_NAMES.dexie);
      for (let i = 0; i < corpus.length; i += BATCH)
        await db.docs.bulkAdd(
          corpus.slice(i, i + BATCH).map((p, j) => ({ id: i + j, tokens: textTokens(p.doc) })),
        );
      db.close();
      break;
    }
    case 'loupe': {
      // The import's index write (indexMessages -> writeSegment), per store batch, with
      // tokenizing included (no precomputed `terms`), into an otherwise empty LoupeDB.
      const db = new LoupeDB(DB_NAMES.loupeIndex);
      for (let i = 0; i < corpus.length; i += BATCH) {
        const items = corpus
          .slice(i, i + BATCH)
          .map((p) => ({ ...p.m, crash: p.crash, raw: p.m.raw }));
        await db.transaction('rw', searchTables(db), () => indexMessages(db, items, INBOX, [], []));
      }
      let bytes = 0;
      await db.postings.each((r) => {
        bytes += postingRowBytes(r);
      });
      db.close();
      payloadBytes = bytes;
      break;
    }
    case 'loupe-verified':
      throw new Error('loupe-verified is built by storeLoupe (the real import)');
  }
  return { ms: performance.now() - t0, payloadBytes };
}

/** Opens a persisted index in this (fresh) page until it can answer a query. */
async function load(c: Candidate): Promise<number> {
  const t0 = performance.now();
  switch (c) {
    case 'minisearch': {
      const db = new KvDB(DB_NAMES.minisearch);
      const row = await db.kv.get('index');
      if (!row) throw new Error('minisearch index missing');
      miniSearch = MiniSearch.loadJSON<LibDoc>(row.json, MS_OPTIONS);
      db.close();
      break;
    }
    case 'flexsearch': {
      flex = new Document<LibDoc, false, IndexedDB>(flexOptions());
      await flex.mount(new IndexedDB(DB_NAMES.flexsearch));
      break;
    }
    case 'dexie-multientry':
      tokenDb = new TokenDB(DB_NAMES.dexie);
      await tokenDb.open();
      break;
    case 'loupe': {
      // What runSearch's doc cache needs before a lookup: which posting numbers are live.
      const db = new LoupeDB(DB_NAMES.loupeIndex);
      const segs = await db.searchSegs.toArray();
      const live = new Uint8Array(Math.max(0, ...segs.map((s) => s.seg + s.ids.length)) + 1);
      for (const s of segs) s.ids.forEach((id, i) => (live[s.seg + i] = id ? 1 : 0));
      loupeIndex = { db, live, buckets: new Map() };
      break;
    }
    case 'loupe-verified':
      loupeStore = new LoupeDB(DB_NAMES.loupeStore);
      // An all-match query with nothing to return: exactly runSearch's doc-cache load.
      await runSearch(loupeStore, { kind: 'all' }, { countOnly: true, limit: 0, order: 'date' });
      break;
  }
  return performance.now() - t0;
}

/** Loupe's posting lookup (src/db/search/postings.ts's eachPosting) without scoring or verify. */
async function loupeWord(word: string): Promise<Set<number>> {
  if (!loupeIndex) throw new Error('loupe not loaded');
  const { db, live, buckets } = loupeIndex;
  const rows: PostingRow[] = [];
  for (const t of rowKeys(word)) {
    let some = buckets.get(t);
    if (!some) {
      some = await db.postings
        .where('[t+seg]')
        .between([t, Dexie.minKey], [t, Dexie.maxKey], true, true)
        .toArray();
      buckets.set(t, some);
    }
    rows.push(...some);
  }
  const out = new Set<number>();
  eachPosting(rows, word, false, Infinity, (no, groups) => {
    // Posting numbers start at 1 in an empty database, in corpus order.
    if (groups & TEXT_GROUPS && live[no]) out.add(no - 1);
  });
  return out;
}

async function runOne(
  c: Candidate,
  s: QuerySpec,
): Promise<{ digest: SetDigest | null; candidates?: number | null }> {
  switch (c) {
    case 'minisearch': {
      if (!miniSearch) throw new Error('minisearch not loaded');
      const hits = miniSearch.search(s.words.join(' '), { combineWith: s.any ? 'OR' : 'AND' });
      return { digest: digest(hits.map((h) => h.id as number)) };
    }
    case 'flexsearch': {
      const ix = flex;
      if (!ix) throw new Error('flexsearch not loaded');
      const sets: Set<number>[] = [];
      for (const w of s.words) {
        // One word at a time: a multi-word query would need all words in one field.
        const fields = await ix.search(w, { limit: 1_000_000 });
        const set = new Set<number>();
        for (const f of fields) for (const id of f.result) set.add(Number(id));
        sets.push(set);
      }
      return { digest: digest(combine(sets, s.any)) };
    }
    case 'dexie-multientry': {
      const db = tokenDb;
      if (!db) throw new Error('dexie not loaded');
      const sets = await Promise.all(
        s.words.map(async (w) => new Set(await db.docs.where('tokens').equals(w).primaryKeys())),
      );
      return { digest: digest(combine(sets, s.any)) };
    }
    case 'loupe': {
      const sets: Set<number>[] = [];
      for (const w of s.words) sets.push(await loupeWord(w));
      return { digest: digest(combine(sets, s.any)) };
    }
    case 'loupe-verified': {
      if (!loupeStore) throw new Error('loupe-verified not loaded');
      const r = await runSearch(loupeStore, ast(s.q), {
        countOnly: true,
        order: 'date',
        limit: Number.MAX_SAFE_INTEGER,
      });
      return { digest: { count: r.matched, sum: -1 }, candidates: r.candidates };
    }
  }
}

/** Each query `runs` times in a row (the first right after load), timed from call to id set. */
async function queries(c: Candidate, runs: number): Promise<QueryTiming[]> {
  const out: QueryTiming[] = [];
  for (const s of SPECS) {
    const ms: number[] = [];
    let last: Awaited<ReturnType<typeof runOne>> = { digest: null };
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      last = await runOne(c, s);
      ms.push(performance.now() - t0);
    }
    out.push({ q: s.q, ms, digest: last.digest, candidates: last.candidates });
  }
  return out;
}

async function usage(): Promise<number> {
  return (await navigator.storage.estimate()).usage ?? 0;
}

const bench = { prepare, storeLoupe, build, load, queries, usage, queryList: QUERIES };
export type Bench = typeof bench;

declare global {
  interface Window {
    bench: Bench;
  }
}

window.bench = bench;
document.title = 'ready';
