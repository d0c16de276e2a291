import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/core/decode';
import { splitMbox } from '../../../src/core/mbox';
import {
  AddressMemo,
  extractIds,
  normalizeMessageId,
  parseDate,
  parseMessage,
  parseReferences,
} from '../../../src/core/message';
import { SEED_ID, parseSeedThread, projectRoot, sharedCorpora, sharedCorpus } from '../shared';

const seedDir = sharedCorpus('mail/seed-thread');
const edgeDirs = sharedCorpora(
  'mail/patchwork/fuzz',
  'mail/mime-edge/enmime',
  'mail/mime-edge/stalwart-mail-parser',
);

const enc = new TextEncoder();
const fixture = (name: string) => readFileSync(join(projectRoot, 'tests/fixtures/mail', name));

describe('message parsing', () => {
  it('decodes RFC 2047 names and subjects and raw UTF-8 bodies', async () => {
    const m = await parseMessage(fixture('bare.eml'));
    expect(m.from).toEqual({ name: 'Jörg Rödel', address: 'joerg@example.org' });
    expect(m.subject).toBe('café time');
    expect(m.text).toContain('From the desk of Jörg');
    expect(m.id).toBe('eml1@example.org');
    expect(m.date).toBe(Date.UTC(2021, 5, 3, 8, 0));
  });

  it('says where the text of plain mail starts in its bytes, and only when it is exactly them', async () => {
    const head = 'Message-ID: <p@x>\nSubject: s\n';
    const plain = await parseMessage(enc.encode(`${head}\nCaf\u00e9 body\n-- \nsig\n`));
    expect(plain.textAt).not.toBeNull();
    expect(decodeText(plain.raw.subarray(plain.textAt ?? 0))).toBe(plain.text);
    expect(plain.text).toBe('Caf\u00e9 body\n-- \nsig\n');
    // Bytes that are decoded otherwise (CRLF line ends, quoted-printable, another charset) keep their text.
    const crlf = await parseMessage(enc.encode(`${head}\r\nline one\r\nline two\r\n`));
    expect([crlf.text, crlf.textAt]).toEqual(['line one\nline two\n', null]);
    const qp = await parseMessage(
      enc.encode(`${head}Content-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9\n`),
    );
    expect([qp.text.trim(), qp.textAt]).toEqual(['Caf\u00e9', null]);
    const latin = await parseMessage(
      new Uint8Array([
        ...enc.encode(`${head}Content-Type: text/plain; charset=iso-8859-1\n\nCaf`),
        0xe9,
      ]),
    );
    expect([latin.text, latin.textAt]).toEqual(['Caf\u00e9', null]);
  });

  it('parses In-Reply-To and References into a parent and chain', async () => {
    const [, reply] = splitMbox(fixture('two.mboxrd'));
    const m = await parseMessage(reply);
    expect(m.inReplyTo).toBe('patch1@example.org');
    expect(m.references).toEqual(['patch1@example.org']);
    expect(m.date).toBe(Date.UTC(2020, 4, 25, 8, 0));
  });

  it('drops garbage, duplicates and self-references from References', () => {
    expect(parseReferences('junk <a@x> (comment) <b@x>, <a@x> <self@x>', 'self@x')).toEqual([
      'a@x',
      'b@x',
    ]);
    expect(extractIds('a@x')).toEqual(['a@x']);
  });

  it('gives a stable synthetic id to a message without a Message-ID', async () => {
    const raw = enc.encode('Subject: no id\n\nhello\n');
    const a = await parseMessage(raw);
    const b = await parseMessage(raw);
    expect(a.syntheticId).toBe(true);
    expect(a.id).toBe(b.id);
    expect(a.problems).toContain('no Message-ID');
  });

  it('replaces an overlong Message-ID with a synthetic one', async () => {
    const raw = enc.encode(`Message-ID: <${'x'.repeat(400)}@y>\n\nbody\n`);
    const m = await parseMessage(raw);
    expect(m.syntheticId).toBe(true);
    expect(normalizeMessageId('<ok@x>')).toBe('ok@x');
  });

  it('falls back to the Received date when Date is broken', async () => {
    const raw = enc.encode(
      'Received: from x by y; Tue, 2 Jun 2020 10:00:00 +0000\nDate: yesterday-ish\nMessage-ID: <d@x>\n\nb\n',
    );
    const m = await parseMessage(raw);
    expect(m.date).toBe(Date.UTC(2020, 5, 2, 10));
    expect(m.problems).toContain('unparseable Date');
  });

  it('understands dates with zones, comments and two-digit years', () => {
    expect(parseDate('Sun, 24 May 2020 17:14:16 -0700 (PDT)')).toBe(
      Date.UTC(2020, 4, 25, 0, 14, 16),
    );
    expect(parseDate('24 May 99 17:14 GMT')).toBe(Date.UTC(1999, 4, 24, 17, 14));
    expect(Number.isNaN(parseDate('Mon, 1 Jan 99999 00:00:00 +0000'))).toBe(true);
  });

  it('decodes quoted-printable bodies and lists attachments', async () => {
    const raw = enc.encode(
      [
        'Message-ID: <mp@x>',
        'Subject: multi',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'caf=E9 au lait=',
        ' ok',
        '--b1',
        'Content-Type: application/gzip; name="config.gz"',
        'Content-Disposition: attachment; filename="config.gz"',
        'Content-Transfer-Encoding: base64',
        '',
        'H4sIAAAAAAAAA0vLz+cCAEWLHd8EAAAA',
        '--b1--',
        '',
      ].join('\n'),
    );
    const m = await parseMessage(raw);
    expect(m.text).toContain('café au lait ok');
    expect(m.attachments).toEqual([
      { filename: 'config.gz', mimeType: 'application/gzip', size: 24, index: 0 },
    ]);
  });

  it('turns HTML-only mail into text and never keeps its markup', async () => {
    const raw = enc.encode(
      'Message-ID: <h@x>\nContent-Type: text/html\n\n<p>Hello <b>there</b><script>alert(1)</script></p><br>&lt;tag&gt;\n',
    );
    const m = await parseMessage(raw);
    expect(m.text).toBe('Hello there\n\n<tag>');
  });

  it('flags patches and crash reports', async () => {
    const patch = await parseMessage(
      enc.encode(
        'Message-ID: <p@x>\nSubject: [PATCH] x\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n',
      ),
    );
    expect(patch.hasPatch).toBe(true);
    const oops = await parseMessage(
      enc.encode(
        'Message-ID: <o@x>\n\nINFO: task syz-executor.1:3125 blocked for more than 143 seconds.\n',
      ),
    );
    expect(oops.hasOops).toBe(true);
    expect(patch.hasOops).toBe(false);
  });
});

