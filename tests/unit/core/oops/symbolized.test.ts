import { describe, expect, it } from 'vitest';
import { analyzeOops } from '../../../../src/core/oops';
import { fixture } from './fixtures';

describe('a symbolized syzbot report', () => {
  const a = analyzeOops(fixture('syzbot-symbolized-uaf.txt'));

  it('is titled from the one header line that is not an inlined callee', () => {
    expect(a?.title).toBe('KASAN: slab-use-after-free Write in rfcomm_sock_release');
    expect(a?.type).toBe('KASAN-USE-AFTER-FREE-WRITE');
    expect(a?.corrupted).toBe(false);
    expect(a?.failure).toBeNull();
  });

  it('keeps inlined frames and their source lines for the reader', () => {
    const frames = a?.reports[0].frames ?? [];
    const put = frames.find((f) => f.fn === 'rfcomm_dlc_put');
    expect(put).toMatchObject({ inline: true, file: 'include/net/bluetooth/rfcomm.h', line: 258 });
    const release = frames.find((f) => f.fn === 'rfcomm_sock_release');
    expect(release).toMatchObject({ inline: false, offset: 0x1c2, line: 925, stack: null });
  });

  it('names the allocation and free stacks each frame belongs to', () => {
    const frames = a?.reports[0].frames ?? [];
    expect(frames.find((f) => f.fn === 'rfcomm_dlc_alloc')?.stack).toBe('Allocated by task 6121');
    expect(frames.find((f) => f.fn === 'kfree')?.stack).toBe('Freed by task 6120');
  });
});

/** A syzbot mail carrying a general protection fault in a syscall wrapper. */
function gpfMail(kernel: string, opts: { repro?: boolean; comm?: string } = {}): string {
  const repro = opts.repro ?? true;
  return [
    'Hello,',
    '',
    'syzbot found the following issue on:',
    '',
    'HEAD commit:    0123456789ab Merge branch into tree',
    'git tree:       net-next',
    'dashboard link: https://syzkaller.appspot.com/bug?extid=0a1b2c3d4e5f60718293',
    ...(repro ? ['C reproducer:   https://syzkaller.appspot.com/x/repro.c?x=1'] : []),
    '',
    'Reported-by: syzbot+0a1b2c3d4e5f60718293@syzkaller.appspotmail.com',
    '',
    'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000002: 0000 [#1] PREEMPT SMP KASAN',
    'KASAN: null-ptr-deref in range [0x0000000000000010-0x0000000000000017]',
    `CPU: 0 PID: 5120 Comm: ${opts.comm ?? 'syz-executor.1'} Not tainted ${kernel} #0`,
    'RIP: 0010:__frob_register fs/frob.c:120 [inline]',
    'RIP: 0010:__do_sys_frob_register fs/frob.c:210 [inline]',
    'RIP: 0010:__se_sys_frob_register+0x1d2/0x3e0 fs/frob.c:190',
    'Call Trace:',
    ' <TASK>',
    ' do_syscall_x64 arch/x86/entry/common.c:50 [inline]',
    ' do_syscall_64+0x2d/0x70 arch/x86/entry/common.c:80',
    ' entry_SYSCALL_64_after_hwframe+0x44/0xae',
    ' </TASK>',
    '',
  ].join('\n');
}

describe('syscall wrapper names in syzbot titles', () => {
  it('follow the syzkaller of the day the kernel was tested', () => {
    expect(analyzeOops(gpfMail('5.9.0-syzkaller'))?.title).toBe(
      'general protection fault in __se_sys_frob_register',
    );
    expect(analyzeOops(gpfMail('5.12.0-syzkaller'))?.title).toBe(
      'general protection fault in frob_register',
    );
    expect(analyzeOops(gpfMail('6.8.0-rc1-syzkaller'))?.title).toBe(
      'general protection fault in sys_frob_register',
    );
    expect(analyzeOops(gpfMail('6.13.0-rc1-next-20241203-syzkaller'))?.title).toBe(
      'general protection fault in sys_frob_register',
    );
    expect(analyzeOops(gpfMail('6.16.0-syzkaller'))?.title).toBe(
      'general protection fault in frob_register',
    );
  });

  it('are stripped fully in a console log without a syzbot header', () => {
    const log = gpfMail('5.9.0-syzkaller').split('\n').slice(11).join('\n');
    expect(analyzeOops(log)?.title).toBe('general protection fault in frob_register');
  });
});

