/** Title derivation: match a family's formats against a report, fill the template, normalise. */
import type { OopsFamily, OopsFormat } from './formats';
import { extractGuiltyFrames, type PickedFrame } from './stack';
import { CURRENT_ERA, CURRENT_SYSCALL_PREFIXES, type Era } from './era';

/** Why a report was judged corrupted, or '' when it was not. */
export type CorruptReason = string;
export const NO_FRAMES = 'extracted no frames';

/** The raw outcome of matching one family against a report text. */
export interface Description {
  title: string;
  altTitles: string[];
  corrupted: CorruptReason;
  /** The format that produced the title; null when the header line itself became the title. */
  format: OopsFormat | null;
}

function fill(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (_, n: string) => args[Number(n) - 1] ?? `%!v(BADINDEX)`);
}

// Each syscall prefix stripped on its own yields another alt title, so a report titled with
// "__x64_sys_foo" still meets one titled "foo".
function partialStrips(groups: readonly string[], frames: readonly PickedFrame[]): string[][] {
  const out: string[][] = [[...groups, ...frames.map((f) => f.raw)]];
  for (const prefix of CURRENT_SYSCALL_PREFIXES) {
    let changed = false;
    const list = frames.map((f) => {
      if (f.raw.startsWith(prefix)) {
        changed = true;
        return f.raw.slice(prefix.length);
      }
      return f.raw;
    });
    if (changed) out.push([...groups, ...list]);
  }
  return out;
}

/**
 * Matches the family's formats against text; the earliest header wins, later formats break ties.
 * `era` holds the syscall wrapper prefixes and generic frames the guilty frame is chosen with.
 */
export function describe(text: string, family: OopsFamily, era: Era = CURRENT_ERA): Description {
  let start = text.length;
  let matchedTitle = false;
  let title = '';
  let corrupted: CorruptReason = '';
  let format: OopsFormat | null = null;
  const alts: string[] = [];
  for (const f of family.formats) {
    let m = f.title.exec(text);
    if (!m || m.index > start) continue;
    if (m.index === start && title !== '') continue;
    if (m.index < start) {
      title = '';
      format = null;
      start = m.index;
    }
    matchedTitle = true;
    if (f.args) {
      m = f.args.exec(text);
      if (!m) continue;
    }
    const groups = m.slice(1).map((g) => g ?? '');
    let frames: PickedFrame[] = [];
    corrupted = '';
    if (f.stack) {
      const found = extractGuiltyFrames(f.stack, text.slice(m.index), era);
      frames = found.frames;
      if (!found.ok) corrupted = NO_FRAMES;
    }
    const args = [...groups, ...frames.map((fr) => fr.canonical)];
    title = fill(f.template, args);
    for (const alt of f.alt ?? []) alts.push(fill(alt, args));
    for (const variant of partialStrips(groups, frames)) {
      const alt = fill(f.template, variant);
      if (alt !== title) alts.push(alt);
      for (const a of f.alt ?? []) alts.push(fill(a, variant));
    }
    format = f;
  }
  if (title === '') {
    if (matchedTitle) corrupted = 'matched title but not report regexp';
    const pos = text.indexOf(family.header);
    if (pos !== -1) {
      const nl = text.indexOf('\n', pos);
      title = text.slice(pos, nl === -1 ? text.length : nl);
    }
  }
  if (corrupted === '' && format?.corrupted) corrupted = 'report format is marked as corrupted';
  return { title, altTitles: [...new Set(alts)], corrupted, format };
}

// Volatile parts of titles (pids, addresses, line numbers, offsets, CPU numbers) are replaced
// so that the same bug always gets the same title.
const VOLATILE: readonly (readonly [RegExp, string])[] = [
  [/syz-executor\.?[0-9]+((\/|:)[0-9]+)?/g, 'syz-executor'],
  [/syzkaller[0-9]+((\/|:)[0-9]+)?/g, 'syzkaller'],
  [/([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}/g, '$1ADDR'],
  [/([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})/g, 'IP'],
  [/(\.\w+)(:[0-9]+)+/g, '$1:LINE'],
  [/([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+\/0x[0-9a-z]+/g, '$1'],
  [/CPU#[0-9]+/g, 'CPU'],
  // Overlapping matches ("0,1,2") need repeated passes, hence the fixpoint loop below.
  [/(\W)(\d+)(\W|$)/g, '$1NUM$3'],
  // Digits inside identifiers (cfg80211) stay, unless the run is too long to be a name.
  [/(\d+){7,}/g, 'NUM'],
];

/** Normalises a title: volatile tokens replaced, control bytes dropped, spaces collapsed, max 120. */
export function normaliseTitle(title: string): string {
  let s = title;
  for (const [re, rep] of VOLATILE) {
    for (;;) {
      const next = s.replace(re, rep);
      if (next === s) break;
      s = next;
    }
  }
  let out = '';
  let prev = ' ';
  for (let i = 0; i < s.length && i < 120; i++) {
    let ch = s[i];
    const code = s.charCodeAt(i);
    if (ch === '\t') ch = ' ';
    else if (code < 0x20 || code >= 0x7f) continue;
    if (ch === ' ' && prev === ' ') continue;
    out += ch;
    prev = ch;
  }
  return out.trim();
}

/** The guilty function syzkaller reads off a title: the identifier after the last " in ". */
export function frameFromTitle(title: string): string | null {
  const m = /.* in ((?:<[a-zA-Z0-9_: ]+>)?[a-zA-Z0-9_:]+)/.exec(title);
  return m ? m[1] : null;
}
