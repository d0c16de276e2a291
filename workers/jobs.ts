/**
 * Jobs a worker runs for the page that the page may stop: each runs with an
 * AbortSignal of its own, aborted by `cancelJob` when the page's signal aborts
 * (src/app/bridge.ts). A finished job is forgotten.
 */
const running = new Map<number, AbortController>();

/** Runs one job; call it before the first await, so a cancel sent after the call finds it. */
export async function withJob<T>(
  job: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  running.set(job, stop);
  try {
    return await run(stop.signal);
  } finally {
    running.delete(job);
  }
}

/** Stops a running job at its next safe point; a job already finished is left alone. */
export function cancelJob(job: number): void {
  running.get(job)?.abort();
}
