/** Crash-report records shared by the detector, the analyser and the UI. All are JSON-serialisable. */

/** A kernel that syzbot could not build, boot or start the fuzzer on. */
export type SetupFailure = 'build error' | 'boot error' | 'test error';

/** Why a frame should not be trusted when reading a trace. */
export type UnreliableReason =
  | 'questionable' // printed with "?": the unwinder found the address on the stack but not in the chain
  | 'offset-equals-size' // return address just past the function end: the caller's tail call or noreturn
  | 'repeated'; // the same frame again right after itself: a stale stack slot

/** Execution context a frame belongs to, as delimited by `<IRQ>`/`</IRQ>`-style markers. */
export type FrameContext = 'task' | 'irq' | 'softirq' | 'nmi' | 'exception' | 'unknown';

/** One parsed call-trace line. */
export interface Frame {
  fn: string;
  /** Offset into the function (null for symbolized `[inline]` lines that carry no offset). */
  offset: number | null;
  size: number | null;
  /** Module name from a `[module]` suffix. */
  module: string | null;
  inline: boolean;
  file: string | null;
  line: number | null;
  /** The raw line carried the `?` mark. */
  unreliable: boolean;
  /** Every reason the frame looks dubious (empty when it looks fine). */
  reasons: UnreliableReason[];
  context: FrameContext;
  /** The heading of a stack printed after the crashing one ("Freed by task 12"), else null. */
  stack: string | null;
  /** Index of the source line within the lines given to the parser. */
  lineIndex: number;
}

/** A held lock from lockdep's "N locks held by task/123:" list. */
export interface HeldLock {
  index: number;
  /** Lock address as printed (hex without 0x), or null when absent. */
  address: string | null;
  name: string;
  /** Where it was taken ("at: fn+0x1/0x2"), when printed. */
  acquiredAt: string | null;
}

/** Register dump values from lines such as `RIP: 0010:foo+0x1/0x2` or `RAX: 0000... RBX: ...`. */
export type Registers = Record<string, string>;

/** One crash report found in a text. */
export interface OopsReport {
  title: string;
  type: string | null;
  corrupted: boolean;
  /** No known report format matched: the header line itself is the title. */
  headerOnly: boolean;
  /** Character offset of the header line in the analysed text. */
  start: number;
  /** Character offset just past the last line attributed to the report. */
  end: number;
  frames: Frame[];
  locksHeld: HeldLock[];
  registers: Registers;
}

/** Kernel identification printed by dump_stack (`Not tainted 5.7.0-rc5-syzkaller #0`). */
export interface KernelInfo {
  version: string;
  /** True when the kernel reported taint flags. */
  tainted: boolean;
  /** The taint letters when printed (`G        W`), else null. */
  taintFlags: string | null;
}

/** The header block syzbot puts at the top of its mails. */
export interface SyzbotMeta {
  headCommit: string | null;
  headCommitTitle: string | null;
  gitTree: string | null;
  gitBranch: string | null;
  consoleOutput: string | null;
  kernelConfig: string | null;
  dashboardLink: string | null;
  compiler: string | null;
  syzRepro: string | null;
  cRepro: string | null;
  reportedBy: string | null;
}

/** What analyzeOops derives from a text holding at least one crash report. */
export interface OopsAnalysis {
  /** Title of the first report, following syzkaller's conventions. */
  title: string;
  altTitles: string[];
  /** Crash type (KASAN-READ, HANG, ...), null when unknown. */
  type: string | null;
  /** Guilty function taken from the title (after the last " in "), or null. */
  frame: string | null;
  corrupted: boolean;
  /** syzbot's kind for a kernel that failed to build, boot or start the fuzzer, else null. */
  failure: SetupFailure | null;
  reports: OopsReport[];
  kernel: KernelInfo | null;
  syzbot: SyzbotMeta | null;
}
