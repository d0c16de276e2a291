import { describe, expect, it } from 'vitest';
import {
  diffFiles,
  matchMessage,
  prepareDoc,
  splitBody,
  type SearchDoc,
} from '../../../../src/core/query';
import { makeDoc, parseOk } from './helpers';

const PATCH_BODY = [
  'On Mon, Ann wrote:',
  '> the old quoted complaint about refcount',
  '> second quoted line',
  '',
  'Fix the leak in the usb class driver.',
  '',
  'Reported-by: syzbot+9e1a@syzkaller.appspotmail.com',
  '---',
  ' drivers/usb/class/cdc-wdm.c | 3 ++-',
  '',
  'diff --git a/drivers/usb/class/cdc-wdm.c b/drivers/usb/class/cdc-wdm.c',
  'index 6e006fd73b1d..1b2c3d4e5f60 100644',
  '--- a/drivers/usb/class/cdc-wdm.c',
  '+++ b/drivers/usb/class/cdc-wdm.c',
  '@@ -10,3 +10,4 @@ static int wdm_release(struct inode *inode)',
  ' \tmutex_lock(&desc->rlock);',
  '-\tkfree(desc->ubuf);',
  '+\tkfree(desc->sbuf);',
  '+\tdesc->sbuf = NULL;',
  ' \tmutex_unlock(&desc->rlock);',
  '-- ',
  '2.40.0',
].join('\n');

const syzbot = makeDoc({
  id: '000000000000070cb305a66ddc71@google.com',
  subject: 'INFO: task hung in locks_remove_posix',
  from: 'syzbot <syzbot+9e1a@syzkaller.appspotmail.com>',
  to: 'linux-fsdevel@vger.kernel.org, viro@zeniv.linux.org.uk',
  cc: 'Jeff Layton <jlayton@kernel.org>',
  body: 'Hello,\n\nsyzbot found the following issue on:\n\nHEAD commit: abc\n> quoted words here',
  date: Date.UTC(2020, 4, 22, 8, 30),
  inboxes: ['linux-fsdevel', 'lkml'],
  unread: true,
  oopsTitles: ['INFO: task hung in locks_remove_posix'],
  oopsTypes: ['HANG'],
  listId: '<linux-fsdevel.vger.kernel.org>',
  size: 12_000,
});

const patch = makeDoc({
  id: '20200523.1234-1-ann@example.org',
  subject: '[PATCH v2] usb: cdc-wdm: fix use-after-free',
  from: 'Ann Example <ann@example.org>',
  to: 'Greg KH <gregkh@linuxfoundation.org>',
  cc: 'linux-usb@vger.kernel.org',
  body: PATCH_BODY,
  date: Date.UTC(2020, 4, 23, 23, 59),
  received: Date.UTC(2020, 4, 24, 1, 0),
  inboxes: ['linux-usb'],
  hasPatch: true,
  attachmentNames: ['config.txt'],
  patchIds: ['f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed'],
  size: 3_000,
});

const docs = { syzbot, patch };

function matches(query: string): string[] {
  const ast = parseOk(query);
  return Object.entries(docs)
    .filter(([, d]) => matchMessage(ast, d))
    .map(([name]) => name);
}

