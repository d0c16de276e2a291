import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, sharedCorpus } from '../shared';

interface Line {
  file: string;
  title: string | null;
  alt_titles: string[];
  type: string | null;
  frame: string | null;
  corrupted: boolean;
}

function run(files: string[]): Line[] {
  const out = execFileSync(
    'npx',
    ['tsx', join(projectRoot, 'scripts/analyze-trace.ts'), ...files],
    {
      cwd: projectRoot,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

const body = join(projectRoot, 'tests/fixtures/oops/syzbot-symbolized-uaf.txt');

describe('analyze-trace CLI', () => {
  it('titles a syzbot mail body, and the same mail as a quoted-printable message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-trace-'));
    const qp = readFileSync(body, 'utf8')
      .replace(/=/g, '=3D')
      .replace(/^(.{70})(.+)$/gm, '$1=\n$2');
    const eml = join(dir, 'report.eml');
    writeFileSync(
      eml,
      [
        'From: syzbot <syzbot+7c1e9f0a4b2d63e58a91@syzkaller.appspotmail.com>',
        'To: linux-bluetooth@vger.kernel.org',
        'Subject: [syzbot] [bluetooth?] KASAN: slab-use-after-free Write in rfcomm_sock_release',
        'Message-ID: <000000000000a1b2c3@google.com>',
        'Content-Type: text/plain; charset="UTF-8"',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        qp,
      ].join('\n'),
    );
    const [fromBody, fromMessage] = run([body, eml]);
    const want = {
      title: 'KASAN: slab-use-after-free Write in rfcomm_sock_release',
      alt_titles: ['bad-access in rfcomm_sock_release'],
      type: 'KASAN-USE-AFTER-FREE-WRITE',
      frame: 'rfcomm_sock_release',
      corrupted: false,
    };
    expect(fromBody).toEqual({ file: body, ...want });
    expect(fromMessage).toEqual({ file: eml, ...want });
  });
});

const mails = sharedCorpus('oops/syzbot-mail/io-uring');

describe.skipIf(mails === null)('analyze-trace CLI over real syzbot mails', () => {
  it('titles them as syzbot did, like the library', () => {
    const dir = mails as string;
    const names = readdirSync(dir).filter((f) => f.endsWith('.txt'));
    const lines = run(names.map((n) => join(dir, n)));
    const exact = lines.filter((l, i) => {
      const json = names[i].replace(/\.txt$/, '.json');
      return l.title === (JSON.parse(readFileSync(join(dir, json), 'utf8')) as Line).title;
    }).length;
    console.log(`analyze-trace over io-uring syzbot mails: ${exact}/${names.length} exact`);
    expect(exact / names.length).toBeGreaterThanOrEqual(0.985);
  }, 60_000);
});
