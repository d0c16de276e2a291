/**
 * Offline triage: a syzbot bug's status derived from its thread alone, the way syzbot reads
 * the same mail: "#syz" commands, its test results, patches that carry the bug's
 * Reported-by tag, and its fix-bisection mail.
 */
import { unquoted } from './summary';

export type BugStatus = 'open' | 'fix pending' | 'fixed' | 'duplicate' | 'invalid';

/** Something a message says about a bug. */
export type BugEvent =
  | { kind: 'report' | 'reproducer' | 'bisected' | 'fix candidate'; date: number }
  | { kind: 'test request'; date: number }
  | { kind: 'tested'; date: number; result: 'ok' | 'crash' | 'error' }
  | { kind: 'patch'; date: number; subject: string }
  | { kind: 'fix'; date: number; commit: string }
  | { kind: 'dup'; date: number; of: string }
  | { kind: 'undup' | 'invalid'; date: number };

/** One message as the status reader needs it. */
export interface BugMail {
  date: number;
  subject: string;
  /** The message was sent by syzbot itself. */
  bySyzbot: boolean;
  text: string;
}

// syzbot reads commands from unquoted lines that start with "#syz".
const COMMAND = /^[ \t]*#syz[ \t]+([a-z-]+)(?::[ \t]*(.*?))?[ \t]*$/gm;
const PATCH_SUBJECT = /^\s*\[[^\]]*\bPATCH\b[^\]]*\]/i;

/** The events one message of a bug's thread holds, in the order they appear. */
export function eventsOf(mail: BugMail, extid: string): BugEvent[] {
  const { date, text } = mail;
  const out: BugEvent[] = [];
  if (mail.bySyzbot) {
    if (/^syzbot found the following (?:issue|crash|bug)/m.test(text))
      out.push({ kind: 'report', date });
    if (/^syzbot has found a reproducer for the following/m.test(text))
      out.push({ kind: 'reproducer', date });
    if (/^syzbot has tested the proposed patch and the reproducer did not trigger/m.test(text))
      out.push({ kind: 'tested', date, result: 'ok' });
    if (/^syzbot has tested the proposed patch but the reproducer is still triggering/m.test(text))
      out.push({ kind: 'tested', date, result: 'crash' });
    if (/^syzbot tried to test the proposed patch but the build\/boot failed/m.test(text))
      out.push({ kind: 'tested', date, result: 'error' });
    if (/^syzbot has bisected this (?:issue|crash|bug) to:/m.test(text))
      out.push({ kind: 'bisected', date });
    if (/^syzbot suspects this (?:issue|crash|bug) (?:was|is) fixed by commit:/m.test(text))
      out.push({ kind: 'fix candidate', date });
    return out;
  }
  const own = unquoted(text);
  if (
    PATCH_SUBJECT.test(mail.subject) &&
    new RegExp(`^[ \\t]*Reported-by:.*syzbot\\+${extid}@`, 'mi').test(own)
  )
    out.push({ kind: 'patch', date, subject: mail.subject });
  for (const m of own.matchAll(COMMAND)) {
    const arg = (m[2] ?? '').trim();
    switch (m[1]) {
      case 'fix':
        if (arg) out.push({ kind: 'fix', date, commit: arg });
        break;
      case 'dup':
        if (arg) out.push({ kind: 'dup', date, of: arg });
        break;
      case 'undup':
      case 'invalid':
        out.push({ kind: m[1], date });
        break;
      case 'test':
        out.push({ kind: 'test request', date });
        break;
    }
  }
  return out;
}

/** What the thread says about a bug. */
export interface BugTriage {
  status: BugStatus;
  /** The commit title of the last "#syz fix:". */
  fixCommit: string | null;
  /** The bug this one duplicates, by title. */
  dupOf: string | null;
  /** The last test syzbot ran on a proposed patch, null when none. */
  lastTest: 'requested' | 'ok' | 'crash' | 'error' | null;
  /** Patches in the thread that carry the bug's Reported-by tag. */
  patches: number;
}

/**
 * Folds events (in date order) into a status, as syzbot does: the last of fix, dup, invalid
 * and undup decides; without one, a patch carrying the Reported-by tag, a patch syzbot
 * tested clean, or syzbot's own suspicion of a fixing commit means a fix is pending.
 */
export function triage(events: readonly BugEvent[]): BugTriage {
  let decided: 'fixed' | 'duplicate' | 'invalid' | null = null;
  let fixCommit: string | null = null;
  let dupOf: string | null = null;
  let lastTest: BugTriage['lastTest'] = null;
  let patches = 0;
  let candidate = false;
  for (const e of [...events].sort((a, b) => a.date - b.date)) {
    switch (e.kind) {
      case 'fix':
        decided = 'fixed';
        fixCommit = e.commit;
        break;
      case 'dup':
        decided = 'duplicate';
        dupOf = e.of;
        break;
      case 'invalid':
        decided = 'invalid';
        break;
      case 'undup':
        if (decided === 'duplicate') decided = null;
        dupOf = null;
        break;
      case 'patch':
        patches++;
        candidate = true;
        break;
      case 'fix candidate':
        candidate = true;
        break;
      case 'test request':
        lastTest = 'requested';
        break;
      case 'tested':
        lastTest = e.result;
        if (e.result === 'ok') candidate = true;
        break;
    }
  }
  const status: BugStatus = decided ?? (candidate ? 'fix pending' : 'open');
  return { status, fixCommit, dupOf, lastTest, patches };
}
