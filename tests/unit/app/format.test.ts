import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatAddress, formatBytes, isoDay, longDate, shortDate } from '../../../src/app/format';

// 2020-05-24 18:44:07 UTC is 2020-05-25 00:14:07 in India (+05:30, no DST): a day
// and a half-hour offset show whether the reader's zone is used.
const T = Date.UTC(2020, 4, 24, 18, 44, 7);

describe('dates in the reader’s time zone', () => {
  beforeAll(() => {
    vi.stubEnv('TZ', 'Asia/Kolkata');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('shows lore’s short date in local time', () => {
    expect(shortDate(T)).toBe('2020-05-25 00:14');
  });

  it('shows the long date with seconds and the zone offset', () => {
    expect(longDate(T)).toBe('2020-05-25 00:14:07 +0530');
  });

  it('says so when a message has no date', () => {
    expect(shortDate(0)).toBe('????-??-?? ??:??');
    expect(longDate(0)).toBe('unknown date');
  });

  it('gives the UTC day for date inputs, whatever the zone', () => {
    expect(isoDay(T)).toBe('2020-05-24');
  });
});

describe('display helpers', () => {
  it('writes an address with its name when there is one', () => {
    expect(formatAddress({ name: 'Ann Author', address: 'ann@example.org' })).toBe(
      'Ann Author <ann@example.org>',
    );
    expect(formatAddress({ name: '', address: 'ann@example.org' })).toBe('ann@example.org');
    expect(formatAddress({ name: 'undisclosed-recipients', address: '' })).toBe(
      'undisclosed-recipients',
    );
  });

  it('sizes bytes in the largest unit under 1024', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(340 * 1024 + 100)).toBe('340 KB');
    expect(formatBytes(1.25 * 1024 * 1024)).toBe('1.3 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GB');
  });
});
