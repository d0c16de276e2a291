/**
 * A value as JSON in UTF-8 bytes, for large values that workers send each other
 * through the page: an ArrayBuffer is transferred, not cloned, so the page's main
 * thread neither reads nor writes what it relays. The search worker's table of
 * 100k Message-IDs, sent as an array of strings, was cloned in and out of the page
 * right after an import, while the reader scrolled the list: up to 240 ms of the
 * main thread in one 4-second scroll.
 */

/** `value` as JSON bytes (the buffer is the bytes' own, to be transferred). */
export function toJsonBytes(value: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** The value `toJsonBytes` encoded. */
export function fromJsonBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}
