import { describe, expect, it } from 'vitest';
import {
  MARGIN,
  OVERSCAN,
  READ_AHEAD,
  rowsToRead,
  shownRows,
  type RowRange,
} from '../../../src/app/list-window';

/** Scrolls from `fromPx` to `toPx` in steps of `stepPx`, as frames would, counting the reads. */
function scroll(fromPx: number, toPx: number, stepPx: number, heightPx = 900, rowPx = 24) {
  let read: RowRange = { from: 0, to: 0 };
  const reads: RowRange[] = [];
  const dir = Math.sign(toPx - fromPx);
  for (let y = fromPx; dir * (toPx - y) >= 0; y += dir * stepPx) {
    const shown = shownRows(y, heightPx, rowPx);
    const next = rowsToRead(read, shown);
    if (next !== read) reads.push(next);
    read = next;
    // Every row shown is among the rows read.
    expect(read.from).toBeLessThanOrEqual(shown.from);
    expect(read.to).toBeGreaterThanOrEqual(shown.to);
  }
  return reads;
}

describe('the rows a thread list shows', () => {
  it('are the viewport’s rows and OVERSCAN more on each side', () => {
    // 900 px of 24 px rows from row 100: rows 100..137 are (partly) visible.
    expect(shownRows(2400, 900, 24)).toEqual({ from: 100 - OVERSCAN, to: 138 + OVERSCAN });
  });

  it('start at the first row at the top of the list', () => {
    expect(shownRows(0, 900, 24)).toEqual({ from: 0, to: 38 + OVERSCAN });
    expect(shownRows(5 * 24, 900, 48).from).toBe(0);
  });
});

describe('the rows a thread list reads', () => {
  it('stay the same window while the rows shown stay within its margin', () => {
    const read = { from: 0, to: 400 };
    expect(rowsToRead(read, shownRows(0, 900, 24))).toBe(read);
    expect(rowsToRead(read, { from: 100, to: 400 - MARGIN })).toBe(read);
  });

  it('reach READ_AHEAD further down once the rows shown near its bottom edge', () => {
    const read = { from: 0, to: 400 };
    const shown = { from: 250, to: 400 - MARGIN + 1 };
    expect(rowsToRead(read, shown)).toEqual({
      from: 250 - MARGIN,
      to: shown.to + READ_AHEAD,
    });
  });

  it('reach READ_AHEAD further up once the rows shown near its top edge', () => {
    const read = { from: 1000, to: 1400 };
    const shown = { from: 1000 + MARGIN - 1, to: 1200 };
    expect(rowsToRead(read, shown)).toEqual({
      from: shown.from - READ_AHEAD,
      to: 1200 + MARGIN,
    });
  });

  it('need no margin above the first row', () => {
    const read = { from: 0, to: 400 };
    expect(rowsToRead(read, { from: 0, to: 58 })).toBe(read);
  });

  it('are read a few times a second, not every frame, in a fast scroll', () => {
    // The bench's scroll: 6,000 px/s for 4 s at 60 frames a second, 100 px a frame.
    const reads = scroll(0, 24_000, 100);
    expect(reads.length).toBeGreaterThan(1);
    // 1,000 rows scrolled, READ_AHEAD - MARGIN new rows a read (the old way read every frame: 240 reads).
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(1000 / (READ_AHEAD - MARGIN)) + 1);
    expect(scroll(24_000, 0, 100).length).toBeLessThanOrEqual(reads.length + 1);
  });

  it('cover a jump anywhere in the list with one read', () => {
    let read: RowRange = { from: 0, to: 278 };
    read = rowsToRead(read, shownRows(500_000, 900, 24));
    const shown = shownRows(500_000, 900, 24);
    expect(read.from).toBeLessThanOrEqual(shown.from);
    expect(read.to).toBeGreaterThanOrEqual(shown.to);
  });
});
