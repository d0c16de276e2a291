/**
 * Message-IDs, References and List-Id values: ids taken out of header text.
 */
import { MAX_REFERENCES } from '../thread';

/** Longest Message-ID we keep as is; longer ones are replaced by a synthetic id. */
export const MAX_ID = 250;

/** Extracts `<id>` tokens from a header value, in order, without brackets. */
export function extractIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>\s]+)>/g)) ids.push(m[1]);
  if (ids.length === 0) {
    // Some mailers omit the brackets; accept a bare token that looks like an id.
    for (const m of value.matchAll(/(?:^|\s)([^\s<>@"()]+@[^\s<>"()]+)/g))
      ids.push(m[1].replace(/[,;]$/, ''));
  }
  return ids;
}

/** The list id of a List-Id value ("USB dev <linux-usb.vger.kernel.org>" -> "linux-usb.vger.kernel.org"). */
export function listIdOf(value: string): string {
  return (extractIds(value)[0] ?? value).trim().toLowerCase();
}

/** Normalizes a Message-ID header value; null when unusable. */
export function normalizeMessageId(value: string | undefined): string | null {
  const id = extractIds(value)[0] ?? value?.trim().replace(/^<|>$/g, '');
  if (!id || id.length > MAX_ID || /[\s<>]/.test(id)) return null;
  return id;
}

/**
 * Parses References into unique ids, oldest first, never including `self`; only the newest
 * `max` are kept (see MAX_REFERENCES in thread.ts).
 */
export function parseReferences(
  value: string | undefined,
  self: string,
  max = MAX_REFERENCES,
): string[] {
  const seen = new Set<string>([self]);
  const out: string[] = [];
  for (const id of extractIds(value)) {
    if (id.length > MAX_ID || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out.length > max ? out.slice(-max) : out;
}
