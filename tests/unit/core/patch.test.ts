import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../src/core/body';
import {
  HUNK_HEADER,
  hasDiff,
  hasDiffstat,
  isGitDiffLine,
  isPatchBreak,
  isSeparator,
  looksLikePatch,
  mayHoldDiffHeaders,
  patchKey,
  separatorAt,
} from '../../../src/core/patch';
import { diffFiles } from '../../../src/core/query/doc';

const GIT = `Fix the frobnicator.

Signed-off-by: A U Thor <author@example.org>
---
 drivers/foo.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/drivers/foo.c b/drivers/foo.c
index 1234567..89abcde 100644
--- a/drivers/foo.c
+++ b/drivers/foo.c
@@ -10,3 +10,3 @@ static int foo(void)
 	int a;
-	return 0;
+	return 1;
 }
`;
const PLAIN = `Quilt patch.

--- linux.orig/mm/slab.c
+++ linux/mm/slab.c
@@ -1 +1 @@
-a
+b
`;
const CVS = `Index: lib/foo.c
===================================================================
RCS file: /cvs/lib/foo.c
--- lib/foo.c 1 Jan 2000
+++ lib/foo.c 2 Jan 2000
@@ -1 +1 @@
-a
+b
`;

describe('patch detection', () => {
  it('finds git, plain unified and CVS diffs, and the body renderer and search agree', () => {
    for (const body of [GIT, PLAIN, CVS]) {
      expect(hasDiff(body)).toBe(true);
      expect(looksLikePatch('Re: something', body)).toBe(true);
      expect(parseBody(body).some((b) => b.kind === 'diff')).toBe(true);
      expect(diffFiles(body).length).toBeGreaterThan(0);
    }
    expect(diffFiles(PLAIN)).toEqual(['linux.orig/mm/slab.c', 'linux/mm/slab.c']);
  });

  it('does not take prose, quoted diffs or a lone --- rule for a patch', () => {
    for (const body of [
      'Hello,\n--- Original Message ---\nhi\n',
      '> diff --git a/x b/x\n> +++ b/x\n',
      'text\n---\nv2: rebased\n',
    ]) {
      expect(hasDiff(body)).toBe(false);
      expect(looksLikePatch('[PATCH] x', body)).toBe(false);
    }
  });

  it('lets the indexer skip only bodies that name no diff file', () => {
    const nameless = 'Fix.\n--- \n+++ b/lib/bar.c\n@@ -1 +1 @@\n-a\n+b\n';
    for (const body of [GIT, PLAIN, CVS, nameless]) {
      expect(diffFiles(body).length).toBeGreaterThan(0);
      expect(mayHoldDiffHeaders(body)).toBe(true);
    }
    expect(diffFiles(nameless)).toEqual(['lib/bar.c']);
    expect(hasDiff(nameless)).toBe(false);
    expect(mayHoldDiffHeaders('Thanks, applied.\n--\nAnn\n')).toBe(false);
  });

  it('counts a tagged patch whose file headers were lost, but not an untagged hunk', () => {
    const hunks = 'Fix.\n@@ -1 +1 @@\n-a\n+b\n';
    expect(looksLikePatch('[PATCH v2 1/2] fix', hunks)).toBe(true);
    expect(looksLikePatch('question about hunks', hunks)).toBe(false);
  });

  it('sees a diffstat only with its git summary line', () => {
    expect(hasDiffstat(' a | 1 +\n 1 file changed, 1 insertion(+)\n')).toBe(true);
    expect(hasDiffstat('3 files were changed by hand\n')).toBe(false);
  });

  it('keys a diff like patchwork: line numbers and top directories do not matter', () => {
    const moved = GIT.replace('@@ -10,3 +10,3 @@', '@@ -20,3 +21,3 @@')
      .replace(/a\/drivers/g, 'x/drivers')
      .replace('Fix the frobnicator.', 'Reworded.');
    expect(patchKey(moved)).toBe(patchKey(GIT));
    expect(patchKey(GIT.replace('+\treturn 1;', '+\treturn 2;'))).not.toBe(patchKey(GIT));
  });
});

/**
 * What `git mailinfo` takes for the commit message of a mail whose body is `body`
 * (its msg file): the oracle for where a patch begins.
 */
function gitMessage(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-mailinfo-'));
  try {
    const mail = [
      'From: A U Thor <author@example.org>',
      'Subject: [PATCH] frob: fix',
      'Date: Mon, 7 Dec 2026 01:02:03 +0000',
      '',
      body,
    ].join('\n');
    execFileSync('git', ['mailinfo', '--scissors', join(dir, 'msg'), join(dir, 'patch')], {
      input: mail,
    });
    return readFileSync(join(dir, 'msg'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('where a patch mail splits', () => {
  const lines = [
    '---',
    '--- ',
    '---  \t',
    '--- a/drivers/foo.c',
    '---a/drivers/foo.c',
    '----',
    '--- \tfoo',
    '-- ',
    '--',
    'diff --git a/x b/x',
    'diff -u a.c b.c',
    'diff of the two versions',
    'Index: lib/foo.c',
    'Index:lib/foo.c',
    '+++ b/x',
    '@@ -1 +1 @@',
  ];

  it.each(lines)('breaks at %j exactly when git mailinfo does', (line) => {
    const msg = gitMessage(`Fix the frobnicator.\n\n${line}\nafter the line\n`);
    const gitBreaks = !msg.includes('after the line');
    expect(isPatchBreak(line)).toBe(gitBreaks);
  });

  it('ends the commit message at the first lone --- line', () => {
    expect(GIT.slice(0, separatorAt(GIT))).toBe(
      'Fix the frobnicator.\n\nSigned-off-by: A U Thor <author@example.org>\n',
    );
    expect(separatorAt('Fix it.\n---- \n--- a/x\n')).toBe(-1);
    expect(GIT.split('\n').filter(isSeparator)).toEqual(['---']);
  });

  it('tells a git file header from other diff lines', () => {
    const headers = GIT.split('\n').filter(isGitDiffLine);
    expect(headers).toEqual(['diff --git a/drivers/foo.c b/drivers/foo.c']);
    expect(CVS.split('\n').some(isGitDiffLine)).toBe(false);
  });

  it('reads counts and the section heading of real hunk headers', () => {
    const parts = (h: string) => HUNK_HEADER.exec(h)?.slice(1);
    expect(parts('@@ -10,3 +10,3 @@ static int foo(void)')).toEqual([
      '3',
      '3',
      'static int foo(void)',
    ]);
    expect(parts('@@ -1 +1 @@')).toEqual([undefined, undefined, '']);
    expect(parts('@@ -0,0 +1,25 @@')).toEqual(['0', '25', '']);
    expect(parts('@@@ -1,2 -1,2 +1,3 @@@')).toBeUndefined();
  });
});
