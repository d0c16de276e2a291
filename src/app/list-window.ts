/**
 * Which rows of a virtual list are in the DOM and which are read from IndexedDB.
 *
 * The rows shown are the viewport's plus OVERSCAN on each side, and move with
 * every scrolled pixel. The rows read are a wider window, read again only when
 * the rows shown come within MARGIN of its edge, and then reaching READ_AHEAD
 * rows further the way the list is scrolled. Each read is a transaction, an
 * index cursor walked to its offset in the browser process and a structured
 * clone of every row on the main thread: reading the shown rows again on every
 * frame of a fast scroll (four new rows a frame) cost more than drawing them,
 * and right after a large import, with IndexedDB busy compacting, the reads
 * queued up behind each other.
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

/** The rows in the DOM for a scroll position (rows of `rowPx`, a viewport of `heightPx`). */
export function shownRows(scrollTop: number, heightPx: number, rowPx: number): RowRange {
  const first = Math.floor(scrollTop / rowPx);
  return {
    from: Math.max(0, first - OVERSCAN),
    to: first + Math.ceil(heightPx / rowPx) + OVERSCAN,
  };
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
