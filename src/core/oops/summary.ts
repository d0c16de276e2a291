import type { CrashSummary } from '../types';
import { analyzeOops } from './analyze';

/**
 * A mail body with quoted lines blanked out (same length, so offsets still
 * point into the original): a reply quoting a crash report is not a report.
 */
export function unquoted(text: string): string {
  return text.replace(/^[ \t]*>.*$/gm, (line) => ' '.repeat(line.length));
}

/** The crash analysis of a mail body, ignoring quoted lines. */
export function analyzeMail(text: string): ReturnType<typeof analyzeOops> {
  return analyzeOops(unquoted(text));
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
