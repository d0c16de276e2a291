/**
 * Index terms: what the search index keys a message by. Each word is kept
 * with the field groups it occurs in (one bit each), so a posting says where a
 * word was and a lookup can skip a group its field never looks at; a few
 * special keys (is:patch, type:, lid:) stand for facts that are not words.
 * Pure: the parse workers run it before a message reaches the writer.
 */
import { mayHoldDiffHeaders } from '../patch';
import type { Address, CrashSummary, MessageRecord } from '../types';
import { diffFiles, type SearchDoc } from './doc';
import { B, D, F, I, L, N, O, S, T } from './fields';
import { KeyTable } from './key-table';
import { tokenize } from './tokenize';

/** A posting keeps a message's field groups (fields.ts) in its low GROUP_BITS bits. */
export const GROUP_BITS = 12;
export const ANY = (1 << GROUP_BITS) - 1;
/** A segment holds at most this many messages (postings keep the offset in the high bits). */
export const SEGMENT_MAX = 2 ** (32 - GROUP_BITS);

/** Relevance weight of a hit in each group. */
const GROUP_WEIGHT: [number, number][] = [
  [S, 4],
  [O, 3],
  [F, 2],
  [I, 2],
  [D, 2],
  [T, 1],
  [N, 1],
  [L, 1],
  [B, 1],
];

/** Relevance weight of each combination of groups: that of its heaviest group. */
export const WEIGHT = Float32Array.from({ length: ANY + 1 }, (_, g) =>
  GROUP_WEIGHT.reduce((w, [bit, gw]) => (g & bit ? Math.max(w, gw) : w), 0),
);

// Longer words are indexed truncated: a lookup truncates too, and verify decides.
export const MAX_TOKEN = 64;
export const SPECIAL = '\u0001';
export const PATCH_KEY = `${SPECIAL}is:patch`;
export const OOPS_KEY = `${SPECIAL}is:oops`;
export const TYPE_KEY = `${SPECIAL}type:`;
export const LID_KEY = `${SPECIAL}lid:`;

/** What the indexer and the verifier need of a message. */
export type IndexableMessage = Pick<
  MessageRecord,
  | 'id'
  | 'subject'
  | 'from'
  | 'to'
  | 'cc'
  | 'date'
  | 'text'
  | 'attachments'
  | 'hasPatch'
  | 'hasOops'
  | 'listId'
>;

/**
 * The index terms of a run of messages (a parse worker's chunk), gathered in one
 * pass so that they travel and merge as one table: each key once, then for each
 * message holding it `(index in run) << GROUP_BITS | groups`, ascending.
 */
export interface TermRun {
  /** Messages in the run. */
  size: number;
  keys: string[];
  /** The entries of keys[k] are entries[starts[k]] up to entries[starts[k + 1]]. */
  starts: Uint32Array<ArrayBuffer>;
  entries: Uint32Array<ArrayBuffer>;
}

/** Where a message's terms are: its index in a term run. */
export interface RunRef {
  run: TermRun;
  at: number;
}

/** A message as storeBatch hands it over; `terms` when a parse worker already tokenized it. */
export type IndexItem = IndexableMessage & {
  crash?: CrashSummary | null;
  raw?: Uint8Array;
  terms?: RunRef;
};

function addr(a: Address): string {
  return a.name && a.address ? `${a.name} <${a.address}>` : a.name || a.address;
}

const exactKey = (s: string) => s.toLowerCase().replace(/^<(.*)>$/, '$1');
export const clip = (t: string) => (t.length > MAX_TOKEN ? t.slice(0, MAX_TOKEN) : t);

/** The SearchDoc of a stored message: what both the index and the brute-force check see. */
export function toSearchDoc(
  m: IndexableMessage,
  inboxes: string[],
  crash: Pick<CrashSummary, 'title' | 'type'> | null | undefined,
  unread: boolean,
  size: number,
): SearchDoc {
  return {
    id: m.id,
    subject: m.subject,
    from: addr(m.from),
    to: m.to.map(addr).join(', '),
    cc: m.cc.map(addr).join(', '),
    body: m.text,
    date: m.date,
    inboxes,
    unread,
    hasPatch: m.hasPatch,
    oopsTitles: crash ? [crash.title] : [],
    oopsTypes: crash?.type ? [crash.type] : [],
    size,
    attachmentNames: m.attachments.map((a) => a.filename).filter(Boolean),
    listId: m.listId ?? undefined,
  };
}

/** Index keys of one doc with the groups each occurs in. */
export function docTokens(doc: SearchDoc): Map<string, number> {
  const out = new Map<string, number>();
  const key = (k: string, bits: number) => out.set(k, (out.get(k) ?? 0) | bits);
  eachToken(doc, {
    words: (text, bit) => {
      for (const t of tokenize(text)) key(clip(t), bit);
    },
    key,
  });
  return out;
}

/** Where eachToken hands a doc's keys: texts to cut into words, and whole keys. */
interface TokenSink {
  words(text: string, bit: number): void;
  key(key: string, bits: number): void;
}

