/** Links from a trace frame's file:line to the kernel source it was built from. */
import type { Frame, SyzbotMeta } from './types';

/** "5.7.0-rc5-syzkaller" -> "v5.7-rc5"; "6.1.12" -> "v6.1.12"; null when unrecognisable. */
export function releaseTag(version: string | null): string | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(-rc\d+)?/.exec(version ?? '');
  if (!m) return null;
  const patch = m[3] && m[3] !== '0' && !m[4] ? `.${m[3]}` : '';
  return `v${m[1]}.${m[2]}${patch}${m[4] ?? ''}`;
}

/**
 * A URL showing the frame's source line: at the reported commit when the tree
 * is a GitHub or git.kernel.org repository, else at the tagged release on
 * elixir.bootlin.com. Null when the frame has no file.
 */
export function sourceLink(
  frame: Pick<Frame, 'file' | 'line'>,
  syzbot: Pick<SyzbotMeta, 'gitTree' | 'headCommit'> | null,
  kernelVersion: string | null,
): string | null {
  if (!frame.file) return null;
  const file = frame.file.replace(/^\/+/, '');
  const line = frame.line ?? 0;
  const tree = syzbot?.gitTree?.replace(/\.git\/?$/, '').replace(/\/+$/, '') ?? '';
  const commit = syzbot?.headCommit ?? '';
  if (commit && /^[0-9a-f]{7,40}$/i.test(commit)) {
    const gh = /^https?:\/\/github\.com\/([^/]+\/[^/]+)$/.exec(tree);
    if (gh) return `https://github.com/${gh[1]}/blob/${commit}/${file}${line ? `#L${line}` : ''}`;
    if (/^https?:\/\/git\.kernel\.org\/pub\/scm\//.test(tree))
      return `${tree.replace(/^http:/, 'https:')}.git/tree/${file}?id=${commit}${line ? `#n${line}` : ''}`;
  }
  const tag = releaseTag(kernelVersion);
  if (!tag) return null;
  return `https://elixir.bootlin.com/linux/${tag}/source/${file}${line ? `#L${line}` : ''}`;
}
