/** The entry point: find every crash report in a text and describe the first one. */
import { NOT_A_NEW_REPORT } from './families';
import {
  consoleHungUp,
  cutReport,
  digestLines,
  headerLines,
  type CutReport,
  type TextLine,
} from './detect';
import { crashTypeOf } from './crashType';
import { CURRENT_ERA, eraOf, type Era } from './era';
import { findKernelInfo, parseLocksHeld, parseRegisters } from './details';
import { parseFrames } from './frames';
import { matchesAny } from './pattern';
import { setupFailure, setupFailureTitle } from './setupFailure';
import { findSyzbotMeta } from './syzbot';
import { frameFromTitle, normaliseTitle } from './title';
import type { OopsAnalysis, OopsReport } from './types';

/** Upper bound on reports cut from one text; console logs can hold thousands of repeats. */
export const MAX_REPORTS = 64;

function toReport(lines: readonly TextLine[], cut: CutReport): OopsReport {
  const own = cut.displayIdx.map((i) => lines[i].raw);
  const last = lines[cut.displayIdx[cut.displayIdx.length - 1]];
  const title = normaliseTitle(cut.title);
  return {
    title,
    type: crashTypeOf(cut.title),
    corrupted: cut.corrupted,
    headerOnly: cut.headerOnly,
    start: lines[cut.first].start,
    end: last.end,
    frames: parseFrames(own),
    locksHeld: parseLocksHeld(own),
    registers: parseRegisters(own),
  };
}

// Windows line ends would leak "\r" into titles; a space keeps every offset unchanged.
function prepare(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?=\n|$)/g, ' ') : text;
}

/** Cuts every independent report: headers inside an earlier report, or panic tails, are skipped. */
export function findReports(text: string): OopsReport[] {
  const lines = digestLines(prepare(text));
  return cutAll(lines).map((cut) => toReport(lines, cut));
}

function cutAll(lines: readonly TextLine[], era: Era = CURRENT_ERA): CutReport[] {
  const cuts: CutReport[] = [];
  const covered = new Set<number>();
  for (const h of headerLines(lines)) {
    if (cuts.length >= MAX_REPORTS) break;
    if (cuts.length > 0 && (covered.has(h) || matchesAny(lines[h].raw, NOT_A_NEW_REPORT))) continue;
    const cut = cutReport(lines, h, era);
    for (const i of cut.lineIdx) covered.add(i);
    cuts.push(cut);
  }
  return cuts;
}

/** Analyses a mail body or console log; null when it holds no kernel crash report. */
export function analyzeOops(text: string): OopsAnalysis | null {
  const clean = prepare(text);
  const lines = digestLines(clean);
  const syzbot = findSyzbotMeta(clean);
  // A syzbot mail was titled by the syzkaller of its day, a console log by today's.
  const cuts = cutAll(lines, syzbot ? eraOf(clean) : CURRENT_ERA);
  const failure = syzbot ? setupFailure(clean, syzbot, cuts.length > 0) : null;
  const tree = syzbot?.gitTree ?? '';
  if (cuts.length === 0) {
    if (failure !== 'build error') return null;
    const title = setupFailureTitle(failure, tree, '');
    return {
      title,
      altTitles: [],
      type: null,
      frame: null,
      corrupted: false,
      failure,
      reports: [],
      kernel: null,
      syzbot,
    };
  }
  const first = cuts[0];
  const crashTitle = normaliseTitle(first.title);
  const title = failure ? setupFailureTitle(failure, tree, crashTitle) : crashTitle;
  const altTitles = [...new Set(first.altTitles.map(normaliseTitle))].sort();
  const reports = cuts.map((cut) => toReport(lines, cut));
  const own = reports[0];
  return {
    title,
    altTitles,
    type: crashTypeOf(first.title),
    frame: frameFromTitle(crashTitle),
    corrupted: first.corrupted || consoleHungUp(clean),
    failure,
    reports,
    kernel: findKernelInfo(clean.slice(own.start, own.end)) ?? findKernelInfo(clean),
    syzbot,
  };
}
