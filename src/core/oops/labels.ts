/**
 * What a crash is, in the words a reader uses: the badge text shown wherever a crash appears.
 * The title says more than syzkaller's type (which folds every KASAN access kind into
 * KASAN-READ), so the label is read off the title first and the type only as a fallback.
 */

// Ordered: the first rule whose pattern matches the title wins.
const BY_TITLE: readonly (readonly [RegExp, string | ((m: RegExpExecArray) => string)])[] = [
  [/^\S+ (build|boot|test) error/, (m) => `${m[1]} error`],
  [/^K(?:ASAN|FENCE): (?:slab-|vmalloc-)?use-after-free (Read|Write|read|write)/, useAfterFree],
  [/^KASAN: (?:slab-|vmalloc-)?use-after-free\b/, 'use-after-free'],
  [/^K(?:ASAN|FENCE): [a-z-]*out-of-bounds (Read|Write|read|write)/, outOfBounds],
  [/^KASAN: [a-z-]*out-of-bounds\b/, 'out-of-bounds'],
  [/^KASAN: null-ptr-deref|NULL pointer dereference/, 'null-ptr-deref'],
  [/^KASAN: (?:wild|user)-memory-access/, 'wild access'],
  [/^KASAN: invalid-access (Read|Write)/, (m) => `bad tag ${m[1].toLowerCase()}`],
  [/^K(?:ASAN|FENCE): (?:double-free|invalid-free|invalid free)/, 'invalid free'],
  [/^KFENCE: memory corruption/, 'memory corruption'],
  [/^KMSAN: uninit-value/, 'uninit value'],
  [/^KMSAN: .*infoleak/, 'info leak'],
  [/^KCSAN: data-race/, 'data race'],
  [/^KCSAN:/, 'race'],
  [/^memory leak/, 'memory leak'],
  [/^INFO: rcu detected stall/, 'RCU stall'],
  [/^BUG: soft lockup/, 'soft lockup'],
  [/^INFO: task (?:hung|can't die)|^BUG: workqueue lockup/, 'hang'],
  [/^possible deadlock|^WARNING: possible circular/, 'deadlock'],
  [/^INFO: trying to register non-static key/, 'lock not initialised'],
  [/^INFO: (?:Freed|Allocated) in /, 'use-after-free'],
  [
    /^inconsistent lock state|locking bug|lock(?:s)? held|unlock balance|^BUG: (?:spinlock|rwlock)/,
    'locking bug',
  ],
  [/suspicious RCU usage/, 'RCU misuse'],
  [/^BUG: (?:sleeping function|scheduling while atomic)/, 'sleep in atomic'],
  [/^WARNING: refcount bug/, 'refcount bug'],
  [/^BUG: corrupted list/, 'list corruption'],
  [
    /^BUG: unable to handle kernel paging request|^Unable to handle kernel paging|^Internal error|^Unhandled fault|^Alignment trap/,
    'bad access',
  ],
  [/^general protection fault/, 'GPF'],
  [
    /^stack segment fault|^PANIC: double fault|kernel stack overflow|stack guard page/,
    'stack fault',
  ],
  [/^UBSAN: array-index-out-of-bounds/, 'index out of bounds'],
  [/^UBSAN:/, 'undefined behaviour'],
  [/^(?:kernel )?panic/i, 'panic'],
  [/^divide error|^invalid opcode|^int3/, 'trap'],
  [/^WARNING/, 'warning'],
  [/^kernel BUG|^BUG/, 'BUG'],
  [/^unregister_netdevice: waiting/, 'refcount leak'],
  [/^SYZFAIL|^SYZFATAL|^go runtime error/, 'fuzzer failure'],
  [/^trusty: /, 'trusty panic'],
  [/^attempt to .* with overflow/, 'overflow'],
  [/^unexpected kernel reboot/, 'reboot'],
];

function useAfterFree(m: RegExpExecArray): string {
  return `use-after-free ${m[1].toLowerCase()}`;
}
function outOfBounds(m: RegExpExecArray): string {
  return `out-of-bounds ${m[1].toLowerCase()}`;
}

/** The badge text for a crash: its kind in words, "crash" when nothing more is known. */
export function crashLabel(title: string, type: string | null): string {
  for (const [re, label] of BY_TITLE) {
    const m = re.exec(title);
    if (m) return typeof label === 'string' ? label : label(m);
  }
  if (type === 'HANG') return 'hang';
  if (type === 'LEAK') return 'memory leak';
  return 'crash';
}

/** The badge's tooltip: the crash title and syzkaller's own type name. */
export function crashLabelTitle(title: string, type: string | null): string {
  return `${title}\nsyzkaller type: ${type ?? 'unknown'}`;
}
