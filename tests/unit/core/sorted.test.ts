import { describe, expect, it } from 'vitest';
import { mergeSorted } from '../../../src/core/sorted';

/** Newest first by date, then the higher number first: the search index's order. */
const byDate = (dates: number[]) => (a: number, b: number) => dates[b] - dates[a] || b - a;

describe('mergeSorted', () => {
  it('gives what sorting both together gives, ties ordered by the comparison', () => {
    const dates = [0, 50, 10, 50, 30, 10, 70, 20, 50, 5];
    const cmp = byDate(dates);
    const a = Uint32Array.from([1, 2, 4, 5, 7]).sort(cmp);
    const b = Uint32Array.from([3, 6, 8, 9]).sort(cmp);
    const want = Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]).sort(cmp);
    expect(Array.from(mergeSorted(a, b, cmp))).toEqual(Array.from(want));
    expect(Array.from(mergeSorted(b, a, cmp))).toEqual(Array.from(want));
    expect(Array.from(want)).toEqual([6, 8, 3, 1, 4, 7, 5, 2, 9]);
  });

  it('keeps either side whole when the other is empty or entirely before it', () => {
    const cmp = (a: number, b: number) => a - b;
    const none = new Uint32Array(0);
    expect(Array.from(mergeSorted(Uint32Array.from([2, 4]), none, cmp))).toEqual([2, 4]);
    expect(Array.from(mergeSorted(none, Uint32Array.from([1, 3]), cmp))).toEqual([1, 3]);
    expect(
      Array.from(mergeSorted(Uint32Array.from([5, 6]), Uint32Array.from([1, 2]), cmp)),
    ).toEqual([1, 2, 5, 6]);
  });
});
