/** Locating crash reports in console output or mail text and cutting each one out. */
import { FAMILIES, INFO_WITH_STACK, NOT_A_NEW_REPORT } from './families';
import type { OopsFamily, OopsFormat } from './formats';
import { matchesAny } from './pattern';
import { FRAME_LINES, RISCV_STACK_START, STACK_STARTS } from './stackrules';
import { CURRENT_ERA, type Era } from './era';
import { describe } from './title';

// "[  12.345678][ T123] " console prefix, optionally behind a dropped-messages note, a login
// prompt the fuzzer echoed, or a syslog level; group 1 is the printk caller (task or CPU).
const CONSOLE_PREFIX =
  /^(?:\*\* [0-9]+ printk messages dropped \*\* )?(?:.* login: )?(?:<[0-9]+>)?\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])? /;
const TASK_CALLER = /\[ *T[0-9]+\]/;
const CPU_CALLER = /\[ *C[0-9]+\]/;
const QUESTIONABLE = /(\[<[0-9a-f]+>\])? \? /;
const TIMESTAMP_IN_TITLE = /\[ *[0-9]+\.[0-9]+\]/;

/** One input line, pre-digested once so several reports can be cut from the same text. */
export interface TextLine {
  /** Offset of the line's first character in the text. */
  start: number;
  /** Offset of the terminating newline (or text length). */
  end: number;
  raw: string;
  /** printk caller ("[ T123]"), "console" for timestamps without caller, "" for bare text. */
  context: string;
  /** The line without its console prefix (and without a "?" frame mark). */
  body: string;
  /** A "?" or "(unreliable)" frame under a console prefix: excluded from reports. */
  questionable: boolean;
  /** The first family whose header occurs here (and is not benign), else null. */
  family: OopsFamily | null;
  /** A symbolizer-inserted line for an inlined callee: not in the raw log syzkaller titled. */
  inlined: boolean;
}

// Symbolized reports (every syzbot mail) expand "func+0x1/0x2" into one "callee file.h:12
// [inline]" line per inlined level, header lines included, then add " file.c:34" to the real
// frame. syzkaller titles the raw log, so inlined lines are left out and locations dropped.
const INLINED = /[A-Za-z0-9_.]+ +[A-Za-z0-9_\-./]+:-?[0-9]+(?::[0-9]+)? +\[inline\]/;
const LOCATION =
  /(\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[A-Za-z0-9_.-]+(?: [0-9a-f]+)?\])?) +[A-Za-z0-9_\-./]+:-?[0-9]+(?::[0-9]+)?/g;

/** A symbolized line as the raw console printed it: source locations removed. */
export function desymbolize(line: string): string {
  return line.includes('+0x') ? line.replace(LOCATION, '$1') : line;
}

// A mail's Subject repeats the title of the report it carries; it is not a report itself.
const MAIL_HEADER = /^(?:Subject|Thread-Topic): /i;

function familyOf(line: string): OopsFamily | null {
  if (MAIL_HEADER.test(line)) return null;
  for (const fam of FAMILIES) {
    if (line.includes(fam.header) && !matchesAny(line, fam.benign)) return fam;
  }
  return null;
}

// Old syzbot mails wrapped long lines, ending the broken part with two spaces.
const WRAPPED = /\S {2}$/;

/** Splits text into digested lines; a line a mailer wrapped is one line again. */
export function digestLines(text: string): TextLine[] {
  const out: TextLine[] = [];
  for (let pos = 0; pos < text.length;) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    let raw = text.slice(pos, nl);
    while (WRAPPED.test(raw) && nl < text.length && /\S/.test(text[nl + 1] ?? '')) {
      let next = text.indexOf('\n', nl + 1);
      if (next === -1) next = text.length;
      raw = `${raw.trimEnd()} ${text.slice(nl + 1, next)}`;
      nl = next;
    }
    const inlined = raw.includes('[inline]') && INLINED.test(raw);
    const m = CONSOLE_PREFIX.exec(raw);
    const context = m ? (m[1] ?? 'console') : '';
    let body = desymbolize(raw);
    let questionable = false;
    if (context !== '') {
      body = body.slice(body.indexOf('] ') + 2);
      if (!body.includes('<EOI>')) {
        if (QUESTIONABLE.test(body)) {
          body = body.slice(body.indexOf(' ? ') + 2);
          questionable = true;
        } else if (body.endsWith(' (unreliable)')) {
          body = body.slice(0, -13);
          questionable = true;
        }
      }
    }
    const family = inlined ? null : familyOf(body);
    out.push({ start: pos, end: nl, raw, context, body, questionable, family, inlined });
    pos = nl + 1;
  }
  return out;
}

/** A report cut out of the text, with syzkaller-style title fields (title not yet normalised). */
export interface CutReport {
  family: OopsFamily;
  /** Index of the header line. */
  first: number;
  /** Indices of the lines belonging to the report, up to where the next report starts. */
  lineIdx: number[];
  /** Same span, plus the "?" frames of the same context that the title logic ignores. */
  displayIdx: number[];
  title: string;
  altTitles: string[];
  corrupted: boolean;
  /** No format recognised the report: its header line became the title. */
  headerOnly: boolean;
}

