/**
 * Line diff (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its
 * Variations", 1986). The number of edits is capped: past `maxEdits` the
 * inputs are reported as wholly replaced, so hostile or huge inputs stay
 * bounded in time (O((N+M) * maxEdits)) and memory.
 */

/** One line of a diff: kept, removed from `a`, or added from `b`. */
export interface DiffOp {
  op: 'same' | 'del' | 'add';
  text: string;
}

/** The shortest edit script turning `a` into `b`, line by line. */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 4000): DiffOp[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffOp[] = a.slice(0, start).map((text) => ({ op: 'same', text }));
  const tail: DiffOp[] = a.slice(endA).map((text) => ({ op: 'same', text }));
  const mid = middle(a.slice(start, endA), b.slice(start, endB), maxEdits);
  return [...head, ...mid, ...tail];
}

function middle(a: readonly string[], b: readonly string[], maxEdits: number): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const replaced = (): DiffOp[] => [
    ...a.map((text): DiffOp => ({ op: 'del', text })),
    ...b.map((text): DiffOp => ({ op: 'add', text })),
  ];
  if (n === 0 || m === 0) return replaced();
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d, offset);
    }
    v = next;
  }
  return replaced();
}

function backtrack(
  trace: Int32Array[],
  a: readonly string[],
  b: readonly string[],
  dEnd: number,
  offset: number,
): DiffOp[] {
  const out: DiffOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK];
    const prevY = prevX - prevK;
    for (; x > prevX && y > prevY; y--) out.push({ op: 'same', text: a[--x] });
    if (down) out.push({ op: 'add', text: b[--y] });
    else out.push({ op: 'del', text: a[--x] });
  }
  for (; x > 0 && y > 0; y--) out.push({ op: 'same', text: a[--x] });
  return out.reverse();
}
