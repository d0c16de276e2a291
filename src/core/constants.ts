/** Values more than one module speaks of, defined once. */

/** Milliseconds in a day (UTC days: the app does its date arithmetic in UTC). */
export const DAY = 86_400_000;

/** The inbox name meaning "every inbox". */
export const ALL = '*';
