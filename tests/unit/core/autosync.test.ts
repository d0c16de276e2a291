import { describe, expect, it } from 'vitest';
import {
  MAX_BACKOFF_MS,
  ago,
  failureLabel,
  firstDue,
  nextOutcome,
  nextSyncAt,
  syncLine,
  unreadQuery,
  unreadTitle,
  waitAfter,
  within,
  type SyncOutcome,
} from '../../../src/core/autosync';

const MIN = 60_000;
const ok = (at: number, added = 0, jitter = 0.5): SyncOutcome => ({
  at,
  added,
  failures: 0,
  error: null,
  jitter,
});
const busy = {
  kind: 'rate-limited',
  message: '127.0.0.1:8089 is busy (answered 503) after 3 retries; try again later.',
};

describe('when an inbox syncs next', () => {
  it('waits the interval after a success, jittered by at most a tenth either way', () => {
    expect(waitAfter(ok(0), 10 * MIN)).toBe(10 * MIN);
    expect(waitAfter(ok(0, 0, 0), 10 * MIN)).toBe(9 * MIN);
    expect(waitAfter(ok(0, 0, 0.999999), 10 * MIN)).toBe(11 * MIN);
    expect(nextSyncAt(ok(1000), 10 * MIN)).toBe(1000 + 10 * MIN);
  });

  it('doubles the wait for every failure in a row, up to six hours', () => {
    const failed = (failures: number): SyncOutcome => ({ ...ok(0), failures, error: busy });
    expect(waitAfter(failed(1), 10 * MIN)).toBe(20 * MIN);
    expect(waitAfter(failed(2), 10 * MIN)).toBe(40 * MIN);
    expect(waitAfter(failed(3), 10 * MIN)).toBe(80 * MIN);
    expect(waitAfter(failed(9), 10 * MIN)).toBe(MAX_BACKOFF_MS);
    expect(waitAfter(failed(5000), 10 * MIN)).toBe(MAX_BACKOFF_MS);
  });

  it('counts failures in a row, starts over after a success, and does not blame the host when offline', () => {
    const e1 = nextOutcome(null, { at: 5, added: 0, error: busy }, 0.3);
    expect(e1).toEqual({ at: 5, added: 0, failures: 1, error: busy, jitter: 0.3 });
    const e2 = nextOutcome(e1, { at: 9, added: 0, error: busy }, 0.1);
    expect(e2.failures).toBe(2);
    const offline = { kind: 'offline', message: 'You are offline' };
    expect(nextOutcome(e2, { at: 10, added: 0, error: offline }, 0.1).failures).toBe(0);
    expect(nextOutcome(e2, { at: 11, added: 4, error: null }, 0.1)).toMatchObject({
      failures: 0,
      added: 4,
      error: null,
    });
  });

  it('picks the inbox due first; one never synced on its own is due now', () => {
    const now = 100 * MIN;
    const due = firstDue(
      [
        { name: 'linux-usb', outcome: ok(95 * MIN) },
        { name: 'io-uring', outcome: ok(92 * MIN) },
      ],
      10 * MIN,
      now,
    );
    expect(due).toEqual({ inbox: 'io-uring', at: 102 * MIN });
    expect(
      firstDue(
        [
          { name: 'a', outcome: ok(99 * MIN) },
          { name: 'b', outcome: null },
        ],
        10 * MIN,
        now,
      ),
    ).toEqual({ inbox: 'b', at: now });
    expect(firstDue([], 10 * MIN, now)).toBeNull();
  });
});

describe('what an inbox says about its syncing', () => {
  it('says when it synced and how much was new', () => {
    const now = 50 * MIN;
    expect(syncLine(ok(47 * MIN, 14), now, 57 * MIN)).toBe('synced 3 min ago · 14 new');
    expect(syncLine(ok(now - 5000, 0), now, null)).toBe('synced just now · 0 new');
    expect(syncLine(ok(now - 5000, 1), now, null, 'checked')).toBe('checked just now · 1 new');
  });

  it('says why it failed and when it tries again', () => {
    const now = 50 * MIN;
    const failed: SyncOutcome = { ...ok(48 * MIN), failures: 1, error: busy };
    expect(syncLine(failed, now, 54 * MIN)).toBe('failed 2 min ago: 503 · retrying in 4 min');
    expect(syncLine(failed, now, null)).toBe('failed 2 min ago: 503');
    const down = { kind: 'unreachable', message: 'Could not reach 127.0.0.1:8089: 502.' };
    expect(syncLine({ ...failed, error: down }, now, now + 30_000)).toBe(
      'failed 2 min ago: host unreachable · retrying in 30 s',
    );
  });

  it('names failures by their HTTP status, else by kind', () => {
    expect(
      failureLabel({
        kind: 'server',
        message: 'lore.kernel.org answered 500 Internal Server Error for x.',
      }),
    ).toBe('500');
    expect(
      failureLabel({ kind: 'not-found', message: 'x does not exist on the server (404).' }),
    ).toBe('404');
    expect(failureLabel({ kind: 'bad-feed', message: 'x is not a feed' })).toBe('not a feed');
    expect(failureLabel({ kind: 'offline', message: 'You are offline' })).toBe('offline');
  });

  it('tells times in the unit a reader expects', () => {
    expect(ago(59_000)).toBe('just now');
    expect(ago(3 * MIN + 5000)).toBe('3 min ago');
    expect(ago(150 * MIN)).toBe('2 h ago');
    expect(ago(3 * 24 * 60 * MIN)).toBe('3 days ago');
    expect(within(400)).toBe('now');
    expect(within(41_500)).toBe('in 42 s');
    expect(within(4 * MIN)).toBe('in 4 min');
    expect(within(300 * MIN)).toBe('in 5 h');
  });
});

describe('unread mail of followed inboxes', () => {
  it('asks for unread mail in exactly the followed inboxes', () => {
    expect(unreadQuery(['linux-usb', 'io"uring'])).toBe(
      'is:unread AND (inbox:"linux-usb" OR inbox:"iouring")',
    );
    expect(unreadQuery([])).toBeNull();
  });

  it('puts the count in front of the tab title, marking a capped one', () => {
    expect(unreadTitle({ count: 12, capped: false })).toBe('(12) Loupe');
    expect(unreadTitle({ count: 999, capped: true })).toBe('(999+) Loupe');
    expect(unreadTitle({ count: 0, capped: false })).toBe('Loupe');
    expect(unreadTitle(null)).toBe('Loupe');
  });
});
