/**
 * The thread of one message inside a whole mailbox, gathered as b4 gathers it
 * (`get_strict_thread`): every message linked to it by In-Reply-To or
 * References, directly or not, whatever the subjects say.
 */
import type { SeriesMail } from './detect';

/**
 * The messages of the thread that holds `id`, as b4 gathers them from an mbox:
 * every message linked to it by In-Reply-To or References, directly or not.
 */
export function threadAround<M extends SeriesMail>(mails: readonly M[], id: string): M[] {
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const list = neighbours.get(a);
    if (list) list.push(b);
    else neighbours.set(a, [b]);
  };
  for (const m of mails)
    for (const ref of new Set([...m.references, ...(m.inReplyTo ? [m.inReplyTo] : [])])) {
      link(m.id, ref);
      link(ref, m.id);
    }
  const seen = new Set([id]);
  const queue = [id];
  while (queue.length)
    for (const next of neighbours.get(queue.pop() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  return mails.filter((m) => seen.has(m.id));
}
