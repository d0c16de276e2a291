/**
 * Which of syzkaller's rules titled a syzbot mail. syzbot titles a crash once, with the
 * syzkaller of that day, and a bug keeps that title; the rules for syscall wrapper frames
 * changed three times since, and generic frames joined the skip list over the years. A mail is
 * dated by the kernel it tested: linux-next names its day, mainline its version, and kernels
 * since late 2025 print no version at all.
 */
import { DATED_GENERIC_FRAMES, GENERIC_FRAME_PATTERNS, UNDATED_GENERIC_FRAMES } from './stackrules';

/** The rules a title was made with. */
export interface Era {
  /** Syscall wrapper prefixes stripped from the guilty frame. */
  syscallPrefixes: readonly string[];
  /** Regexp fragments of frames that never identify a bug. */
  genericFrames: readonly string[];
}

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
  /-next-(20[0-9]{2})([01][0-9])([0-3][0-9])\b|linux-next specific files for (20[0-9]{2})([01][0-9])([0-3][0-9])/;
const VERSION = /\b(?:Not tainted|Tainted: [A-Z ]+?) +([0-9]+)\.([0-9]+)\.[0-9]+(?:-rc([0-9]+))?/;

/** A point in time as a day (YYYYMMDD) and as the first kernel tag cut on or after it. */
interface Since {
  day: number;
  kernel: number;
}

// Orders versions: 6.8-rc4 < 6.8-rc5 < 6.8 (and its stable releases) < 6.9-rc1.
function kernelKey(major: number, minor: number, rc: number | undefined): number {
  return (major * 1000 + minor) * 1000 + (rc ?? 999);
}

function since(day: string, kernel: string): Since {
  const [major, minor, rc] = kernel.split(/\.|-rc/).map(Number);
  return { day: Number(day.replaceAll('-', '')), kernel: kernelKey(major, minor, rc) };
}

/** When the named kernel was tested, as a linux-next day or a mainline version; null if unknown. */
type Tested = { day: number } | { kernel: number } | null;

function testedOf(text: string): Tested {
  const next = NEXT_DATE.exec(text);
  if (next)
    return { day: Number((next[1] ?? next[4]) + (next[2] ?? next[5]) + (next[3] ?? next[6])) };
  const version = VERSION.exec(text);
  if (!version) return null;
  const rc = version[3] === undefined ? undefined : Number(version[3]);
  return { kernel: kernelKey(Number(version[1]), Number(version[2]), rc) };
}

// Kernels stopped printing their version in 2025, so an undated one is tested today.
function isAfter(tested: Tested, point: Since): boolean {
  if (tested === null) return true;
  return 'day' in tested ? tested.day >= point.day : tested.kernel >= point.kernel;
}

// Each syscall era from the first day and kernel syzbot tested under it; the boundaries are the
// months between the last report titled one way and the first titled the other.
const SYSCALL_ERAS: readonly (readonly [Since, readonly string[]])[] = [
  [since('2025-03-01', '6.14-rc1'), CURRENT_SYSCALL_PREFIXES],
  [since('2022-03-01', '5.17-rc1'), THIRD_ERA],
  [since('2020-12-01', '5.10-rc1'), SECOND_ERA],
];

const DATED_FRAMES = DATED_GENERIC_FRAMES.map(
  ([fragment, day, kernel]) => [fragment, since(day, kernel)] as const,
);

/** Today's rules, for console logs and anything not from syzbot. */
export const CURRENT_ERA: Era = {
  syscallPrefixes: CURRENT_SYSCALL_PREFIXES,
  genericFrames: GENERIC_FRAME_PATTERNS,
};

// One object per distinct rule set, so callers may cache by identity.
const eras = new Map<string, Era>();

/** The rules syzkaller applied when it titled this syzbot report. */
export function eraOf(text: string): Era {
  const tested = testedOf(text);
  const index = SYSCALL_ERAS.findIndex(([from]) => isAfter(tested, from));
  const syscallPrefixes = index < 0 ? FIRST_ERA : SYSCALL_ERAS[index][1];
  const dated = DATED_FRAMES.filter(([, from]) => isAfter(tested, from)).map(([f]) => f);
  if (index === 0 && dated.length === DATED_FRAMES.length) return CURRENT_ERA;
  const key = `${index}|${dated.join('|')}`;
  let era = eras.get(key);
  if (!era) {
    era = { syscallPrefixes, genericFrames: [...UNDATED_GENERIC_FRAMES, ...dated] };
    eras.set(key, era);
  }
  return era;
}
