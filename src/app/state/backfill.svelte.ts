/**
 * Fetching older mail of a remote inbox: by date windows through the server's
 * search (resumable), or the whole inbox at once when it is small.
 */
import * as Comlink from 'comlink';
import type { BackfillResult, BackfillState, SyncProgress } from '../../db/remote';
import { isoDay } from '../format';
import { ingest, type IngestRemote } from '../workers';
import type { ShownError } from './remote.svelte';
import { DAY } from '../../core/constants';

class BackfillRun {
  /** The running fetch: what it is for, and how far it got. */
  running = $state<{ inbox: string; label: string; progress: SyncProgress | null } | null>(null);
  error = $state<ShownError | null>(null);
  notice = $state<string | null>(null);
  /** Where the last backfill of the inbox shown stopped, when it did not finish. */
  stopped = $state<(BackfillState & { inbox: string }) | null>(null);
  /** Whether the inbox shown is small enough to download whole (null: not known yet). */
  small = $state<{ inbox: string; small: boolean | null; error: string | null } | null>(null);
  private stopRun: AbortController | null = null;

  /** Reads what the panel offers for an inbox: an unfinished backfill, and whether it is small. */
  async load(inbox: string): Promise<void> {
    const state = await ingest.call((w) => w.backfillState(inbox));
    this.stopped = state && state.next >= state.from ? { ...state, inbox } : null;
    if (this.small?.inbox === inbox && this.small.small !== null) return;
    this.small = { inbox, small: null, error: null };
    const r = await ingest.call((w) => w.probeInboxSize(inbox, document.baseURI));
    if (this.small?.inbox !== inbox) return;
    this.small = r.ok
      ? { inbox, small: r.small, error: null }
      : { inbox, small: null, error: r.error.message };
  }

  /** Fetches mail dated FROM..TO (both days included), newest week first. */
  range(inbox: string, from: number, to: number): Promise<void> {
    const label = `${isoDay(from)} … ${isoDay(to)}`;
    return this.start(inbox, label, (w, job, onProgress) =>
      w.backfill(job, inbox, from, to, document.baseURI, onProgress),
    );
  }

  /** Fetches the last `days` days. */
  last(inbox: string, days: number): Promise<void> {
    const now = Date.now();
    return this.range(inbox, now - (days - 1) * DAY, now);
  }

  /** Goes on where the stopped backfill left off. */
  resume(): Promise<void> {
    const s = this.stopped;
    if (!s) return Promise.resolve();
    return this.range(s.inbox, s.from, s.to);
  }

  /** Downloads the whole inbox (all.mbox.gz). */
  whole(inbox: string): Promise<void> {
    return this.start(inbox, 'whole inbox', (w, job, onProgress) =>
      w.downloadWholeInbox(job, inbox, document.baseURI, onProgress),
    );
  }

  /** Stops after the window in flight; what was stored stays, and "resume" goes on from there. */
  cancel(): void {
    if (this.running) this.stopRun?.abort();
  }

  private async start(
    inbox: string,
    label: string,
    run: (
      w: IngestRemote,
      job: number,
      onProgress: (p: SyncProgress) => void,
    ) => Promise<BackfillResult>,
  ): Promise<void> {
    if (this.running) return;
    const stop = (this.stopRun = new AbortController());
    this.error = null;
    this.notice = null;
    this.running = { inbox, label, progress: null };
    const onProgress = Comlink.proxy((p: SyncProgress) => {
      if (this.stopRun === stop && this.running) this.running = { inbox, label, progress: p };
    });
    const again = () => void this.start(inbox, label, run);
    try {
      const r = await ingest.call((w, job) => run(w, job, onProgress), stop.signal);
      const added = `${r.added} new message${r.added === 1 ? '' : 's'}`;
      if (r.error) {
        const kept = r.added ? ` ${added} were stored before it stopped.` : '';
        this.error = {
          message: `Fetching ${label} failed: ${r.error.message}${kept}`,
          retry: again,
        };
      } else if (r.cancelled) {
        this.notice = `Stopped fetching ${label}; ${added} kept.`;
      } else {
        this.notice = `Fetched ${label} of ${inbox}: ${added}.`;
      }
    } catch (e) {
      const message = `Fetching ${label} failed: ${e instanceof Error ? e.message : String(e)}`;
      this.error = { message, retry: again };
    } finally {
      this.running = null;
      await this.load(inbox);
    }
  }
}

/** Older-mail fetching for the inbox shown. */
export const backfill = new BackfillRun();
