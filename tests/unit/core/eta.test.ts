import { describe, expect, it } from 'vitest';
import { formatDuration, timeLeft } from '../../../src/core/eta';

describe('time left of an import', () => {
  it('extrapolates the rate so far over what is left', () => {
    // 10 MB of 40 MB in 5 s: 30 MB more at 2 MB/s.
    expect(timeLeft(10e6, 40e6, 5000)).toBe(15);
  });

  it('gives nothing in the first seconds, however far the count got', () => {
    // The report of 1,800 of 8,000 messages after 1 s said "1s left".
    expect(timeLeft(1800, 8000, 1000)).toBeNull();
    expect(timeLeft(1800, 8000, 2999)).toBeNull();
    expect(timeLeft(1800, 8000, 3000)).toBe(11);
  });

  it('gives nothing before a few percent are done', () => {
    expect(timeLeft(2, 100, 60_000)).toBeNull();
    expect(timeLeft(3, 100, 60_000)).toBe(1940);
  });

  it('gives nothing without a total, or once the total is reached', () => {
    expect(timeLeft(500, null, 10_000)).toBeNull();
    expect(timeLeft(500, 0, 10_000)).toBeNull();
    expect(timeLeft(500, 500, 10_000)).toBeNull();
    expect(timeLeft(600, 500, 10_000)).toBeNull();
  });

  it('says seconds, minutes and hours the way people read them', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(150)).toBe('3 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(4800)).toBe('1 h 20 min');
  });
});
