/**
 * How a thread's row in the list is named, one rule for every writer of
 * thread rows (the batch store and the re-threading after a deletion).
 */
import type { Address } from './types';

/**
 * The message a thread is named after: like lore, its root when the root is a
 * stored message, else its earliest. Its author is the thread's first participant.
 */
export function namingMessage<T extends { id: string; date: number }>(
  rootId: string,
  msgs: Iterable<T>,
): T | undefined {
  let earliest: T | undefined;
  for (const m of msgs) {
    if (m.id === rootId) return m;
    if (!earliest || m.date < earliest.date) earliest = m;
  }
  return earliest;
}

/** How a thread row lists a participant: the display name, else the address. */
export function participantOf(from: Address): string {
  return from.name || from.address || '(unknown)';
}
