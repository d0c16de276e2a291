/**
 * The crash index: every crash report in the cache grouped by title and, inside a title, by
 * syzbot bug. Bugs and their status are derived at read time from their threads' mail.
 */
import {
  collectBugs,
  crashLabel,
  type BugIndexMail,
  type BugStatus,
  type SyzbotBug,
} from '../core/oops';
import type { LoupeDB, StoredMessage } from './schema';

/** Reports of one title that no syzbot bug claims (console logs pasted into mail, other bots). */
export interface PlainReports {
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Message ids, newest first. */
  messageIds: string[];
  threadIds: string[];
}

/** One crash title: syzbot's bugs of that title and reports from elsewhere. */
export interface CrashGroup {
  title: string;
  type: string | null;
  label: string;
  /** syzbot's bugs with this title, newest activity first. */
  bugs: SyzbotBug[];
  plain: PlainReports | null;
  count: number;
  firstSeen: number;
  lastActivity: number;
  inboxes: string[];
}

export type CrashSort = 'activity' | 'first' | 'reports';

export interface CrashFilter {
  label?: string | null;
  inbox?: string | null;
  status?: BugStatus | null;
  subsystem?: string | null;
  sort?: CrashSort;
}

/** The index and the values its filter menus offer. */
export interface CrashIndex {
  groups: CrashGroup[];
  labels: string[];
  subsystems: string[];
}

function asMail(m: StoredMessage, crash: BugIndexMail['crash']): BugIndexMail {
  return {
    id: m.id,
    threadId: m.threadId,
    date: m.date,
    subject: m.subject,
    from: m.from.address,
    recipients: [...m.to, ...m.cc].map((a) => a.address),
    text: m.text,
    inboxes: m.inboxes,
    crash,
  };
}

const SYZBOT = /syzbot/i;

/** Builds the crash index; read-only. */
export async function crashIndex(db: LoupeDB, filter: CrashFilter = {}): Promise<CrashIndex> {
  const rows = await db.oopses.toArray();
  const crashOf = new Map(rows.map((r) => [r.id, r]));
  const messages = (await db.messages.bulkGet(rows.map((r) => r.id))).filter(
    (m): m is StoredMessage => !!m,
  );
  // Threads that mention syzbot are read whole: replies carry the commands and test results.
  const syzThreads = [
    ...new Set(
      messages
        .filter((m) => SYZBOT.test(m.from.address) || m.to.some((a) => SYZBOT.test(a.address)))
        .map((m) => m.threadId),
    ),
  ];
  const threadMail = syzThreads.length
    ? await db.messages.where('threadId').anyOf(syzThreads).toArray()
    : [];
  const bugs = collectBugs(threadMail.map((m) => asMail(m, crashOf.get(m.id) ?? null)));
  // A bug's mail with a crash in it (a failed test's report) is the bug's, not a title of its own.
  const claimed = new Set(bugs.flatMap((b) => b.memberIds));

  const groups = new Map<string, CrashGroup>();
  const group = (title: string, type: string | null): CrashGroup => {
    let g = groups.get(title);
    if (!g) {
      g = {
        title,
        type,
        label: crashLabel(title, type),
        bugs: [],
        plain: null,
        count: 0,
        firstSeen: Infinity,
        lastActivity: 0,
        inboxes: [],
      };
      groups.set(title, g);
    }
    return g;
  };
  const subsystems = new Set<string>();
  const labels = new Set<string>();
  for (const b of bugs) {
    for (const s of b.subsystems) subsystems.add(s);
    labels.add(crashLabel(b.title, b.type));
    if (filter.inbox && !b.inboxes.includes(filter.inbox)) continue;
    if (filter.status && b.triage.status !== filter.status) continue;
    if (filter.subsystem && !b.subsystems.includes(filter.subsystem)) continue;
    const g = group(b.title, b.type);
    g.bugs.push(b);
    g.count += b.reports;
    g.firstSeen = Math.min(g.firstSeen, b.firstReport);
    g.lastActivity = Math.max(g.lastActivity, b.lastActivity);
    g.inboxes = [...new Set([...g.inboxes, ...b.inboxes])].sort();
  }
  // Reports no bug claims have no status or subsystem: a filter on either leaves them out.
  const plainShown = !filter.status && !filter.subsystem;
  for (const m of messages.sort((a, b) => b.date - a.date)) {
    const r = crashOf.get(m.id);
    if (!r || claimed.has(m.id)) continue;
    labels.add(crashLabel(r.title, r.type));
    if (!plainShown || (filter.inbox && !m.inboxes.includes(filter.inbox))) continue;
    const g = group(r.title, r.type);
    const p = (g.plain ??= {
      count: 0,
      firstSeen: m.date,
      lastSeen: m.date,
      messageIds: [],
      threadIds: [],
    });
    p.count++;
    p.firstSeen = Math.min(p.firstSeen, m.date);
    p.lastSeen = Math.max(p.lastSeen, m.date);
    p.messageIds.push(m.id);
    if (!p.threadIds.includes(m.threadId)) p.threadIds.push(m.threadId);
    g.count++;
    g.firstSeen = Math.min(g.firstSeen, m.date);
    g.lastActivity = Math.max(g.lastActivity, m.date);
    g.inboxes = [...new Set([...g.inboxes, ...m.inboxes])].sort();
  }
  const order: Record<CrashSort, (a: CrashGroup, b: CrashGroup) => number> = {
    activity: (a, b) => b.lastActivity - a.lastActivity,
    first: (a, b) => b.firstSeen - a.firstSeen,
    reports: (a, b) => b.count - a.count || b.lastActivity - a.lastActivity,
  };
  const shown = [...groups.values()].filter((g) => !filter.label || g.label === filter.label);
  for (const g of shown) g.bugs.sort((a, b) => b.lastActivity - a.lastActivity);
  return {
    groups: shown.sort(order[filter.sort ?? 'activity']),
    labels: [...labels].sort(),
    subsystems: [...subsystems].sort(),
  };
}