/** Hands every index key of a doc to `out` with a group it occurs in (keys repeat). */
function eachToken(doc: SearchDoc, out: TokenSink): void {
  out.words(doc.subject, S);
  out.words(doc.from, F);
  out.words(doc.to, T);
  out.words(doc.cc, T);
  out.words(doc.body, B);
  if (mayHoldDiffHeaders(doc.body)) for (const f of diffFiles(doc.body)) out.words(f, D);
  out.words(doc.id, I);
  for (const t of doc.oopsTitles) out.words(t, O);
  for (const n of doc.attachmentNames ?? []) out.words(n, N);
  if (doc.listId !== undefined) {
    out.words(doc.listId, L);
    out.key(LID_KEY + exactKey(doc.listId), ANY);
  }
  if (doc.hasPatch) out.key(PATCH_KEY, ANY);
  if (doc.oopsTitles.length || doc.oopsTypes.length) out.key(OOPS_KEY, ANY);
  for (const t of doc.oopsTypes) out.key(TYPE_KEY + exactKey(t), ANY);
}

/**
 * Working arrays of termRun, kept from one run to the next: a parse worker runs one
 * per chunk of 200 messages, and arrays made new each time (grown to some 100k
 * entries) cost more than the work in them where fresh memory is slow to touch, as
 * in Chromium's workers (bench/README.md). A run leaves `seenIn` zero up to the keys
 * it met; the others are written before they are read. Arrays grown past MAX_KEPT
 * entries are not kept.
 */
const MAX_KEPT = 1 << 20;
/** `a` to keep for the next run, or a new one of `size` when `a` grew too large to keep. */
const kept = (a: Uint32Array<ArrayBuffer>, size: number) =>
  a.length <= MAX_KEPT ? a : new Uint32Array(size);
const work = {
  table: new KeyTable(),
  keyOf: new Uint32Array(1 << 14),
  entryOf: new Uint32Array(1 << 14),
  // Per key: the last message (1-based) it was met in, and that message's entry.
  seenIn: new Uint32Array(1 << 12),
  slotOf: new Uint32Array(1 << 12),
};

/**
 * The index terms of messages about to be stored, as one run (done where they are
 * parsed, off the writer's thread). Each word occurrence is looked up once in the
 * run's table of keys; a key remembers the last message it was met in and where
 * that message's entry is, so a word the body repeats ("the", "+", a function
 * name) only adds its group to that entry. The entries go to two growing typed
 * arrays instead of an array per key: a third of a parse worker's time went to
 * this table before, and a small map of words per message in front of the table
 * was 5% slower again on real list mail (bench/README.md).
 */
export function termRun(
  msgs: { m: IndexableMessage; crash: CrashSummary | null | undefined }[],
): TermRun {
  if (msgs.length > SEGMENT_MAX)
    throw new Error(`a term run holds at most ${SEGMENT_MAX} messages`);
  const table = work.table;
  let keys: string[];
  let { keyOf, entryOf, seenIn, slotOf } = work;
  let n = 0;
  let base = 0;
  let msg = 0;
  let bit = 0;
  const gather = (id: number, bits: number) => {
    if (id >= seenIn.length) {
      seenIn = grow(seenIn, 2 * seenIn.length);
      slotOf = grow(slotOf, 2 * slotOf.length);
    } else if (seenIn[id] === msg) {
      entryOf[slotOf[id]] |= bits;
      return;
    }
    if (n === keyOf.length) {
      keyOf = grow(keyOf, 2 * n);
      entryOf = grow(entryOf, 2 * n);
    }
    seenIn[id] = msg;
    slotOf[id] = n;
    keyOf[n] = id;
    entryOf[n++] = base + bits;
  };
  const word = (id: number) => gather(id, bit);
  const sink: TokenSink = {
    words: (text, b) => {
      bit = b;
      table.words(text, MAX_TOKEN, word);
    },
    key: (k, bits) => gather(table.key(k), bits),
  };
  try {
    msgs.forEach(({ m, crash }, i) => {
      base = i * 2 ** GROUP_BITS;
      msg = i + 1;
      eachToken(toSearchDoc(m, [], crash, true, 0), sink);
    });
  } finally {
    keys = table.take();
    seenIn.fill(0, 0, keys.length);
    work.keyOf = kept(keyOf, 1 << 14);
    work.entryOf = kept(entryOf, 1 << 14);
    work.seenIn = kept(seenIn, 1 << 12);
    work.slotOf = kept(slotOf, 1 << 12);
  }
  // A counting sort by key keeps each key's entries in message order (ascending).
  const starts = new Uint32Array(keys.length + 1);
  for (let j = 0; j < n; j++) starts[keyOf[j] + 1]++;
  for (let k = 0; k < keys.length; k++) starts[k + 1] += starts[k];
  // The next free place of each key's entries, in slotOf (which has a place for every
  // key met, and is written before it is read in the next run).
  const next = slotOf;
  next.set(starts.subarray(0, keys.length));
  const entries = new Uint32Array(n);
  for (let j = 0; j < n; j++) entries[next[keyOf[j]]++] = entryOf[j];
  return { size: msgs.length, keys, starts, entries };
}

function grow(a: Uint32Array<ArrayBuffer>, size: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}
