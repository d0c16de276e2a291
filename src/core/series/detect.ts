/**
 * The series in one thread: which messages are cover letters, patches and
 * follow-ups, grouped by version, with missing patches as gaps. The rules are
 * b4's (`LoreMailbox.add_message`), so `b4 am` and Loupe pick the same patches:
 * - a `Re:` subject is a follow-up, and so is an untagged reply that gives
 *   trailers without a diff;
 * - `0/N` is a cover letter (or an untagged message with a diffstat and no diff);
 * - a message with a diff is patch `N` of its version; a patch with no `vN`
 *   under a cover letter (or under patch 1) takes that one's version, and a
 *   second untagged series by the same author later in the thread is the next
 *   version;
 * - when two messages claim the same number, a real patch beats a reply and a
 *   numbered one beats an unnumbered one.
 */
import type { Address } from '../types';
import { hasDiff, hasDiffstat } from '../patch';
import { parseSubject, type PatchSubject } from './subject';
import { replyTrailers } from './trailers';

/** The fields of a message the series model reads (a MessageRecord has them all). */
export interface SeriesMail {
  id: string;
  subject: string;
  from: Address;
  date: number;
  inReplyTo: string | null;
  references: string[];
  text: string;
}

/** A message with what the series model learnt about it. */
export interface Classified {
  mail: SeriesMail;
  tags: PatchSubject;
  /** The version it was filed under (may differ from the subject's, see above). */
  version: number;
  reply: boolean;
  hasDiff: boolean;
  hasDiffstat: boolean;
}

/** One version of a series as found in a thread. */
export interface SeriesVersion {
  version: number;
  total: number;
  /** The cover letter, if any (`0/N`, or the diffstat-only message the patches answer). */
  cover: Classified | null;
  /** Patches by number: `patches[n - 1]` is `n/total`, null when missing. */
  patches: (Classified | null)[];
  /** The numbers of the missing patches. */
  missing: number[];
  rfc: boolean;
  /** The series subject (the cover's, else patch 1's), without tags. */
  subject: string;
  /** b4's `change-id:` from the cover letter, when the series was sent with b4. */
  changeId: string | null;
}

/** Every series version in a thread, and the messages that answer them. */
export interface ThreadSeries {
  versions: SeriesVersion[];
  /** Every cover letter seen, a resent one included. */
  covers: Classified[];
  followups: Classified[];
  byId: Map<string, Classified>;
}

interface Building {
  version: number;
  slots: (Classified | null)[];
  cover: Classified | null;
}

/** Finds the series in a thread's messages (given in arrival order). */
export function detectSeries(mails: readonly SeriesMail[]): ThreadSeries {
  const byId = new Map<string, Classified>();
  const building = new Map<number, Building>();
  const covers = new Map<number, Classified>();
  const allCovers: Classified[] = [];
  const followups: Classified[] = [];
  for (const mail of mails) {
    if (byId.has(mail.id)) continue;
    const c = classify(mail);
    byId.set(mail.id, c);
    if (c.reply) {
      followups.push(c);
      continue;
    }
    if (c.tags.counter === 0 && (c.tags.countersWritten || c.hasDiffstat)) {
      covers.set(c.version, c);
      allCovers.push(c);
      continue;
    }
    if (!c.hasDiff) continue;
    if (!building.has(c.version) && !c.tags.versionWritten && mail.inReplyTo) {
      const parent = byId.get(mail.inReplyTo);
      if (parent && parent.hasDiffstat && !parent.hasDiff) c.version = parent.version;
      else if (parent && c.tags.counter > 0 && parent.hasDiff && parent.tags.counter === 1)
        c.version = parent.version;
    }
    if (!building.has(c.version)) building.set(c.version, newBuilding(c.version));
    if (c.tags.counter === 1 && !c.tags.countersWritten && c.tags.patch && !c.tags.resend) {
      const old = building.get(c.version)?.slots[1];
      if (
        old &&
        !old.tags.countersWritten &&
        old.mail.from.address.toLowerCase() === mail.from.address.toLowerCase() &&
        old.mail.date < mail.date
      ) {
        c.version = building.size + 1;
        building.set(c.version, newBuilding(c.version));
      }
    }
    place(building.get(c.version) as Building, c);
  }
  const versions = [...building.values()]
    .map((b) => finish(b, covers.get(b.version) ?? coverAbove(b, byId)))
    .filter((v): v is SeriesVersion => v !== null)
    .sort((a, b) => a.version - b.version);
  return { versions, covers: allCovers, followups, byId };
}

function classify(mail: SeriesMail): Classified {
  const tags = parseSubject(mail.subject);
  const diff = hasDiff(mail.text);
  let reply = tags.reply;
  // A reply that lost its "Re:" but gives trailers is still a follow-up. Unlike b4, an
  // in-body From: alone (a cover letter sent on someone's behalf) does not make one.
  if (!reply && !diff && mail.inReplyTo && replyTrailers(mail.text).length) reply = true;
  return {
    mail,
    tags,
    version: tags.version,
    reply,
    hasDiff: diff,
    hasDiffstat: hasDiffstat(mail.text),
  };
}

function newBuilding(version: number): Building {
  return { version, slots: [null], cover: null };
}

function place(b: Building, c: Classified): void {
  while (b.slots.length < c.tags.total + 1) b.slots.push(null);
  const old = b.slots[c.tags.counter];
  if (!old || old.reply || (!old.tags.countersWritten && c.tags.countersWritten))
    b.slots[c.tags.counter] = c;
}

/** No `0/N`: the message the patches answer is the cover when it has a diffstat and no diff. */
function coverAbove(b: Building, byId: Map<string, Classified>): Classified | null {
  for (const p of b.slots) {
    if (!p?.mail.inReplyTo) continue;
    const up = byId.get(p.mail.inReplyTo);
    if (up && up.hasDiffstat && !up.hasDiff) return up;
    return null;
  }
  return null;
}

function finish(b: Building, cover: Classified | null): SeriesVersion | null {
  const patches = b.slots.slice(1);
  const first = patches.find((p) => p !== null);
  if (!first) return null;
  const head = cover ?? patches[0] ?? first;
  const changeId = cover ? (/^change-id:\s+(\S+)/im.exec(cover.mail.text)?.[1] ?? null) : null;
  return {
    version: b.version,
    total: patches.length,
    cover,
    patches,
    missing: patches.flatMap((p, i) => (p ? [] : [i + 1])),
    rfc: (cover ?? first).tags.rfc,
    subject: head.tags.subject,
    changeId,
  };
}
