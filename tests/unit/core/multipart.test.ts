import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { readMultipart } from '../../../src/core/message/multipart';
import { sharedCorpora, sharedCorpus } from '../shared';

const enc = new TextEncoder();
const utf8 = new TextDecoder();

/** What postal-mime gives: the text, and each attachment's name, type and bytes. */
async function postal(raw: Uint8Array) {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  return {
    text: email.text ?? '',
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      content: new Uint8Array(a.content as ArrayBuffer),
    })),
  };
}

/** readMultipart's result in postal()'s shape (null when it leaves the message to postal-mime). */
function ours(raw: Uint8Array) {
  const r = readMultipart(raw);
  if (!r) return null;
  for (const a of r.attachments) expect(a.size).toBe(a.content.length);
  return {
    text: r.text,
    attachments: r.attachments.map(({ filename, mimeType, content }) => ({
      filename,
      mimeType,
      content: new Uint8Array(content),
    })),
  };
}

const message = (head: string, body: string) =>
  enc.encode(
    `From: Jane Doe <jane@example.org>\r\nTo: linux-kernel@vger.kernel.org\r\n` +
      `Message-ID: <m@example.org>\r\nSubject: [PATCH] x\r\nMIME-Version: 1.0\r\n${head}\r\n\r\n${body}`,
  );

const signedBody = [
  'This is an OpenPGP/MIME signed message (RFC 4880 and 3156)',
  '--sig42',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'On Tue, Dec 03, 2024 Jos=C3=A9 wrote:',
  '> Applied, thanks.=',
  '',
  '',
  'Reviewed-by: Jane Doe <jane@example.org>',
  '',
  '--sig42',
  'Content-Type: application/pgp-signature; name="signature.asc"',
  'Content-Description: OpenPGP digital signature',
  'Content-Disposition: attachment; filename="signature.asc"',
  '',
  '-----BEGIN PGP SIGNATURE-----',
  'iQIzBAEBCAAdFiEE',
  '-----END PGP SIGNATURE-----',
  '--sig42--',
  '',
].join('\r\n');

const patch = 'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n';

