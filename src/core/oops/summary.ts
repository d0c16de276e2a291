import type { CrashSummary } from '../types';
import { analyzeOops } from './analyze';

/** The crash summary of a text, or null when it holds no crash report. */
export function crashSummary(text: string): CrashSummary | null {
  const a = analyzeOops(text);
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