describe('matchMessage: fields', () => {
  it('matches s: on subject words, including underscored identifiers', () => {
    expect(matches('s:locks_remove_posix')).toEqual(['syzbot']);
    expect(matches('s:hung')).toEqual(['syzbot']);
    expect(matches('s:remove')).toEqual([]);
  });

  it('matches f: on any word of the From header', () => {
    expect(matches('f:syzbot')).toEqual(['syzbot']);
    expect(matches('f:ann@example.org')).toEqual(['patch']);
    expect(matches('f:"ann example"')).toEqual(['patch']);
  });

  it('matches t:, c:, tc: and a: on the right headers', () => {
    expect(matches('t:viro')).toEqual(['syzbot']);
    expect(matches('c:viro')).toEqual([]);
    expect(matches('c:jlayton')).toEqual(['syzbot']);
    expect(matches('tc:linux-usb')).toEqual(['patch']);
    expect(matches('a:ann')).toEqual(['patch']);
    expect(matches('tcf:gregkh')).toEqual(['patch']);
    expect(matches('tc:ann')).toEqual([]);
  });

  it('matches unprefixed words in subject, from, body and Message-ID but not To/Cc', () => {
    expect(matches('issue')).toEqual(['syzbot']);
    expect(matches('ann')).toEqual(['patch']);
    expect(matches('viro')).toEqual([]);
    expect(matches('000000000000070cb305a66ddc71')).toEqual(['syzbot']);
    expect(matches('config.txt')).toEqual(['patch']);
  });

  it('matches b: on all body text and bs: on subject or body', () => {
    expect(matches('b:refcount')).toEqual(['patch']);
    expect(matches('b:hung')).toEqual([]);
    expect(matches('bs:hung')).toEqual(['syzbot']);
    expect(matches('bs:leak')).toEqual(['patch']);
  });

  it('matches q: only in quoted lines and nq: only outside them', () => {
    expect(matches('q:refcount')).toEqual(['patch']);
    expect(matches('nq:refcount')).toEqual([]);
    expect(matches('nq:leak')).toEqual(['patch']);
    expect(matches('q:leak')).toEqual([]);
  });

  it('matches m: on Message-ID words and mid: on the whole Message-ID', () => {
    expect(matches('m:000000000000070cb305a66ddc71@google.com')).toEqual(['syzbot']);
    expect(matches('m:google')).toEqual(['syzbot']);
    expect(matches('mid:000000000000070cb305a66ddc71@google.com')).toEqual(['syzbot']);
    expect(matches('mid:<000000000000070CB305A66DDC71@google.com>')).toEqual(['syzbot']);
    expect(matches('mid:google.com')).toEqual([]);
    expect(matches('mid:0000000000*')).toEqual(['syzbot']);
  });

  it('matches dfn: on a full path or any trailing part of it', () => {
    expect(matches('dfn:drivers/usb/class/cdc-wdm.c')).toEqual(['patch']);
    expect(matches('dfn:class/cdc-wdm.c')).toEqual(['patch']);
    expect(matches('dfn:cdc-wdm.c')).toEqual(['patch']);
    expect(matches('dfn:drivers/usb/*')).toEqual(['patch']);
    expect(matches('dfn:cdc-wdm.h')).toEqual([]);
    expect(matches('dfn:drivers/net')).toEqual([]);
  });

  it('matches dfa: removed lines, dfb: added lines and dfctx: context lines', () => {
    expect(matches('dfa:ubuf')).toEqual(['patch']);
    expect(matches('dfb:ubuf')).toEqual([]);
    expect(matches('dfb:sbuf')).toEqual(['patch']);
    expect(matches('dfa:sbuf')).toEqual([]);
    expect(matches('dfb:NULL')).toEqual(['patch']);
    expect(matches('dfctx:mutex_lock')).toEqual(['patch']);
    expect(matches('dfctx:kfree')).toEqual([]);
  });

  it('matches dfhh: on the hunk header function context', () => {
    expect(matches('dfhh:wdm_release')).toEqual(['patch']);
    expect(matches('dfhh:mutex_lock')).toEqual([]);
  });

  it('matches dfpre:, dfpost: and dfblob: on full or abbreviated blob ids', () => {
    expect(matches('dfpre:6e006fd73b1d')).toEqual(['patch']);
    expect(matches('dfpre:6e006fd')).toEqual(['patch']);
    expect(matches('dfpre:6e006fd73b1d0000000000000000000000000000')).toEqual(['patch']);
    expect(matches('dfpost:6e006fd')).toEqual([]);
    expect(matches('dfpost:1b2c3d4e')).toEqual(['patch']);
    expect(matches('dfblob:1b2c3d4')).toEqual(['patch']);
    expect(matches('dfblob:6e006fd')).toEqual(['patch']);
    expect(matches('dfpre:6e0')).toEqual([]);
  });

  it('matches patchid:, l: and lid:', () => {
    expect(matches('patchid:f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed')).toEqual(['patch']);
    expect(matches('l:fsdevel')).toEqual(['syzbot']);
    expect(matches('lid:linux-fsdevel.vger.kernel.org')).toEqual(['syzbot']);
    expect(matches('lid:linux-fsdevel')).toEqual([]);
  });

  it('matches n: on attachment names', () => {
    expect(matches('n:config')).toEqual(['patch']);
    expect(matches('n:txt')).toEqual(['patch']);
  });

  it('matches inbox: on whole inbox names', () => {
    expect(matches('inbox:lkml')).toEqual(['syzbot']);
    expect(matches('inbox:linux-usb')).toEqual(['patch']);
    expect(matches('inbox:linux')).toEqual([]);
    expect(matches('inbox:linux-*')).toEqual(['syzbot', 'patch']);
  });

  it('matches is: flags', () => {
    expect(matches('is:unread')).toEqual(['syzbot']);
    expect(matches('is:read')).toEqual(['patch']);
    expect(matches('is:patch')).toEqual(['patch']);
    expect(matches('is:oops')).toEqual(['syzbot']);
  });

  it('matches oops: on crash title words and type: on crash types', () => {
    expect(matches('oops:locks_remove_posix')).toEqual(['syzbot']);
    expect(matches('oops:"task hung"')).toEqual(['syzbot']);
    expect(matches('type:HANG')).toEqual(['syzbot']);
    expect(matches('type:hang')).toEqual(['syzbot']);
    expect(matches('type:KASAN')).toEqual([]);
  });

  it('matches d: on the Date header by whole UTC days', () => {
    expect(matches('d:2020-05-22')).toEqual(['syzbot']);
    expect(matches('d:20200523')).toEqual(['patch']);
    expect(matches('d:20200520..20200525')).toEqual(['syzbot', 'patch']);
    expect(matches('d:..2020-05-22')).toEqual(['syzbot']);
    expect(matches('d:2020-05-23..')).toEqual(['patch']);
  });

  it('matches rt: on received time, falling back to the Date header', () => {
    expect(matches('rt:2020-05-24')).toEqual(['patch']);
    expect(matches('rt:2020-05-22')).toEqual(['syzbot']);
  });

  it('matches z: on message size', () => {
    expect(matches('z:10k..')).toEqual(['syzbot']);
    expect(matches('z:..5000')).toEqual(['patch']);
    expect(matches('z:1..')).toEqual(['syzbot', 'patch']);
  });
});