// Without enough report text before it, a "Kernel panic" line is the report's tail, not noise.
function minLinesBeforeTail(header: string): number {
  return header.includes('BUG: KMSAN:') ? 16 : 22;
}

/** Cuts the report whose header is line `first` and derives its title. */
export function cutReport(
  lines: readonly TextLine[],
  first: number,
  era: Era = CURRENT_ERA,
): CutReport {
  const head = lines[first];
  const family = head.family as OopsFamily;
  const context = head.context;
  let secondReport = -1;
  let lastOopsLine = first;
  let textLines = 0;
  let skipText = false;
  let cpuTraceback = false;
  const body: string[] = [];
  const idx: number[] = [];
  let bodyEnd = 0;
  for (let i = first; i < lines.length; i++) {
    const ln = lines[i];
    const isHead = i === first;
    if (ln.family) {
      lastOopsLine = i;
      if (!isHead && secondReport < 0 && !matchesAny(ln.raw, NOT_A_NEW_REPORT)) secondReport = i;
    } else if (!isHead && secondReport < 0 && INFO_WITH_STACK.some((p) => ln.raw.includes(p))) {
      secondReport = i;
    }
    // Interleaved output from other tasks/CPUs is not part of this report, except that an
    // all-CPU backtrace legitimately switches to CPU contexts.
    if (
      !isHead &&
      (ln.questionable ||
        (ln.context !== context && (!cpuTraceback || !CPU_CALLER.test(ln.context))))
    ) {
      continue;
    }
    textLines++;
    let skip = skipText;
    if (ln.raw.includes('Disabling lock debugging due to kernel taint')) skip = true;
    else if (ln.raw.includes('Sending NMI from CPU')) cpuTraceback = true;
    else if (
      (ln.raw.includes('Kernel panic - not syncing') ||
        ln.raw.includes('WARNING: possible circular locking dependency detected')) &&
      textLines > minLinesBeforeTail(head.raw)
    ) {
      // panic_on_warn's panic repeats the stack, and oopses often provoke a lockdep splat;
      // once enough of the real report is in, everything after is noise.
      skipText = true;
      skip = true;
    }
    if (!isHead && (skip || ln.inlined)) continue;
    body.push(ln.body);
    idx.push(i);
    if (secondReport < 0 || (context !== '' && context !== 'console')) bodyEnd = body.length;
  }
  const full = body.join('\n') + '\n';
  const truncated = body.slice(0, bodyEnd).join('\n') + (bodyEnd > 0 ? '\n' : '');
  let desc = describe(truncated, family, era);
  let reportText = full;
  if (desc.title === '') {
    reportText = lines
      .slice(first, lastOopsLine + 1)
      .map((l) => l.raw)
      .join('\n');
    desc = describe(reportText, family, era);
  }
  let corrupted = desc.corrupted !== '';
  if (!corrupted) corrupted = looksCorrupted(desc.title, reportText, desc.format);
  const lineIdx = idx.slice(0, Math.max(bodyEnd, 1));
  const lastIdx = lineIdx[lineIdx.length - 1];
  const displayIdx: number[] = [];
  for (let i = first; i <= lastIdx; i++)
    if (i === first || lines[i].context === context) displayIdx.push(i);
  return {
    family,
    first,
    lineIdx,
    displayIdx,
    title: desc.title,
    altTitles: desc.altTitles,
    corrupted,
    headerOnly: desc.format === null,
  };
}

// A report whose format promises a stack must show at least one frame after every
// "Call Trace"-style heading; otherwise the console lost part of it.
function looksCorrupted(title: string, report: string, format: OopsFormat | null): boolean {
  if (TIMESTAMP_IN_TITLE.test(title)) return true;
  if (!format || format.noTrace) return false;
  let hasTrace = false;
  for (const key of STACK_STARTS) {
    const m = key.exec(report);
    if (!m) continue;
    let after = report.slice(m.index).split('\n');
    if (after.length < 4) return true;
    after = after.slice(1);
    let broken = true;
    for (let i = 0; i < 15 && i < after.length; i++) {
      if (matchesAny(after[i], STACK_STARTS)) break;
      if (after[i].includes('(stack is not available)') || matchesAny(after[i], FRAME_LINES)) {
        hasTrace = true;
        broken = false;
        break;
      }
    }
    if (key !== RISCV_STACK_START && broken) return true;
  }
  return !hasTrace;
}

/** Indices of lines carrying a report header. */
export function headerLines(lines: readonly TextLine[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].family) out.push(i);
  return out;
}

/** Marks a report corrupted when the serial console dropped mid-way. */
export function consoleHungUp(text: string): boolean {
  return text.includes('serialport: VM disconnected.');
}

export { TASK_CALLER };
