/** Structured call-trace parsing: frames with context markers and reliability flags. */
import type { Frame, FrameContext, UnreliableReason } from './types';

// Console prefix ("[   12.3][ T1] ") and mail quoting ("> ") are not part of the trace.
const LINE_PREFIX = /^(?:>+ ?)*(?:<[0-9]+>)?(?:\[ *[0-9]+\.[0-9]+\](?:\[ *[CT][0-9]+\])? ?)?/;

// [<pc>] ? name+0xoff/0xsize [module buildid] file.c:123 [inline]
// Symbolized inline frames carry no offset: "name file.c:123 [inline]".
const FRAME =
  /^\s*(?:\[<?(?:0x)?[0-9a-f]+>?\]\s*){0,2}(\?\s+)?(?:[0-9]+:)?([A-Za-z_][A-Za-z0-9_.$]*(?:::[A-Za-z0-9_.$<>]+)*)(?:\+0x([0-9a-f]+)\/0x([0-9a-f]+))?(?:\s+\[([A-Za-z0-9_.-]+)(?:\s+[0-9a-f]+)?\])?(?:\s+([A-Za-z0-9_\-./]+\.[A-Za-z]+):([0-9]+)(?::[0-9]+)?)?(\s+\[inline\])?\s*(\(unreliable\))?\s*$/;

// 32-bit ARM: "[<c0a1b2c3>] (callee+0x10/0x20) from [<c0d4e5f6>] (caller+0x30/0x40)".
const ARM_FRAME =
  /^\s*\[<[0-9a-f]+>\]\s+\(([A-Za-z0-9_.]+)\+0x([0-9a-f]+)\/0x([0-9a-f]+)(?:\s+\[([A-Za-z0-9_.-]+)\])?\)/;

const ENTER: Record<string, FrameContext> = {
  '<IRQ>': 'irq',
  '<SOFTIRQ>': 'softirq',
  '<NMI>': 'nmi',
  '<TASK>': 'task',
};
const LEAVE = new Set(['</IRQ>', '</SOFTIRQ>', '</NMI>', '</TASK>', '<EOI>', '<EOE>']);
// x86 exception stacks: <#DF>, <#MC>, <#DB>...
const EXCEPTION_ENTER = /^<#[A-Z]{2}>$/;

/** Removes console timestamps, printk callers and mail quoting from a line. */
export function stripLinePrefix(line: string): string {
  return line.replace(LINE_PREFIX, '');
}

/** Parses a line as a frame, or returns null when it is not one. */
export function parseFrameLine(
  raw: string,
): Omit<Frame, 'context' | 'stack' | 'lineIndex' | 'reasons'> | null {
  const line = stripLinePrefix(raw).replace(/\r$/, '');
  const arm = ARM_FRAME.exec(line);
  if (arm) {
    return {
      fn: arm[1],
      offset: parseInt(arm[2], 16),
      size: parseInt(arm[3], 16),
      module: arm[4] ?? null,
      inline: false,
      file: null,
      line: null,
      unreliable: false,
    };
  }
  const m = FRAME.exec(line);
  if (!m) return null;
  const hasOffset = m[3] !== undefined;
  const hasFile = m[6] !== undefined;
  // A bare word is prose, not a frame: require an offset or a source location.
  if (!hasOffset && !hasFile) return null;
  return {
    fn: m[2],
    offset: hasOffset ? parseInt(m[3], 16) : null,
    size: hasOffset ? parseInt(m[4], 16) : null,
    module: m[5] ?? null,
    inline: m[8] !== undefined,
    file: m[6] ?? null,
    line: hasFile ? Number(m[7]) : null,
    unreliable: m[1] !== undefined || m[9] !== undefined,
  };
}

// Stacks a report prints after the crashing one: where the memory was allocated, freed or
// last touched, and where an uninitialised value came from.
const SECONDARY_STACK =
  /^((?:Allocated|Freed) by task [0-9]+|(?:Second to last |Last )?potentially related work creation|Uninit was (?:created|stored to memory) at|Local variable .* created at)/;

/** Parses the frames of a trace, tracking IRQ/NMI/task sections and flagging dubious frames. */
export function parseFrames(lines: readonly string[]): Frame[] {
  const frames: Frame[] = [];
  const stack: FrameContext[] = [];
  let context: FrameContext = 'unknown';
  // Identity of frames seen since the last trace heading, to spot stale duplicates.
  let seen = new Set<string>();
  let prevKey = '';
  let heading: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const body = stripLinePrefix(lines[i]).trim();
    const secondary = SECONDARY_STACK.exec(body);
    if (secondary || /^(?:Call Trace|Call trace|Backtrace|stack backtrace)\b/.test(body)) {
      heading = secondary ? secondary[1] : null;
      seen = new Set();
      prevKey = '';
      context = 'unknown';
      stack.length = 0;
      continue;
    }
    if (body in ENTER || EXCEPTION_ENTER.test(body)) {
      stack.push(context);
      context = ENTER[body] ?? 'exception';
      continue;
    }
    if (LEAVE.has(body)) {
      context = stack.pop() ?? 'unknown';
      continue;
    }
    const parsed = parseFrameLine(lines[i]);
    if (!parsed) continue;
    const reasons: UnreliableReason[] = [];
    if (parsed.unreliable) reasons.push('questionable');
    // A return address equal to the symbol size points one past the end: the call was the
    // function's last instruction, so the address really belongs to whatever follows it.
    if (parsed.size !== null && parsed.size > 0 && parsed.offset === parsed.size)
      reasons.push('offset-equals-size');
    const key = `${parsed.fn}+${parsed.offset ?? ''}/${parsed.size ?? ''}`;
    if (!parsed.inline && parsed.offset !== null && (seen.has(key) || key === prevKey))
      reasons.push('repeated');
    if (!parsed.inline) {
      seen.add(key);
      prevKey = key;
    }
    frames.push({ ...parsed, reasons, context, stack: heading, lineIndex: i });
  }
  return frames;
}

/** True when a frame should not be trusted. */
export function isUnreliable(frame: Frame): boolean {
  return frame.reasons.length > 0;
}
