/**
 * The versions of one series across threads. Each version of a series is
 * usually its own thread; they belong together when b4's `change-id:` says
 * so, when one cover letter links to another version's mail (a lore URL in
 * "v1: https://lore.kernel.org/..."), or when the series subject and the
 * author are the same.
 */
import type { SeriesVersion } from './detect';

/** A version of a series found in some thread. */
export interface VersionRef {
  threadId: string;
  series: SeriesVersion;
}

/** The Message-IDs a text links to through public-inbox URLs (`/r/ID`, `/LIST/ID/`). */
export function linkedMessageIds(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(
    /https?:\/\/[^\s/]+\/(?:[^\s/]+\/)?([^\s/<>"]+@[^\s/<>"]+?)\/?(?=[\s>")\]]|$)/g,
  )) {
    try {
      out.add(decodeURIComponent(m[1]));
    } catch {
      out.add(m[1]);
    }
  }
  return [...out];
}

function author(s: SeriesVersion): string {
  const first = s.cover ?? s.patches.find((p) => p !== null) ?? null;
  return first?.mail.from.address.toLowerCase() ?? '';
}

function ids(s: SeriesVersion): Set<string> {
  return new Set(
    [s.cover?.mail.id, ...s.patches.map((p) => p?.mail.id)].filter((x): x is string => !!x),
  );
}

const key = (s: SeriesVersion) => s.subject.replace(/\s+/g, ' ').trim().toLowerCase();

/** True when two versions found in different threads are the same series. */
export function sameSeries(a: SeriesVersion, b: SeriesVersion): boolean {
  if (a.changeId && b.changeId) return a.changeId === b.changeId;
  const links = (from: SeriesVersion, to: SeriesVersion) => {
    const target = ids(to);
    return linkedMessageIds(from.cover?.mail.text ?? '').some((id) => target.has(id));
  };
  if (links(a, b) || links(b, a)) return true;
  return key(a) === key(b) && author(a) === author(b);
}

/**
 * The versions of `base`'s series among candidates, oldest first; when one
 * version was posted twice (a RESEND), the later posting stands for it.
 */
export function linkVersions<R extends VersionRef>(base: R, candidates: readonly R[]): R[] {
  const byVersion = new Map<number, R>();
  const date = (r: VersionRef) =>
    (r.series.cover ?? r.series.patches.find((p) => p))?.mail.date ?? 0;
  for (const c of [base, ...candidates]) {
    if (c !== base && !sameSeries(base.series, c.series)) continue;
    const had = byVersion.get(c.series.version);
    if (!had || date(had) < date(c)) byVersion.set(c.series.version, c);
  }
  return [...byVersion.values()].sort((a, b) => a.series.version - b.series.version);
}

/** The date a version was posted (its cover letter's, else its first patch's). */
export function postedAt(s: SeriesVersion): number {
  return (s.cover ?? s.patches.find((p) => p !== null))?.mail.date ?? 0;
}
