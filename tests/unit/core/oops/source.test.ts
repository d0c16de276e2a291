import { describe, expect, it } from 'vitest';
import { releaseTag, sourceLink } from '../../../../src/core/oops';

const frame = { file: 'fs/locks.c', line: 2706 };

describe('frame source links', () => {
  it('links to the reported commit on a GitHub tree', () => {
    const meta = { gitTree: 'https://github.com/google/kasan.git', headCommit: '806d8acc' };
    expect(sourceLink(frame, meta, '5.7.0-rc5-syzkaller')).toBe(
      'https://github.com/google/kasan/blob/806d8acc/fs/locks.c#L2706',
    );
  });

  it('links to the reported commit on a git.kernel.org tree', () => {
    const meta = {
      gitTree: 'git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
      headCommit: 'abcdef012345',
    };
    expect(sourceLink(frame, meta, null)).toBeNull();
    const https = {
      ...meta,
      gitTree: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
    };
    expect(sourceLink(frame, https, null)).toBe(
      'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/fs/locks.c?id=abcdef012345#n2706',
    );
  });

  it('falls back to the tagged release on elixir without a known tree', () => {
    expect(sourceLink(frame, null, '5.7.0-rc5-syzkaller')).toBe(
      'https://elixir.bootlin.com/linux/v5.7-rc5/source/fs/locks.c#L2706',
    );
    expect(releaseTag('6.1.12-gentoo')).toBe('v6.1.12');
    expect(releaseTag('6.8.0')).toBe('v6.8');
    expect(sourceLink({ file: null, line: null }, null, '6.8.0')).toBeNull();
  });
});