describe('matchMessage: words, phrases, wildcards and operators', () => {
  it('matches words case-insensitively and only as whole words', () => {
    expect(matches('s:HUNG')).toEqual(['syzbot']);
    expect(matches('s:hun')).toEqual([]);
  });

  it('matches a phrase only when its words are consecutive', () => {
    expect(matches('s:"task hung"')).toEqual(['syzbot']);
    expect(matches('s:"hung task"')).toEqual([]);
    expect(matches('s:"info task"')).toEqual(['syzbot']);
  });

  it('matches a wildcard on any word starting with it', () => {
    expect(matches('s:lock*')).toEqual(['syzbot']);
    expect(matches('s:use-aft*')).toEqual(['patch']);
    expect(matches('s:zzz*')).toEqual([]);
  });

  it('combines with AND, OR, NOT, XOR and -', () => {
    expect(matches('usb hung')).toEqual([]);
    expect(matches('usb OR syzbot')).toEqual(['syzbot', 'patch']);
    expect(matches('inbox:linux-* NOT is:patch')).toEqual(['syzbot']);
    expect(matches('inbox:linux-* -is:patch')).toEqual(['syzbot']);
    expect(matches('is:unread XOR is:oops')).toEqual([]);
    expect(matches('is:unread XOR is:patch')).toEqual(['syzbot', 'patch']);
    expect(matches('-s:hung')).toEqual(['patch']);
  });

  it('matches every message for an empty query', () => {
    expect(matches('')).toEqual(['syzbot', 'patch']);
  });

  it('does not let a phrase span two values of a multi-valued field', () => {
    const d = makeDoc({ oopsTitles: ['alpha beta', 'gamma delta'] });
    expect(matchMessage(parseOk('oops:"beta gamma"'), d)).toBe(false);
    expect(matchMessage(parseOk('oops:"gamma delta"'), d)).toBe(true);
  });

  it('gives the same answers through a reused PreparedDoc', () => {
    const prepared = prepareDoc(patch);
    for (const q of ['dfn:cdc-wdm.c', 's:usb', 'q:refcount', 'dfa:ubuf', 'is:patch']) {
      expect(matchMessage(parseOk(q), prepared)).toBe(matchMessage(parseOk(q), patch));
    }
  });

  it('never matches size or list queries on documents without those fields', () => {
    const bare: SearchDoc = makeDoc();
    expect(matchMessage(parseOk('z:0..'), bare)).toBe(false);
    expect(matchMessage(parseOk('l:anything'), bare)).toBe(false);
    expect(matchMessage(parseOk('-l:anything'), bare)).toBe(true);
  });
});

