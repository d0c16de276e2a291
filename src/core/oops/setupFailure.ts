/**
 * syzbot's own failure kinds: a kernel that did not build, did not boot, or crashed while the
 * fuzzer was being set up. syzbot titles those "<tree> build error", "<tree> boot error: TITLE"
 * and "<tree> test error: TITLE"; the mail body says which by what it leaves out.
 */
import type { SetupFailure, SyzbotMeta } from './types';

const FIRST_REPORT = /^syzbot found the following (?:issue|crash|bug) on:/m;
const NO_REPRODUCER_YET = /^Unfortunately, I don't have any reproducer for this/m;
// A compiler or linker error line as a failed kernel build prints it.
const BUILD_ERROR_LINE =
  /^(?:[\w./-]+:\d+(?::\d+)?: (?:fatal )?error: |ld(?:\.lld)?: error: |make(?:\[\d+\])?: \*\*\* )/m;
// Tasks that run before the fuzzer starts: a crash in one of them happened while booting.
const BOOT_TASK = /\bComm: (?:swapper|init|systemd|modprobe|udevd)\b/;

/**
 * The setup failure a first syzbot report mail describes, or null for an ordinary crash.
 * syzbot mails every crash found by fuzzing either with reproducer links or with "I don't have
 * any reproducer"; only its build, boot and test failures carry neither.
 */
export function setupFailure(
  text: string,
  meta: SyzbotMeta,
  hasReport: boolean,
): SetupFailure | null {
  // Every mail syzbot sends names its dashboard page; a shortened copy says too little.
  if (meta.syzRepro || meta.cRepro || !meta.gitTree || !meta.dashboardLink) return null;
  // Its setup failures are titled by the tree's short name ("linux-next"), never by a URL.
  if (!/^[\w.-]+$/.test(meta.gitTree)) return null;
  if (!FIRST_REPORT.test(text) || NO_REPRODUCER_YET.test(text)) return null;
  if (!hasReport) return BUILD_ERROR_LINE.test(text) ? 'build error' : null;
  return BOOT_TASK.test(text) ? 'boot error' : 'test error';
}

/** syzbot's title for a setup failure on a tree, around the crash title when there is one. */
export function setupFailureTitle(kind: SetupFailure, tree: string, title: string): string {
  return kind === 'build error' ? `${tree} build error` : `${tree} ${kind}: ${title}`;
}
