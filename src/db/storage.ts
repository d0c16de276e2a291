/**
 * Storage as the reader sees it: the approximate size of each inbox, how much
 * the browser lets Loupe use, keeping the data persistent, and how much more
 * space an import stopped by a full disk needs. Reads only.
 */
import type { LoupeDB } from './schema';
import { indexedSizes } from './search/sizes';

/** One inbox's share of the store. */
export interface InboxSize {
  name: string;
  messages: number;
  /** Raw mail bytes of its messages (cross-posts count in each inbox). */
  rawBytes: number;
  /** Approximate bytes on disk: raw mail, message and thread rows and index together. */
  approxBytes: number;
}

// Measured by the bench in Chromium (10k and 100k generated messages): stored size
// is about 1.5x the raw mail (message rows with their raw bytes, the text of mail
// that is not plain, thread rows and search postings).
const STORED_PER_RAW_BYTE = 1.5;

/** Message count and approximate size of every inbox, without loading message bodies. */
export async function inboxSizes(db: LoupeDB): Promise<InboxSize[]> {
  const inboxes = await db.inboxes.orderBy('name').toArray();
  const sizes = await indexedSizes(db);
  return Promise.all(
    inboxes.map(async ({ name }) => {
      const messages = await db.messages.where('inboxes').equals(name).count();
      const { bytes, count: indexed } = sizes.get(name.toLowerCase()) ?? { bytes: 0, count: 0 };
      let rawBytes = bytes;
      // Messages not indexed yet count at the average size of the indexed ones.
      if (indexed && indexed < messages) rawBytes = (rawBytes / indexed) * messages;
      return { name, messages, rawBytes, approxBytes: Math.round(rawBytes * STORED_PER_RAW_BYTE) };
    }),
  );
}

/** Storage figures of an import that stopped on a full disk. */
export interface SpaceInput {
  /** Origin usage (navigator.storage.estimate) before the import started and when it stopped. */
  usageBefore: number | null;
  usageAfter: number | null;
  /** Messages parsed, stored, and parsed but not stored because of the error. */
  messages: number;
  added: number;
  lost: number;
  /** Input bytes read (the reader runs a little ahead of the parser) and the input's size. */
  bytesRead: number;
  totalBytes: number | null;
  gzip: boolean;
}

/**
 * Bytes that finishing an import still needs, or null when unknown. Free space
 * is not subtracted: the import just proved there is less than the estimate's
 * quota suggests (the disk, or a quota the estimate does not show, ran out).
 */
export function spaceNeeded(s: SpaceInput): number | null {
  const unread = s.totalBytes && s.bytesRead > 0 ? Math.max(0, s.totalBytes - s.bytesRead) : 0;
  const grown = (s.usageAfter ?? 0) - (s.usageBefore ?? 0);
  if (s.usageBefore !== null && s.usageAfter !== null && grown > 0 && s.added > 0) {
    // What the stored batches cost per message, times the messages still to store.
    const left = s.lost + (s.messages > 0 ? (unread * s.messages) / s.bytesRead : 0);
    return left > 0 ? Math.round((grown / s.added) * left * 1.1) : null;
  }
  if (!s.totalBytes) return null;
  // Nothing committed to measure: typical ratios (gzip'd mail inflates about
  // 4x, and storing costs about 1.5x the raw mail).
  const left = s.totalBytes - (s.messages > 0 ? s.bytesRead * (s.added / s.messages) : 0);
  return Math.round(left * (s.gzip ? 4 : 1) * STORED_PER_RAW_BYTE * 1.1);
}

/** Storage figures for the settings page. */
export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

/** What the browser says about Loupe's storage (null where it does not say). */
export async function storageInfo(): Promise<StorageInfo> {
  const s = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  const est = await s?.estimate?.().catch(() => undefined);
  const persisted = (await s?.persisted?.().catch(() => null)) ?? null;
  return { usage: est?.usage ?? null, quota: est?.quota ?? null, persisted };
}

let asked = false;

/**
 * Asks the browser once per session to keep Loupe's data under storage
 * pressure; called before the first real import (not the demo).
 */
export async function askPersistence(): Promise<boolean> {
  const s = navigator.storage;
  if (!s?.persist) return false;
  if (await s.persisted()) return true;
  if (asked) return false;
  asked = true;
  return s.persist().catch(() => false);
}

/** Bytes that an import stopped by a full disk still needs, or null when unknown. */
export async function importShortfall(
  usageBefore: number | null,
  r: { messages: number; added: number; lost: number; bytes: number; totalBytes: number | null },
  gzip: boolean,
): Promise<number | null> {
  const now = await storageInfo();
  return spaceNeeded({
    usageBefore,
    usageAfter: now.usage,
    messages: r.messages,
    added: r.added,
    lost: r.lost,
    bytesRead: r.bytes,
    totalBytes: r.totalBytes,
    gzip,
  });
}
