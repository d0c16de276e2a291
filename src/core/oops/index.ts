/** Kernel crash-report analysis: detection, syzkaller-compatible titles, traces, syzbot metadata. */
export { analyzeOops, findReports, MAX_REPORTS } from './analyze';
export { crashTypeOf } from './crashType';
export { demangle } from './demangle';
export { findKernelInfo, parseLocksHeld, parseRegisters } from './details';
export { isUnreliable, parseFrameLine, parseFrames, stripLinePrefix } from './frames';
export {
  groupIdenticalReports,
  nearIdentical,
  traceDifference,
  traceKey,
  type ReportGroup,
  type TraceDifference,
} from './group';
export { findSyzbotMeta } from './syzbot';
export { frameFromTitle, normaliseTitle } from './title';
export type * from './types';
export { analyzeMail, crashSummary, unquoted } from './summary';
export { releaseTag, sourceLink } from './source';
export { crashLabel, crashLabelTitle } from './labels';
export { collectBugs, type BugIndexMail, type SyzbotBug } from './bugIndex';
export {
  bugName,
  dashboardUrl,
  extidsOf,
  syzbotSubject,
  syzbotTitle,
  type SyzbotSubject,
} from './syzbotBug';
export { eventsOf, triage, type BugEvent, type BugStatus, type BugTriage } from './syzbotStatus';
