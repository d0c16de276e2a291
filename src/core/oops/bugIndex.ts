/**
 * syzbot bugs assembled from the mail of their threads: each report mail names a bug by
 * extid; every message naming the same extid (test results, reproducers, patches, commands)
 * joins it, and so does a reply in a thread about a single bug that names none.
 */
import type { CrashSummary } from '../types';
import { findSyzbotMeta } from './syzbot';
import {
  bugName,
  dashboardUrl,
  extidsOf,
  fromSyzbot,
  isSyzbotReport,
  syzbotSubject,
} from './syzbotBug';
import { eventsOf, triage, type BugEvent, type BugTriage } from './syzbotStatus';

/** One message as the bug index reads it. */
export interface BugIndexMail {
  id: string;
  threadId: string;
  date: number;
  subject: string;
  from: string;
  /** To and Cc addresses. */
  recipients: string[];
  text: string;
  inboxes: string[];
  crash: CrashSummary | null;
}

/** A syzbot bug as the crash index shows it. */
export interface SyzbotBug {
  extid: string;
  /** syzbot's title, without the " (N)" suffix. */
  title: string;
  seq: number;
  /** The dashboard's name for it: the title with " (N)" from the second bug on. */
  name: string;
  subsystems: string[];
  dashboard: string;
  triage: BugTriage;
  /** Dates of the first and the latest mail carrying a report of it. */
  firstReport: number;
  lastReport: number;
  /** Mails carrying a report of it (syzbot's reports, reproducers, failed tests). */
  reports: number;
  /** A C or syz reproducer link was mailed. */
  reproducer: boolean;
  /** The newest report's kernel version and HEAD commit. */
  kernel: string | null;
  headCommit: string | null;
  /** Our own title of its newest report, when the analyser found one. */
  ourTitle: string | null;
  type: string | null;
  corrupted: boolean;
  lastActivity: number;
  /** Report mails, newest first. */
  messageIds: string[];
  /** Every mail that joined the bug. */
  memberIds: string[];
  threadIds: string[];
  inboxes: string[];
  events: BugEvent[];
}

interface Draft {
  extid: string;
  mails: BugIndexMail[];
  report: BugIndexMail | null;
}

/** Groups the mail of syzbot threads into bugs; mail that names no known bug is left out. */
export function collectBugs(mails: readonly BugIndexMail[]): SyzbotBug[] {
  const drafts = new Map<string, Draft>();
  const byThread = new Map<string, Set<string>>();
  const unnamed: BugIndexMail[] = [];
  const sorted = [...mails].sort((a, b) => a.date - b.date);
  for (const m of sorted) {
    const ids = extidsOf([m.from, ...m.recipients], m.text);
    if (ids.length === 0) {
      unnamed.push(m);
      continue;
    }
    for (const extid of ids) {
      let d = drafts.get(extid);
      if (!d) drafts.set(extid, (d = { extid, mails: [], report: null }));
      d.mails.push(m);
      if (!d.report && isSyzbotReport(m.from, m.text)) d.report = m;
      let set = byThread.get(m.threadId);
      if (!set) byThread.set(m.threadId, (set = new Set()));
      set.add(extid);
    }
  }
  // A reply that names no extid belongs to its thread's bug when the thread has just one.
  for (const m of unnamed) {
    const ids = byThread.get(m.threadId);
    if (ids?.size === 1) drafts.get([...ids][0])?.mails.push(m);
  }
  const bugs: SyzbotBug[] = [];
  for (const d of drafts.values()) if (d.report) bugs.push(finish(d, d.report));
  return bugs;
}

function finish(d: Draft, first: BugIndexMail): SyzbotBug {
  const subject = syzbotSubject(first.subject);
  const mails = [...d.mails].sort((a, b) => a.date - b.date);
  const events = mails.flatMap((m) =>
    eventsOf(
      { date: m.date, subject: m.subject, bySyzbot: fromSyzbot(m.from), text: m.text },
      d.extid,
    ),
  );
  // Reports are syzbot's own mails with a crash in them; a human quoting one is not one.
  const reports = mails.filter((m) => m.crash && fromSyzbot(m.from));
  const newest = reports[reports.length - 1] ?? first;
  const metas = mails.filter((m) => fromSyzbot(m.from)).map((m) => findSyzbotMeta(m.text));
  const newestMeta = findSyzbotMeta(newest.text);
  return {
    extid: d.extid,
    title: subject.title,
    seq: subject.seq,
    name: bugName(subject.title, subject.seq),
    subsystems: subject.subsystems,
    dashboard: dashboardUrl(d.extid),
    triage: triage(events),
    firstReport: first.date,
    lastReport: newest.date,
    reports: Math.max(reports.length, 1),
    reproducer: metas.some((m) => !!(m?.cRepro || m?.syzRepro)),
    kernel: newest.crash?.kernel ?? null,
    headCommit: newestMeta?.headCommit ?? null,
    ourTitle: newest.crash?.title ?? first.crash?.title ?? null,
    type: newest.crash?.type ?? first.crash?.type ?? null,
    corrupted: newest.crash?.corrupted ?? false,
    lastActivity: mails[mails.length - 1].date,
    messageIds: reports.length ? [...reports].reverse().map((m) => m.id) : [first.id],
    memberIds: mails.map((m) => m.id),
    threadIds: [...new Set(mails.map((m) => m.threadId))],
    inboxes: [...new Set(mails.flatMap((m) => m.inboxes))].sort(),
    events,
  };
}
