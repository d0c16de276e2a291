/** The remaining oops families (INFO, faults, panics, sanitizers, syzkaller's own) and the full list. */
import { BUG_FAMILY, hangFrame, stallFrame } from './formats';
import { WARNING_FAMILY } from './warnings';
import type { OopsFamily, OopsFormat, StackSpec } from './formats';
import { CALL_TRACE, RIP_FRAME, TRACE, rx } from './pattern';

const FAULT_STACK: StackSpec = { steps: [RIP_FRAME, CALL_TRACE, TRACE] };
const RIP_ONLY: StackSpec = { steps: [RIP_FRAME] };

// Pre-4.x lockdep put "]" after the headline and always printed the PC before "at:".
function oldLockdep(
  headline: string,
  then: string,
  template = 'possible deadlock in {1}',
): OopsFormat {
  return {
    title: new RegExp(headline),
    args: rx(`${headline} \\](?:.*\\n)+?.*${then}(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}`),
    template,
  };
}

/** A family whose single format is "<name> in <faulting function>". */
function faultFamily(
  header: string,
  template: string,
  stack: StackSpec,
  alt?: string[],
): OopsFamily {
  return { header, formats: [{ title: new RegExp(header), template, stack, alt }], benign: [] };
}

const INFO_FAMILY: OopsFamily = {
  header: 'INFO:',
  formats: [
    oldLockdep('INFO: possible circular locking dependency detected', 'is trying to acquire lock'),
    oldLockdep(
      'INFO: possible irq lock inversion dependency detected',
      'just changed the state of lock',
    ),
    oldLockdep('INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected', 'is trying to acquire'),
    oldLockdep('INFO: possible recursive locking detected', 'is trying to acquire lock'),
    oldLockdep('INFO: inconsistent lock state', 'takes', 'inconsistent lock state in {1}'),
    {
      title: /INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall/,
      template: 'INFO: rcu detected stall in {1}',
      alt: ['stall in {1}'],
      // The stalled code is what the timer interrupt preempted, not the RCU machinery.
      stack: {
        steps: [/apic_timer_interrupt/, RIP_FRAME, TRACE],
        fallback: [/(?:apic_timer_interrupt|Exception stack|el1h_64_irq)/, TRACE],
        skip: ['apic_timer_interrupt', 'rcu'],
        pick: stallFrame,
      },
    },
    {
      title: /INFO: trying to register non-static key/,
      template: 'INFO: trying to register non-static key in {1}',
      stack: { steps: [CALL_TRACE, TRACE], skip: ['stack', 'lock', 'IRQ'] },
    },
    {
      title: /INFO: suspicious RCU usage/,
      args: rx('INFO: suspicious RCU usage(?:.*\\n)+?.*?{{SRC}}'),
      template: 'INFO: suspicious RCU usage in {2}',
      stack: { steps: [CALL_TRACE, TRACE], skip: ['rcu', 'kmem', 'slab'] },
    },
    {
      // Newer kernels say "blocked in I/O wait for more than" for tasks in D state on I/O.
      title: /INFO: task .* blocked (?:in I\/O wait )?for more than [0-9]+ seconds/,
      template: 'INFO: task hung in {1}',
      alt: ['hang in {1}'],
      stack: { steps: [CALL_TRACE, TRACE], pick: hangFrame },
    },
    {
      title: /INFO: task .* can't die for more than .* seconds/,
      template: "INFO: task can't die in {1}",
      alt: ['hang in {1}'],
      stack: { steps: [CALL_TRACE, TRACE], skip: ['schedule'] },
    },
    // Old-style KASAN reports that lost their header end up here.
    { title: /INFO: (Freed|Allocated) in (.*)/, template: 'INFO: {1} in {2}', corrupted: true },
    { title: /INFO:\s*(?:\n|$)/, template: 'INFO: corrupted', corrupted: true },
  ],
  benign: [
    /INFO: lockdep is turned off/,
    /INFO: Stall ended before state dump start/,
    /INFO: NMI handler/,
    /INFO: recovery required on readonly filesystem/,
    /(handler|interrupt).*took too long/,
    /INFO: sys_.* is not present in \/proc\/kallsyms/, // syzkaller debug output
    /INFO: no syscalls can create resource/, // syzkaller debug output
    /rmt_storage:INFO:/, // Android
    /_INFO:/, // "INVALID BTF_INFO:NUM"
  ],
};

