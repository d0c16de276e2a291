/** Which lines start a stack trace, which lines are frames, and which frames never identify a bug. */
import { rx } from './pattern';

// RISC-V show_regs() dumps the stack without a header; its last register line stands in for one.
export const RISCV_STACK_START = /status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}/;

/** Lines after which a list of frames follows. */
export const STACK_STARTS: readonly RegExp[] = [
  /Call (?:T|t)race/,
  /Allocated:/,
  /Allocated by task [0-9]+:/,
  /Freed:/,
  /Freed by task [0-9]+:/,
  // kmemleak's "backtrace:" (optionally with a crc) but not lockdep's "stack backtrace:".
  /[^k] backtrace(?: \(crc [0-9A-Fa-f]*\))?:/,
  /Backtrace:/,
  /Uninit was stored to memory at/,
  RISCV_STACK_START,
];

/** Frame line shapes; every capture group is a function name. */
export const FRAME_LINES: readonly RegExp[] = [
  rx(String.raw`^ *(?:{{PC}} ){0,2}{{FUNC}}`),
  // 32-bit ARM prints "[<pc>] (callee) from [<pc>] (caller+0x..)": both names count, because the
  // faulting function only appears as a callee.
  rx(String.raw`^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}`),
];

/** Fault-injection stacks interleave with real reports; seeing one taints the frame choice. */
export const CORRUPTING_LINES: readonly RegExp[] = [
  rx(String.raw`^( \[\<?(?:0x)?[0-9a-f]+\>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x`),
];

// Generic frames grouped by why they are never the culprit. Each entry is a regexp fragment
// matched anywhere in the function name unless anchored.
const GENERIC_FRAMES: Record<string, readonly string[]> = {
  sanitizers: [
    '__sanitizer',
    '__asan',
    'kasan',
    'hwasan',
    '__msan',
    'kmsan',
    'kcsan_setup_watchpoint',
    'check_memory_region',
    'check_heap_object',
    'check_object',
    'read_word_at_a_time',
    '(read|write)_once_.*nocheck',
    'print_address_description',
    '__fortify_report',
    '__phys_addr',
  ],
  reporting: [
    'panic',
    'invalid_op',
    'report_bug',
    'fixup_bug',
    'print_report',
    'print_usage_bug',
    'do_error',
    '_trap$|do_trap',
    'show_stack',
    'dump_stack',
    'walk_stack',
    'dump_backtrace',
    'warn_slowpath',
    'warn_alloc',
    'warn_bogus',
    '__warn',
    'print_tainted',
    '^get_taint$',
    'stack_trace_consume_entry',
    'arch_stack_walk',
    'stack_trace_save',
    'program_check_exception',
    'program_check_common',
    'assertfail',
    'hex_dump_to_buffer',
    'print_hex_dump',
  ],
  allocation: [
    'alloc_page',
    'k?v?(?:m|z|c)alloc',
    'krealloc',
    'kmem_cache',
    'allocate_slab',
    '__alloc_frozen_pages_noprof',
    'folio_alloc',
    'filemap_alloc_folio',
    '__filemap_get_folio',
    'find_or_create_page',
    'do_read_cache_folio',
    'read_cache_page',
    'pagecache_get_page',
    'grab_cache_page_write_begin',
    'slab_',
    '^kv?free$',
    'kfree_skb',
    'memdup',
  ],
  debugging: [
    'debug_object',
    'timer_is_static_object',
    'work_is_static_object',
    '__might_fault',
    'perf_trace',
  ],
  locking: [
    'print_unlock',
    'imbalance_bug',
    'lockdep',
    'bh_enable',
    'bh_disable',
    'lock_acquire',
    'lock_release',
    'lock_class',
    'mark_lock',
    '(reacquire|mark)_held_locks',
    'raw_spin_rq',
    'spin_lock',
    'spin_trylock',
    'spin_unlock',
    'read_lock',
    'read_trylock',
    'write_lock',
    'write_trylock',
    'read_unlock',
    'write_unlock',
    '^down$',
    'down_read',
    'down_write',
    'down_read_trylock',
    'down_write_trylock',
    'down_trylock',
    'up_read',
    'up_write',
    '^mutex_',
    '^__mutex_',
    '^rt_mutex_',
    'owner_on_cpu',
    'osq_lock',
    'osq_unlock',
    '(trace|lockdep)_(hard|soft)irq',
    'seqprop_assert',
    'lock_timer_base',
  ],
  atomics: [
    'atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)',
    '(set|clear|change|test)_bit',
    // Skipped before every refcount_ frame was (DATED_GENERIC_FRAMES).
    'refcount_(?:add|sub|inc|dec|set|read)',
    '^kref_',
    '__wake_up',
  ],
  strings: [
    'memcpy',
    'memcmp',
    'memset',
    'memchr',
    'memmove',
    'strcmp',
    'strncmp',
    'strcpy',
    'strlcpy',
    'strncpy',
    'strscpy',
    'strlen',
    'strstr',
    'strnstr',
    'strnlen',
    'strchr',
    'strdup',
    'strndup',
    'string',
    'pointer',
    'snprintf',
    'scnprintf',
    'kasprintf',
    'kvasprintf',
    'printk',
    'va_format',
    '^crc\\d+',
    'crc_itu_t',
  ],
  usercopy: [
    'copy_to_user',
    'copy_from_user',
    'copy_to_iter',
    'copy_from_iter',
    'copy_page_to_iter',
    'copy_page_from_iter',
    'copy_folio_to_iter',
    '^copyin$',
    '^copyout$',
    'put_user',
    'get_user',
    'might_fault',
    'might_sleep',
    '__might_resched',
    'extract_(user|iter)_to_sg',
  ],
  containers: [
    'list_add',
    'list_del',
    'list_replace',
    'list_move',
    'list_splice',
    'xas_(?:start|load|find)',
    'rhashtable_lookup',
  ],
  // Retpoline thunks.
  thunks: ['_indirect_thunk_'],
  devices: [
    'dev_info',
    'dev_notice',
    'dev_warn',
    'dev_err',
    'dev_alert',
    'dev_crit',
    'dev_emerg',
    // Skipped before every kobject_ frame was (DATED_GENERIC_FRAMES).
    'kobject_(?:del|uevent_env)',
    'add_uevent_var',
    'get_device_parent',
    'device_add',
    'device_del',
    'device_unregister',
    'device_destroy',
    'device_release',
    'devres_release_all',
    'hwrng_unregister',
    'i2c_del_adapter',
    '__unregister_client',
    'device_for_each_child',
    'rollback_registered',
    'unregister_netdev',
    'sysfs_remove',
    'device_remove_file',
    'tty_unregister_device',
    '^put_device$',
  ],
  usb: [
    'dummy_urb_enqueue',
    'usb_kill_urb',
    'usb_kill_anchored_urbs',
    'usb_control_msg',
    'usb_hcd_submit_urb',
    'usb_submit_urb',
  ],
  deferredWork: [
    'del_timer',
    'flush_work',
    '__cancel_work_timer',
    'cancel_work_sync',
    'try_to_grab_pending',
    'flush_workqueue',
    'drain_workqueue',
    'destroy_workqueue',
    'finish_wait',
    'kthread_stop',
    '^complete$',
    'wait_for_completion',
    'insert_work',
    '__queue_delayed_work',
    'queue_delayed_work_on',
    'cleanup_srcu_struct',
    'sk_stop_timer_sync',
  ],
  io: [
    'readb$',
    'readw$',
    'readl$',
    'readq$',
    'writeb$',
    'writew$',
    'writel$',
    'writeq$',
    'logic_in',
    'logic_out',
  ],
  vfs: [
    '^iput$',
    '^iput_final$',
    '^ihold$',
    'find_lock_entries',
    'truncate_inode_pages_range',
    'drop_nlink',
    'fast_dput',
    'dput',
    // Warns about a buffer its caller failed to set up.
    'mark_buffer_dirty',
  ],
  // arm64 translation-fault handling path.
  arm64Faults: [
    'do_(kernel|translation)_fault',
    'do_mem_abort',
    'el1_abort',
    'el1h_64_sync(?:_handler)?',
  ],
};

