/**
 * Jobs a worker runs for the page that the page may stop: each runs with an
 * AbortSignal of its own, aborted by `cancelJob` when the page's signal aborts
 * (src/app/workers.ts). A finished job is forgotten.
 *
 * Every open tab has an ingest worker of its own, so a job that writes the node
 * log (src/db/nodes.ts: storing mail, deleting an inbox), or several transactions
 * that another job must not come between, runs holding the origin's write lock:
 * such jobs of all tabs run one at a time, in the order they asked. A write that
 * is one transaction standing alone (a read mark, a saved search) needs no lock:
 * IndexedDB runs it whole.
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

/** The Web Lock every writing job of every tab holds while it runs. */
const WRITE_LOCK = 'loupe-write';

/** What a writing job does when it has to wait for the lock, or is cancelled waiting. */
export interface Waiting<T> {
  /** Called once when another job (of this tab or another) holds the lock. */
  onWait?: () => void;
  /** The job's result when it was cancelled before it got the lock: nothing was written. */
  cancelled: () => T;
}

/**
 * Runs a writing job holding the write lock. A job cancelled while it waits
 * stops waiting at once and answers `cancelled()`; once it holds the lock it
 * stops at its own next safe point, as any job does.
 */
export function writeJob<T>(
  job: number,
  run: (signal: AbortSignal) => Promise<T>,
  waiting: Waiting<T>,
): Promise<T> {
  return withJob(job, async (signal) => {
    const busy = Symbol('busy');
    const now = await navigator.locks.request(WRITE_LOCK, { ifAvailable: true }, (lock) =>
      lock ? run(signal) : busy,
    );
    if (now !== busy) return now as T;
    waiting.onWait?.();
    let held = false;
    try {
      return await navigator.locks.request(WRITE_LOCK, { signal }, () => {
        held = true;
        return run(signal);
      });
    } catch (e) {
      if (!held && signal.aborted) return waiting.cancelled();
      throw e;
    }
  });
}

/** Runs a writing job the page cannot cancel holding the write lock. */
export function exclusively<T>(run: () => Promise<T>): Promise<T> {
  return navigator.locks.request(WRITE_LOCK, run);
}
