/** Folding repeated reports (e.g. the same hung task printed several times) into one. */
import type { OopsReport } from './types';

/** A set of reports with the same title and frame sequence. */
export interface ReportGroup {
  /** The first report of the group. */
  report: OopsReport;
  /** Indices into the input array, in input order. */
  indices: number[];
  count: number;
}

/** The identity of a report's trace: title plus every frame's name, offset and source location. */
export function traceKey(report: OopsReport): string {
  const frames = report.frames.map(
    (f) => `${f.fn}+${f.offset ?? '-'}/${f.size ?? '-'}@${f.file ?? ''}:${f.line ?? ''}`,
  );
  return `${report.title}\n${frames.join('\n')}`;
}

/** Groups reports whose titles and frame sequences are identical, keeping first-seen order. */
export function groupIdenticalReports(reports: readonly OopsReport[]): ReportGroup[] {
  const byKey = new Map<string, ReportGroup>();
  reports.forEach((report, i) => {
    const key = traceKey(report);
    const group = byKey.get(key);
    if (group) {
      group.indices.push(i);
      group.count++;
    } else {
      byKey.set(key, { report, indices: [i], count: 1 });
    }
  });
  return [...byKey.values()];
}