/** A syzbot mail carrying a warning raised inside ida_free on behalf of a frob connection. */
function idaWarningMail(kernel: string): string {
  return [
    'Hello,',
    '',
    'syzbot found the following issue on:',
    '',
    'HEAD commit:    0123456789ab Merge branch into tree',
    'git tree:       upstream',
    'dashboard link: https://syzkaller.appspot.com/bug?extid=0a1b2c3d4e5f60718293',
    'C reproducer:   https://syzkaller.appspot.com/x/repro.c?x=1',
    '',
    'Reported-by: syzbot+0a1b2c3d4e5f60718293@syzkaller.appspotmail.com',
    '',
    '------------[ cut here ]------------',
    'ida_free called for id=4096 which is not allocated.',
    'WARNING: CPU: 1 PID: 6021 at lib/idr.c:525 ida_free+0x1fb/0x2f0 lib/idr.c:525',
    'Modules linked in:',
    `CPU: 1 PID: 6021 Comm: syz-executor.2 Not tainted ${kernel} #0`,
    'RIP: 0010:ida_free+0x1fb/0x2f0 lib/idr.c:525',
    'Call Trace:',
    ' <TASK>',
    ' frob_conn_cleanup drivers/frob/conn.c:157 [inline]',
    ' frob_conn_del+0x795/0xe20 drivers/frob/conn.c:1188',
    ' frob_release+0x7f/0x100 drivers/frob/dev.c:674',
    ' __fput+0x270/0xb80 fs/file_table.c:376',
    ' task_work_run+0x14f/0x250 kernel/task_work.c:180',
    ' </TASK>',
    '',
  ].join('\n');
}

describe('generic frames in syzbot titles', () => {
  it('are kept when the kernel was tested before syzkaller began to skip them', () => {
    // syzkaller skips ida_free since mid-February 2024, between 6.8-rc4 and 6.8-rc5.
    for (const kernel of [
      '6.7.0-syzkaller',
      '6.8.0-rc4-syzkaller-00005-g0123456789ab',
      '6.8.0-rc3-next-20240212-syzkaller',
    ])
      expect(analyzeOops(idaWarningMail(kernel))?.title, kernel).toBe('WARNING in ida_free');
  });

  it('are skipped when the kernel was tested after', () => {
    for (const kernel of [
      '6.8.0-rc5-syzkaller',
      '6.8.0-syzkaller',
      '6.8.0-rc5-next-20240220-syzkaller',
      '6.18.0-syzkaller',
    ])
      expect(analyzeOops(idaWarningMail(kernel))?.title, kernel).toBe('WARNING in frob_conn_del');
  });

  it('are skipped in a console log without a syzbot header, as syzkaller does today', () => {
    const log = idaWarningMail('6.7.0-syzkaller').split('\n').slice(11).join('\n');
    expect(analyzeOops(log)?.title).toBe('WARNING in frob_conn_del');
  });
});

describe("syzbot's setup failures", () => {
  it('name the tree and say test error when a mail has no reproducer and says none is missing', () => {
    const a = analyzeOops(gpfMail('6.8.0-syzkaller', { repro: false }));
    expect(a?.title).toBe('net-next test error: general protection fault in sys_frob_register');
    expect(a?.failure).toBe('test error');
    expect(a?.frame).toBe('sys_frob_register');
  });

  it('say boot error when the crash hit a task that runs before the fuzzer', () => {
    const a = analyzeOops(gpfMail('6.8.0-syzkaller', { repro: false, comm: 'swapper/0' }));
    expect(a?.title).toBe('net-next boot error: general protection fault in sys_frob_register');
  });

  it('are ordinary crashes once syzbot says it has no reproducer yet', () => {
    const mail = gpfMail('6.8.0-syzkaller', { repro: false }).replace(
      'Reported-by:',
      "Unfortunately, I don't have any reproducer for this issue yet.\n\nReported-by:",
    );
    expect(analyzeOops(mail)?.title).toBe('general protection fault in sys_frob_register');
  });

  it('are not guessed for a tree named by URL, which syzbot never puts in such a title', () => {
    const mail = gpfMail('6.8.0-syzkaller', { repro: false }).replace(
      'git tree:       net-next',
      'git tree:       https://github.com/google/kmsan.git master',
    );
    expect(analyzeOops(mail)?.failure).toBeNull();
  });

  it('title a failed build by its tree alone', () => {
    const mail = gpfMail('6.8.0-syzkaller', { repro: false }).replace(
      /Oops:[^]*$/,
      'drivers/frob/frob_core.c:2501:10: error: label at end of compound statement\n',
    );
    const a = analyzeOops(mail);
    expect(a).toMatchObject({ title: 'net-next build error', failure: 'build error', reports: [] });
  });
});

describe('mail that wrapped long report lines', () => {
  it('is read as if each wrapped line were whole', () => {
    const text = [
      '------------[ cut here ]------------',
      'WARNING: CPU: 1 PID: 9727 at lib/frob-refcount.c:111  ',
      'frob_ref_exit+0xab/0xd0 lib/frob-refcount.c:111',
      'Kernel panic - not syncing: panic_on_warn set ...',
      'CPU: 1 PID: 9727 Comm: syz-executor571 Not tainted  ',
      '5.5.0-rc2-syzkaller #0',
      'Call Trace:',
      '  dump_stack+0x197/0x210 lib/dump_stack.c:118',
      '  frob_ref_exit+0xab/0xd0 lib/frob-refcount.c:111',
      '  frob_ctx_free+0x2c/0x50 fs/frob.c:400',
      '',
    ].join('\n');
    const a = analyzeOops(text);
    expect(a?.title).toBe('WARNING in frob_ref_exit');
    expect(a?.kernel?.version).toBe('5.5.0-rc2-syzkaller');
  });
});
