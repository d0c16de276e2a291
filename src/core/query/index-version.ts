/**
 * The version of what the index holds: bump it with any change to the keys a
 * message is indexed by (eachToken in terms.ts, the field groups in fields.ts, the
 * special keys) or to the posting format, and the writer rebuilds every index
 * written before. Indexes that carry no version were written at version 1.
 * A module of its own: the page reads the index counters without the tokenizer.
 */
export const INDEX_VERSION = 1;
