import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeWords } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { headerEnd, readHeaders } from '../../../src/core/headers';
import { splitMbox } from '../../../src/core/mbox';
import {
  decodeHeaderWords,
  parseAddresses,
  postalAddresses,
} from '../../../src/core/message/addresses';
import { plainAddresses } from '../../../src/core/message/plain-addresses';
import { sharedCorpora, sharedCorpus } from '../shared';

const plain = (value: string) => plainAddresses(value, decodeWords);
/** What a list's addresses were before the common forms were read here: postal-mime's. */
const postal = (value: string) =>
  postalAddresses(value).map((a) => ({
    name: decodeHeaderWords(a.name).trim(),
    address: a.address.trim(),
  }));

describe('address lists in their common forms', () => {
  it('reads bare addresses, named and quoted-named ones', () => {
    expect(
      plain(
        'Greg Kroah-Hartman <gregkh@linuxfoundation.org>, linux-kernel@vger.kernel.org,' +
          '  "Rafael J. Wysocki" <rafael@kernel.org>,\t"Last, First" <first.last@example.com>',
      ),
    ).toEqual([
      { name: 'Greg Kroah-Hartman', address: 'gregkh@linuxfoundation.org' },
      { name: '', address: 'linux-kernel@vger.kernel.org' },
      { name: 'Rafael J. Wysocki', address: 'rafael@kernel.org' },
      { name: 'Last, First', address: 'first.last@example.com' },
    ]);
  });

  it('names them as postal-mime does', () => {
    const lists = [
      '<a@x>',
      'a@x <a@x>',
      '"a@x" <a@x>',
      '"" <a@x>',
      'Jörg Rödel <joerg@example.org>',
      'Name<a@x>,Other   Name\t<b@y>',
      '"  spaced  " <  a@x  >',
      'foo <foo>',
      'foo <bar>',
      'A <a@b@c>',
      '"Who <they> are, really" <who@x>',
      ', a@x ,, b@y ,',
      '   ',
      'user+tag@sub.example.org',
      'Name <a@x>  ,  b@y',
      '=?UTF-8?Q?=D0=9E=D0=BB=D1=8C=D0=B3=D0=B0?= =?UTF-8?Q?_=D0=A1?= <olga@x>',
      '"=?UTF-8?B?U8O4cmVuIMW7dXJhd3NraQ==?=" <s@x>, Heinz =?iso-8859-1?Q?M=FCller?= <m@x>',
      'Heinz =?iso-8859-1?Q?Müller?= <mueller@example.com>',
      '=?utf-8?q?a=40x?= <a@x>',
      '=?utf-8?q?=3Dx=3F=3D?= <b@x>',
    ];
    for (const value of lists) {
      expect(plain(value), value).not.toBeNull();
      expect(parseAddresses(value), value).toEqual(postal(value));
    }
  });

  it('leaves every other form to postal-mime', () => {
    const others = [
      'ebiederm@xmission.com (Eric W. Biederman)',
      'undisclosed-recipients:;',
      'a@x; b@y',
      '=?utf-8?q?a=40x?=',
      'Name <=?utf-8?q?a?=@x>',
      '"xe-linux-external\\(mailer list\\)" <x@cisco.com>',
      'Bob <bob@x> Bobby <bobby@x>',
      'Name <a@x> trailing',
      'Name <a@x',
      'Name a@x >',
      'Name <>',
      '<a b@x>',
      '"unclosed <a@x>',
      '"Name" Other <a@x>',
      'Someone',
      'a@b@c',
      'two words@x',
      'Na"me <a@x>',
      'Name\r <a@x>',
      'Name\0 <a@x>',
    ];
    for (const value of others) expect(plain(value), value).toBeNull();
    // …where the result is postal-mime's own.
    expect(parseAddresses('ebiederm@xmission.com (Eric W. Biederman)')).toEqual([
      { name: 'Eric W. Biederman', address: 'ebiederm@xmission.com' },
    ]);
  });

  it('reads 100,000 addresses, and hostile brackets and quotes, in linear time', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `User ${i} <u${i}@example.org>`);
    const t0 = performance.now();
    const read = plain(many.join(', '));
    expect(read).toHaveLength(100_000);
    expect(read?.[99_999]).toEqual({ name: 'User 99999', address: 'u99999@example.org' });
    for (const hostile of ['<'.repeat(200_000), '"'.repeat(200_000), 'a '.repeat(100_000) + '<'])
      expect(plain(hostile)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

const corpora = sharedCorpora(
  'mail/lists',
  'mail/syzbot',
  'mail/mime-edge',
  'mail/patchwork',
  'mail/notmuch',
  'mail/public-inbox',
  'mail/git-mailinfo',
  'mail/b4',
);

describe.skipIf(!corpora.length)('address lists of the shared corpora', () => {
  it('read as postal-mime reads them, every From, To and Cc', () => {
    const fields = new Set(['from', 'to', 'cc']);
    let values = 0;
    let taken = 0;
    for (const dir of corpora) {
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!f.isFile() || /\.(json|md|tsv|py|sh)$/.test(f.name)) continue;
        const bytes = readFileSync(join(f.parentPath, f.name));
        for (const raw of splitMbox(f.name.endsWith('.gz') ? gunzipSync(bytes) : bytes)) {
          const { headers } = readHeaders(raw, headerEnd(raw).headEnd, fields);
          for (const value of [...headers.values()].flat()) {
            values++;
            if (plain(value)) taken++;
            expect(parseAddresses(value), value).toEqual(postal(value));
          }
        }
      }
    }
    console.log(`address lists read without postal-mime: ${taken} of ${values}`);
    if (sharedCorpus('mail/lists')) expect(taken / values).toBeGreaterThan(0.95);
  }, 120_000);
});
