/**
 * Which rows of a virtual list are in the DOM and which are read from IndexedDB.
 *
 * The rows shown are the viewport's plus OVERSCAN on each side, moving in steps
 * of STEP rows. The rows read are a wider window, read again only when the rows
 * shown come within MARGIN of its edge, and then reaching READ_AHEAD rows further
 * the way the list is scrolled. Each read is a transaction, an index cursor in the
 * browser process and a structured clone of every row on the main thread: reading
 * the shown rows again on every frame of a fast scroll (four new rows a frame)
 * cost more than drawing them, and right after a large import, with IndexedDB
 * busy compacting, the reads queued up behind each other. A window next to the
 * rows already read starts at the key of its neighbour row and reads only the
 * rows not in hand (`windowRead`), not by walking the list to its offset.
 */

/** A range of row positions, `from` included, `to` excluded. */
export interface RowRange {
  from: number;
  to: number;
}

/** Rows kept in the DOM beyond each edge of the viewport. */
export const OVERSCAN = 20;
/** Rows read beyond the rows shown, the way the list scrolls. */
export const READ_AHEAD = 200;
/**
 * Rows shown may come this close to the edge of the rows read before they are
 * read again: with OVERSCAN, what a read may take before the viewport reaches
 * rows not read yet (100 rows: 0.4 s at 6,000 px/s).
 */
export const MARGIN = 80;

/**
 * The rows in the DOM change in steps of this many: the rows shown are the
 * viewport's and at least OVERSCAN more on each side, rounded out to a multiple of
 * STEP, so a fast scroll (four rows a frame at 6,000 px/s) adds and removes rows
 * every few frames, a layout each, instead of on every frame.
 */
export const STEP = 16;

/**
 * The rows in the DOM for a scroll position (rows of `rowPx`, a viewport of
 * `heightPx`): `prev` itself while they are the same, so nothing downstream moves.
 */
export function shownRows(
  scrollTop: number,
  heightPx: number,
  rowPx: number,
  prev?: RowRange,
): RowRange {
  const first = Math.floor(scrollTop / rowPx);
  const from = Math.max(0, Math.floor((first - OVERSCAN) / STEP) * STEP);
  // A span of whole steps from `from`, so both ends move at once: the most the
  // first row can be past `from + OVERSCAN` is STEP - 1 rows.
  const span = Math.ceil((Math.ceil(heightPx / rowPx) + 2 * OVERSCAN + STEP) / STEP) * STEP;
  const to = from + span;
  return prev && prev.from === from && prev.to === to ? prev : { from, to };
}

/**
 * The rows to read: `read` (the same object) while it covers `shown` with MARGIN
 * to spare, else a new window reaching READ_AHEAD further (down, unless only the
 * top edge is passed).
 */
export function rowsToRead(read: RowRange, shown: RowRange): RowRange {
  const behind = read.from > Math.max(0, shown.from - MARGIN);
  const ahead = read.to < shown.to + MARGIN;
  if (!behind && !ahead) return read;
  return behind && !ahead
    ? { from: Math.max(0, shown.from - READ_AHEAD), to: shown.to + MARGIN }
    : { from: Math.max(0, shown.from - MARGIN), to: shown.to + READ_AHEAD };
}

/**
 * How a window is read when the rows of `have` are in hand: by offset, or beside
 * one of them (`row`, its index in them) reading only the positions `read` not in
 * hand, the rows of `keep` (positions of `have`) kept as they were read. A window
 * reaching READ_AHEAD past a MARGIN overlaps the one before it by two thirds: read
 * whole, most of each read were rows already in hand, and right after a large import
 * each row read costs the browser process and the main thread their most.
 */
export type WindowRead =
  { side: 'offset' } | { side: 'older' | 'newer'; row: number; keep: RowRange; read: RowRange };

/**
 * How to read `want` when the rows of `have` are in hand (`count` of them: fewer
 * at the list's end): when they reach into it or end next to it, beside the last
 * of them (scrolling down) or the first (scrolling up), keeping those inside it.
 * Otherwise (the top of the list, or a jump far from the rows read, such as a
 * scrollbar drag) by offset.
 */
export function windowRead(have: RowRange | null, count: number, want: RowRange): WindowRead {
  if (!have || !count || want.from === 0) return { side: 'offset' };
  const end = have.from + count;
  if (want.from >= have.from && want.from <= end) {
    const keep = { from: want.from, to: Math.min(end, want.to) };
    return { side: 'older', row: end - 1 - have.from, keep, read: { from: keep.to, to: want.to } };
  }
  if (want.to >= have.from && want.to <= end)
    return {
      side: 'newer',
      row: 0,
      keep: { from: have.from, to: want.to },
      read: { from: want.from, to: have.from },
    };
  return { side: 'offset' };
}
