/** The table of kernel oops families: how each header is recognised and how its title is built. */
import type { FrameExtractor } from './extractors';
import { hangFrame, stallFrame } from './extractors';
import { CALL_TRACE, RIP_FRAME, TRACE, rx } from './pattern';

/** One step of a guilty-frame search: a line pattern to reach, or TRACE to walk frames. */
export type StackStep = RegExp | typeof TRACE;

/** How to find the guilty frame of a report. */
export interface StackSpec {
  steps: readonly StackStep[];
  /** Tried when `steps` finds no frame. */
  fallback?: readonly StackStep[];
  /** Extra function-name fragments to skip for this format. */
  skip?: readonly string[];
  pick?: FrameExtractor;
}

/** One way a family's report can look. */
export interface OopsFormat {
  /** Locates the report header; its groups are the title arguments unless `args` is set. */
  title: RegExp;
  /** Captures the title arguments; if it does not match, the report is corrupted. */
  args?: RegExp;
  /** Title template: {1}, {2}... are the captured groups, then one guilty frame per stack. */
  template: string;
  alt?: readonly string[];
  stack?: StackSpec;
  /** The report legitimately carries no call trace. */
  noTrace?: boolean;
  /** Matching this format means the header itself is mangled. */
  corrupted?: boolean;
}

/** A family of reports sharing a literal header, with lines that look alike but are benign. */
export interface OopsFamily {
  header: string;
  formats: readonly OopsFormat[];
  benign: readonly RegExp[];
}

// Most faults print a register dump ("RIP: ...") and then the call trace; the faulting
// function is the RIP one unless it is generic.
const FAULT_STACK: StackSpec = { steps: [RIP_FRAME, CALL_TRACE, TRACE] };
export const TRACE_ONLY: StackSpec = { steps: [CALL_TRACE, TRACE] };
export const traceSkipping = (...skip: string[]): StackSpec => ({
  steps: [CALL_TRACE, TRACE],
  skip,
});

// WARNINGs trap: new kernels print RIP and then the stack, old kernels only the stack, and
// powerpc prints "--- interrupt:" instead of RIP.
export function warningStack(...skip: string[]): StackSpec {
  return {
    steps: [
      new RegExp(`(?:${RIP_FRAME.source}|--- interrupt: [0-9]+ at ${rx('{{FUNC}}').source})`),
      TRACE,
    ],
    fallback: [CALL_TRACE, TRACE],
    skip,
  };
}

// lockdep reports print "... at: [<pc>] func+0x..": the first such line names the lock site.
export const atFrame = (pcRequired: boolean): RegExp =>
  rx(pcRequired ? 'at: {{PC}} +{{FUNC}}' : 'at: (?:{{PC}} +)?{{FUNC}}');
export const lockdepArgs = (header: string, then: string, old: boolean): RegExp =>
  rx(`${header}${old ? ' \\]' : ''}(?:.*\\n)+?.*${then}(?:.*\\n)+?.*${atFrame(old).source}`);

const KASAN_HW_TAG_FRAMES = ['kernel_fault', 'tag_check', 'mem_abort', '^el1_', '^el1h_'];
export const USB_MSG_FRAMES = [
  'usb_submit_urb',
  'usb_start_wait_urb',
  'usb_bulk_msg',
  'usb_interrupt_msg',
  'usb_control_msg',
];
const KMSAN_ORIGIN = /(?:Local variable .* created at:|Uninit was created at:)/;
// Older KMSAN printed "Call Trace:" between the header and the frames.
const KMSAN_STACK = (skip: readonly string[]): StackSpec => ({
  steps: [TRACE, KMSAN_ORIGIN, TRACE],
  fallback: [CALL_TRACE, TRACE, KMSAN_ORIGIN, TRACE],
  skip,
});
const kfenceStack: StackSpec = { steps: [rx('BUG: KFENCE: (?:[a-z\\- ]+) in {{FUNC}}'), TRACE] };

