import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { decodeText } from '../../../src/core/decode';
import { htmlToText } from '../../../src/core/html';
import { splitMbox } from '../../../src/core/mbox';
import { parseMessage } from '../../../src/core/message';
import { decodeBase64Body, decodeQuotedPrintable } from '../../../src/core/transfer-encoding';
import { sharedCorpora } from '../shared';

const enc = new TextEncoder();
const utf8 = new TextDecoder();
const qp = (s: string) => utf8.decode(decodeQuotedPrintable(enc.encode(s)));
const b64 = (s: string) => utf8.decode(decodeBase64Body(enc.encode(s)));

/** The text postal-mime gives a message, as parseMessage keeps it. */
async function postalText(raw: Uint8Array): Promise<string> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  let text = email.text ?? '';
  if (!text.trim() && email.html) text = htmlToText(email.html);
  for (const a of email.attachments)
    if (/^text\/(x-)?(patch|diff)$/.test(a.mimeType) && a.content instanceof ArrayBuffer)
      text += `\n${decodeText(new Uint8Array(a.content))}`;
  return text.replace(/\r\n/g, '\n').replace(/\0/g, '');
}

const message = (head: string, body: string) =>
  enc.encode(`Message-ID: <t@example.org>\r\nSubject: t\r\n${head}\r\n\r\n${body}`);

describe('quoted-printable bodies', () => {
  it('joins soft breaks, decodes escapes and ends hard lines in LF', () => {
    expect(qp('Gr=C3=BC=C3=9Fe aus M=C3=BCn=\r\nchen\r\n-- =\n\nJ=C3=B6rg\r\n')).toBe(
      'Grüße aus München\n-- \nJörg\n',
    );
  });

  it('keeps an "=" that starts no escape, and one cut short by the line end', () => {
    expect(qp('a=ZZb x=4\nif (a =3D=3D b)=3\n')).toBe('a=ZZb x=4\nif (a == b)=3\n');
  });

  it('ends the last line in LF even without one, and drops every CR before a line end', () => {
    expect(qp('one\r\r\ntwo')).toBe('one\ntwo\n');
    expect(qp('')).toBe('');
  });
});

describe('base64 bodies', () => {
  it('decodes across line breaks and skips what is not base64', () => {
    const body = Buffer.from('Hallo Jörg,\nthe patch looks fine.\n').toString('base64');
    const folded = body.replace(/.{16}/g, '$&\r\n');
    expect(b64(`${folded}\r\n`)).toBe('Hallo Jörg,\nthe patch looks fine.\n');
    expect(b64(` ${body.slice(0, 8)}\u00e9*${body.slice(8)}`)).toBe(
      'Hallo Jörg,\nthe patch looks fine.\n',
    );
  });

  it('decodes each run ended by padding on its own, and a partial group as far as it goes', () => {
    expect(b64('SGk=SGk=')).toBe('HiHi');
    expect(b64('SGk')).toBe('Hi');
    expect(b64('SGVsbG8hX')).toBe('Hello!');
  });
});

describe('decoding into the scratch array', () => {
  it('gives each scratch decode its own bytes while they are read at once', () => {
    const long = `${'x'.repeat(100_000)}=C3=A9\n`;
    expect(utf8.decode(decodeQuotedPrintable(enc.encode('caf=C3=A9\n'), 'scratch'))).toBe('café\n');
    // Longer than the scratch array so far: it grows, and a short one after reads alone.
    expect(utf8.decode(decodeQuotedPrintable(enc.encode(long), 'scratch'))).toBe(
      `${'x'.repeat(100_000)}é\n`,
    );
    expect(utf8.decode(decodeBase64Body(enc.encode('aGk='), 'scratch'))).toBe('hi');
  });

  it('leaves bytes decoded fresh alone when a scratch decode follows', () => {
    const kept = decodeBase64Body(enc.encode('a2VwdA=='));
    const again = decodeBase64Body(enc.encode('a2VwdA=='), 'scratch');
    decodeQuotedPrintable(enc.encode('overwritten\n'), 'scratch');
    expect(utf8.decode(kept)).toBe('kept');
    expect(kept.buffer).not.toBe(again.buffer);
  });
});

describe('single encoded text parts read as postal-mime reads them', () => {
  const cases: [string, string, string][] = [
    [
      'UTF-8 quoted-printable',
      'Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable',
      'On Mon, Dec 2, 2024 at 10:00 AM Jos=C3=A9 wrote:\r\n> Reviewed-by: Jos=C3=A9 <j@example.org>=\r\n\r\n',
    ],
    [
      'ISO-8859-1 quoted-printable, inline',
      'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: quoted-printable',
      'Gr=FC=DFe,\r\nJ=F6rg\r\n',
    ],
    [
      'base64 with a BOM',
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64',
      `${Buffer.from('\ufeffThanks, applied.\n').toString('base64')}\r\n`,
    ],
    [
      'format=flowed, unfolded as postal-mime unfolds it',
      'Content-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: quoted-printable',
      'a long line that was =\r\nflowed \r\nacross lines\r\n-- \r\nJane\r\n',
    ],
    [
      'format=flowed with delsp=yes, base64',
      'Content-Type: text/plain; format=flowed; delsp=yes; charset="utf-8"\r\nContent-Transfer-Encoding: base64',
      `${Buffer.from('a sen \r\ntence\r\n >From here\r\n').toString('base64')}\r\n`,
    ],
    [
      'an attachment (left to postal-mime)',
      'Content-Type: text/plain\r\nContent-Disposition: attachment; filename=x.txt\r\nContent-Transfer-Encoding: base64',
      'eA==\r\n',
    ],
    [
      'invalid UTF-8 in the decoded bytes',
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable',
      'caf=E9 =E2=82\r\n',
    ],
  ];
  for (const [name, head, body] of cases) {
    it(name, async () => {
      const raw = message(head, body);
      const m = await parseMessage(raw);
      expect(m.text).toBe(await postalText(raw));
      expect(m.textAt).toBeNull();
    });
  }
});

const corpora = sharedCorpora('mail/lists', 'mail/mime-edge', 'mail/patchwork');

describe.skipIf(!corpora.length)('encoded text parts of the shared corpora', () => {
  it('gives the text postal-mime gives, for every quoted-printable or base64 message', async () => {
    let compared = 0;
    for (const dir of corpora) {
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!f.isFile() || /\.(json|md|tsv)$/.test(f.name)) continue;
        const bytes = readFileSync(join(f.parentPath, f.name));
        for (const raw of splitMbox(f.name.endsWith('.gz') ? gunzipSync(bytes) : bytes)) {
          const head = new TextDecoder('latin1').decode(raw.subarray(0, 64 * 1024));
          if (!/^content-transfer-encoding:\s*(base64|quoted-printable)/im.test(head)) continue;
          const expected = await postalText(raw).catch(() => null);
          if (expected === null) continue;
          const m = await parseMessage(raw);
          expect(m.text, `${f.name} <${m.id}>`).toBe(expected);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(800);
  }, 120_000);
});
