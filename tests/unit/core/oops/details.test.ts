import { describe, expect, it } from 'vitest';
import {
  findKernelInfo,
  findSyzbotMeta,
  parseLocksHeld,
  parseRegisters,
} from '../../../../src/core/oops';

describe('report details', () => {
  it('parses held locks with and without addresses', () => {
    const locks = parseLocksHeld([
      '2 locks held by syz-executor.1/3125:',
      ' #0: ffff8880a1b2c3d8 (&sb->s_type->i_mutex_key#13){+.+.}-{3:3}, at: inode_lock include/linux/fs.h:758 [inline]',
      ' #1:  (rtnl_mutex){+.+.}, at: [<ffffffff8a0b1c2d>] rtnl_lock+0x17/0x20',
      'stack backtrace:',
    ]);
    expect(locks).toEqual([
      {
        index: 0,
        address: 'ffff8880a1b2c3d8',
        name: '&sb->s_type->i_mutex_key#13',
        acquiredAt: 'inode_lock include/linux/fs.h:758 [inline]',
      },
      {
        index: 1,
        address: null,
        name: 'rtnl_mutex',
        acquiredAt: '[<ffffffff8a0b1c2d>] rtnl_lock+0x17/0x20',
      },
    ]);
  });

  it('collects x86 and arm64 register values', () => {
    expect(
      parseRegisters([
        'RSP: 0018:ffffc90000157c70 EFLAGS: 00010202',
        'RAX: dffffc0000000000 RBX: 0000000000000001',
      ]),
    ).toEqual({
      RSP: '0018:ffffc90000157c70',
      EFLAGS: '00010202',
      RAX: 'dffffc0000000000',
      RBX: '0000000000000001',
    });
    expect(
      parseRegisters(['pc : demo_fn+0x18/0x40', 'x29: ffff800012343c00 x28: 0000000000000000']),
    ).toEqual({
      pc: 'demo_fn+0x18/0x40',
      x29: 'ffff800012343c00',
      x28: '0000000000000000',
    });
  });

  it('reads kernel version and taint flags', () => {
    expect(findKernelInfo('CPU: 0 PID: 1 Comm: a Not tainted 5.7.0-rc5-syzkaller #0')).toEqual({
      version: '5.7.0-rc5-syzkaller',
      tainted: false,
      taintFlags: null,
    });
    expect(
      findKernelInfo('CPU: 1 PID: 9 Comm: b Tainted: G    B   W          6.8.0-next-20240315 #1')
        ?.taintFlags,
    ).toBe('G B W');
    expect(findKernelInfo('no kernel here')).toBeNull();
  });

  it('reads syzbot metadata from a quoted reply and ignores plain mail', () => {
    const meta = findSyzbotMeta(
      '> HEAD commit:    0123abcd Merge tag x\n> git tree:       upstream\n',
    );
    expect(meta).toMatchObject({
      headCommit: '0123abcd',
      headCommitTitle: 'Merge tag x',
      gitTree: 'upstream',
      gitBranch: null,
    });
    expect(findSyzbotMeta('Hi,\nplease pull.\n')).toBeNull();
  });
});
