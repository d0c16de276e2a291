import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AtomEntry } from '../../../src/core/atom';
import {
  backoffMs,
  dateWindows,
  diffFeed,
  encodeMsgIdPath,
  entryKey,
  entrySnippet,
  groupThreads,
  inboxUrl,
  localInboxName,
  parseRemoteInput,
  planServerQuery,
  proxiedUrl,
  retryAfterMs,
  searchFeedUrl,
  searchMboxUrl,
  parseResultCount,
  resultCountUrl,
  serverSearchUrl,
  sizeProbeUrl,
  threadMboxUrl,
  wholeInboxUrl,
} from '../../../src/core/remote';
import { parseQuery } from '../../../src/core/query';

function ref(input: string) {
  const r = parseRemoteInput(input);
  if (!r.ok) throw new Error(r.error);
  return r.ref;
}

describe('parseRemoteInput', () => {
  it('reads the seed URL: lore all/ with a Message-ID', () => {
    expect(ref('https://lore.kernel.org/all/000000000000070cb305a66ddc71@google.com/')).toEqual({
      scheme: 'https',
      host: 'lore.kernel.org',
      port: null,
      inbox: 'all',
      msgid: '000000000000070cb305a66ddc71@google.com',
    });
  });

  it('reads an inbox URL', () => {
    expect(ref('https://lore.kernel.org/linux-usb/')).toMatchObject({
      inbox: 'linux-usb',
      msgid: null,
    });
    expect(ref('https://lore.kernel.org/linux-usb')).toMatchObject({ inbox: 'linux-usb' });
    expect(ref('https://lore.kernel.org/linux-usb/new.atom')).toMatchObject({ msgid: null });
    expect(ref('https://lore.kernel.org/linux-usb/?q=s:xhci')).toMatchObject({ msgid: null });
  });

  it('reads thread, mbox and raw URLs and a local server with a port', () => {
    for (const tail of ['T/', 't/', 't.mbox.gz', 'raw', 't.atom', '']) {
      expect(ref(`https://lore.kernel.org/linux-usb/a.b@c.d/${tail}`).msgid).toBe('a.b@c.d');
    }
    expect(ref('http://127.0.0.1:18089/test/x%2Fy@z/raw')).toEqual({
      scheme: 'http',
      host: '127.0.0.1',
      port: 18089,
      inbox: 'test',
      msgid: 'x/y@z',
    });
    expect(ref('https://lore.kernel.org/r/abc@def')).toMatchObject({
      inbox: 'all',
      msgid: 'abc@def',
    });
  });

  it('reads bare Message-IDs and id: queries', () => {
    for (const s of ['<x@y>', 'x@y', 'id:x@y', '  <x@y>  ', 'id:<x@y>']) {
      expect(ref(s)).toMatchObject({ host: '', inbox: null, msgid: 'x@y' });
    }
  });

  it('explains what it cannot read', () => {
    for (const s of ['', 'hello world', 'https://lore.kernel.org/', 'ftp://x']) {
      const r = parseRemoteInput(s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/\.$/);
    }
  });
});

