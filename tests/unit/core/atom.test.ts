import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageIdFromUrl, parseAtom } from '../../../src/core/atom';
import { projectRoot } from '../shared';

const fixture = (name: string) =>
  readFileSync(join(projectRoot, 'tests/fixtures/atom', name), 'utf8');

describe('Atom feeds from public-inbox-httpd', () => {
  it('reads the 25 newest entries with ids, authors, dates and parents', () => {
    const feed = parseAtom(fixture('new.atom'));
    expect(feed.entries).toHaveLength(25);
    const [e] = feed.entries;
    expect(e.messageId).toBe('demo-syzbot-repro@loupe.example');
    expect(e.entryId).toMatch(/^urn:uuid:/);
    expect(e.title).toBe('Re: INFO: task hung in locks_remove_posix');
    expect(e.authorName).toBe('syzbot');
    expect(e.authorEmail).toBe('syzbot+5d1e0fa1b23b4c4ea0d1@syzkaller.appspotmail.com');
    expect(e.updated).toBe(Date.UTC(2024, 0, 4, 1, 14, 16));
    expect(e.inReplyTo).toBe('demo-syzbot-report@loupe.example');
  });

  it('keeps the body text in order around links and quote spans', () => {
    const [e] = parseAtom(fixture('new.atom')).entries;
    expect(e.content).toContain(
      'git tree:       https://github.com/google/kasan.git usb-fuzzer\nconsole output: https://',
    );
    expect(e.content).toContain('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs"');
  });

  it('reads search results and thread feeds', () => {
    expect(parseAtom(fixture('search.atom')).entries.map((e) => e.messageId)).toContain(
      'demo-syzbot-report@loupe.example',
    );
    expect(parseAtom(fixture('thread.atom')).entries).toHaveLength(4);
  });

  it('rejects an HTML error page with a clear message', () => {
    expect(() => parseAtom('<html><body>502 Bad Gateway</body></html>')).toThrow(
      /not an Atom feed/,
    );
  });

  it('decodes percent-encoded Message-IDs in links', () => {
    expect(messageIdFromUrl('https://lore.kernel.org/all/a%2Fb@x/')).toBe('a/b@x');
    expect(messageIdFromUrl('https://lore.kernel.org/all/a@x/T/')).toBe('a@x');
    expect(messageIdFromUrl('https://lore.kernel.org/all/')).toBeNull();
  });
});
