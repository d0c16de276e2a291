import type { CrashSummary } from '../types';
import { analyzeOops } from './analyze';
import type { OopsAnalysis, OopsReport } from './types';

/**
 * A mail body with quoted lines blanked out (same length, so offsets still
 * point into the original): a reply quoting a crash report is not a report.
 */
export function unquoted(text: string): string {
  return text.replace(/^[ \t]*>.*$/gm, (line) => ' '.repeat(line.length));
}

// The kernel test robot's build reports quote compiler and modpost output, not crashes.
const BUILD_REPORT =
  /kernel test robot noticed the following build (?:errors|warnings)|^All (?:errors|warnings) \(new ones prefixed by >>\)/m;
// dump_stack's "CPU: 0 PID: 1 Comm: ..." line: a running kernel printed this.
const TASK_LINE = /\bCPU: \d+ (?:UID: \d+ )?PID: \d+/;
/** Reports looked for in one mail before giving up: each miss blanks one header line. */
const MAX_CANDIDATES = 8;

/**
 * True when a report came from a running kernel. A header that no report format knows, with
 * no frame and no task line after it, is a build, doc or tool warning that starts the same
 * way ("WARNING: No kernel-doc for ...", "WARNING: modpost: ...", checkpatch, crash(8)).
 */
function fromRunningKernel(text: string, r: OopsReport): boolean {
  return !r.headerOnly || r.frames.length > 0 || TASK_LINE.test(text.slice(r.start, r.end));
}

/** The crash analysis of a mail body: quoted lines, build reports and warnings left out. */
export function analyzeMail(text: string): OopsAnalysis | null {
  if (BUILD_REPORT.test(text)) return null;
  let body = unquoted(text);
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const a = analyzeOops(body);
    const first = a?.reports[0];
    if (!a || !first || fromRunningKernel(body, first)) return a;
    const eol = body.indexOf('\n', first.start);
    const end = eol === -1 ? body.length : eol;
    body = body.slice(0, first.start) + ' '.repeat(end - first.start) + body.slice(end);
  }
  return null;
}

/** The crash summary of a mail body, or null when it holds no crash report of its own. */
export function crashSummary(text: string): CrashSummary | null {
  const a = analyzeMail(text);
  if (!a || !a.title) return null;
  return {
    title: a.title,
    type: a.type,
    frame: a.frame,
    corrupted: a.corrupted,
    kernel: a.kernel?.version ?? null,
    reports: a.reports.length,
  };
}