describe('URLs', () => {
  it('percent-encodes Message-IDs like public-inbox', () => {
    expect(encodeMsgIdPath('a/b%c?d#e@f')).toBe('a%2Fb%25c%3Fd%23e@f');
    expect(encodeMsgIdPath("k+x=1!$&'()*,;:~_.-@h")).toBe("k+x=1!$&'()*,;:~_.-@h");
    expect(encodeMsgIdPath('sp ace<>"é@h')).toBe('sp%20ace%3C%3E%22%C3%A9@h');
  });

  it('builds thread, search and proxied URLs', () => {
    const base = inboxUrl({ scheme: 'https', host: 'lore.kernel.org', port: null }, 'linux-usb');
    expect(base).toBe('https://lore.kernel.org/linux-usb/');
    expect(threadMboxUrl(base, 'a/b@c')).toBe(
      'https://lore.kernel.org/linux-usb/a%2Fb@c/t.mbox.gz',
    );
    const jan2 = Date.UTC(2024, 0, 2, 15);
    expect(searchFeedUrl(base, jan2, 200)).toBe(`${base}?q=d%3A20240102..&x=A&o=200`);
    expect(searchMboxUrl(base, jan2, Date.UTC(2024, 0, 8))).toBe(
      `${base}?q=d%3A20240102..20240108&x=m`,
    );
    expect(proxiedUrl(`${base}x@y/t.mbox.gz`, 'https://me.example/loupe/')).toBe(
      'https://me.example/loupe/_/lore.kernel.org/linux-usb/x@y/t.mbox.gz',
    );
    expect(proxiedUrl('http://127.0.0.1:9/t/new.atom?x=1', 'http://h:1/index.html')).toBe(
      'http://h:1/_/127.0.0.1:9/t/new.atom?x=1',
    );
  });

  it('names local inboxes', () => {
    expect(localInboxName({ host: 'lore.kernel.org', port: null, inbox: 'linux-usb' })).toBe(
      'linux-usb',
    );
    expect(localInboxName({ host: 'lore.kernel.org', port: null, inbox: 'all' })).toBe(
      'lore.kernel.org',
    );
  });

  it('splits date ranges into windows, newest first, days included', () => {
    const day = 86_400_000;
    const from = Date.UTC(2024, 0, 1);
    const w = dateWindows(from, from + 9 * day + 5000, 4);
    expect(w).toEqual([
      { from: from + 6 * day, to: from + 9 * day },
      { from: from + 2 * day, to: from + 5 * day },
      { from, to: from + day },
    ]);
  });
});

let n = 0;
function entry(id: string, parent: string | null = null, updated = 1000 + n++): AtomEntry {
  return {
    entryId: `urn:uuid:${id}`,
    messageId: id,
    title: id,
    authorName: '',
    authorEmail: '',
    updated,
    link: `https://lore.kernel.org/x/${id}/`,
    inReplyTo: parent,
    content: '',
  };
}

describe('feed diff', () => {
  it('finds the entries not seen before by id and updated time', () => {
    const old = [entry('a@x'), entry('b@x')];
    const seen = old.map(entryKey);
    const c = entry('c@x');
    const bumped = { ...old[1], updated: old[1].updated + 1 };
    const d = diffFeed([c, bumped, old[0]], seen);
    expect(d.fresh.map((e) => e.messageId)).toEqual(['c@x', 'b@x']);
    expect(d.pageBack).toBe(false);
  });

  it('pages back when every entry of a full feed is new, but not on the first sync', () => {
    const feed = Array.from({ length: 25 }, (_, i) => entry(`m${i}@x`));
    expect(diffFeed(feed, ['urn:uuid:old@x 1']).pageBack).toBe(true);
    expect(diffFeed(feed, []).pageBack).toBe(false);
    expect(diffFeed(feed.slice(0, 10), ['urn:uuid:old@x 1']).pageBack).toBe(false);
  });

  it('groups replies with their visible parents and siblings, root first', () => {
    const groups = groupThreads([
      entry('r2@x', 'r1@x'),
      entry('r1@x', 'p@x'),
      entry('p@x', 'cover@x'),
      entry('other@y'),
      entry('s1@z', 'old@z'),
      entry('s2@z', 'old@z'),
    ]);
    expect(groups).toHaveLength(3);
    expect(groups[0][0]).toBe('p@x');
    expect(new Set(groups[0])).toEqual(new Set(['p@x', 'r1@x', 'r2@x']));
    expect(groups[1]).toEqual(['other@y']);
    expect(groups[2].sort()).toEqual(['s1@z', 's2@z']);
  });
});

