import { describe, expect, it } from 'vitest';
import { analyzeOops, findReports } from '../../../../src/core/oops';
import { fixture } from './fixtures';

describe('crash report detection', () => {
  it('returns null for logs with only benign look-alikes, NUL bytes and stray bytes', () => {
    expect(analyzeOops(fixture('no-crash.log'))).toBeNull();
    expect(analyzeOops('')).toBeNull();
    expect(analyzeOops('\u0000\u0000\uFFFD')).toBeNull();
  });

  it('titles a KASAN report after the first non-sanitizer frame', () => {
    const a = analyzeOops(fixture('kasan-uaf.log'));
    expect(a?.title).toBe('KASAN: use-after-free Read in demo_ioctl');
    expect(a?.type).toBe('KASAN-USE-AFTER-FREE-READ');
    expect(a?.altTitles).toEqual(['bad-access in demo_ioctl']);
    expect(a?.kernel).toEqual({ version: '6.1.0-rc2-syzkaller', tainted: true, taintFlags: 'G W' });
  });

  it('titles a circular locking report as a possible deadlock at the lock site', () => {
    const a = analyzeOops(fixture('lockdep-circular.log'));
    expect(a?.title).toBe('possible deadlock in demo_flush');
    expect(a?.type).toBe('LOCKDEP');
    expect(a?.reports[0].locksHeld.map((l) => l.name)).toEqual([
      '&dev->mutex',
      '&(&q->lock)->rlock',
    ]);
  });

  it('treats the panic after a fault as part of it, not a new report', () => {
    const a = analyzeOops(fixture('gpf-irq.log'));
    expect(a?.title).toBe('general protection fault in demo_timer_fn');
    expect(a?.type).toBe('DoS');
    expect(a?.reports).toHaveLength(1);
    expect(a?.reports[0].registers.RIP).toBe('0010:demo_timer_fn+0x4b/0x1c0');
  });

  it('marks a report whose stack was lost as corrupted', () => {
    const a = analyzeOops(
      '[    5.1] WARNING: CPU: 0 PID: 1 at mm/demo.c:10 demo_fn+0x1/0x2\n[    5.2] ---[ end trace ]---\n',
    );
    expect(a?.title).toBe('WARNING in corrupted');
    expect(a?.corrupted).toBe(true);
  });

  it('titles a WARNING after the trapping function when it is not generic', () => {
    const log = [
      'WARNING: CPU: 1 PID: 77 at drivers/demo/x.c:42 demo_check+0x10/0x20',
      'RIP: 0010:demo_check+0x10/0x20 drivers/demo/x.c:42',
      'Call Trace:',
      ' demo_ioctl+0x30/0x90 drivers/demo/x.c:80',
      ' __x64_sys_ioctl+0x18f/0x210 fs/ioctl.c:856',
      '',
    ].join('\n');
    const a = analyzeOops(log);
    expect(a?.title).toBe('WARNING in demo_check');
    expect(a?.type).toBe('WARNING');
    expect(a?.corrupted).toBe(false);
  });

  it('ignores a mail Subject that repeats the title', () => {
    const reports = findReports('Subject: Re: WARNING in foo\n\nthanks, applied\n');
    expect(reports).toEqual([]);
  });

  it('keeps offsets valid when the text has CRLF line ends', () => {
    const text = fixture('kasan-uaf.log').replace(/\n/g, '\r\n');
    const a = analyzeOops(text);
    expect(a?.title).toBe('KASAN: use-after-free Read in demo_ioctl');
    expect(text.slice(a?.reports[0].start)).toMatch(/^\[ *12\.100100\]\[ T5001\] BUG: KASAN/);
  });
});
