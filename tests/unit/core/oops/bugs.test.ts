import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../../src/core/message';
import {
  collectBugs,
  crashSummary,
  syzbotSubject,
  triage,
  type BugIndexMail,
} from '../../../../src/core/oops';
import { parseFile } from '../../conformance/helpers';
import { projectRoot, sharedCorpus } from '../../shared';

const EXTID = '7c1e9f0a4b2d63e58a91';

function asMail(m: ParsedMessage, threadId: string): BugIndexMail {
  return {
    id: m.id,
    threadId,
    date: m.date,
    subject: m.subject,
    from: m.from.address,
    recipients: [...m.to, ...m.cc].map((a) => a.address),
    text: m.text,
    inboxes: ['test'],
    crash: m.hasOops ? crashSummary(m.text) : null,
  };
}

const thread = (name: string) => parseFile(join(projectRoot, 'tests/fixtures/mail', name));

describe("syzbot's subject", () => {
  it('gives the title, the bug number and the subsystem tags', () => {
    expect(
      syzbotSubject('Re: [syzbot] [bluetooth?] [usb?] memory leak in iovec_from_user (3)'),
    ).toEqual({
      title: 'memory leak in iovec_from_user',
      seq: 3,
      subsystems: ['bluetooth', 'usb'],
    });
    expect(syzbotSubject('[syzbot] WARNING in io_wq_put')).toEqual({
      title: 'WARNING in io_wq_put',
      seq: 1,
      subsystems: [],
    });
  });
});

describe('a syzbot bug assembled from its thread', () => {
  it('is one bug with its extid, syzbot title, reproducer and a fix pending', async () => {
    const mails = (await thread('syzbot-thread.mboxrd')).map((m) => asMail(m, 't1'));
    const bugs = collectBugs(mails);
    expect(bugs).toHaveLength(1);
    const [bug] = bugs;
    expect(bug).toMatchObject({
      extid: EXTID,
      title: 'KASAN: slab-use-after-free Write in rfcomm_sock_release',
      seq: 2,
      name: 'KASAN: slab-use-after-free Write in rfcomm_sock_release (2)',
      subsystems: ['bluetooth'],
      dashboard: `https://syzkaller.appspot.com/bug?extid=${EXTID}`,
      reproducer: true,
      reports: 1,
      kernel: '6.9.0-rc2-syzkaller-00251-g4b3f1a9c2d7e',
      headCommit: '4b3f1a9c2d7e',
      ourTitle: 'KASAN: slab-use-after-free Write in rfcomm_sock_release',
    });
    expect(bug.triage).toEqual({
      status: 'fix pending',
      fixCommit: null,
      dupOf: null,
      lastTest: 'ok',
      patches: 1,
    });
    expect(bug.events.map((e) => e.kind)).toEqual(['report', 'test request', 'tested', 'patch']);
  });

  it('is fixed once a reply says #syz fix, and a quoted command counts for nothing', async () => {
    const mails = [
      ...(await thread('syzbot-thread.mboxrd')),
      ...(await thread('syzbot-thread-fix.mboxrd')),
    ].map((m) => asMail(m, 't1'));
    const [bug] = collectBugs(mails);
    expect(bug.triage.status).toBe('fixed');
    expect(bug.triage.fixCommit).toBe("Bluetooth: RFCOMM: don't drop the dlc twice on release");
  });
});

describe('triage', () => {
  const at = (date: number) => ({ date });
  it('lets the last of fix, dup, invalid and undup decide', () => {
    expect(triage([{ kind: 'report', ...at(1) }]).status).toBe('open');
    expect(triage([{ kind: 'dup', of: 'KASAN: x', ...at(2) }]).status).toBe('duplicate');
    expect(
      triage([
        { kind: 'dup', of: 'KASAN: x', ...at(2) },
        { kind: 'undup', ...at(3) },
      ]).status,
    ).toBe('open');
    expect(
      triage([
        { kind: 'invalid', ...at(5) },
        { kind: 'fix', commit: 'x: fix y', ...at(4) },
      ]).status,
    ).toBe('invalid');
    expect(triage([{ kind: 'tested', result: 'crash', ...at(2) }])).toMatchObject({
      status: 'open',
      lastTest: 'crash',
    });
  });
});

const real = sharedCorpus('mail/syzbot');

describe.skipIf(real === null)('syzbot threads from real lists', () => {
  it('each report names its bug, and every bug gets a status', async () => {
    const dir = real as string;
    const msgs = await parseFile(join(dir, 'keyrings.vger.kernel.org.0-syzbot-threads.mboxrd'));
    // Thread by the first reference, as the store would.
    const mails = msgs.map((m) => asMail(m, m.references[0] ?? m.id));
    const bugs = collectBugs(mails);
    const byStatus = new Map<string, number>();
    for (const b of bugs) byStatus.set(b.triage.status, (byStatus.get(b.triage.status) ?? 0) + 1);
    console.log(`keyrings syzbot threads: ${msgs.length} mails, ${bugs.length} bugs`, byStatus);
    expect(bugs.length).toBeGreaterThan(0);
    for (const b of bugs) {
      expect(b.extid).toMatch(/^[0-9a-f]{20}$/);
      expect(b.title).not.toMatch(/^\[|\(\d+\)$/);
    }
  });
});