describe('splitBody', () => {
  it('separates quoted text, file names, diff lines and blob ids', () => {
    const parts = splitBody(PATCH_BODY);
    expect(parts.quoted).toBe('> the old quoted complaint about refcount\n> second quoted line');
    expect(parts.files).toEqual(['drivers/usb/class/cdc-wdm.c']);
    expect(parts.removed).toBe('\tkfree(desc->ubuf);');
    expect(parts.added).toBe('\tkfree(desc->sbuf);\n\tdesc->sbuf = NULL;');
    expect(parts.context).toBe('\tmutex_lock(&desc->rlock);\n\tmutex_unlock(&desc->rlock);');
    expect(parts.hunkHeaders).toBe('static int wdm_release(struct inode *inode)');
    expect(parts.preBlobs).toEqual(['6e006fd73b1d']);
    expect(parts.postBlobs).toEqual(['1b2c3d4e5f60']);
  });

  it('does not read the signature after a hunk as diff lines', () => {
    expect(splitBody(PATCH_BODY).removed).not.toContain('2.40.0');
  });

  it('reads file names from ---/+++ headers without diff --git, skipping /dev/null', () => {
    const parts = splitBody('--- /dev/null\n+++ b/new/file.c\n@@ -0,0 +1 @@\n+hello\n');
    expect(parts.files).toEqual(['new/file.c']);
    expect(parts.added).toBe('hello');
  });

  it('ignores ---/+++ lines that are not a file header pair', () => {
    expect(splitBody('--- Original Message ---\nhi').files).toEqual([]);
  });

  it('names the same files when asked for file names only', () => {
    const bodies = [
      PATCH_BODY,
      '--- /dev/null\n+++ b/new/file.c\n@@ -0,0 +1 @@\n+hello\n',
      '--- Original Message ---\nhi',
      // A diff header quoted, and one added by a hunk (a patch to a patch): neither counts.
      '> diff --git a/q.c b/q.c\n@@ -1,1 +1,2 @@\n x\n+diff --git a/in.c b/in.c\n',
      PATCH_BODY.replace('+++ b/', '+++ b/renamed/'),
    ];
    for (const body of bodies) expect(diffFiles(body)).toEqual(splitBody(body).files);
    expect(diffFiles(bodies[3])).toEqual([]);
  });
});