const cases: [string, Uint8Array][] = [
  [
    'a signed reply: quoted-printable text and its signature',
    message(
      'Content-Type: multipart/signed; micalg=pgp-sha256;\r\n protocol="application/pgp-signature"; boundary="sig42"',
      signedBody,
    ),
  ],
  [
    'a list footer around a signed message (nested, LF line ends)',
    enc.encode(
      [
        'Message-ID: <n@example.org>',
        'Content-Type: multipart/mixed; boundary="===============0123=="',
        '',
        '--===============0123==',
        'Content-Type: multipart/signed; boundary=sig42; protocol="application/pgp-signature"',
        '',
        signedBody.replace(/\r\n/g, '\n'),
        '--===============0123==',
        'Content-Type: text/plain; charset="us-ascii"',
        'Content-Disposition: inline',
        '',
        '_______________________________________________',
        'kexec mailing list',
        '--===============0123==--',
        'epilogue',
        '',
      ].join('\n'),
    ),
  ],
  [
    'a base64 patch attachment, a gzip log and an inline text/x-patch',
    message(
      'Content-Type: multipart/mixed; boundary="b1"',
      [
        '--b1',
        '',
        'A part without headers is plain text.',
        '--b1',
        'Content-Type: text/x-patch; charset=UTF-8; name="0001-x.patch"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="0001-x.patch"',
        '',
        Buffer.from(patch).toString('base64').replace(/.{20}/g, '$&\r\n'),
        '--b1',
        'Content-Type: application/gzip',
        'Content-Disposition: attachment; filename=dmesg.log.gz',
        'Content-Transfer-Encoding: base64',
        '',
        'H4sIAAAAAAAAA8tIzcnJBwCGphA2BgAAAA==',
        '--b1',
        'content-type: text/x-diff',
        'content-transfer-encoding: 8bit',
        'content-disposition: inline',
        '',
        `${patch}--b1--  `,
        '',
      ].join('\r\n'),
    ),
  ],
  [
    'an ISO-8859-1 part, trailing blanks on a boundary, a part whose header never ends',
    message(
      'Content-Type: MULTIPART/MIXED;\r\n\tboundary=abc',
      [
        '--abc \t',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=FC=DFe, J=F6rg\r\r',
        '--abcd',
        '--abc',
        'Content-Type: application/octet-stream',
        '--abc--',
      ].join('\r\n'),
    ),
  ],
  [
    'flowed text beside an HTML attachment (Thunderbird)',
    message(
      'Content-Type: multipart/mixed; boundary="------------ce3e8d0dffd048e4"',
      [
        'This is a multi-part message in MIME format.',
        '--------------ce3e8d0dffd048e4',
        'Content-Type: text/plain; charset=UTF-8; format=flowed',
        'Content-Transfer-Encoding: 7bit',
        '',
        'Hi, with this config the kernel hangs right after kexec. The dmesg of ',
        'the crashed kernel is attached.',
        ' >From the log it looks like the purgatory ',
        'never runs.',
        '',
        '-- ',
        'Jane',
        '--------------ce3e8d0dffd048e4',
        'Content-Type: text/html; charset=us-ascii',
        'Content-Disposition: attachment; filename="dmesg.html"',
        '',
        '<pre>[    0.000000] Linux version 6.1</pre>',
        '--------------ce3e8d0dffd048e4',
        'Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('one long sen \r\ntence\r\n').toString('base64'),
        '--------------ce3e8d0dffd048e4--',
        '',
      ].join('\r\n'),
    ),
  ],
  [
    'a boundary never closed',
    message(
      'Content-Type: multipart/mixed; boundary="open"',
      '--open\r\nContent-Type: text/plain\r\n\r\nthe last part runs to the end\r\nno newline',
    ),
  ],
];

describe('multipart mail read as postal-mime reads it', () => {
  for (const [name, raw] of cases) {
    it(name, async () => {
      const mine = ours(raw);
      expect(mine).not.toBeNull();
      expect(mine).toEqual(await postal(raw));
    });
  }

  it('keeps the text, the names, the types and the decoded attachments', () => {
    const signed = readMultipart(cases[0][1]);
    expect(signed?.text).toBe(
      'On Tue, Dec 03, 2024 José wrote:\n> Applied, thanks.\n\nReviewed-by: Jane Doe <jane@example.org>\n\n',
    );
    expect(signed?.attachments.map((a) => [a.filename, a.mimeType, a.size])).toEqual([
      ['signature.asc', 'application/pgp-signature', 75],
    ]);
    const mixed = readMultipart(cases[2][1]);
    expect(mixed?.attachments.map((a) => [a.filename, a.mimeType])).toEqual([
      ['0001-x.patch', 'text/x-patch'],
      ['dmesg.log.gz', 'application/gzip'],
      [null, 'text/x-diff'],
    ]);
    expect(utf8.decode(mixed?.attachments[0].content)).toBe(patch);
  });

  it('leaves to postal-mime what it does not read the same way', () => {
    const left = [
      'Content-Type: multipart/alternative; boundary=a',
      'Content-Type: multipart/mixed',
      'Content-Type: multipart/mixed; boundary*0=a',
      'Content-Type: multipart/mixed; boundary="a" (comment)',
    ];
    for (const head of left)
      expect(readMultipart(message(head, '--a\r\n\r\ntext\r\n--a--\r\n'))).toBeNull();
    const part = (head: string) =>
      readMultipart(
        message(
          'Content-Type: multipart/mixed; boundary=a',
          `--a\r\n${head}\r\n\r\nx\r\n--a--\r\n`,
        ),
      );
    expect(part('Content-Type: text/html')).toBeNull();
    expect(part('Content-Type: message/rfc822')).toBeNull();
    expect(part('Content-Type: text/plain; charset=koi8-r')).toBeNull();
    expect(part('Content-Type: image/png; name="=?UTF-8?Q?caf=C3=A9?=.png"')).toBeNull();
    expect(part('Content-Disposition: attachment; filename="café.txt"')).toBeNull();
    expect(part('Content-Type: text/plain; charset=utf-8')).toEqual({
      text: 'x\n',
      attachments: [],
    });
  });
});

