/**
 * syzbot's own identity of a bug, read from its mails: the extid (in the dashboard link, the
 * Reported-by tag and syzbot's per-bug address) and the Subject title, whose " (N)" suffix
 * tells the Nth bug that got the same title.
 */

/** syzbot's per-bug address: syzbot+EXTID@syzkaller.appspotmail.com. */
const BUG_ADDRESS = /\bsyzbot\+([0-9a-f]{8,40})@syzkaller\.appspotmail\.com/gi;
const DASHBOARD_EXTID = /syzkaller\.appspot\.com\/bug\?(?:[^\s&]*&)*extid=([0-9a-f]{8,40})/gi;
const DASHBOARD = 'https://syzkaller.appspot.com/bug?extid=';

/** What syzbot's Subject says about a bug. */
export interface SyzbotSubject {
  /** The title without reply prefixes, tags and the " (N)" suffix. */
  title: string;
  /** N of a " (N)" suffix: the Nth bug with this title; 1 when there is none. */
  seq: number;
  /** Subsystem tags such as "bluetooth" from "[bluetooth?]". */
  subsystems: string[];
}

const REPLY_PREFIX = /^(?:\s*(?:re|fwd?|aw)\s*:\s*)+/i;
const TAG = /^\s*\[([^\]]*)\]\s*/;

/** Reads syzbot's title, bug number and subsystem tags from a Subject. */
export function syzbotSubject(subject: string): SyzbotSubject {
  let s = subject.replace(REPLY_PREFIX, '');
  const subsystems: string[] = [];
  for (let m = TAG.exec(s); m; m = TAG.exec(s)) {
    const tag = m[1].trim();
    if (/^[a-z0-9-]+\?$/i.test(tag)) subsystems.push(tag.slice(0, -1).toLowerCase());
    else if (!/^syzbot$/i.test(tag) && !/^PATCH\b/i.test(tag)) break;
    s = s.slice(m[0].length).replace(REPLY_PREFIX, '');
  }
  const seq = /\s\((\d+)\)\s*$/.exec(s);
  return {
    title: (seq ? s.slice(0, seq.index) : s).trim(),
    seq: seq ? Number(seq[1]) : 1,
    subsystems,
  };
}

/** The subject a bug is known by on the dashboard: title plus " (N)" from the second on. */
export function bugName(title: string, seq: number): string {
  return seq > 1 ? `${title} (${seq})` : title;
}

/** Every extid a message names: syzbot's addresses in its headers, links and tags in its body. */
export function extidsOf(addresses: readonly string[], text: string): string[] {
  const out = new Set<string>();
  for (const a of addresses) for (const m of a.matchAll(BUG_ADDRESS)) out.add(m[1].toLowerCase());
  for (const m of text.matchAll(BUG_ADDRESS)) out.add(m[1].toLowerCase());
  for (const m of text.matchAll(DASHBOARD_EXTID)) out.add(m[1].toLowerCase());
  return [...out];
}

/** The dashboard page of a bug. */
export function dashboardUrl(extid: string): string {
  return DASHBOARD + extid;
}

/** True for mail syzbot itself sent (its reports, test results, bisections, reminders). */
export function fromSyzbot(from: string): boolean {
  return /^syzbot(?:\+[0-9a-f]+)?@syzkaller\.appspotmail\.com$/i.test(from.trim());
}

/** True for syzbot's first report of a bug, or its mail that found a reproducer. */
export function isSyzbotReport(from: string, text: string): boolean {
  return (
    fromSyzbot(from) &&
    /^syzbot (?:found|has found a reproducer for) the following (?:issue|crash|bug)/m.test(text)
  );
}

/** syzbot's own title of the bug a report mail carries, or null when syzbot did not send it. */
export function syzbotTitle(
  from: string,
  subject: string,
  text: string,
): (SyzbotSubject & { name: string }) | null {
  if (!isSyzbotReport(from, text)) return null;
  const s = syzbotSubject(subject);
  return s.title ? { ...s, name: bugName(s.title, s.seq) } : null;
}
