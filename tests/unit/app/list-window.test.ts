import { describe, expect, it } from 'vitest';
import {
  MARGIN,
  OVERSCAN,
  READ_AHEAD,
  rowsToRead,
  shownRows,
  STEP,
  windowRead,
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
  it('are the viewport’s rows and at least OVERSCAN more on each side, in steps of STEP', () => {
    // 900 px of 24 px rows from row 100: rows 100..137 are (partly) visible.
    const shown = shownRows(2400, 900, 24);
    expect(shown.from).toBeLessThanOrEqual(100 - OVERSCAN);
    expect(shown.from).toBeGreaterThan(100 - OVERSCAN - STEP);
    expect(shown.to).toBeGreaterThanOrEqual(138 + OVERSCAN);
    // Both ends move together: the span is a fixed number of steps.
    expect(shown.to).toBeLessThan(138 + OVERSCAN + 2 * STEP);
    expect(shownRows(2400 + 24 * 7, 900, 24).to - shownRows(2400 + 24 * 7, 900, 24).from).toBe(
      shown.to - shown.from,
    );
    expect([shown.from % STEP, shown.to % STEP]).toEqual([0, 0]);
  });

  it('start at the first row at the top of the list', () => {
    expect(shownRows(0, 900, 24).from).toBe(0);
    expect(shownRows(5 * 24, 900, 48).from).toBe(0);
  });

  it('stay the same object while a scroll stays within a step', () => {
    const first = shownRows(2400, 900, 24);
    expect(shownRows(2401, 900, 24, first)).toBe(first);
    expect(shownRows(2400 + 24 * (STEP - 1), 900, 24, first)).toBe(first);
    expect(shownRows(2400 + 24 * STEP, 900, 24, first)).not.toBe(first);
  });

  it('change every few frames of a fast scroll, not every frame', () => {
    // The bench's scroll: 100 px a frame of 24 px rows, 4 s.
    let shown = shownRows(0, 900, 24);
    let changes = 0;
    for (let y = 100; y <= 24_000; y += 100) {
      const next = shownRows(y, 900, 24, shown);
      if (next !== shown) changes++;
      shown = next;
      expect(shown.from).toBeLessThanOrEqual(Math.max(0, Math.floor(y / 24) - OVERSCAN));
    }
    // 1,000 rows scrolled: one change per STEP rows (four rows a frame: every fourth frame).
    expect(changes).toBeLessThanOrEqual(Math.ceil(1000 / STEP) + 1);
    expect(changes).toBeGreaterThanOrEqual(Math.floor(1000 / STEP) - 1);
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

describe('how a window is read', () => {
  it('beside the last row in hand when scrolling down, reading only the rows below it', () => {
    // Rows 100..379 in hand; the next window 300..580 keeps 300..379 and reads 380..579.
    expect(windowRead({ from: 100, to: 380 }, 280, { from: 300, to: 580 })).toEqual({
      side: 'older',
      row: 279,
      keep: { from: 300, to: 380 },
      read: { from: 380, to: 580 },
    });
  });

  it('beside the first row in hand when scrolling up, reading only the rows above it', () => {
    expect(windowRead({ from: 1000, to: 1280 }, 280, { from: 800, to: 1080 })).toEqual({
      side: 'newer',
      row: 0,
      keep: { from: 1000, to: 1080 },
      read: { from: 800, to: 1000 },
    });
  });

  it('beside a row just outside the window, keeping none', () => {
    expect(windowRead({ from: 100, to: 380 }, 280, { from: 380, to: 600 })).toEqual({
      side: 'older',
      row: 279,
      keep: { from: 380, to: 380 },
      read: { from: 380, to: 600 },
    });
  });

  it('by offset at the top of the list, for a jump, and before any rows are read', () => {
    expect(windowRead({ from: 100, to: 380 }, 280, { from: 0, to: 300 })).toEqual({
      side: 'offset',
    });
    // A scrollbar drag from the top to the middle of 10,000 threads.
    expect(windowRead({ from: 0, to: 280 }, 280, { from: 4900, to: 5200 })).toEqual({
      side: 'offset',
    });
    expect(windowRead(null, 0, { from: 300, to: 580 })).toEqual({ side: 'offset' });
  });

  it('only beside a row that was really read: the list may end before the range read', () => {
    // The range read asked for 280 rows but the list had 150: rows 250..299 are not in hand.
    expect(windowRead({ from: 100, to: 380 }, 150, { from: 300, to: 580 })).toEqual({
      side: 'offset',
    });
    expect(windowRead({ from: 100, to: 380 }, 150, { from: 200, to: 480 })).toEqual({
      side: 'older',
      row: 149,
      keep: { from: 200, to: 250 },
      read: { from: 250, to: 480 },
    });
  });

  it('reads each row of a scroll down and back up about once, not each window whole', () => {
    let read: RowRange = { from: 0, to: 0 };
    let have: RowRange | null = null;
    const sides: string[] = [];
    let rowsRead = 0;
    let windowsRead = 0;
    for (const y of [...Array(241).keys()]
      .map((k) => k * 100)
      .concat([...Array(241).keys()].map((k) => 24_000 - k * 100))) {
      const next = rowsToRead(read, shownRows(y, 900, 24));
      if (next === read) continue;
      const how = windowRead(have, have ? have.to - have.from : 0, next);
      sides.push(how.side);
      if (how.side === 'offset') rowsRead += next.to - next.from;
      else {
        // The rows kept and the rows read make up the window, in order.
        expect(how.side === 'older' ? how.keep.from : how.read.from).toBe(next.from);
        expect(how.side === 'older' ? how.read.to : how.keep.to).toBe(next.to);
        expect(how.side === 'older' ? how.keep.to : how.read.to).toBe(
          how.side === 'older' ? how.read.from : how.keep.from,
        );
        rowsRead += how.read.to - how.read.from;
      }
      windowsRead += next.to - next.from;
      have = read = next;
    }
    // Only the very first read (and any read of the top rows) walks from the top.
    expect(sides.filter((s) => s === 'offset').length).toBeLessThanOrEqual(2);
    expect(sides).toContain('older');
    expect(sides).toContain('newer');
    // 1,000 rows down and 1,000 back up: the rows read are about those passed, a
    // third of the windows' rows.
    expect(rowsRead).toBeLessThan(windowsRead / 2);
    expect(rowsRead).toBeLessThan(2 * 1000 + 2 * (READ_AHEAD + MARGIN + 100));
  });
});
