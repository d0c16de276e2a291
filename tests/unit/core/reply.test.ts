import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mboxrdOf } from '../../../src/core/export';
import { splitMbox } from '../../../src/core/mbox';
import type { ParsedMessage } from '../../../src/core/message';
import { gitSendEmail, mailtoLink } from '../../../src/core/reply';
import { SEED_ID, parseSeedThread, projectRoot, sharedCorpus } from '../shared';

const seedDir = sharedCorpus('mail/seed-thread');

const SEED_COMMAND = `git send-email \\
    --in-reply-to=000000000000070cb305a66ddc71@google.com \\
    --to=syzbot+f5bc30abd8916982419c@syzkaller.appspotmail.com \\
    --cc=andreyknvl@google.com \\
    --cc=bfields@fieldses.org \\
    --cc=dvyukov@google.com \\
    --cc=hdanton@sina.com \\
    --cc=jlayton@kernel.org \\
    --cc=linux-fsdevel@vger.kernel.org \\
    --cc=linux-kernel@vger.kernel.org \\
    --cc=linux-usb@vger.kernel.org \\
    --cc=penguin-kernel@I-love.SAKURA.ne.jp \\
    --cc=syzkaller-bugs@googlegroups.com \\
    --cc=viro@zeniv.linux.org.uk \\
    /path/to/YOUR_REPLY
`;

describe.skipIf(!seedDir)('reply instructions for the seed thread', () => {
  it('builds the same git send-email command as lore for the seed message', async () => {
    const seed = (await parseSeedThread(seedDir as string)).find((m) => m.id === SEED_ID);
    expect(seed).toBeDefined();
    expect(gitSendEmail(seed as ParsedMessage)).toBe(SEED_COMMAND);
  });
});

describe('reply instructions', () => {
  it('makes a mailto: link with In-Reply-To, Cc and a Re: subject', () => {
    const link = mailtoLink({
      id: 'a@x',
      subject: '[PATCH] fix',
      from: { name: 'A', address: 'a@x.org' },
      to: [{ name: '', address: 'list@x.org' }],
      cc: [{ name: '', address: 'A@X.org' }],
    });
    expect(link).toBe(
      'mailto:a@x.org?In-Reply-To=%3Ca%40x%3E&Cc=list%40x.org&Subject=Re%3A%20%5BPATCH%5D%20fix',
    );
  });
});

describe('mbox export', () => {
  it('round-trips messages through mboxrd, escaping From lines', async () => {
    const raws = splitMbox(readFileSync(join(projectRoot, 'tests/fixtures/mail/two.mboxrd')));
    const again = splitMbox(mboxrdOf(raws));
    expect(again.map((r) => Buffer.from(r).toString())).toEqual(
      raws.map((r) => Buffer.from(r).toString()),
    );
  });
});
