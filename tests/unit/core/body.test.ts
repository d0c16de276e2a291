import { describe, expect, it } from 'vitest';
import { diffSummary, linkify, parseBody, type Block } from '../../../src/core/body';

const PATCH = `The lock is taken twice when the device goes away.

Reported-by: syzbot+f5bc30abd8916982419c@syzkaller.appspotmail.com
Signed-off-by: Ann Author <ann@example.org>
---
 drivers/usb/core/hub.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/drivers/usb/core/hub.c b/drivers/usb/core/hub.c
index 1f2e3d4..5a6b7c8 100644
--- a/drivers/usb/core/hub.c
+++ b/drivers/usb/core/hub.c
@@ -120,7 +120,8 @@ static void hub_disconnect(struct usb_interface *intf)
 	struct usb_hub *hub = usb_get_intfdata(intf);
-	mutex_lock(&hub->lock);
+	if (!mutex_trylock(&hub->lock))
+		return;
 	hub->disconnected = 1;

-- 
2.43.0
`;

const kinds = (blocks: Block[]) => blocks.map((b) => b.kind);

describe('message bodies as blocks', () => {
  it('splits a patch mail into prose, diffstat, diff and signature', () => {
    const blocks = parseBody(PATCH);
    expect(kinds(blocks)).toEqual(['text', 'diffstat', 'text', 'diff', 'text', 'sig']);
    const diff = blocks[3];
    if (diff.kind !== 'diff') throw new Error('expected a diff block');
    expect(diff.file).toBe('drivers/usb/core/hub.c');
    expect(diff.lines.map((l) => l.kind)).toEqual([
      'file',
      'meta',
      'meta',
      'meta',
      'hunk',
      'ctx',
      'del',
      'add',
      'add',
      'ctx',
    ]);
    expect(blocks[5]).toEqual({ kind: 'sig', lines: ['-- ', '2.43.0'] });
  });

  it('gives the blank lines after a diff to the prose that follows', () => {
    const blocks = parseBody(PATCH);
    const diff = blocks[3];
    if (diff.kind !== 'diff') throw new Error('expected a diff block');
    expect(diff.lines.at(-1)?.text).toBe(' \thub->disconnected = 1;');
    expect(blocks[4]).toEqual({ kind: 'text', lines: [''] });
  });

  it('reads a plain unified diff without a git header and names its file', () => {
    const blocks = parseBody(
      'Fix it.\n--- a/fs/btrfs/inode.c\n+++ b/fs/btrfs/inode.c\n@@ -1 +1 @@\n-old\n+new\n',
    );
    expect(kinds(blocks)).toEqual(['text', 'diff']);
    expect(blocks[1]).toMatchObject({ kind: 'diff', file: 'fs/btrfs/inode.c' });
  });

  it('groups quoted lines by depth and keeps "-- " on the first line as text', () => {
    const blocks = parseBody('-- \nOn Mon, Ann wrote:\n> one\n> > two\n>> three\n> four\nreply\n');
    expect(blocks).toEqual([
      { kind: 'text', lines: ['-- ', 'On Mon, Ann wrote:'] },
      { kind: 'quote', depth: 1, lines: ['> one'] },
      { kind: 'quote', depth: 2, lines: ['> > two', '>> three'] },
      { kind: 'quote', depth: 1, lines: ['> four'] },
      { kind: 'text', lines: ['reply'] },
    ]);
  });

  it('ends a diff at a line no diff can hold', () => {
    const blocks = parseBody(
      'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\nThanks for looking.\n',
    );
    expect(kinds(blocks)).toEqual(['diff', 'text']);
    expect(blocks[1]).toEqual({ kind: 'text', lines: ['Thanks for looking.'] });
  });

  it('counts the added and removed lines of each file', () => {
    const two = `${PATCH.split('\n-- ')[0]}\ndiff --git a/b.c b/b.c\n--- a/b.c\n+++ b/b.c\n@@ -1,2 +1 @@\n-x\n-y\n+z\n`;
    expect(diffSummary(parseBody(two))).toEqual([
      { file: 'drivers/usb/core/hub.c', add: 2, del: 1 },
      { file: 'b.c', add: 1, del: 2 },
    ]);
  });
});

describe('links in text', () => {
  it('cuts http(s) URLs out of a line without their trailing punctuation', () => {
    expect(linkify('see https://lore.kernel.org/all/x@y/, and http://a.example/b).')).toEqual([
      { url: false, text: 'see ' },
      {
        url: true,
        text: 'https://lore.kernel.org/all/x@y/',
        href: 'https://lore.kernel.org/all/x@y/',
      },
      { url: false, text: ', and ' },
      { url: true, text: 'http://a.example/b', href: 'http://a.example/b' },
      { url: false, text: ').' },
    ]);
  });

  it('never makes a link of another scheme', () => {
    expect(linkify('javascript:alert(1) ftp://x.example/f')).toEqual([
      { url: false, text: 'javascript:alert(1) ftp://x.example/f' },
    ]);
  });
});
