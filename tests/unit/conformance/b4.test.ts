/**
 * b4 samples: the parts of b4's expected output that depend on parsing.
 * b4 collects follow-up trailers ("Reviewed-by: ...") from replies; every
 * trailer in its *-ref-*.txt output must be present, decoded, in the bodies we
 * parsed. Trailers b4 itself adds (Link:, Message-ID:, the user's own
 * Signed-off-by) and the *.verify files (git am results) are not applicable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedCorpus } from '../shared';
import { parseFile, Tally } from './helpers';

const dir = sharedCorpus('mail/b4/samples');

const TRAILER = /^([A-Z][A-Za-z-]*-by|Acked-by|Fixes|Closes): .+$/;

describe.skipIf(!dir)('b4 conformance', () => {
  it('keeps every follow-up trailer b4 collects in the decoded bodies', async () => {
    const t = new Tally('b4');
    const refs = readdirSync(dir ?? '').filter((f) => /-ref-.*\.txt$/.test(f));
    for (const ref of refs) {
      const mbox = ref.replace(/-ref-.*$/, '.mbox');
      if (/addmysob|addlink|addmsgid/.test(ref)) {
        t.deviate(`${ref}: b4 adds trailers of its own (not applicable to parsing)`);
        continue;
      }
      let bodies: string;
      try {
        bodies = (await parseFile(join(dir ?? '', mbox))).map((m) => m.text).join('\n');
      } catch {
        t.deviate(`${ref}: no ${mbox} beside it`);
        continue;
      }
      const flat = bodies.replace(/\s+/g, ' ');
      for (const line of readFileSync(join(dir ?? '', ref), 'utf8').split('\n')) {
        if (!TRAILER.test(line.trim())) continue;
        if (line.includes('Test Override')) continue; // the test user's own sign-off, added by b4
        if (ref.includes('htmljunk')) {
          t.deviate(
            `${ref}: b4 strips "<mailto:...>" junk from a trailer; we keep the text as sent`,
          );
          continue;
        }
        // Trailers may be wrapped or re-spaced in the mail; compare with blanks squeezed.
        t.check(flat.includes(line.trim().replace(/\s+/g, ' ')), `${ref}: ${line.trim()}`);
      }
    }
    t.deviate(
      "Signed-off-by: Test Override: the b4 test user's own sign-off, added by b4 (not applicable)",
    );
    t.deviate('*.verify: git am / shazam results, not parsing (not applicable)');
    t.report();
    expect(t.total).toBeGreaterThan(50);
    expect(t.passed).toBeGreaterThanOrEqual(t.total);
  });
});
