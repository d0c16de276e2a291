/**
 * The one place that decides "is this a patch": where a diff starts in a body,
 * where a patch mail's commit message ends, whether a body carries a diff or a
 * diffstat, and the patchwork hash that says two diffs are the same change.
 * Message flags, the body renderer, the search fields, `git am` output and the
 * series model all ask here, so they cannot disagree.
 *
 * The rules are b4's and git's: a diff starts at `diff --git a/X b/Y`, at a
 * `--- X` line directly followed by `+++ Y` (plain `diff -u`, quilt), at
 * `Index: X` over a `====` rule (CVS/SVN), or at `GIT binary patch`.
 */
import { parseSubject } from './series/subject';

const DIFF_RE =
  /^(?:diff --git \S+ \S|--- \S.*\n\+\+\+ \S|Index: \S.*\n={20,}\n|GIT binary patch$)/m;
/** b4's DIFFSTAT_RE: the summary line git writes under a diffstat. */
const DIFFSTAT_SUMMARY = /^\s*\d+ file.*\d+ (?:insertion|deletion)/im;
const DIFFSTAT_LINE = /^ \S.* \| +(\d+ ?[+-]*|Bin .*)$|^ \d+ files? changed/;

/** A hunk header: groups 1 and 2 are its old and new line counts, 3 the section heading after it. */
export const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@ ?(.*)$/;

/** True for the `diff --git` line that opens each file of a git diff. */
export function isGitDiffLine(line: string): boolean {
  return line.startsWith('diff --git ');
}

/** True for the `---` line git format-patch writes between the commit message and the rest. */
export function isSeparator(line: string): boolean {
  return line === '---';
}

/** Where a patch mail's commit message ends: the offset of its first `---` line, -1 with none. */
export function separatorAt(body: string): number {
  return body.search(/^---$/m);
}

/**
 * git mailinfo's `patchbreak()`: the line where `git am` stops reading the
 * commit message. `diff -…`, `Index: …`, `--- name`, or `---` with nothing but
 * blanks after it; unlike diffStartsAt it asks nothing of the next line.
 */
export function isPatchBreak(line: string): boolean {
  if (line.startsWith('diff -') || line.startsWith('Index: ')) return true;
  return /^---(?: \S|[ \t\r]*$)/.test(line);
}

/** True when line `i` of `lines` starts a diff (a file header). */
export function diffStartsAt(lines: readonly string[], i: number): boolean {
  const line = lines[i];
  if (isGitDiffLine(line)) return true;
  if (line.startsWith('--- ')) return lines[i + 1]?.startsWith('+++ ') ?? false;
  if (line.startsWith('Index: ')) return /^={20,}$/.test(lines[i + 1] ?? '');
  return false;
}

/** True when a text holds a diff anywhere. */
export function hasDiff(text: string): boolean {
  return DIFF_RE.test(text);
}

/**
 * False only when a text holds no diff file header that diffStartsAt or a
 * `diff --git` line would find: two substring searches, so the indexer skips
 * splitting most bodies. Looser than hasDiff on purpose: a `--- ` line with no
 * name over `+++ b/x` still names x, and the index must hold every name the
 * brute-force matcher sees.
 */
export function mayHoldDiffHeaders(text: string): boolean {
  return text.includes('diff --git ') || text.includes('+++ ');
}

/** True when a text holds git's diffstat summary ("3 files changed, 10 insertions(+)"). */
export function hasDiffstat(text: string): boolean {
  return DIFFSTAT_SUMMARY.test(text);
}

/** True for one line of a diffstat (" path | 12 ++--" or the summary). */
export function isDiffstatLine(line: string): boolean {
  return DIFFSTAT_LINE.test(line);
}

/**
 * A message is a patch when its body holds a diff; a tagged `[PATCH]` whose diff
 * lost its file headers (hunks only, as some mailers leave it) counts too.
 */
export function looksLikePatch(subject: string, text: string): boolean {
  return hasDiff(text) || (parseSubject(subject).patch && /^@@ /m.test(text));
}

const FILENAME_RE = /^(---|\+\+\+) (\S+)/;

/**
 * The lines patchwork hashes (b4's `get_patchwork_hash`): file names without
 * their top directory, hunk headers without line numbers, and the +/-/context
 * lines. Two patches with the same key make the same change.
 */
export function patchKey(body: string): string {
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (line.length === 0) continue;
    const file = FILENAME_RE.exec(line);
    const hunk = file ? null : HUNK_HEADER.exec(line);
    if (file) {
      const name = file[2].split('/').slice(1).join('/');
      out.push(`${file[1]} ${file[1] === '---' ? 'a/' : 'b/'}${name}`);
    } else if (hunk) out.push(`@@ -${hunk[1] ?? 1} +${hunk[2] ?? 1} @@`);
    else if (line[0] === '-' || line[0] === '+' || line[0] === ' ') out.push(line);
  }
  return out.join('\n');
}
