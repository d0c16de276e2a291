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

describe('near-identical traces', () => {
  it('names the frames that differ between two traces of one crash', async () => {
    const { analyzeOops, nearIdentical, traceDifference } =
      await import('../../../../src/core/oops');
    const trace = (extra: string) =>
      [
        'INFO: task a:1 blocked for more than 143 seconds.',
        '      Not tainted 6.7.0 #0',
        'Call Trace:',
        ' __schedule+0x892/0x1d80 kernel/sched/core.c:6688',
        ' schedule+0xcd/0x2b0 kernel/sched/core.c:6763',
        ` ${extra}`,
        ' locks_remove_posix+0x277/0x4e0 fs/locks.c:2520',
        ' filp_close+0xb4/0x170 fs/open.c:1551',
        '',
      ].join('\n');
    const a = analyzeOops(trace('wdm_flush+0x2ea/0x3c0 drivers/usb/class/cdc-wdm.c:590'));
    const b = analyzeOops(trace('nanosleep_copyout+0x100/0x100 kernel/time/hrtimer.c:1861'));
    const [ra, rb] = [a?.reports[0], b?.reports[0]];
    if (!ra || !rb) throw new Error('no reports');
    expect(traceDifference(ra, rb)).toEqual({
      added: ['nanosleep_copyout+0x100'],
      removed: ['wdm_flush+0x2ea'],
    });
    expect(nearIdentical(ra, rb)).toBe(true);
  });
});
