/** Guilty-frame pickers for reports whose top frame is a poor identity (stalls, hangs). */

/** Picks the guilty frame out of the non-skipped frames: returns [name, index] or null. */
export type FrameExtractor = (frames: readonly string[]) => readonly [string, number] | null;

// Dispatch points: the function called just above one of these is the code that looped.
// Generic entry points come first, then highly multiplexed calls (ioctl, read, sockets)
// where the frame right above identifies the device or protocol.
const STALL_ANCHORS: readonly RegExp[] = [
  // Work, syscalls, softirqs, timers and kernel threads.
  ...[
    'process_one_work',
    'do_syscall_',
    'do_fast_syscall_',
    'sysenter_dispatch',
    'tracesys_phase2',
    'el0_svc_handler',
    'invoke_syscall',
    'ret_fast_syscall',
    'netif_receive_skb',
    'do_softirq',
    'call_timer_fn',
    '_run_timers',
    'run_timer_softirq',
    'hrtimer_run',
    'run_ksoftirqd',
    'smpboot_thread_fn',
    '^kthread$',
    'start_secondary',
    'cpu_startup_entry',
    'ret_from_fork',
  ],
  // File operations.
  ...[
    'vfs_write',
    'vfs_read',
    'vfs_iter_read',
    'vfs_iter_write',
    'do_iter_read',
    'do_iter_write',
    'call_read_iter',
    'call_write_iter',
    'new_sync_read',
    'new_sync_write',
    'vfs_ioctl',
    'ksys_ioctl',
    'compat_ioctl',
    'compat_sys_ioctl',
    'blkdev_driver_ioctl',
    'blkdev_ioctl',
    'do_iter_readv_writev',
    '^call_mmap',
    'mmap_region',
    'do_mmap',
    'do_dentry_open',
    'vfs_open',
  ],
  // Sockets and netlink.
  ...[
    '^sock_sendmsg',
    '^sock_recvmsg',
    '^sock_release',
    '^__sock_release',
    '^setsockopt$',
    'kernel_setsockopt',
    'sock_common_setsockopt',
    '^listen$',
    'kernel_listen',
    'sk_common_release',
    '^sock_mmap',
    '^accept$',
    'kernel_accept',
    '^sock_do_ioctl',
    '^sock_ioctl',
    '^compat_sock_ioctl',
    '^nfnetlink_rcv_msg',
    '^rtnetlink_rcv_msg',
    '^netlink_dump',
    '^(sys_)?(socketpair|connect|ioctl)',
  ],
  // Page faults and the return-to-user path.
  ...[
    '__do_fault',
    'do_page_fault',
    '^page_fault$',
    '__fput',
    'task_work_run',
    'exit_to_usermode',
    'smp_call_function',
    'tasklet_action',
    'tasklet_hi_action',
  ],
].map((s) => new RegExp(s));

/** For stalls and lockups: the frame just above the first dispatch point. */
export const stallFrame: FrameExtractor = (frames) => {
  let prev = frames[0];
  let prevIdx = 0;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    if (STALL_ANCHORS.some((re) => re.test(frame))) {
      // Cross-CPU calls are their own bucket; the callers vary too much to be an identity.
      if (frame.includes('smp_call_function')) return ['smp_call_function', i];
      return [prev, prevIdx];
    }
    prev = frame;
    prevIdx = i;
  }
  return null;
};

// Hangs surface in victims; these two buckets gather the common root causes.
const HANG_BUCKETS: readonly (readonly [string, string])[] = [
  ['rtnl_lock', ''],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
const HANG_WAIT_WORDS = [
  'sched',
  '_lock',
  '_slowlock',
  'down',
  'rwsem',
  'completion',
  'kthread',
  'wait',
  'synchronize',
  'context_switch',
  '__switch_to',
  'cancel_delayed_work',
  'rcu_barrier',
];

/** For hung tasks: a bucket frame if present, else the first frame that is not a wait primitive. */
export const hangFrame: FrameExtractor = (frames) => {
  for (let i = 0; i < frames.length; i++) {
    for (const [anchor, bucket] of HANG_BUCKETS) {
      if (frames[i].includes(anchor)) return [bucket || frames[i], i];
    }
  }
  for (let i = 0; i < frames.length; i++) {
    if (!HANG_WAIT_WORDS.some((w) => frames[i].includes(w))) return [frames[i], i];
  }
  return null;
};
