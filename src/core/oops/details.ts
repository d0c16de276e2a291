/** Side information printed around a trace: held locks, registers, kernel version and taint. */
import { stripLinePrefix } from './frames';
import type { HeldLock, KernelInfo, Registers } from './types';

const LOCKS_HEADER = /^(?:[0-9]+|no) locks? held by /;
// " #0: ffff8880a1b2c3d8 (&sb->s_type->i_mutex_key#13){+.+.}-{3:3}, at: inode_lock ..."
// Old kernels omit the address; lock names may themselves contain parentheses.
const LOCK_LINE =
  /^#([0-9]+):\s+(?:([0-9a-f]{8,16})\s+)?\((.*)\)(?:\{[^}]*\})?(?:-\{[^}]*\})?(?:, at: (.*))?$/;

/** Parses lockdep's "N locks held by ..." lists (every list in the lines, in order). */
export function parseLocksHeld(lines: readonly string[]): HeldLock[] {
  const out: HeldLock[] = [];
  let inList = false;
  for (const raw of lines) {
    const body = stripLinePrefix(raw).trim();
    if (LOCKS_HEADER.test(body)) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    const m = LOCK_LINE.exec(body);
    if (!m) {
      inList = false;
      continue;
    }
    out.push({
      index: Number(m[1]),
      address: m[2] ?? null,
      name: m[3],
      acquiredAt: m[4]?.trim() ?? null,
    });
  }
  return out;
}

// Register dump lines start with a register name; x86 (RIP/RAX/R8..), i386 (EIP/EAX), arm64
// (pc/lr/sp/x0..x29) and the control/segment registers that share the dump.
const REGISTER_LINE =
  /^(?:RIP|RSP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R[89]|R1[0-5]|FS|GS|CS|CR[0-4]|DR[0-7]|EIP|ESP|EAX|EBX|ECX|EDX|ESI|EDI|EBP|DS|pc|lr|sp|pstate|x[0-9]{1,2})\s*:/;
const REGISTER_PAIR =
  /\b(RIP|RSP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R[89]|R1[0-5]|FS|GS|CS|DS|ES|CR[0-4]|DR[0-7]|EFLAGS|EIP|ESP|EAX|EBX|ECX|EDX|ESI|EDI|EBP|ORIG_RAX|pc|lr|sp|pstate|x[0-9]{1,2})\s*: ?((?:[0-9a-f]{4}:)?(?:[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+|[0-9a-fA-F]+(?:\([^)]*\))?))/g;

/** Collects register values from a report's register dump (first value wins per register). */
export function parseRegisters(lines: readonly string[]): Registers {
  const regs: Registers = {};
  for (const raw of lines) {
    const body = stripLinePrefix(raw).trim();
    if (!REGISTER_LINE.test(body)) continue;
    for (const m of body.matchAll(REGISTER_PAIR)) {
      if (!(m[1] in regs)) regs[m[1]] = m[2];
    }
  }
  return regs;
}

// "... Not tainted 5.7.0-rc5-syzkaller #0" or "... Tainted: G    B   W  6.1.0 #1".
const KERNEL_LINE = /\b(?:Not tainted|Tainted: ([A-Z][A-Z ]*?))\s+([0-9]+\.[0-9]+[^\s]*)\s+#/;

/** Finds the kernel version and taint state dump_stack prints. */
export function findKernelInfo(text: string): KernelInfo | null {
  const m = KERNEL_LINE.exec(text);
  if (!m) return null;
  const flags = m[1]?.replace(/\s+/g, ' ').trim() ?? null;
  return { version: m[2], tainted: flags !== null, taintFlags: flags };
}
