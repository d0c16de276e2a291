import { describe, expect, it } from 'vitest';
import { isUnreliable, parseFrameLine, parseFrames } from '../../../../src/core/oops';
import { fixture } from './fixtures';

describe('call trace parsing', () => {
  it('parses name, offset, size, module and source location', () => {
    expect(parseFrameLine('[   1.2][ T1]  demo_ioctl+0x1a4/0x300 [demo_mod]')).toMatchObject({
      fn: 'demo_ioctl',
      offset: 0x1a4,
      size: 0x300,
      module: 'demo_mod',
      inline: false,
      unreliable: false,
    });
    expect(parseFrameLine(' close_files fs/file.c:388 [inline]')).toMatchObject({
      fn: 'close_files',
      offset: null,
      inline: true,
      file: 'fs/file.c',
      line: 388,
    });
    expect(parseFrameLine(' [<ffffffff81234567>] ? foo.isra.0+0x10/0x20')).toMatchObject({
      fn: 'foo.isra.0',
      unreliable: true,
    });
  });

  it('does not mistake prose or register lines for frames', () => {
    expect(parseFrameLine('Call Trace:')).toBeNull();
    expect(parseFrameLine('RIP: 0010:demo+0x1/0x2')).toBeNull();
    expect(parseFrameLine('hello world')).toBeNull();
  });

  it('tracks IRQ and task sections', () => {
    const frames = parseFrames(fixture('gpf-irq.log').split('\n'));
    expect(frames.find((f) => f.fn === 'call_timer_fn')?.context).toBe('irq');
    expect(frames.find((f) => f.fn === 'kthread')?.context).toBe('task');
  });

  it('flags "?" frames, past-the-end return addresses and repeated frames with a reason', () => {
    const frames = parseFrames(fixture('gpf-irq.log').split('\n'));
    const q = frames.find((f) => f.fn === 'demo_timer_fn');
    expect(q?.reasons).toEqual(['questionable', 'offset-equals-size']);
    const runs = frames.filter((f) => f.fn === '__run_timers');
    expect(runs.map((f) => f.reasons)).toEqual([[], ['repeated']]);
    expect(frames.filter(isUnreliable)).toHaveLength(2);
  });

  it('restarts duplicate detection at each new trace', () => {
    const frames = parseFrames(['Call Trace:', ' a+0x1/0x10', 'Freed by task 1:', ' a+0x1/0x10']);
    expect(frames.map((f) => f.reasons)).toEqual([[], []]);
  });
});