const PANIC_FAMILY: OopsFamily = {
  header: 'Kernel panic',
  formats: [
    // Stack corruption may leave no symbol and no unwindable stack.
    {
      title: /Kernel panic - not syncing: stack-protector:/,
      args: rx(
        'Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}',
      ),
      template: 'kernel panic: stack is corrupted in {1}',
      noTrace: true,
    },
    {
      title: /Kernel panic - not syncing: stack-protector:/,
      args: /Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+/,
      template: 'kernel panic: stack is corrupted in {1}',
      stack: { steps: [CALL_TRACE, TRACE], skip: ['stack_chk'] },
    },
    {
      title: /Kernel panic - not syncing: corrupted stack end/,
      args: /Kernel panic - not syncing: corrupted stack end detected inside scheduler/,
      template: 'kernel panic: corrupted stack end in {1}',
      alt: ['stack-overflow in {1}'],
      stack: { steps: [CALL_TRACE, TRACE], skip: ['schedule', 'retint_kernel'], pick: stallFrame },
    },
    {
      title: /Kernel panic - not syncing: kernel stack overflow/,
      template: 'kernel stack overflow in {1}',
      alt: ['stack-overflow in {1}'],
      stack: { steps: [CALL_TRACE, TRACE], skip: ['bad_stack'], pick: stallFrame },
    },
    {
      title: /Kernel panic - not syncing: Attempted to kill init!/,
      template: 'kernel panic: Attempted to kill init!',
    },
    {
      title: /Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+/,
      template: "kernel panic: Couldn't open N_TTY ldisc",
    },
    // These panics follow another report; catching one as the title means its header was lost.
    {
      title: /Kernel panic - not syncing: Fatal exception/,
      template: 'kernel panic: Fatal exception',
      corrupted: true,
    },
    {
      title: /Kernel panic - not syncing: panic_on_warn set/,
      template: 'kernel panic: panic_on_warn set',
      corrupted: true,
    },
    {
      title: /Kernel panic - not syncing: hung_task: blocked tasks/,
      template: 'kernel panic: hung_task: blocked tasks',
      corrupted: true,
    },
    { title: /Kernel panic - not syncing: (.*)/, template: 'kernel panic: {1}' },
  ],
  benign: [],
};

const KERNEL_BUG_FAMILY: OopsFamily = {
  header: 'kernel BUG',
  formats: [
    {
      title: /kernel BUG at mm\/usercopy.c/,
      template: 'BUG: bad usercopy in {1}',
      stack: { steps: [CALL_TRACE, TRACE], skip: ['usercopy', '__check'] },
    },
    {
      title: /kernel BUG at lib\/list_debug.c/,
      template: 'BUG: corrupted list in {1}',
      alt: ['bad-access in {1}'],
      stack: { steps: [CALL_TRACE, TRACE] },
    },
    {
      title: /kernel BUG at (.*)/,
      template: 'kernel BUG in {2}',
      // skb helpers BUG_ON bad arguments; the caller is at fault.
      stack: { ...FAULT_STACK, skip: ['^skb_'] },
    },
  ],
  benign: [],
};

const UBSAN_FAMILY: OopsFamily = {
  header: 'UBSAN:',
  formats: [
    {
      title: /UBSAN:/,
      args: /UBSAN: Undefined behaviour in/,
      template: 'UBSAN: undefined-behaviour in {1}',
      stack: { steps: [CALL_TRACE, TRACE], skip: ['ubsan', 'overflow'] },
    },
    {
      title: /UBSAN: array-index-out-of-bounds in/,
      template: 'UBSAN: array-index-out-of-bounds in {1}',
      alt: ['bad-access in {1}'],
      stack: { steps: [CALL_TRACE, TRACE], skip: ['ubsan', 'overflow'] },
    },
    {
      title: /UBSAN:/,
      args: /UBSAN: (.*?) in/,
      template: 'UBSAN: {1} in {2}',
      stack: { steps: [CALL_TRACE, TRACE], skip: ['ubsan', 'overflow'] },
    },
  ],
  benign: [],
};

const TRUSTY_FAMILY: OopsFamily = {
  header: 'trusty: panic',
  formats: [
    {
      title: /trusty: panic.* ASSERT FAILED/,
      args: /trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+)/,
      template: 'trusty: ASSERT FAILED: {1}',
      noTrace: true,
    },
    {
      title: /trusty: panic.* ASSERT FAILED.*: *(.*)/,
      template: 'trusty: ASSERT FAILED: {1}',
      corrupted: true,
    },
    {
      title: /trusty: panic/,
      args: /trusty: panic \(.*?\): (.+)/,
      template: 'trusty: panic: {1}',
      noTrace: true,
    },
  ],
  benign: [],
};

/** One-line families that carry no stack: the message itself is the title. */
function messageFamily(
  header: string,
  title: RegExp,
  template: string,
  benign: RegExp[] = [],
): OopsFamily {
  return { header, formats: [{ title, template, noTrace: true }], benign };
}