/**
 * Generic frames syzkaller began to skip on a known day, as [fragment, day, first kernel tag cut
 * after that day]. syzbot titles a bug once and keeps the title, so a report tested before that
 * day was titled with the frame. Days are when the pull request adding the entry to syzkaller's
 * pkg/report/linux.go was reviewed (github.com/google/syzkaller/pull/N); entries whose day is
 * not known stay in GENERIC_FRAMES as if they always existed. The narrower refcount_ and kobject_
 * entries that preceded #3411 are the ones linux.go listed at syzkaller commit 014e006b.
 */
export const DATED_GENERIC_FRAMES: readonly (readonly [string, string, string])[] = [
  // #1528 "Ignore kobject_put in stack frames", 2019-12-05.
  ['kobject_put', '2019-12-05', '5.5-rc1'],
  // #2104 "skip rb tree functions in linux reports", 2020-09-13.
  ['^rb_', '2020-09-13', '5.9-rc6'],
  ['^__rb_', '2020-09-13', '5.9-rc6'],
  // #2960 "ignore ref_tracker frames", 2022-01-07.
  ['ref_tracker', '2022-01-07', '5.16'],
  // #3411 "ignore more refcount/kobject frames", 2022-10-04.
  ['^refcount_', '2022-10-04', '6.1-rc1'],
  ['kobject_', '2022-10-04', '6.1-rc1'],
  // #3418 "ignore klist_ frames", 2022-10-04.
  ['^klist_', '2022-10-04', '6.1-rc1'],
  // #3524 "skip queue_work frames", opened 2022-11-15.
  ['queue_work', '2022-11-15', '6.1-rc6'],
  // #3791 "ignore mm/folio-compat.c and (un)lock_page", 2023-04-05.
  ['^(un)?lock_page', '2023-04-05', '6.3-rc6'],
  // #4498 "ignore ida_free", opened 2024-02-13 and approved 2024-02-15.
  ['ida_free', '2024-02-15', '6.8-rc5'],
  // #5768 "ignore some timer-related frames", opened 2025-02-11 and reviewed until 2025-02-12.
  ['__timer_delete_sync', '2025-02-12', '6.14-rc3'],
  ['__mod_timer', '2025-02-12', '6.14-rc3'],
  // #6081 "skip the folio_unlock frame", 2025-06-11.
  ['folio_unlock', '2025-06-11', '6.16-rc2'],
];

/** Generic-frame fragments skipped since before any dated entry. */
export const UNDATED_GENERIC_FRAMES: readonly string[] = Object.values(GENERIC_FRAMES).flat();

/** Every generic-frame fragment skipped today. */
export const GENERIC_FRAME_PATTERNS: readonly string[] = [
  ...UNDATED_GENERIC_FRAMES,
  ...DATED_GENERIC_FRAMES.map(([fragment]) => fragment),
];
