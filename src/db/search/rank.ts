/**
 * Ranking: candidates handed out in the order they are verified and shown, by
 * relevance (then date) or by date, sorting only the chunks asked for.
 */
import { NOT_LIVE, type DocCache } from './cache';
import type { NoSet } from './plan';

/** Candidates in the order they are verified (and shown), handed out a chunk at a time. */
export interface Candidates {
  next(n: number): Uint32Array;
  readonly done: boolean;
}

/** Every live message (in `keep`, when given), newest first. */
export function everything(c: DocCache, keep: Uint8Array | null): Candidates {
  let at = 0;
  const { order } = c;
  return {
    get done() {
      return at >= order.length;
    },
    next(n) {
      if (!keep) return order.subarray(at, (at += n));
      const out = new Uint32Array(n);
      let k = 0;
      for (; at < order.length && k < n; at++) if (keep[order[at]] === 1) out[k++] = order[at];
      return out.subarray(0, k);
    },
  };
}

const RANK_BITS = 2 ** 24;

/**
 * Candidates by relevance (quantized score, then date) or by date alone. Each is
 * a float64 key with its date rank in the low 24 bits, so typed-array sorts run
 * natively, and only the chunks asked for are sorted (see smallestFirst).
 */
export function ranked(
  set: NoSet,
  c: DocCache,
  scores: Float32Array | null,
  keep: Uint8Array | null,
): Candidates {
  const { rank } = c;
  const byScore = !!scores && set.some((no) => scores[no] > 0);
  const keys = new Float64Array(set.length);
  let n = 0;
  for (const no of set) {
    if (rank[no] === NOT_LIVE || (keep && keep[no] !== 1)) continue;
    const q = byScore ? Math.min(0xfffff, Math.round((scores as Float32Array)[no] * 1000)) : 0;
    keys[n++] = (0xfffff - q) * RANK_BITS + rank[no];
  }
  const queue = smallestFirst(keys.subarray(0, n));
  return {
    get done() {
      return queue.done;
    },
    next: (want) => Uint32Array.from(queue.next(want), (k) => c.order[k % RANK_BITS]),
  };
}

/**
 * Hands out `keys` smallest first, a chunk at a time, reordering them in place.
 * A chunk is picked by a linear-time selection and only it is sorted, so the
 * first page of a 100k-candidate query sorts a hundred keys, not 100k; once
 * little is left (under 4 chunks plus `sortBelow`), the rest is sorted at once.
 */
export function smallestFirst(keys: Float64Array, sortBelow = 1024) {
  let at = 0;
  let sortedTo = 0;
  return {
    get done() {
      return at >= keys.length;
    },
    next(want: number): Float64Array {
      const end = Math.min(keys.length, at + want);
      if (end > sortedTo) {
        if (keys.length - at > 4 * want + sortBelow) {
          selectSmallest(keys, at, keys.length - 1, end - 1);
          keys.subarray(at, end).sort();
          sortedTo = end;
        } else {
          keys.subarray(at).sort();
          sortedTo = keys.length;
        }
      }
      const out = keys.subarray(at, end);
      at = end;
      return out;
    },
  };
}

/** Reorders a[lo..hi] so that a[k] holds the value a sort would put there, smaller ones before it. */
export function selectSmallest(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    // Median of three as the pivot keeps sorted and reversed input linear.
    const mid = (lo + hi) >>> 1;
    const [x, y, z] = [a[lo], a[mid], a[hi]];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