describe('hostile multipart input stays linear and bounded', () => {
  it('hands 10,000 levels of nesting to postal-mime, which refuses them, at once', async () => {
    const depth = 10_000;
    let body = '';
    for (let i = 0; i < depth; i++)
      body += `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`;
    const raw = message('Content-Type: multipart/mixed; boundary=b0', body);
    const t0 = performance.now();
    expect(readMultipart(raw)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(500);
    const m = await parseMessage(raw);
    expect(m.problems.join()).toMatch(/MIME: .*nesting depth/);
  });

  it('reads 100,000 parts in linear time', () => {
    const raw = message(
      'Content-Type: multipart/mixed; boundary=p',
      '--p\r\n\r\nx\r\n'.repeat(80_000) +
        '--p\r\nContent-Type: image/png\r\n\r\nx\r\n'.repeat(20_000) +
        '--p--\r\n',
    );
    const t0 = performance.now();
    const r = readMultipart(raw);
    expect(r?.text.length).toBe(3 * 80_000 - 1);
    expect(r?.attachments.length).toBe(20_000);
    expect(r?.attachments[19_999].size).toBe(2);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('leaves more than 1 MiB of part headers to postal-mime, which refuses 2 MiB', async () => {
    const raw = message(
      'Content-Type: multipart/mixed; boundary=p',
      `--p\r\nX-Padding: ${'x'.repeat(2000)}\r\n\r\nx\r\n`.repeat(1_100) + '--p--\r\n',
    );
    expect(readMultipart(raw)).toBeNull();
    expect((await parseMessage(raw)).problems.join()).toMatch(/MIME: Maximum header size/);
  });

  it('reads a 16 MB base64 part and a part whose boundary is never closed', () => {
    const big = Buffer.alloc(12 * 1024 * 1024, 7)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const raw = message(
      'Content-Type: multipart/mixed; boundary=q',
      `--q\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}`,
    );
    const r = readMultipart(raw);
    expect(r?.attachments[0].size).toBe(12 * 1024 * 1024);
  });
});

// The corpora holding multipart mail (b4's, git's and syzbot's report mails hold none it reads).
const corpora = sharedCorpora(
  'mail/lists',
  'mail/syzbot',
  'mail/mime-edge',
  'mail/patchwork',
  'mail/notmuch',
  'mail/public-inbox',
);

describe.skipIf(!corpora.length)('multipart messages of the shared corpora', () => {
  it('read as postal-mime reads them, for every multipart message the reader takes', async () => {
    const compared: Record<string, number> = {};
    for (const dir of corpora) {
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!f.isFile() || /\.(json|md|tsv|py|sh)$/.test(f.name)) continue;
        const bytes = readFileSync(join(f.parentPath, f.name));
        for (const raw of splitMbox(f.name.endsWith('.gz') ? gunzipSync(bytes) : bytes)) {
          const mine = ours(raw);
          if (!mine) continue;
          const name = dir.split('/').slice(-2).join('/');
          compared[name] = (compared[name] ?? 0) + 1;
          expect(mine, `${f.name}`).toEqual(await postal(raw));
        }
      }
    }
    console.log('multipart messages read without postal-mime:', compared);
    if (sharedCorpus('mail/lists')) expect(compared['mail/lists']).toBeGreaterThan(150);
    // Splitting and reading 60 MB of mail on a machine under load takes a while.
  }, 300_000);
});
