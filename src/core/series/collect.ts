/**
 * Follow-up trailers, attributed to the patch (or cover letter) they answer,
 * the way b4 walks a thread (`LoreMailbox.get_series`):
 * - a reply's trailers go to the nearest patch or cover letter above it; a
 *   reply to a reply carries the middle reply's own trailers up with it;
 * - trailers given to the cover letter go to every patch;
 * - trailers given to an earlier version of a patch whose diff did not change
 *   (same patchwork key) carry over to the new version.
 */
import { patchKey } from '../patch';
import type { Classified, SeriesVersion, ThreadSeries } from './detect';
import { givenTrailers, replyTrailers, type GivenTrailer, type Trailer } from './trailers';

/** The trailers a version collected. */
export interface CollectedTrailers {
  /** Per patch (`perPatch[n - 1]` for patch n): given to it, carried over, then from the cover. */
  perPatch: GivenTrailer[][];
  /** Given to the cover letter (already included in every patch's list). */
  cover: GivenTrailer[];
  /** Person trailers whose sender is someone else, ignored as b4 does. */
  mismatched: { trailer: Trailer; sender: string }[];
}

/** Collects the follow-up trailers of one version of a thread's series. */
export function collectTrailers(thread: ThreadSeries, version: SeriesVersion): CollectedTrailers {
  const given = new Map<string, GivenTrailer[]>();
  const carried = new Map<string, GivenTrailer[]>();
  const mismatched: CollectedTrailers['mismatched'] = [];
  const add = (map: Map<string, GivenTrailer[]>, key: string, ts: GivenTrailer[]) => {
    const list = map.get(key);
    if (list) list.push(...ts);
    else map.set(key, [...ts]);
  };
  for (const reply of thread.followups) {
    const own = ownTrailers(reply);
    if (!own.length) continue;
    let parent = parentOf(thread, reply);
    if (!parent) continue;
    const { given: trailers, mismatched: bad } = givenTrailers(
      reply.mail.text,
      reply.mail.from,
      reply.mail.id,
    );
    for (const t of bad) mismatched.push({ trailer: t, sender: reply.mail.from.address });
    // Bounded by the thread: each step goes one message up a parent chain.
    for (let steps = 0; parent && steps <= thread.byId.size; steps++) {
      if (parent.hasDiff && !parent.reply) {
        if (parent.version !== version.version) add(carried, patchKey(parent.mail.text), trailers);
        add(given, parent.mail.id, trailers);
        break;
      }
      if (!parent.reply) {
        add(given, parent.mail.id, trailers);
        break;
      }
      const up: Classified | undefined = parent.mail.inReplyTo
        ? thread.byId.get(parent.mail.inReplyTo)
        : undefined;
      if (!up) break;
      trailers.push(...ownTrailers(parent));
      parent = up;
    }
  }
  const cover = version.cover ? (given.get(version.cover.mail.id) ?? []) : [];
  const perPatch = version.patches.map((p) =>
    p
      ? [...(given.get(p.mail.id) ?? []), ...(carried.get(patchKey(p.mail.text)) ?? []), ...cover]
      : [],
  );
  return { perPatch, cover, mismatched };
}

/** Every follow-up trailer a reply carries, before the sender check (b4's `lmsg.trailers`). */
function ownTrailers(reply: Classified): GivenTrailer[] {
  return replyTrailers(reply.mail.text).map((t) => ({ ...t, from: reply.mail.id }));
}

function parentOf(thread: ThreadSeries, reply: Classified): Classified | undefined {
  const irt = reply.mail.inReplyTo;
  if (irt) return thread.byId.get(irt);
  for (const ref of reply.mail.references)
    if (ref !== reply.mail.id && thread.byId.has(ref)) return thread.byId.get(ref);
  return undefined;
}
