/**
 * Range-diff of two versions of a series without a git tree: the patches of
 * the old and the new version are paired the way `git range-diff` pairs
 * commits, then each pair's two patches are diffed against each other.
 *
 * Pairing (git's `get_correspondences`): the cost of a pair is the size of the
 * diff between the two patches (message and diff, with line numbers and blob
 * ids dropped); leaving a patch unpaired costs its own size times the creation
 * factor (60%, git's default). Identical patches pair first, then equal
 * subjects, then the cheapest remaining pairs below the creation cost — a
 * greedy stand-in for git's Hungarian assignment that gives the same pairs on
 * series whose patches are not all alike.
 */
import { diffLines, type DiffOp } from '../linediff';
import { HUNK_HEADER, isGitDiffLine, isSeparator, separatorAt } from '../patch';

/** One patch as the range-diff reads it. */
export interface RangePatch {
  /** 1-based position in its version. */
  number: number;
  /** Subject without tags. */
  subject: string;
  /** Message-ID, to link to the mail. */
  id: string;
  /** The whole body: commit message, `---`, diffstat and diff. */
  body: string;
}

/** A line of a pair's diff, or a run of unchanged lines left out. */
export type RangeLine = DiffOp | { op: 'skip'; count: number };

/** `=` same, `!` changed, `<` only in the old version, `>` only in the new. */
export type RangeStatus = '=' | '!' | '<' | '>';

/** One line of a range-diff: the pair, its status and, for `!`, the diff of the two patches. */
export interface RangeEntry {
  status: RangeStatus;
  old: RangePatch | null;
  new: RangePatch | null;
  /** Whether the commit message (above `---`) changed. */
  messageChanged: boolean;
  /**
   * The diff of the two patches (`!` only): `del` lines were in the old, `add` in the
   * new, with three unchanged lines around each change, as git range-diff shows it.
   */
  lines: RangeLine[];
}

const CREATION_FACTOR = 0.6;
const CONTEXT = 3;

/** Pairs and compares the patches of two versions. */
export function rangeDiff(oldPatches: RangePatch[], newPatches: RangePatch[]): RangeEntry[] {
  const oldNorm = oldPatches.map((p) => normalize(p.body));
  const newNorm = newPatches.map((p) => normalize(p.body));
  const pairOfNew = new Map<number, number>();
  const usedOld = new Set<number>();
  const pair = (i: number, j: number) => {
    pairOfNew.set(j, i);
    usedOld.add(i);
  };
  const joined = (lines: string[]) => lines.join('\n');
  newNorm.forEach((n, j) => {
    const i = oldNorm.findIndex((o, k) => !usedOld.has(k) && joined(o) === joined(n));
    if (i >= 0) pair(i, j);
  });
  newPatches.forEach((p, j) => {
    if (pairOfNew.has(j)) return;
    const i = oldPatches.findIndex((o, k) => !usedOld.has(k) && o.subject === p.subject);
    if (i >= 0) pair(i, j);
  });
  const candidates: { i: number; j: number; cost: number }[] = [];
  const oldCounts = oldNorm.map(lineCounts);
  const newCounts = newNorm.map(lineCounts);
  newNorm.forEach((n, j) => {
    if (pairOfNew.has(j)) return;
    oldNorm.forEach((o, i) => {
      if (usedOld.has(i)) return;
      const limit = Math.ceil(CREATION_FACTOR * (o.length + n.length));
      // Lines not in common must be edited: a bound that skips the diff of unlike patches,
      // which is what keeps 50 x 50 patches of 1,000 lines to a blink instead of minutes.
      if (o.length + n.length - 2 * common(oldCounts[i], newCounts[j]) >= limit) return;
      const cost = editCount(diffLines(o, n, limit));
      if (cost < limit) candidates.push({ i, j, cost });
    });
  });
  candidates.sort((a, b) => a.cost - b.cost);
  for (const c of candidates) if (!usedOld.has(c.i) && !pairOfNew.has(c.j)) pair(c.i, c.j);

  const out: RangeEntry[] = [];
  let nextOld = 0;
  const flushOld = (upTo: number) => {
    for (; nextOld < upTo; nextOld++)
      if (!usedOld.has(nextOld))
        out.push({
          status: '<',
          old: oldPatches[nextOld],
          new: null,
          messageChanged: false,
          lines: [],
        });
  };
  newPatches.forEach((p, j) => {
    const i = pairOfNew.get(j);
    if (i === undefined) {
      out.push({ status: '>', old: null, new: p, messageChanged: false, lines: [] });
      return;
    }
    flushOld(i);
    const lines = diffLines(oldNorm[i], newNorm[j]);
    const same = editCount(lines) === 0;
    out.push({
      status: same ? '=' : '!',
      old: oldPatches[i],
      new: p,
      messageChanged: commitMessage(oldPatches[i].body) !== commitMessage(p.body),
      lines: same ? [] : withContext(lines, CONTEXT),
    });
  });
  flushOld(oldPatches.length);
  return out;
}

/** Keeps `context` unchanged lines around each change; longer unchanged runs become a skip. */
function withContext(ops: DiffOp[], context: number): RangeLine[] {
  const near = new Uint8Array(ops.length);
  ops.forEach((o, i) => {
    if (o.op === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(ops.length - 1, i + context); k++)
      near[k] = 1;
  });
  const out: RangeLine[] = [];
  let skipped = 0;
  ops.forEach((o, i) => {
    if (near[i]) {
      if (skipped) out.push({ op: 'skip', count: skipped });
      skipped = 0;
      out.push(o);
    } else skipped++;
  });
  if (skipped) out.push({ op: 'skip', count: skipped });
  return out;
}

function lineCounts(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

function common(a: Map<string, number>, b: Map<string, number>): number {
  let n = 0;
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  for (const [line, count] of small) n += Math.min(count, big.get(line) ?? 0);
  return n;
}

function editCount(ops: DiffOp[]): number {
  let n = 0;
  for (const o of ops) if (o.op !== 'same') n++;
  return n;
}

/** The commit message: everything above the first `---` line, trailing blanks dropped. */
function commitMessage(body: string): string {
  const at = separatorAt(body);
  return (at < 0 ? body : body.slice(0, at)).replace(/\s+$/, '');
}

/**
 * The lines compared, as git range-diff shows them: the message, then the diff
 * without the diffstat, blob ids and hunk line numbers (they change with every
 * rebase and say nothing about the change itself), and without the signature.
 */
function normalize(body: string): string[] {
  const lines = body.replace(/\r/g, '').split('\n');
  const out: string[] = [];
  let inDiff = false;
  let belowRule = false;
  for (const line of lines) {
    if (line === '-- ') break;
    if (isGitDiffLine(line)) inDiff = true;
    if (!inDiff) {
      if (isSeparator(line)) {
        belowRule = true;
        continue;
      }
      // Below `---` and before the diff: the diffstat and notes; the stat changes with any edit.
      if (belowRule) continue;
      out.push(line);
      continue;
    }
    if (/^index [0-9a-f]+\.\.[0-9a-f]+/.test(line)) continue;
    const hunk = HUNK_HEADER.exec(line);
    out.push(hunk ? `@@ ${hunk[3]}`.trimEnd() : line);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}