const BUG_FAMILY: OopsFamily = {
  header: 'BUG:',
  formats: [
    {
      title: /BUG: KASAN:/,
      args: rx(
        'BUG: KASAN: ([a-z\\-]+) in {{FUNC}}(?:.*\\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)',
      ),
      template: 'KASAN: {1} {3} in {4}',
      alt: ['bad-access in {4}'],
      stack: {
        steps: [rx('BUG: KASAN: (?:[a-z\\-]+) in {{FUNC}}'), CALL_TRACE, TRACE],
        skip: KASAN_HW_TAG_FRAMES,
      },
    },
    {
      title: /BUG: KASAN:/,
      args: rx('BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}'),
      template: 'KASAN: invalid-free in {2}',
      alt: ['invalid-free in {2}'],
      stack: {
        steps: [
          rx('BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}'),
          CALL_TRACE,
          TRACE,
        ],
        skip: ['slab_', 'kfree', 'vunmap', 'vfree'],
      },
    },
    {
      title: /BUG: KASAN: ([a-z-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+)/,
      template: 'KASAN: {1} {2}',
    },
    { title: /BUG: KASAN: (.*)/, template: 'KASAN: {1}', corrupted: true },
    {
      title: /BUG: KMSAN: kernel-usb-infoleak/,
      args: rx('BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}'),
      template: 'KMSAN: kernel-usb-infoleak in {2}',
      alt: ['KMSAN origin in {3}'],
      stack: KMSAN_STACK(['alloc_skb', ...USB_MSG_FRAMES]),
      noTrace: true,
    },
    {
      title: /BUG: KMSAN:/,
      args: rx('BUG: KMSAN: ([a-z\\-]+) in {{FUNC}}'),
      template: 'KMSAN: {1} in {3}',
      alt: ['bad-access in {3}'],
      // Crypto helpers are where uninit data is noticed, but never where it came from.
      stack: KMSAN_STACK([
        'alloc_skb',
        'netlink_ack',
        'netlink_rcv_skb',
        '_encrypt$',
        '^(?:crypto|cipher|drbg|rng)_',
      ]),
      noTrace: true,
    },
    {
      title: /BUG: KCSAN: data-race/,
      args: /BUG: KCSAN: (.*)/,
      template: 'KCSAN: {1}',
      noTrace: true,
    },
    { title: /BUG: KCSAN:/, args: /BUG: KCSAN: (.*)/, template: 'KCSAN: {1}', noTrace: true },
    {
      title: rx('BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}'),
      template: 'KFENCE: {1} {2} in {4}',
      alt: ['bad-access in {4}'],
      stack: kfenceStack,
    },
    {
      title: rx('BUG: KFENCE: invalid free in {{FUNC}}'),
      template: 'KFENCE: invalid free in {2}',
      alt: ['invalid-free in {2}'],
      noTrace: true,
      stack: kfenceStack,
    },
    {
      title: rx('BUG: KFENCE: invalid (read|write) in {{FUNC}}'),
      template: 'KFENCE: invalid {1} in {3}',
      alt: ['bad-access in {3}'],
      stack: kfenceStack,
    },
    {
      title: rx('BUG: KFENCE: memory corruption in {{FUNC}}'),
      template: 'KFENCE: memory corruption in {2}',
      noTrace: true,
      stack: kfenceStack,
    },
    {
      title:
        /BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)/,
      template: 'BUG: unable to handle kernel paging request in {1}',
      alt: ['bad-access in {1}'],
      stack: FAULT_STACK,
    },
    {
      title:
        /BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)/,
      template: 'BUG: unable to handle kernel NULL pointer dereference in {1}',
      alt: ['bad-access in {1}'],
      stack: FAULT_STACK,
    },
    // The header is printed by two printk() calls; the second half is often lost.
    {
      title: /BUG: (?:unable to handle kernel|Unable to handle kernel)/,
      template: 'BUG: unable to handle kernel',
      corrupted: true,
    },
    {
      title:
        /BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)/,
      template: 'BUG: {1} {2} in {3}',
      stack: traceSkipping('spin_', '_lock', '_unlock'),
    },
    {
      title: /BUG: soft lockup/,
      template: 'BUG: soft lockup in {1}',
      alt: ['stall in {1}'],
      stack: { ...FAULT_STACK, pick: stallFrame },
    },
    {
      title: /BUG: .*still has locks held!/,
      args: rx('BUG: .*still has locks held!(?:.*\\n)+?.*{{PC}} +{{FUNC}}'),
      template: 'BUG: still has locks held in {1}',
    },
    {
      title: /BUG: scheduling while atomic/,
      template: 'BUG: scheduling while atomic in {1}',
      stack: traceSkipping('schedule'),
    },
    {
      title: /BUG: lock held when returning to user space/,
      args: rx(
        'BUG: lock held when returning to user space(?:.*\\n)+?.*leaving the kernel with locks still held(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}',
      ),
      template: 'BUG: lock held when returning to user space in {1}',
      noTrace: true,
    },
    {
      title: /BUG: bad unlock balance detected!/,
      template: 'BUG: bad unlock balance in {1}',
      stack: { steps: [rx('{{PC}} +{{FUNC}}'), CALL_TRACE, TRACE] },
    },
    {
      title: /BUG: held lock freed!/,
      args: rx('BUG: held lock freed!(?:.*\\n)+?.*{{PC}} +{{FUNC}}'),
      template: 'BUG: held lock freed in {1}',
    },
    { title: /BUG: Bad rss-counter state/, template: 'BUG: Bad rss-counter state', noTrace: true },
    {
      title: /BUG: non-zero nr_ptes on freeing mm/,
      template: 'BUG: non-zero nr_ptes on freeing mm',
      noTrace: true,
    },
    {
      title: /BUG: non-zero nr_pmds on freeing mm/,
      template: 'BUG: non-zero nr_pmds on freeing mm',
      noTrace: true,
    },
    {
      // Block device names (loop0, loop1...) and fs types would split one bug into many.
      title: /BUG: Dentry .* still in use/,
      args: /BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]/,
      template: 'BUG: Dentry still in use in {1}',
      alt: ['BUG: Dentry still in use [{1} of {2}]'],
    },
    {
      title: /BUG: Bad page (state|cache)/,
      template: 'BUG: Bad page {1} in {2}',
      stack: {
        steps: [/page last allocated/, TRACE],
        skip: [
          '(free|put|get|update|release)_page',
          'free_unref',
          '^_*folio',
          'truncate_inode_pages',
          'page_frag_free',
          'alloc',
          'vmap',
          'page_owner',
        ],
      },
    },
    { title: /BUG: Bad page map/, template: 'BUG: Bad page map' },
    { title: /BUG: workqueue lockup/, template: 'BUG: workqueue lockup', noTrace: true },
    {
      title: /BUG: sleeping function called from invalid context at (.*)/,
      template: 'BUG: sleeping function called from invalid context in {2}',
      stack: TRACE_ONLY,
    },
    {
      title: /BUG: using ([a-z_]+)\(\) in preemptible/,
      template: 'BUG: using {1}() in preemptible code in {2}',
      stack: traceSkipping(
        'dump_stack',
        'preemption',
        'preempt',
        'debug_',
        'processor_id',
        'this_cpu',
      ),
    },
    {
      title: /BUG: workqueue leaked lock or atomic/,
      args: /BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)\n/,
      template: 'BUG: workqueue leaked lock or atomic in {1}',
      noTrace: true,
    },
    {
      title: /BUG: memory leak/,
      template: 'memory leak in {1}',
      stack: {
        steps: [/backtrace(?: \(crc [0-9A-Fa-f]*\))?:/, TRACE],
        skip: [
          'kmemleak',
          'mmap',
          'kmem',
          'slab',
          'alloc',
          'create_object',
          'idr_get',
          'list_lru_init',
          'kasprintf',
          'kvasprintf',
          'pcpu_create',
          'strdup',
          'strndup',
          'memdup',
        ],
      },
    },
    {
      title: /BUG: .*stack guard page was hit at/,
      template: 'BUG: stack guard page was hit in {1}',
      alt: ['stack-overflow in {1}'],
      stack: { ...FAULT_STACK, pick: stallFrame },
    },
    {
      // arm/arm64 spell this lockdep report differently; share the amd64 title.
      title: /BUG: Invalid wait context/,
      template: 'WARNING: locking bug in {1}',
      stack: traceSkipping('lock_sock', 'release_sock'),
    },
    { title: /BUG:\s*(?:\n|$)/, template: 'BUG: corrupted', corrupted: true },
  ],
  benign: [
    /ODEBUG:/, // CONFIG_DEBUG_OBJECTS chatter
    /Boot_DEBUG:/,
    /xlog_status:/,
    /DEBUG:/, // Android ART
    /BUG: no syscalls can create resource/, // syzkaller's own debug output
  ],
};

export { BUG_FAMILY };
export { hangFrame, stallFrame };
