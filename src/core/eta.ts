/**
 * Time left of a long job from how much of a known total is done. An estimate
 * taken too early swings wildly (the first chunk is read before parsing starts,
 * gunzip runs ahead of the parser), so none is given before a few seconds and a
 * few percent are behind it.
 */

/** Elapsed time below which no estimate is given. */
export const ETA_MIN_MS = 3000;
/** Share of the work below which no estimate is given. */
export const ETA_MIN_SHARE = 0.03;

/** Seconds left, rounded up, or null when it cannot be told yet (or the total is unknown). */
export function timeLeft(done: number, total: number | null, elapsedMs: number): number | null {
  if (!total || total <= 0 || done <= 0 || done >= total) return null;
  if (elapsedMs < ETA_MIN_MS || done / total < ETA_MIN_SHARE) return null;
  return Math.ceil(((total - done) * elapsedMs) / done / 1000);
}

/** "45s", "3 min", "1 h 20 min": how the UI says a time left. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}
