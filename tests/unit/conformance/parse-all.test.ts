/**
 * Every input file of the corpus parses without throwing: fuzz, MIME edge
 * cases, public-inbox, perceval, notmuch (broken/ and duplicate/ included),
 * b4, syzbot and the git samples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { buildThreads } from '../../../src/core/thread';
import { sharedCorpus } from '../shared';
import { Tally } from './helpers';

const root = sharedCorpus('mail');

const DIRS = [
  'patchwork/fuzz',
  'patchwork/mail',
  'patchwork/series',
  'mime-edge',
  'public-inbox',
  'perceval',
  'notmuch/corpora',
  'b4/samples',
  'syzbot',
  'git-mailinfo',
  'seed-thread',
];

/** Oracle and documentation files sit beside the inputs; they are not mail. */
const NOT_MAIL =
  /\.(json|md|txt|verify|expect|tsv|template)$|\/README$|\/(info|msg|patch)\d{4}|\/\d{4}mboxrd$|-info(-\d+)?$|-msg$|-patch$/;

describe.skipIf(!root)('the whole corpus parses', () => {
  it('parses every message without throwing and with a usable id and date', async () => {
    const t = new Tally('parse-all');
    for (const d of DIRS) {
      const base = join(root ?? '', d);
      let entries;
      try {
        entries = readdirSync(base, { recursive: true, withFileTypes: true });
      } catch {
        continue;
      }
      for (const f of entries) {
        const path = join(f.parentPath, f.name);
        if (!f.isFile() || NOT_MAIL.test(path)) continue;
        const msgs = [];
        for (const raw of splitMbox(readFileSync(path))) {
          try {
            const m = await parseMessage(raw);
            t.check(
              typeof m.id === 'string' && m.id.length > 0 && Number.isFinite(m.date),
              `${path}: bad record`,
            );
            msgs.push(m);
          } catch (e) {
            t.check(false, `${path}: threw ${String(e)}`);
          }
        }
        buildThreads(msgs);
      }
    }
    t.report();
    expect(t.total).toBeGreaterThan(1200);
    expect(t.passed).toBe(t.total);
  });
});
