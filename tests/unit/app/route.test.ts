import { describe, expect, it } from 'vitest';
import { ALL } from '../../../src/core/constants';
import { encodeMsgId, parseHash, toHash } from '../../../src/app/route';

describe('lore-shaped hash routes', () => {
  it('round-trips message, thread, raw, search, crash and watched routes', () => {
    const routes = [
      { inbox: 'linux-usb', msgid: null, view: 'list' },
      { inbox: 'all', msgid: '000000000000070cb305a66ddc71@google.com', view: 'message' },
      { inbox: 'linux-usb', msgid: 'a/b%c?d#e@x', view: 'nested' },
      { inbox: 'linux-usb', msgid: 'a@x', view: 'flat' },
      { inbox: 'linux-usb', msgid: 'a@x', view: 'raw' },
      { inbox: 'linux-usb', msgid: null, view: 'search', query: 's:"task hung" d:2.weeks.ago..' },
      { inbox: ALL, msgid: null, view: 'crashes' },
      { inbox: ALL, msgid: null, view: 'settings' },
      { inbox: ALL, msgid: null, view: 'watched' },
    ] as const;
    for (const r of routes) expect(parseHash(toHash(r))).toEqual(r);
  });

  it('encodes Message-IDs like public-inbox, keeping @ readable', () => {
    expect(encodeMsgId('a/b@x')).toBe('a%2Fb@x');
    expect(toHash({ inbox: 'all', msgid: 'x@y', view: 'nested' })).toBe('#/all/x@y/T/');
  });
});
