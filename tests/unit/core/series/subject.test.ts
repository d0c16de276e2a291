import { describe, expect, it } from 'vitest';
import { amSubject, parseSubject, seriesTag } from '../../../../src/core/series/subject';

describe('patch subjects', () => {
  it('reads version, counters, RFC and RESEND from every leading tag group', () => {
    const s = parseSubject('[RFC PATCH net-next v3 02/17] net: fix a thing');
    expect(s).toMatchObject({
      patch: true,
      rfc: true,
      version: 3,
      counter: 2,
      total: 17,
      subject: 'net: fix a thing',
    });
    expect(s.prefixes).toEqual(['RFC', 'PATCH', 'net-next', 'v3', '02/17']);
    expect(parseSubject('[PATCHv2] [RESEND] mm: x')).toMatchObject({
      version: 2,
      resend: true,
      subject: 'mm: x',
    });
    expect(parseSubject('[PATCH 6/5] late addition')).toMatchObject({ counter: 6, total: 6 });
  });

  it('treats Re:/Fwd:/Aw: and foreign reply prefixes as replies', () => {
    for (const s of ['Re: [PATCH 1/2] x', 'AW: [PATCH] x', 'Fwd: [PATCH] y', 'Sv: [PATCH] z'])
      expect(parseSubject(s).reply).toBe(true);
  });

  it('flattens brackets inside brackets', () => {
    expect(parseSubject('[PATCH [v2] 1/3] fs: y')).toMatchObject({
      version: 2,
      counter: 1,
      subject: 'fs: y',
    });
  });

  it('reads the version and position of a patch in its series', () => {
    expect(seriesTag('[PATCH v2 3/7] usb: hub: fix the lock')).toBe('v2 3/7');
    expect(seriesTag('[PATCH 09/37] btrfs: make it static')).toBe('9/37');
    expect(seriesTag('[RFC PATCH v4] KVM: x86: convert')).toBe('v4');
    expect(seriesTag('[PATCH] sched/core: add a helper')).toBe('patch');
    expect(seriesTag('Re: INFO: task hung in locks_remove_posix')).toBeNull();
  });

  it('gives the list badge and the subject b4 am writes', () => {
    expect(seriesTag('[PATCH v2 3/7] x')).toBe('v2 3/7');
    expect(seriesTag('Re: [PATCH] x')).toBe('patch');
    expect(seriesTag('[ANNOUNCE] v6.1')).toBeNull();
    expect(amSubject(parseSubject('[PATCH RESEND net v2 1/3] ice: fix'))).toBe(
      '[PATCH v2 1/3] ice: fix',
    );
    expect(amSubject(parseSubject('[RFC PATCH] x'))).toBe('[PATCH RFC] x');
  });
});
