/**
 * Syncing followed inboxes on their own, the pure part: when each inbox syncs
 * next (its interval, a jitter so many open tabs and inboxes do not all ask
 * the host at once, a doubling backoff after failures) and the line that
 * says how its last sync went.
 */

/** The sync interval when the reader has not chosen one. */
export const DEFAULT_SYNC_MINUTES = 10;
/** The longest wait between attempts, however many failed in a row. */
export const MAX_BACKOFF_MS = 6 * 3_600_000;
/** Each wait is stretched or shrunk by up to this share of itself. */
export const JITTER = 0.1;

/** How one inbox's last sync ended, as kept per inbox. */
export interface SyncOutcome {
  /** When the last attempt ended (ms). */
  at: number;
  /** Messages it stored (feed and watched threads). */
  added: number;
  /** Attempts that failed in a row, 0 after a success. */
  failures: number;
  /** Why the last attempt failed; null when it succeeded. */
  error: { kind: string; message: string } | null;
  /** A number in [0, 1) drawn once per attempt, so the jittered time stays the same on every read. */
  jitter: number;
}

/** The wait after an attempt: the interval, doubled per failure in a row (capped), jittered. */
export function waitAfter(outcome: Pick<SyncOutcome, 'failures' | 'jitter'>, intervalMs: number) {
  const base =
    outcome.failures > 0
      ? Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(outcome.failures, 30))
      : intervalMs;
  return Math.round(base * (1 + JITTER * (2 * outcome.jitter - 1)));
}

/** When an inbox syncs next. */
export function nextSyncAt(
  outcome: Pick<SyncOutcome, 'at' | 'failures' | 'jitter'>,
  intervalMs: number,
) {
  return outcome.at + waitAfter(outcome, intervalMs);
}

/** The inbox due first, and when (an inbox with no outcome yet is due at once). */
export function firstDue(
  inboxes: { name: string; outcome: SyncOutcome | null }[],
  intervalMs: number,
  now: number,
): { inbox: string; at: number } | null {
  let best: { inbox: string; at: number } | null = null;
  for (const ib of inboxes) {
    const at = ib.outcome ? nextSyncAt(ib.outcome, intervalMs) : now;
    if (!best || at < best.at) best = { inbox: ib.name, at };
  }
  return best;
}

/** The outcome recorded after an attempt; an offline attempt is no failure of the host's. */
export function nextOutcome(
  prev: Pick<SyncOutcome, 'failures'> | null,
  ended: { at: number; added: number; error: { kind: string; message: string } | null },
  jitter: number,
): SyncOutcome {
  const failed = !!ended.error && ended.error.kind !== 'offline';
  return {
    at: ended.at,
    added: ended.added,
    failures: failed ? (prev?.failures ?? 0) + 1 : 0,
    error: ended.error,
    jitter,
  };
}

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function ago(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** "now", "in 40 s", "in 4 min", "in 2 h". */
export function within(ms: number): string {
  if (ms < 1000) return 'now';
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`;
  const min = Math.round(ms / 60_000);
  return min < 120 ? `in ${min} min` : `in ${Math.round(min / 60)} h`;
}

/** A word or two for a failure: its HTTP status when the server answered, else its kind. */
export function failureLabel(error: { kind: string; message: string }): string {
  const status = /answered (\d{3})/.exec(error.message)?.[1];
  if (status) return status;
  switch (error.kind) {
    case 'not-found':
      return '404';
    case 'offline':
      return 'offline';
    case 'unreachable':
      return 'host unreachable';
    case 'rate-limited':
      return 'server busy';
    case 'refused':
      return 'refused by the proxy';
    case 'html':
    case 'bad-feed':
      return 'not a feed';
    case 'damaged':
      return 'download damaged';
    case 'storage':
      return 'storage full';
    default:
      return error.kind;
  }
}

/**
 * The line an inbox shows about its syncing: "synced 3 min ago · 14 new",
 * "failed 2 min ago: 503 · retrying in 4 min"; `nextAt` null when syncing
 * on its own is paused or off. An inbox that is not followed, only holding
 * watched threads, says "checked".
 */
export function syncLine(
  outcome: SyncOutcome,
  now: number,
  nextAt: number | null,
  verb: 'synced' | 'checked' = 'synced',
): string {
  const when = ago(now - outcome.at);
  if (!outcome.error) return `${verb} ${when} · ${outcome.added} new`;
  const retry = nextAt === null ? '' : ` · retrying ${within(nextAt - now)}`;
  return `failed ${when}: ${failureLabel(outcome.error)}${retry}`;
}

/** The query of unread mail in some inboxes (none: nothing matches, so null). */
export function unreadQuery(inboxes: readonly string[]): string | null {
  if (!inboxes.length) return null;
  const names = inboxes.map((n) => `inbox:"${n.replace(/"/g, '')}"`);
  return `is:unread AND (${names.join(' OR ')})`;
}

/** The tab title: the unread count of followed inboxes first, as mail clients do. */
export function unreadTitle(count: { count: number; capped: boolean } | null): string {
  if (!count?.count) return 'Loupe';
  return `(${count.count}${count.capped ? '+' : ''}) Loupe`;
}
