import { describe, expect, it } from 'vitest';
import { crashTypeOf, frameFromTitle, normaliseTitle } from '../../../../src/core/oops';

describe('title normalisation', () => {
  it('replaces volatile numbers, addresses and offsets', () => {
    expect(normaliseTitle('BUG: Bad rss-counter state mm:ffff88801234abcd idx:1 val:-3')).toBe(
      'BUG: Bad rss-counter state mm:ADDR idx:NUM val:-NUM',
    );
    expect(normaliseTitle('kernel panic: bad at foo+0x12/0x40 on CPU#3')).toBe(
      'kernel panic: bad at foo on CPU',
    );
    expect(normaliseTitle('WARNING in syz-executor.5 fs/x.c:123')).toBe(
      'WARNING in syz-executor fs/x.c:LINE',
    );
  });

  it('drops control and non-ASCII characters and collapses spaces', () => {
    expect(normaliseTitle('KASAN:\u0000  use-after-free\tRead in \u00e9foo')).toBe(
      'KASAN: use-after-free Read in foo',
    );
  });

  it('caps titles at 120 characters', () => {
    expect(normaliseTitle(`kernel panic: ${'x'.repeat(300)}`)).toHaveLength(120);
  });

  it('reads the guilty frame after the last " in "', () => {
    expect(frameFromTitle('KCSAN: data-race in foo / bar')).toBe('foo');
    expect(frameFromTitle('WARNING in usb_x/usb_submit_urb')).toBe('usb_x');
    expect(frameFromTitle('BUG: workqueue lockup')).toBeNull();
  });
});

describe('crash type classification', () => {
  it.each([
    ['KASAN: slab-out-of-bounds Write in foo', 'KASAN-WRITE'],
    ['KASAN: use-after-free Read in foo', 'KASAN-USE-AFTER-FREE-READ'],
    ['INFO: task hung in foo', 'HANG'],
    ['possible deadlock in foo', 'LOCKDEP'],
    ['WARNING: suspicious RCU usage in foo', 'LOCKDEP'],
    ['WARNING: ODEBUG bug in foo', 'WARNING'],
    ['WARNING in foo', 'WARNING'],
    ['general protection fault in foo', 'DoS'],
    ['BUG: unable to handle kernel NULL pointer dereference in foo', 'NULL-POINTER-DEREFERENCE'],
    ['BUG: unable to handle kernel paging request in foo', 'MEMORY_SAFETY_BUG'],
    ['memory leak in foo', 'LEAK'],
    ['BUG: sleeping function called from invalid context in foo', 'ATOMIC_SLEEP'],
    ['SYZFAIL: wrong response', 'SYZ_FAILURE'],
    ['BUG: Bad page state in foo', null],
    ['INFO: trying to register non-static key in foo', null],
  ])('%s -> %s', (title, type) => {
    expect(crashTypeOf(title)).toBe(type);
  });
});