describe('backoff', () => {
  it('respects Retry-After in seconds or as a date, else grows with jitter', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(backoffMs(0, 2500)).toBe(2500);
    expect(backoffMs(0, 999_999)).toBe(30_000);
    expect(backoffMs(2, null, () => 0)).toBe(2000);
    expect(backoffMs(2, null, () => 1)).toBe(6000);
  });
});

describe('server search', () => {
  const plan = (q: string) => {
    const r = parseQuery(q, Date.UTC(2024, 0, 10));
    if (!r.ok) throw new Error(r.error.message);
    return planServerQuery(r.ast);
  };

  it('sends public-inbox queries as typed', () => {
    for (const q of ['s:xhci', 'f:gregkh AND d:2.weeks.ago..', '"task hung" -b:syzbot', 'dfn:x.c'])
      expect(plan(q)).toEqual({ run: true });
  });

  it('skips queries with Loupe-only terms and names them, rather than widen them', () => {
    expect(plan('s:usb is:unread')).toEqual({
      run: false,
      reason: 'is:unread is a Loupe term the server does not know',
    });
    expect(plan('oops:locks_remove_posix OR (type:kasan NOT inbox:x)')).toEqual({
      run: false,
      reason: 'oops:, type:, inbox: are Loupe terms the server does not know',
    });
    expect(plan('')).toEqual({ run: false, reason: 'the query is empty' });
  });

  it('builds the search feed, size probe and whole-inbox URLs', () => {
    const base = 'https://lore.kernel.org/linux-usb/';
    expect(serverSearchUrl(base, 's:"hub reset" f:ana')).toBe(
      'https://lore.kernel.org/linux-usb/?q=s%3A%22hub+reset%22+f%3Aana&x=A',
    );
    expect(serverSearchUrl(base, 'a+b', { relevance: true, offset: 200 })).toBe(
      'https://lore.kernel.org/linux-usb/?q=a%2Bb&x=A&r&o=200',
    );
    expect(sizeProbeUrl(base)).toBe(
      'https://lore.kernel.org/linux-usb/?q=d%3A19700101..&x=A&o=5000',
    );
    expect(wholeInboxUrl(base)).toBe('https://lore.kernel.org/linux-usb/all.mbox.gz');
  });

  it('snips an entry to its own words: no quotes, attribution or signature', () => {
    const body = [
      'On 4.1.2024 18.30, Ben Tester wrote:',
      '> After suspend, resuming my laptop crashes in xhci:',
      '',
      'Can you try with the patch',
      '  "xhci: check virt_dev before resume"?',
      '-- ',
      'Mathias',
    ].join('\n');
    expect(entrySnippet(body)).toBe(
      'Can you try with the patch "xhci: check virt_dev before resume"?',
    );
    expect(entrySnippet('x'.repeat(300), 10)).toBe('xxxxxxxxx…');
  });
});

describe('the server says how many messages match', () => {
  const page = (name: string) => readFileSync(`tests/fixtures/remote/${name}`, 'utf8');

  it('reads the count from public-inbox-httpd’s search page', () => {
    // Saved from public-inbox-httpd serving tests/fixtures/remote/inbox.mboxrd, ?q=d:19700101..
    expect(parseResultCount(page('search-results.html'))).toBe(10);
  });

  it('reads an estimate and the last page’s wording', () => {
    expect(parseResultCount('<pre>Results 1-200 of ~4112 | <a href="?o=200">next</a>')).toBe(4112);
    expect(parseResultCount('No more results, only 12')).toBe(12);
  });

  it('gives nothing for a page that states no count (the 404 page of no match)', () => {
    expect(parseResultCount(page('search-none.html'))).toBeNull();
    expect(parseResultCount('')).toBeNull();
  });

  it('asks the HTML page of the query', () => {
    expect(resultCountUrl('https://lore.kernel.org/io-uring/', 'd:20240101..')).toBe(
      'https://lore.kernel.org/io-uring/?q=d%3A20240101..',
    );
  });
});