/** Every family, in matching priority order. */
export const FAMILIES: readonly OopsFamily[] = [
  BUG_FAMILY,
  WARNING_FAMILY,
  INFO_FAMILY,
  {
    header: 'Unable to handle kernel',
    formats: [
      {
        title:
          /Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)/,
        template: 'BUG: unable to handle kernel {1} in {2}',
        alt: ['bad-access in {2}'],
        stack: FAULT_STACK,
      },
    ],
    benign: [],
  },
  {
    header: 'general protection fault',
    formats: [
      {
        title: /general protection fault.*:/,
        template: 'general protection fault in {1}',
        alt: ['bad-access in {1}'],
        stack: FAULT_STACK,
      },
    ],
    // User-space segfault notices ("... error:0 in libc.so").
    benign: [/general protection fault .* error:\d+ in /],
  },
  faultFamily('stack segment: ', 'stack segment fault in {1}', FAULT_STACK),
  PANIC_FAMILY,
  faultFamily('PANIC: double fault', 'PANIC: double fault in {1}', RIP_ONLY),
  {
    header: 'rust_kernel: panicked',
    formats: [
      {
        title: /rust_kernel: panicked/,
        args: /rust_kernel: panicked at [^\n]*?\n(.+?)\n/,
        template: '{1} in {2}',
        stack: {
          steps: [CALL_TRACE, TRACE],
          skip: ['__rustc::rust_begin_unwind'.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')],
        },
      },
    ],
    benign: [],
  },
  KERNEL_BUG_FAMILY,
  {
    header: 'Kernel BUG',
    formats: [{ title: /Kernel BUG (.*)/, template: 'kernel BUG {1}' }],
    benign: [],
  },
  {
    header: 'BUG kmalloc-',
    formats: [
      { title: /BUG kmalloc-.*: Object already free/, template: 'BUG: Object already free' },
    ],
    benign: [],
  },
  faultFamily('divide error:', 'divide error in {1}', RIP_ONLY),
  // A misspelling introduced when divide errors moved to IDTENTRY.
  faultFamily('divide_error:', 'divide error in {1}', RIP_ONLY),
  faultFamily('invalid opcode:', 'invalid opcode in {1}', RIP_ONLY),
  faultFamily('int3:', 'int3 in {1}', FAULT_STACK),
  UBSAN_FAMILY,
  messageFamily('Booting the kernel.', /^Booting the kernel/, 'unexpected kernel reboot', [
    // Boot messages echoed back as bogus mount options are not reboots.
    /Parsing ELF|Decompressing Linux|Unknown parameter '/,
  ]),
  messageFamily(
    'unregister_netdevice: waiting for',
    /unregister_netdevice: waiting for (?:.*) to become free/,
    'unregister_netdevice: waiting for DEV to become free',
  ),
  messageFamily(
    'VFS: Close: file count is 0',
    /VFS: Close: file count is 0/,
    'VFS: Close: file count is zero (use-after-free)',
  ),
  messageFamily(
    'VFS: Busy inodes after unmount',
    /VFS: Busy inodes after unmount/,
    'VFS: Busy inodes after unmount (use-after-free)',
  ),
  // arm64 "Internal error: synchronous external abort" is arm's paging request; share bad-access.
  faultFamily('Internal error:', 'Internal error in {1}', FAULT_STACK, ['bad-access in {1}']),
  // arm's "Unhandled fault: page domain fault" is x86's general protection fault.
  faultFamily('Unhandled fault:', 'Unhandled fault in {1}', FAULT_STACK, ['bad-access in {1}']),
  faultFamily('Alignment trap:', 'Alignment trap in {1}', FAULT_STACK),
  TRUSTY_FAMILY,
  messageFamily('fatal error:', /fatal error:/, 'go runtime error', [
    /ALSA/,
    /fatal error: cannot create timer/,
  ]),
  // syzkaller's executor and tools.
  messageFamily('SYZFAIL:', /SYZFAIL:(.*)/, 'SYZFAIL:{1}'),
  {
    header: 'SYZFATAL:',
    formats: [
      { title: /SYZFATAL:(.*)()/, template: 'SYZFATAL:{1}', alt: ['SYZFATAL{2}'], noTrace: true },
    ],
    benign: [],
  },
  {
    header: 'panic:',
    formats: [
      {
        title: /panic: Sentry detected .* stuck task/,
        template: 'panic: Sentry detected stuck tasks',
        noTrace: true,
      },
      { title: /panic:(.*)/, template: 'panic:{1}', noTrace: true },
    ],
    // skb_panic and friends print "_panic:".
    benign: [/_panic:/, /xlog_status:/, /ddb\.onpanic:/, /evtlog_status:/],
  },
];

/** Patterns that may appear inside a report without starting a new one. */
export const NOT_A_NEW_REPORT: readonly RegExp[] = [
  /invalid opcode: 0000/,
  /Kernel panic - not syncing/,
  /unregister_netdevice: waiting for/,
  // A double fault is usually the same crash escalating, not an unrelated CPU.
  /PANIC: double fault/,
  /Internal error:/,
];

/** Informational messages that print a stack and thus blur the end of a preceding report. */
export const INFO_WITH_STACK: readonly string[] = [
  'vmalloc: allocation failure:',
  'FAULT_INJECTION: forcing a failure',
  'FAULT_FLAG_ALLOW_RETRY missing',
];
