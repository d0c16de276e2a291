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

/** How a near-identical trace differs from a reference: frames only in it, frames only in the reference. */
export interface TraceDifference {
  added: string[];
  removed: string[];
}

function frameNames(r: OopsReport): string[] {
  return r.frames.map((f) => (f.offset === null ? f.fn : `${f.fn}+0x${f.offset.toString(16)}`));
}

/** Frames (by name and offset) present in one trace and not the other, in trace order. */
export function traceDifference(reference: OopsReport, other: OopsReport): TraceDifference {
  const a = frameNames(reference);
  const b = frameNames(other);
  const inA = new Set(a);
  const inB = new Set(b);
  return { added: b.filter((f) => !inA.has(f)), removed: a.filter((f) => !inB.has(f)) };
}

/** True when two traces are of one kind and share most frames: worth showing as a difference. */
export function nearIdentical(reference: OopsReport, other: OopsReport): boolean {
  if (reference.type !== other.type) return false;
  const d = traceDifference(reference, other);
  const size = Math.max(reference.frames.length, other.frames.length, 1);
  return (d.added.length + d.removed.length) / size <= 0.5;
}