describe.skipIf(!edgeDirs.length)('malformed and MIME-edge mail', () => {
  it('parses every malformed fuzz and MIME-edge file without throwing', async () => {
    let n = 0;
    for (const dir of edgeDirs) {
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!f.isFile() || f.name.endsWith('.json')) continue;
        for (const raw of splitMbox(readFileSync(join(f.parentPath, f.name)))) {
          const m = await parseMessage(raw);
          expect(typeof m.id).toBe('string');
          expect(Number.isFinite(m.date)).toBe(true);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(150);
  });
});

describe.skipIf(!seedDir)('the seed thread', () => {
  it('parses the seed thread with its ids, parent and date', async () => {
    const msgs = await parseSeedThread(seedDir as string);
    const seed = msgs.find((m) => m.id === SEED_ID);
    expect(seed?.inReplyTo).toBe('000000000000c866c705a61a95d4@google.com');
    expect(seed?.subject).toBe('Re: INFO: task hung in locks_remove_posix');
    expect(seed?.from.address).toBe('syzbot+f5bc30abd8916982419c@syzkaller.appspotmail.com');
    expect(seed?.hasOops).toBe(true);
  });
});

describe('header decoding', () => {
  it('keeps nested and escaped comments out of the display name', async () => {
    const m = await parseMessage(
      enc.encode('From: (this is \\(really\\) a "comment" (honestly)) "A U Thor" <a@x>\n\nb\n'),
    );
    expect(m.from).toEqual({ name: 'A U Thor', address: 'a@x' });
  });

  it('decodes raw UTF-8 inside a Latin-1 encoded word without mojibake', async () => {
    const m = await parseMessage(
      enc.encode(
        'Subject: =?iso-8859-1?Q?Die_Fr\u00f6sche?=\nTo: =?iso-8859-1?Q?J\u00fcrgen?= <j@x>\n\nb\n',
      ),
    );
    expect(m.subject).toBe('Die Frösche');
    expect(m.to[0].name).toBe('Jürgen');
  });

  it('takes In-Reply-To as the parent when References lists it out of order', async () => {
    const m = await parseMessage(
      enc.encode(
        'Message-ID: <g@x>\nIn-Reply-To: <child@x>\nReferences: <child@x> <root@x>\n\nb\n',
      ),
    );
    expect(m.references).toEqual(['root@x', 'child@x']);
    expect(m.inReplyTo).toBe('child@x');
  });
});

describe('message caps', () => {
  it('keeps the newest 500 of 100,000 References, the parent last, and says so', async () => {
    const refs = Array.from({ length: 100_000 }, (_, i) => `<r${i}@x>`).join('\n ');
    const m = await parseMessage(
      enc.encode(`Message-ID: <m@x>\nReferences: ${refs}\nIn-Reply-To: <r99999@x>\n\nhi\n`),
    );
    expect(m.references).toHaveLength(500);
    expect(m.references[0]).toBe('r99500@x');
    expect(m.inReplyTo).toBe('r99999@x');
    expect(m.problems).toContain('100000 References: kept the newest 500');
  });

  it('parses the first 64 KiB of a Cc of 200,000 addresses, cut between addresses', async () => {
    const cc = Array.from({ length: 200_000 }, (_, i) => `"User ${i}" <u${i}@example.org>`);
    const m = await parseMessage(
      enc.encode(
        `Message-ID: <m@x>\nDate: Mon, 6 Jan 2025 10:00:00 +0000\nTo: a@x\nCc: ${cc.join(',\n ')}\n\nhi\n`,
      ),
    );
    expect(m.to).toEqual([{ name: '', address: 'a@x' }]);
    expect(m.cc.length).toBeGreaterThan(1000);
    expect(m.cc.length).toBeLessThan(2500);
    expect(m.cc[0]).toEqual({ name: 'User 0', address: 'u0@example.org' });
    const last = m.cc.at(-1);
    expect(last?.address).toBe(`u${m.cc.length - 1}@example.org`);
    expect(m.problems).toEqual([
      expect.stringMatching(/^Cc: \d+ characters of addresses, kept the first 64 KiB$/),
    ]);
  });
});

describe('address lists shared by messages parsed together', () => {
  const mail = (id: string) =>
    enc.encode(
      `Message-ID: <${id}@example.org>\nFrom: =?UTF-8?Q?Jos=C3=A9?= <jose@example.org>\nTo: "Kroah-Hartman, Greg" <gregkh@linuxfoundation.org>\nCc: linux-usb@vger.kernel.org, Alan Stern <stern@rowland.harvard.edu>\nSubject: s\n\nbody\n`,
    );

  it('gives each message the addresses it would get alone, shared and frozen', async () => {
    const memo = new AddressMemo();
    const a = await parseMessage(mail('a'), Date.now(), memo);
    const b = await parseMessage(mail('b'), Date.now(), memo);
    const alone = await parseMessage(mail('b'));
    expect([b.from, b.to, b.cc]).toEqual([alone.from, alone.to, alone.cc]);
    expect(b.from).toEqual({ name: 'José', address: 'jose@example.org' });
    expect(b.cc).toHaveLength(2);
    // One object per address of a list, which one structured clone sends once.
    expect(b.from).toBe(a.from);
    expect(b.cc[1]).toBe(a.cc[1]);
    expect(b.cc).not.toBe(a.cc);
    expect(Object.isFrozen(b.cc[1])).toBe(true);
    expect(() => {
      (b.from as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(a.from.name).toBe('José');
    const clone = structuredClone([a, b]);
    expect(clone[1].cc[1]).toBe(clone[0].cc[1]);
    expect(memo.lists.size).toBe(3);
  });

  it('decodes a display name once for every list that names it', async () => {
    const memo = new AddressMemo();
    const other = enc.encode(
      `Message-ID: <c@example.org>\nFrom: x@example.org\nTo: =?UTF-8?Q?Jos=C3=A9?= <jose@example.org>, Ann <ann@example.org>\n\nbody\n`,
    );
    await parseMessage(mail('a'), Date.now(), memo);
    const c = await parseMessage(other, Date.now(), memo);
    expect(c.to).toEqual((await parseMessage(other)).to);
    expect(c.to[0]).toEqual({ name: 'José', address: 'jose@example.org' });
    expect(memo.decodeName('=?UTF-8?Q?Jos=C3=A9?=')).toBe('José');
    expect(memo.lists.size).toBe(5);
  });
});
