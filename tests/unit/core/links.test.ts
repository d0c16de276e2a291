import { describe, expect, it } from 'vitest';
import { linkify } from '../../../src/core/body';
import { safeHref } from '../../../src/core/links';
import { sourceLink } from '../../../src/core/oops';

describe('safeHref', () => {
  it('keeps http and https URLs with a host', () => {
    expect(safeHref('https://syzkaller.appspot.com/bug?extid=1')).toBe(
      'https://syzkaller.appspot.com/bug?extid=1',
    );
    expect(safeHref(' http://git.kernel.org/pub/scm/x.git ')).toBe(
      'http://git.kernel.org/pub/scm/x.git',
    );
  });
  it('refuses script, data, file and relative values from mail', () => {
    for (const bad of [
      'javascript:alert(1)//https://x',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '//evil.example/x',
      'https://',
      'vbscript:msgbox',
      '',
      null,
      undefined,
    ])
      expect(safeHref(bad)).toBeNull();
  });
});

describe('linkify', () => {
  it('links only the http(s) URL inside a line, the rest stays text', () => {
    const parts = linkify('see javascript:alert(1) and https://lore.kernel.org/all/x@y/ ok');
    expect(parts.filter((p) => p.url).map((p) => p.text)).toEqual([
      'https://lore.kernel.org/all/x@y/',
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(
      'see javascript:alert(1) and https://lore.kernel.org/all/x@y/ ok',
    );
  });
});

describe('source links from a syzbot block', () => {
  it('are http(s) whatever the mail says its git tree is', () => {
    const frame = { file: 'fs/locks.c', line: 42 };
    for (const gitTree of [
      'javascript:alert(1)//https://github.com/torvalds/linux',
      'data:text/html,x',
      'https://github.com/torvalds/linux',
      'http://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
      'file:///etc/passwd',
    ]) {
      const href = sourceLink(frame, { gitTree, headCommit: 'abcdef1234' }, '6.1.0');
      expect(href, gitTree).not.toBeNull();
      expect(safeHref(href), gitTree).toBe(href);
      expect(href, gitTree).toMatch(/^https:\/\//);
    }
  });
});
