/** Sorted arrays of numbers (posting numbers in the search index's order). */

/**
 * The numbers of `a` and `b`, each already sorted by `cmp`, in one array sorted by it:
 * linear, where sorting the whole again calls `cmp` about n log n times. With a
 * comparison that orders every pair (no ties), the result is what sorting gives.
 */
export function mergeSorted(
  a: Uint32Array,
  b: Uint32Array,
  cmp: (x: number, y: number) => number,
): Uint32Array<ArrayBuffer> {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = cmp(b[j], a[i]) < 0 ? b[j++] : a[i++];
  out.set(i < a.length ? a.subarray(i) : b.subarray(j), k);
  return out;
}
