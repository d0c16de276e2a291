/** The WARNING family: generic WARN_ON()s, subsystem-specific warnings and lockdep reports. */
import {
  TRACE_ONLY,
  USB_MSG_FRAMES,
  atFrame,
  lockdepArgs,
  traceSkipping,
  warningStack,
} from './formats';
import type { OopsFamily } from './formats';
import { CALL_TRACE, TRACE, rx } from './pattern';

export const WARNING_FAMILY: OopsFamily = {
  header: 'WARNING:',
  formats: [
    {
      title: /WARNING: .*lib\/debugobjects\.c.* (?:debug_print|debug_check|at)/,
      template: 'WARNING: ODEBUG bug in {1}',
      // Users of debug objects are infrastructure too.
      stack: warningStack(
        'debug_',
        'rcu',
        'hrtimer_',
        'timer_',
        'work_',
        'percpu_',
        'vunmap',
        'vfree',
        '__free_',
        'debug_check',
        'kobject_',
      ),
    },
    {
      title: /WARNING: .*mm\/usercopy\.c.* (?:usercopy_warn|at)/,
      template: 'WARNING: bad usercopy in {1}',
      stack: warningStack('usercopy', '__check'),
    },
    {
      title: /WARNING: .*lib\/kobject\.c.* (?:kobject_|at)/,
      template: 'WARNING: kobject bug in {1}',
      stack: warningStack('kobject_'),
    },
    {
      title: /WARNING: .*fs\/proc\/generic\.c.* (?:proc_register|at)/,
      template: 'WARNING: proc registration bug in {1}',
      stack: warningStack('proc_'),
    },
    {
      title: /WARNING: .*lib\/refcount\.c.* (?:refcount_|at)/,
      template: 'WARNING: refcount bug in {1}',
      stack: warningStack('refcount', 'kobject_'),
    },
    {
      title: /WARNING: .*kernel\/locking\/lockdep\.c.*lock_/,
      template: 'WARNING: locking bug in {1}',
      stack: warningStack('lock_sock', 'release_sock'),
    },
    {
      title: /WARNING: .*still has locks held!/,
      args: rx('WARNING: .*still has locks held!(?:.*\\n)+?.*at: {{FUNC}}'),
      template: 'WARNING: still has locks held in {1}',
    },
    {
      title: /WARNING: Nested lock was not taken/,
      template: 'WARNING: nested lock was not taken in {1}',
      stack: warningStack(),
    },
    {
      title: /WARNING: lock held when returning to user space/,
      args: rx(
        'WARNING: lock held when returning to user space(?:.*\\n)+?.*leaving the kernel with locks still held(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}',
      ),
      template: 'WARNING: lock held when returning to user space in {1}',
      noTrace: true,
    },
    {
      title: /WARNING: .*mm\/.*\.c.* k?.?malloc/,
      template: 'WARNING: kmalloc bug in {1}',
      stack: warningStack('kmalloc', 'krealloc', 'slab', 'kmem'),
    },
    {
      title: /WARNING: .*mm\/vmalloc.c.*__vmalloc_node/,
      template: 'WARNING: zero-size vmalloc in {1}',
      stack: warningStack(),
    },
    {
      title: /WARNING: .* usb_submit_urb/,
      template: 'WARNING in {1}/usb_submit_urb',
      stack: warningStack(...USB_MSG_FRAMES),
    },
    // Since late 2025 the kernel prints "WARNING: file.c:123 at 0x..., CPU#0".
    {
      title: rx('WARNING: {{SRC}} at 0x\\d+, CPU#\\d+'),
      template: 'WARNING in {2}',
      stack: warningStack(),
    },
    {
      title: rx('WARNING: .* at {{SRC}} {{FUNC}}'),
      template: 'WARNING in {3}',
      stack: warningStack(),
    },
    {
      title: rx('WARNING: {{SRC}} at {{FUNC}}'),
      template: 'WARNING in {3}',
      stack: warningStack(),
    },
    {
      title: rx('WARNING: \\[.*\\] {{SRC}} at {{FUNC}}.*'),
      template: 'WARNING in {3}',
      stack: warningStack(),
    },
    {
      title: /WARNING: possible circular locking dependency detected/,
      args: /WARNING: possible circular locking dependency detected(?:.*\n)+?.*is trying to acquire lock/,
      template: 'possible deadlock in {1}',
      stack: {
        steps: [atFrame(false), atFrame(false), TRACE],
        // Workqueue flushing takes pseudo-locks of work items; the deadlock is in the work.
        skip: ['process_one_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue'],
      },
    },
    {
      title: /WARNING: possible irq lock inversion dependency detected/,
      args: lockdepArgs(
        'WARNING: possible irq lock inversion dependency detected',
        'just changed the state of lock',
        false,
      ),
      template: 'possible deadlock in {1}',
    },
    {
      title: /WARNING: .*-safe -> .*-unsafe lock order detected/,
      template: 'possible deadlock in {1}',
      stack: { steps: [/which became (?:.*) at:/, TRACE] },
    },
    {
      title: /WARNING: possible recursive locking detected/,
      args: lockdepArgs(
        'WARNING: possible recursive locking detected',
        'is trying to acquire lock',
        false,
      ),
      template: 'possible deadlock in {1}',
    },
    {
      title: /WARNING: inconsistent lock state/,
      args: lockdepArgs('WARNING: inconsistent lock state', 'takes', false),
      template: 'inconsistent lock state in {2}',
      stack: TRACE_ONLY,
    },
    {
      title: /WARNING: suspicious RCU usage/,
      args: rx('WARNING: suspicious RCU usage(?:.*\\n)+?.*?{{SRC}}'),
      template: 'WARNING: suspicious RCU usage in {2}',
      stack: traceSkipping('rcu', 'kmem', 'slab'),
    },
    {
      title: /WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value/,
      template: "WARNING: kernel stack regs has bad '{1}' value",
      noTrace: true,
    },
    {
      title: /WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value/,
      template: 'WARNING: kernel stack frame pointer has bad value',
      noTrace: true,
    },
    {
      title: /WARNING: bad unlock balance detected!/,
      template: 'WARNING: bad unlock balance in {1}',
      stack: { steps: [rx('{{PC}} +{{FUNC}}'), CALL_TRACE, TRACE] },
    },
    {
      title: /WARNING: held lock freed!/,
      args: rx('WARNING: held lock freed!(?:.*\\n)+?.*at:(?: {{PC}})? +{{FUNC}}'),
      template: 'WARNING: held lock freed in {1}',
    },
    {
      title: /WARNING: kernel stack regs .* has bad 'bp' value/,
      template: 'WARNING: kernel stack regs has bad value',
      noTrace: true,
    },
    {
      title: /WARNING: kernel stack frame pointer .* has bad value/,
      template: 'WARNING: kernel stack regs has bad value',
      noTrace: true,
    },
    { title: /WARNING:\s*(?:\n|$)/, template: 'WARNING: corrupted', corrupted: true },
  ],
  benign: [
    /WARNING: \/etc\/ssh\/moduli does not exist, using fixed modulus/, // sshd
    /WARNING: workqueue cpumask: online intersect > possible intersect/,
    /WARNING: [Tt]he mand mount option/,
    /WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1/, // glibc being dumped
    /WARNING: Unprivileged eBPF is enabled with eIBRS/,
    /WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size (\((?:\d+)x(?:\d+) vs\. (?:\d+)x(?:\d+)\))/,
    /WARNING: See https.* for mitigation options./,
    /WARNING: kernel not compiled with CPU_SRSO/,
    /EXT4-[Ff][Ss](?: \(.*\))?:/, // __ext4_msg
    /warning: .* uses (deprecated v2 capabilities|wireless extensions)/i,
    /XFS \(\w+\): WARNING/,
  ],
};
