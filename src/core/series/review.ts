/**
 * The review state of each patch of a version, as a maintainer scans it:
 * the trailers it collected, how many replies it drew, whether a reply says
 * plainly NAK or asks for changes, and whether it changed since the previous
 * version.
 */
import { patchKey } from '../patch';
import type { Classified, SeriesVersion, ThreadSeries } from './detect';
import type { GivenTrailer } from './trailers';

/** Since the previous version: the same diff, changed, or new. */
export type Change = 'same' | 'changed' | 'new' | 'first';

/** One patch's review state. */
export interface PatchReview {
  number: number;
  id: string;
  subject: string;
  trailers: GivenTrailer[];
  replies: number;
  /** Message-IDs of replies that say NAK/Nacked-by or ask for changes. */
  objections: string[];
  change: Change;
}

// A whole unquoted line, so "not a NAK" in prose or a quoted NAK do not count.
const OBJECTION =
  /^\s*(?:NAK|NACK)\b|^Nacked-by:|\bchanges? requested\b|\bplease (?:rework|respin|resend)\b/im;

/** True when a reply's own (unquoted) text objects to the patch. */
export function objects(text: string): boolean {
  const own = text
    .split('\n-- \n', 1)[0]
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('\n');
  return OBJECTION.test(own);
}

/** The review state of every patch of `version`; `previous` is the version before it, if known. */
export function reviewState(
  thread: ThreadSeries,
  version: SeriesVersion,
  trailers: GivenTrailer[][],
  previous: SeriesVersion | null,
): (PatchReview | null)[] {
  const below = new Map<string, Classified[]>();
  for (const f of thread.followups) {
    // A reply counts for the patch or cover it hangs under, however deep.
    let up = f.mail.inReplyTo;
    for (let steps = 0; up && steps <= thread.byId.size; steps++) {
      const p = thread.byId.get(up);
      if (!p) break;
      if (!p.reply) {
        below.set(p.mail.id, [...(below.get(p.mail.id) ?? []), f]);
        break;
      }
      up = p.mail.inReplyTo;
    }
  }
  const prevKeys = new Set(previous?.patches.flatMap((p) => (p ? [patchKey(p.mail.text)] : [])));
  const prevSubjects = new Set(previous?.patches.flatMap((p) => (p ? [p.tags.subject] : [])));
  return version.patches.map((p, i) => {
    if (!p) return null;
    const replies = below.get(p.mail.id) ?? [];
    let change: Change = 'first';
    if (previous)
      change = prevKeys.has(patchKey(p.mail.text))
        ? 'same'
        : prevSubjects.has(p.tags.subject)
          ? 'changed'
          : 'new';
    return {
      number: i + 1,
      id: p.mail.id,
      subject: p.tags.subject,
      trailers: trailers[i] ?? [],
      replies: replies.length,
      objections: replies.filter((r) => objects(r.mail.text)).map((r) => r.mail.id),
      change,
    };
  });
}
