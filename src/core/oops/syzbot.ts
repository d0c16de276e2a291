/** syzbot's report header ("HEAD commit:", "git tree:", links, Reported-by) in a mail body. */
import type { SyzbotMeta } from './types';

// Field labels syzbot aligns with spaces; replies quote them with "> ".
const FIELD =
  /^(?:>+ ?)*\s*(HEAD commit|git tree|console output|kernel config|dashboard link|compiler|syz repro|C reproducer|userspace arch|console\+strace|Reported-by|downstream build)\s*:\s*(.+?)\s*$/gim;

/** Extracts syzbot's metadata block, or null when the text carries none. */
export function findSyzbotMeta(text: string): SyzbotMeta | null {
  const meta: SyzbotMeta = {
    headCommit: null,
    headCommitTitle: null,
    gitTree: null,
    gitBranch: null,
    consoleOutput: null,
    kernelConfig: null,
    dashboardLink: null,
    compiler: null,
    syzRepro: null,
    cRepro: null,
    reportedBy: null,
  };
  let found = false;
  for (const m of text.matchAll(FIELD)) {
    const label = m[1].toLowerCase();
    const value = m[2];
    const firstUrl = /https?:\/\/\S+/.exec(value)?.[0] ?? null;
    // Later quoted copies repeat the same block; the first occurrence is the authoritative one.
    switch (label) {
      case 'head commit': {
        const c = /^([0-9a-f]{7,40})\b\s*(.*)$/.exec(value);
        if (c && meta.headCommit === null) {
          meta.headCommit = c[1];
          meta.headCommitTitle = c[2] || null;
          found = true;
        }
        break;
      }
      case 'git tree': {
        if (meta.gitTree !== null) break;
        const [tree, branch] = value.split(/\s+/);
        meta.gitTree = tree;
        meta.gitBranch = branch ?? null;
        found = true;
        break;
      }
      case 'console output':
        meta.consoleOutput ??= firstUrl;
        found ||= firstUrl !== null;
        break;
      case 'kernel config':
        meta.kernelConfig ??= firstUrl;
        found ||= firstUrl !== null;
        break;
      case 'dashboard link':
        meta.dashboardLink ??= firstUrl;
        found ||= firstUrl !== null;
        break;
      case 'syz repro':
        meta.syzRepro ??= firstUrl;
        found ||= firstUrl !== null;
        break;
      case 'c reproducer':
        meta.cRepro ??= firstUrl;
        found ||= firstUrl !== null;
        break;
      case 'compiler':
        meta.compiler ??= value;
        break;
      case 'reported-by': {
        const addr = /syzbot\+?[A-Za-z0-9._-]*@[A-Za-z0-9.-]+/.exec(value)?.[0];
        if (addr && meta.reportedBy === null) {
          meta.reportedBy = addr;
          found = true;
        }
        break;
      }
    }
  }
  return found ? meta : null;
}
