/**
 * A message body as blocks a reader sees: prose, quotes by level, diffs with
 * line kinds, the signature. The UI renders these as text nodes, never HTML.
 */
import { safeHref } from './links';
import { diffStartsAt, isDiffstatLine, isGitDiffLine } from './patch';

/** Kind of one diff line. */
export type DiffLineKind = 'file' | 'meta' | 'hunk' | 'add' | 'del' | 'ctx';

/** A run of lines of one kind. */
export type Block =
  | { kind: 'text'; lines: string[] }
  | { kind: 'quote'; depth: number; lines: string[] }
  | { kind: 'diff'; file: string | null; lines: { kind: DiffLineKind; text: string }[] }
  | { kind: 'diffstat'; lines: string[] }
  | { kind: 'sig'; lines: string[] };

function quoteDepth(line: string): number {
  const m = /^((?:> ?)+)/.exec(line);
  return m ? (m[1].match(/>/g) ?? []).length : 0;
}

function diffKind(line: string): DiffLineKind | null {
  if (isGitDiffLine(line) || line.startsWith('Index: ')) return 'file';
  if (
    /^(index [0-9a-f]+\.\.|--- |\+\+\+ |new file mode|deleted file mode|similarity index|rename (from|to)|old mode|new mode|Binary files|={20,})/.test(
      line,
    )
  )
    return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith(' ') || line === '') return 'ctx';
  if (line.startsWith('\\ No newline')) return 'meta';
  return null;
}

/** Splits a body into blocks. */
export function parseBody(text: string): Block[] {
  const lines = text.replace(/\n+$/, '').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  const push = (b: Exclude<Block, { kind: 'diff' }>) => {
    const last = blocks[blocks.length - 1];
    if (last && last.kind !== 'diff' && last.kind === b.kind) {
      if (last.kind !== 'quote' || (b.kind === 'quote' && last.depth === b.depth)) {
        last.lines.push(...b.lines);
        return;
      }
    }
    blocks.push(b);
  };
  while (i < lines.length) {
    const line = lines[i];
    if (diffStartsAt(lines, i)) {
      const diff: { kind: DiffLineKind; text: string }[] = [];
      const fileMatch = / b\/(\S+)$/.exec(line) ?? /^\+\+\+ (?:b\/)?(\S+)/.exec(lines[i + 1] ?? '');
      let inHunk = false;
      let j = i;
      for (; j < lines.length; j++) {
        const l = lines[j];
        if (j > i && isGitDiffLine(l)) break;
        if (l === '-- ' || (inHunk && l === '--')) break;
        const k = diffKind(l);
        if (k === null) break;
        if (k === 'hunk') inHunk = true;
        if (!inHunk && (k === 'add' || k === 'del') && !/^(\+\+\+|---) /.test(l)) break;
        diff.push({ kind: k, text: l });
      }
      // Trailing blank context lines belong to the prose after the diff.
      while (diff.length > 1 && diff[diff.length - 1].text === '') {
        diff.pop();
        j--;
      }
      blocks.push({ kind: 'diff', file: fileMatch ? fileMatch[1] : null, lines: diff });
      i = j;
      continue;
    }
    if (line === '-- ' && i > 0) {
      blocks.push({ kind: 'sig', lines: lines.slice(i) });
      break;
    }
    const depth = quoteDepth(line);
    if (depth > 0) push({ kind: 'quote', depth, lines: [line] });
    else if (isDiffstatLine(line)) push({ kind: 'diffstat', lines: [line] });
    else push({ kind: 'text', lines: [line] });
    i++;
  }
  return blocks;
}

/** Text cut into plain and URL parts, for linkifying without HTML injection. */
export type TextPart = { url: false; text: string } | { url: true; text: string; href: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"'`)\]]+[^\s<>"'`)\].,;:!?]/g;

/** Finds http(s) URLs in a line. */
export function linkify(line: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_RE)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ url: false, text: line.slice(last, at) });
    const href = safeHref(m[0]);
    parts.push(href ? { url: true, text: m[0], href } : { url: false, text: m[0] });
    last = at + m[0].length;
  }
  if (last < line.length) parts.push({ url: false, text: line.slice(last) });
  return parts;
}

/** Files touched by the diffs in a body, with added/removed line counts. */
export function diffSummary(blocks: Block[]): { file: string; add: number; del: number }[] {
  const out: { file: string; add: number; del: number }[] = [];
  for (const b of blocks) {
    if (b.kind !== 'diff' || !b.file) continue;
    let add = 0;
    let del = 0;
    for (const l of b.lines) {
      if (l.kind === 'add') add++;
      else if (l.kind === 'del') del++;
    }
    out.push({ file: b.file, add, del });
  }
  return out;
}
