import { describe, expect, it } from 'vitest';
import { analyzeOops, groupIdenticalReports } from '../../../../src/core/oops';
import { fixture } from './fixtures';

describe('a syzbot mail reporting a hung task', () => {
  const analysis = analyzeOops(fixture('syzbot-hung-task.txt'));

  it('derives the syzkaller title, type and guilty frame', () => {
    expect(analysis).not.toBeNull();
    expect(analysis?.title).toBe('INFO: task hung in locks_remove_posix');
    expect(analysis?.altTitles).toEqual(['hang in locks_remove_posix']);
    expect(analysis?.type).toBe('HANG');
    expect(analysis?.frame).toBe('locks_remove_posix');
    expect(analysis?.corrupted).toBe(false);
  });

  it('reads the kernel version and taint state', () => {
    expect(analysis?.kernel).toEqual({
      version: '5.7.0-rc5-syzkaller',
      tainted: false,
      taintFlags: null,
    });
  });

  it('reads the syzbot metadata block', () => {
    expect(analysis?.syzbot).toMatchObject({
      headCommit: '806d8acc',
      gitTree: 'https://github.com/google/kasan.git',
      gitBranch: 'usb-fuzzer',
      compiler: 'gcc (GCC) 9.0.0 20181231 (experimental)',
      reportedBy: 'syzbot+00000000000000000000@syzkaller.appspotmail.com',
    });
    expect(analysis?.syzbot?.cRepro).toMatch(/repro\.c/);
  });

  it('finds the five traces and folds them into one group', () => {
    expect(analysis?.reports).toHaveLength(5);
    const groups = groupIdenticalReports(analysis?.reports ?? []);
    expect(groups).toHaveLength(1);
    expect(groups[0].count).toBe(5);
    expect(groups[0].indices).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives each report its own span of the text', () => {
    const [a, b] = analysis?.reports ?? [];
    expect(a.end).toBeLessThan(b.start);
    expect(fixture('syzbot-hung-task.txt').slice(a.start)).toMatch(
      /^INFO: task syz-executor\.0:3125 blocked/,
    );
  });

  it('flags wdm_poll+0x280/0x280 as a return address past the function end', () => {
    const wdm = analysis?.reports[0].frames.find((f) => f.fn === 'wdm_poll');
    expect(wdm?.reasons).toContain('offset-equals-size');
    const flush = analysis?.reports[0].frames.find((f) => f.fn === 'wdm_flush');
    expect(flush?.reasons).toEqual([]);
  });

  it('is JSON-serialisable', () => {
    expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis);
  });
});

describe('replies that quote a crash report', () => {
  it('are not crash reports themselves', async () => {
    const { crashSummary, unquoted } = await import('../../../../src/core/oops');
    const { looksLikeOops } = await import('../../../../src/core/message');
    const reply = [
      'On Tue, syzbot wrote:',
      '> INFO: task syz-executor.1:3125 blocked for more than 143 seconds.',
      '>       Not tainted 5.7.0-rc5-syzkaller #0',
      '> Call Trace:',
      '>  schedule+0xcd/0x2b0 kernel/sched/core.c:4158',
      '',
      'This trace cannot be right.',
    ].join('\n');
    expect(looksLikeOops(reply)).toBe(false);
    expect(crashSummary(reply)).toBeNull();
    expect(unquoted(reply)).toHaveLength(reply.length);
  });
});
