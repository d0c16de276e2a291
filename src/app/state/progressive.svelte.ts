/**
 * Progressive rendering for long lists that are not virtualized (a thread's
 * messages, its overview): the first `first` items paint at once, then the
 * limit grows after each paint by `step` or doubles, whichever adds more, so
 * the first screen shows fast and a long list is whole in a few frames (each
 * frame costs more than the items it adds). The limit starts over when `key` changes.
 */
export function progressive(
  total: () => number,
  key: () => string,
  first = 40,
  step = 120,
): { readonly limit: number } {
  let limit = $state(first);
  let limitFor = '';
  $effect.pre(() => {
    const k = key();
    if (k === limitFor) return;
    limitFor = k;
    limit = first;
  });
  $effect(() => {
    if (total() <= limit) return;
    return afterPaint(() => (limit = nextLimit(limit, step)));
  });
  return {
    get limit() {
      return limit;
    },
  };
}

/** The limit after one more paint: grown by `step` or doubled, whichever adds more. */
export function nextLimit(limit: number, step: number): number {
  return limit + Math.max(step, limit);
}

/** Runs `fn` once the next frame has been painted; returns a cancel function (an effect's cleanup). */
export function afterPaint(fn: () => void): () => void {
  let timer = 0;
  // rAF runs before the paint; a timeout set there runs after it.
  const frame = requestAnimationFrame(() => {
    timer = window.setTimeout(fn);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
