/**
 * The series of a stored thread, read for the series view and the thread's
 * series bar: the thread's versions, the other versions found in other
 * threads, and the am-ready mbox download. Reads only; the logic is src/core/series.
 */
import { amReady, writeAmMbox } from '../core/series/am';
import { detectSeries, type SeriesVersion, type ThreadSeries } from '../core/series/detect';
import { linkVersions, linkedMessageIds, type VersionRef } from '../core/series/versions';
import { threadOf } from '../db/queries';
import type { LoupeDB } from '../db/schema';
import { threadMailsByDate, versionCandidates } from '../db/series';

/** A version of the series, with the thread it was found in. */
export interface LoadedVersion extends VersionRef {
  thread: ThreadSeries;
}

/** The series a message belongs to: every version found, oldest first, and the one holding it. */
export interface LoadedSeries {
  versions: LoadedVersion[];
  /** Index in `versions` of the version whose thread holds the message. */
  current: number;
  /** Message-IDs a cover letter links to (other versions) that are not in the cache. */
  notCached: string[];
}

/** Reads the series of the thread holding `msgid`; null when it holds no patch. */
export async function loadSeries(db: LoupeDB, msgid: string): Promise<LoadedSeries | null> {
  const thread = await threadOf(db, msgid);
  if (!thread) return null;
  const own = detectSeries(await threadMailsByDate(db, thread.id));
  const base = own.versions[own.versions.length - 1];
  if (!base) return null;
  const linked = own.versions.flatMap((v) => linkedMessageIds(v.cover?.mail.text ?? ''));
  const others: LoadedVersion[] = [];
  for (const t of await versionCandidates(db, thread, linked)) {
    const found = detectSeries(await threadMailsByDate(db, t.id));
    for (const series of found.versions) others.push({ threadId: t.id, series, thread: found });
  }
  const mine: LoadedVersion[] = own.versions.map((series) => ({
    threadId: thread.id,
    series,
    thread: own,
  }));
  const versions = linkVersions(mine[mine.length - 1], [...mine.slice(0, -1), ...others]);
  const current = Math.max(
    0,
    versions.findIndex((v) => v.threadId === thread.id && v.series === base),
  );
  const stored = await Promise.all(linked.map(async (id) => !!(await threadOf(db, id))));
  return { versions, current, notCached: linked.filter((_, i) => !stored[i]) };
}

/** The am-ready mbox text of one version and what it holds. */
export function amMboxOf(
  thread: ThreadSeries,
  version: SeriesVersion,
): {
  text: string;
  patches: number;
  added: number;
} {
  const result = amReady(thread, version.version);
  const patches = result?.patches ?? [];
  return {
    text: writeAmMbox(patches),
    patches: patches.length,
    added: patches.reduce((n, p) => n + p.added.length, 0),
  };
}

/** A file name like b4's: v2_20261109_ada_frob_make_the_counter_safe.mbx. */
export function amFileName(version: SeriesVersion): string {
  const first = version.cover ?? version.patches.find((p) => p !== null);
  const day = new Date(first?.mail.date ?? 0).toISOString().slice(0, 10).replace(/-/g, '');
  const local = (first?.mail.from.address ?? '').split('@')[0];
  const slug = `${day}_${local}_${version.subject}`.replace(/\W+/g, '_').replace(/^_|_$/g, '');
  return (
    `${version.version > 1 ? `v${version.version}_` : ''}${slug.toLowerCase()}`.slice(0, 100) +
    '.mbx'
  );
}
