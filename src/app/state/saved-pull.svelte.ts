/**
 * Saved searches that update from the server: "Update now", and turning the
 * server run on for a saved search. What a run found is recorded on the saved
 * search by the ingest worker; this holds only which runs are in flight.
 */
import * as Comlink from 'comlink';
import { ingest } from '../workers';

class SavedPullState {
  /** Saved searches being run on their server, by id. */
  running = $state.raw<ReadonlySet<number>>(new Set());
  /** A run that could not even start (the worker failed), by id. */
  failed = $state.raw<Readonly<Record<number, string>>>({});

  /** Runs a saved search on its inbox's server now, fetching the threads of new matches. */
  async update(id: number): Promise<void> {
    if (this.running.has(id)) return;
    this.running = new Set([...this.running, id]);
    const { [id]: _old, ...rest } = this.failed;
    this.failed = rest;
    try {
      await ingest.call((w, job) =>
        w.pullSavedSearch(
          job,
          id,
          document.baseURI,
          Comlink.proxy(() => undefined),
        ),
      );
    } catch (e) {
      this.failed = { ...this.failed, [id]: e instanceof Error ? e.message : String(e) };
    } finally {
      this.running = new Set([...this.running].filter((x) => x !== id));
    }
  }

  /** Turns the server run of a saved search on (and runs it at once) or off. */
  async setServer(id: number, on: boolean): Promise<void> {
    await ingest.call((w) => w.setSavedSearchServer(id, on));
    if (on) await this.update(id);
  }
}

/** Server runs of saved searches, shared by the sidebar and the search view. */
export const savedPull = new SavedPullState();
