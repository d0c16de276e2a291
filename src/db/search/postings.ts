/**
 * The posting row format: per segment, one row per bucket (a key's first two
 * characters) holding its keys sorted and their lists end to end, plus rows
 * of their own for common keys. Each posting is `(no - seg) << GROUP_BITS |
 * groups`. Rows written before lists shared one buffer (`p`) are still read.
 */
import { ANY, GROUP_BITS } from '../../core/query/terms';
import type { PostingRow } from '../schema';

/**
 * A key with more postings than this in a segment gets a posting row of its own
 * (`t` = OWN + key), out of its bucket, so that looking up "thompson" does not read
 * the lists of "the", "this" and "that". In 2,000-message segments of generated
 * mail that is about 180 keys, 40% of the posting bytes.
 */
export const OWN_ROW_MIN = 512;
export const OWN = '\u0002';
/** Marks a cached range of posting rows apart from the rows of one `t`. */
export const MANY = '\u0003';

/** The `t` of the posting rows that can hold a whole key: its bucket's, and its own. */
export const rowKeys = (key: string): [string, string] => [bucketOf(key), OWN + key];

/** The posting bucket of a token: its first two characters. */
export function bucketOf(t: string): string {
  return t.slice(0, 2);
}

/** Index of `key` in sorted `keys`, or -1. */
export function find(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] === key) return mid;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The posting list of a row's i-th key. */
export function listAt(r: PostingRow, i: number): Uint32Array {
  return 'p' in r ? r.p[i] : r.lists.subarray(r.starts[i], r.starts[i + 1]);
}

/** About what a posting row takes in memory. */
export function postingRowBytes(r: PostingRow): number {
  const lists = 'p' in r ? r.p.reduce((n, a) => n + a.byteLength, 0) : r.lists.byteLength;
  return lists + 2 * r.keys.join('').length;
}

/**
 * Calls `visit` with the posting number and field groups of each posting of `key`
 * (or of every key starting with it) in a bucket's rows, skipping segments from `below` on.
 */
export function eachPosting(
  rows: PostingRow[],
  key: string,
  prefix: boolean,
  below: number,
  visit: (no: number, groups: number) => void,
): void {
  const take = (seg: number, list: Uint32Array) => {
    for (let i = 0; i < list.length; i++) visit(seg + (list[i] >>> GROUP_BITS), list[i] & ANY);
  };
  for (const r of rows) {
    if (r.seg >= below) continue;
    if (!prefix) {
      const i = find(r.keys, key);
      if (i >= 0) take(r.seg, listAt(r, i));
      continue;
    }
    r.keys.forEach((k, i) => {
      if (k.startsWith(key)) take(r.seg, listAt(r, i));
    });
  }
}
