/**
 * Which of syzkaller's rules titled a syzbot mail. syzbot titles a crash once, with the
 * syzkaller of that day, and a bug keeps that title; the rules for syscall wrapper frames
 * changed three times since. A mail is dated by the kernel it tested: linux-next names its day,
 * mainline its release, and kernels since late 2025 print no version at all.
 */

/** Syscall wrapper prefixes stripped from frames before late 2020: `__do_sys_`/`__se_sys_` stay. */
const FIRST_ERA: readonly string[] = [
  'SYSC_',
  'SyS_',
  'sys_',
  '__x64_',
  '__ia32_',
  '__arm64_',
  '____sys_',
  '___sys_',
  '__sys_',
  'compat_SYSC_',
  'compat_SyS_',
  'ksys_',
];
/** From late 2020: `__do_sys_foo` and `__se_sys_foo` both become `foo`. */
const SECOND_ERA: readonly string[] = [...FIRST_ERA, '__se_sys_', '__do_sys_'];
/** From 2022: `__se_` replaced `__se_sys_`, so `__se_sys_foo` became `sys_foo`. */
const THIRD_ERA: readonly string[] = [...FIRST_ERA, '__se_', '__do_sys_'];
/** Today: both, so `__se_sys_foo` is `foo` again. */
export const CURRENT_SYSCALL_PREFIXES: readonly string[] = [...THIRD_ERA, '__se_sys_'];

// linux-next kernels and their HEAD commits name the day they were cut.
const NEXT_DATE =
  /-next-(20[0-9]{2})([01][0-9])[0-3][0-9]\b|linux-next specific files for (20[0-9]{2})([01][0-9])/;
const VERSION = /\b(?:Not tainted|Tainted: [A-Z ]+?) +([0-9]+)\.([0-9]+)\.[0-9]+/;

// Each era with the first month (YYYYMM) and the first mainline release (major * 1000 + minor)
// syzbot tested under it; the boundaries between eras are the months between the last report
// titled one way and the first titled the other.
const ERAS: readonly (readonly [number, number, readonly string[]])[] = [
  [202503, 6014, CURRENT_SYSCALL_PREFIXES],
  [202203, 5017, THIRD_ERA],
  [202012, 5010, SECOND_ERA],
];

/** The syscall prefixes syzkaller stripped when it titled this syzbot report. */
export function syscallPrefixesOf(text: string): readonly string[] {
  const next = NEXT_DATE.exec(text);
  if (next) {
    const month = Number((next[1] ?? next[3]) + (next[2] ?? next[4]));
    return ERAS.find(([from]) => month >= from)?.[2] ?? FIRST_ERA;
  }
  const version = VERSION.exec(text);
  // Kernels stopped printing their version in 2025.
  if (!version) return CURRENT_SYSCALL_PREFIXES;
  const release = Number(version[1]) * 1000 + Number(version[2]);
  return ERAS.find(([, from]) => release >= from)?.[2] ?? FIRST_ERA;
}
