import { liveQuery } from 'dexie';

/** A reactive view of a Dexie query: re-runs when `deps` change or the data does. */
export function live<D, T>(
  deps: () => D,
  query: (d: D) => Promise<T>,
  initial: T,
): { readonly current: T; readonly error: string | null } {
  let value = $state.raw(initial);
  let error = $state<string | null>(null);
  $effect(() => {
    const d = deps();
    const sub = liveQuery(() => query(d)).subscribe({
      next: (v) => {
        value = v;
        error = null;
      },
      error: (e: unknown) => {
        error = e instanceof Error ? e.message : String(e);
      },
    });
    return () => sub.unsubscribe();
  });
  return {
    get current() {
      return value;
    },
    get error() {
      return error;
    },
  };
}
