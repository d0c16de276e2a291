/** The crash index: every crash report in the cache grouped by title. */
import type { LoupeDB } from './schema';

/** One crash title and where it was seen. */
export interface CrashGroup {
  title: string;
  type: string | null;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Message ids, newest first. */
  messageIds: string[];
  threadIds: string[];
  inboxes: string[];
}

/** Groups every stored crash by title, newest last-seen first; optionally filtered. */
export async function crashIndex(
  db: LoupeDB,
  filter: { type?: string | null; inbox?: string | null } = {},
): Promise<CrashGroup[]> {
  const rows = await db.oopses.toArray();
  const messages = await db.messages.bulkGet(rows.map((r) => r.id));
  const groups = new Map<string, CrashGroup & { threads: Set<string>; ibs: Set<string> }>();
  rows.forEach((r, i) => {
    const m = messages[i];
    if (!m) return;
    if (filter.type && r.type !== filter.type) return;
    if (filter.inbox && !m.inboxes.includes(filter.inbox)) return;
    let g = groups.get(r.title);
    if (!g) {
      g = {
        title: r.title,
        type: r.type,
        count: 0,
        firstSeen: r.date,
        lastSeen: r.date,
        messageIds: [],
        threadIds: [],
        inboxes: [],
        threads: new Set(),
        ibs: new Set(),
      };
      groups.set(r.title, g);
    }
    g.count++;
    g.firstSeen = Math.min(g.firstSeen, r.date);
    g.lastSeen = Math.max(g.lastSeen, r.date);
    g.messageIds.push(r.id);
    g.threads.add(m.threadId);
    for (const ib of m.inboxes) g.ibs.add(ib);
  });
  const dateOf = new Map(rows.map((r) => [r.id, r.date]));
  return [...groups.values()]
    .map(({ threads, ibs, ...g }) => ({
      ...g,
      messageIds: g.messageIds.sort((a, b) => (dateOf.get(b) ?? 0) - (dateOf.get(a) ?? 0)),
      threadIds: [...threads],
      inboxes: [...ibs].sort(),
    }))
    .sort((a, b) => b.lastSeen - a.lastSeen);
}

/** Crash types present in the cache, for the filter menu. */
export async function crashTypes(db: LoupeDB): Promise<string[]> {
  return (await db.oopses.orderBy('type').uniqueKeys()).map(String);
}
