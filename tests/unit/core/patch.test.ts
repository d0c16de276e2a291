import { describe, expect, it } from 'vitest';
import { parseBody } from '../../../src/core/body';
import {
  hasDiff,
  hasDiffstat,
  looksLikePatch,
  mayHoldDiffHeaders,
  patchKey,
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
