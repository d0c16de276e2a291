/**
 * Syncing followed inboxes on their own while the app is open: one inbox at a
 * time, when the schedule in core/autosync.ts says it is due, never while
 * another sync, a backfill or the history question of a new inbox is under
 * way (nor while another tab syncs on its own), and not at all while the page
 * is hidden or offline (it picks up again on return). The outcome of each sync
 * is kept by the ingest worker.
 */
import { DEFAULT_SYNC_MINUTES, firstDue } from '../../core/autosync';
import { getDB } from '../../db/schema';
import { syncCandidates } from '../../db/sync-status';
import { ingest } from '../workers';
import { backfill } from './backfill.svelte';
import { remote } from './remote.svelte';

/** While waiting, the plan is read again this often: new inboxes and watches, a changed interval. */
const RECHECK_MS = 30_000;
/** How long a due sync waits for the sync or backfill in its way. */
const BUSY_MS = 5_000;
/** The Web Lock a tab holds while it syncs on its own. */
const LOCK = 'loupe-autosync';

class AutoSync {
  /** Minutes between syncs of an inbox, 0 for never (the Settings choice). */
  minutes = $state(DEFAULT_SYNC_MINUTES);
  /** Why syncing on its own waits, if it does. */
  paused = $state<'hidden' | 'offline' | null>(null);
  /** The next sync planned. */
  next = $state<{ inbox: string; at: number } | null>(null);
  /** An interval in milliseconds set from the console (window.loupe), for this page only. */
  private overrideMs = $state<number | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private started = false;

  /** Milliseconds between syncs of an inbox, null when syncing on its own is off. */
  get intervalMs(): number | null {
    if (this.overrideMs !== null) return this.overrideMs;
    return this.minutes > 0 ? this.minutes * 60_000 : null;
  }

  /** Starts the loop (once per page). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const replan = () => void this.plan();
    document.addEventListener('visibilitychange', replan);
    addEventListener('online', replan);
    addEventListener('offline', replan);
    void getDB()
      .settings.get('syncMinutes')
      .then((row) => {
        if (typeof row?.value === 'number') this.minutes = row.value;
      })
      .finally(replan);
  }

  /** Sets the interval in minutes (0: never) and keeps it. */
  async setMinutes(minutes: number): Promise<void> {
    this.minutes = minutes;
    await ingest.call((w) => w.setSyncMinutes(minutes));
    void this.plan();
  }

  /** Sets the interval in milliseconds for this page only (null: back to the setting). */
  setIntervalMs(ms: number | null): void {
    this.overrideMs = ms;
    void this.plan();
  }

  /** Works out the next sync and waits for it (or for the next look at the plan). */
  async plan(): Promise<void> {
    clearTimeout(this.timer);
    const mine = ++this.generation;
    this.paused = document.hidden ? 'hidden' : !navigator.onLine ? 'offline' : null;
    const every = this.intervalMs;
    if (this.paused || every === null) {
      this.next = null;
      return;
    }
    const candidates = await syncCandidates(getDB());
    if (mine !== this.generation) return;
    const now = Date.now();
    const due = firstDue(candidates, every, now);
    this.next = due;
    if (due && due.at <= now) return this.run(due.inbox);
    const wait = due ? due.at - now : RECHECK_MS;
    this.timer = setTimeout(() => void this.plan(), Math.min(wait, RECHECK_MS));
  }

  private async run(inbox: string): Promise<void> {
    const wait = () => (this.timer = setTimeout(() => void this.plan(), BUSY_MS));
    if (remote.syncing || backfill.running || remote.adding) return void wait();
    // One tab at a time: another open tab syncing holds the lock, and records what it did.
    const ran = await navigator.locks.request(LOCK, { ifAvailable: true }, async (lock) => {
      if (lock) await remote.sync(inbox, { quiet: true });
      return !!lock;
    });
    if (ran) void this.plan();
    else wait();
  }
}

/** The loop that syncs followed inboxes on their own. */
export const autosync = new AutoSync();
