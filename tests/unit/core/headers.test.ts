import { describe, expect, it } from 'vitest';
import { headerEnd, readHeaders } from '../../../src/core/headers';

const enc = new TextEncoder();
const block = (head: string) => {
  const raw = enc.encode(`${head}\n\nbody`);
  return { raw, end: headerEnd(raw).headEnd };
};
const read = (head: string, only?: ReadonlySet<string>) => {
  const { raw, end } = block(head);
  return readHeaders(raw, end, only);
};

describe('header blocks', () => {
  it('ends the header block at the first blank line, LF or CRLF', () => {
    expect(headerEnd(enc.encode('A: b\nC: d\n\nbody'))).toEqual({ headEnd: 9, bodyStart: 11 });
    expect(headerEnd(enc.encode('A: b\r\n\r\nbody'))).toEqual({ headEnd: 5, bodyStart: 8 });
    expect(headerEnd(enc.encode('A: b\nC: d\n'))).toEqual({ headEnd: 10, bodyStart: 10 });
  });

  it('unfolds folded fields into one space per fold and keeps repeated fields in order', () => {
    const head = [
      'Received: from mail.kernel.org (mail.kernel.org [10.30.226.201])',
      '\tby smtp.subspace.kernel.org (Postfix) with ESMTPS id 3C1F8C4CEE7;',
      '\tMon,  2 Dec 2024 09:12:03 +0000 (UTC)',
      'Received: by mail.example.org; Sun, 1 Dec 2024 10:00:00 +0100',
      'Subject: [PATCH v3 2/7] usb: gadget: f_fs: fix the lock order',
      '  on disconnect',
      'Cc: Greg Kroah-Hartman <gregkh@linuxfoundation.org>,',
      ' linux-usb@vger.kernel.org',
    ].join('\r\n');
    const { headers, lines } = read(head);
    expect(lines).toBe(4);
    expect(headers.get('received')).toEqual([
      'from mail.kernel.org (mail.kernel.org [10.30.226.201]) by smtp.subspace.kernel.org (Postfix) with ESMTPS id 3C1F8C4CEE7; Mon,  2 Dec 2024 09:12:03 +0000 (UTC)',
      'by mail.example.org; Sun, 1 Dec 2024 10:00:00 +0100',
    ]);
    expect(headers.get('subject')).toEqual([
      '[PATCH v3 2/7] usb: gadget: f_fs: fix the lock order on disconnect',
    ]);
    expect(headers.get('cc')).toEqual([
      'Greg Kroah-Hartman <gregkh@linuxfoundation.org>, linux-usb@vger.kernel.org',
    ]);
  });

  it('skips lines without a colon or with blanks inside the name, but takes blanks around it', () => {
    const head =
      'From nobody Mon Sep 17 00:00:00 2001\nX Bad: no\n:empty\nSubject : hi \nDate\n : Tue, 3 Dec 2024 10:00:00 +0000';
    const { headers, lines } = read(head);
    expect([...headers.keys()]).toEqual(['subject', 'date']);
    expect(headers.get('subject')).toEqual(['hi']);
    expect(headers.get('date')).toEqual(['Tue, 3 Dec 2024 10:00:00 +0000']);
    expect(lines).toBe(2);
  });

  it('keeps only the fields asked for but counts every header line', () => {
    const head =
      'DKIM-Signature: v=1; a=rsa-sha256;\n\tb=abc\nMessage-ID: <1@x>\nmessage-id: <2@x>\nX-Mailer: git-send-email 2.47.0';
    const { headers, lines } = read(head, new Set(['message-id']));
    expect([...headers]).toEqual([['message-id', ['<1@x>', '<2@x>']]]);
    expect(lines).toBe(4);
  });

  it('decodes kept values as the whole block would be: UTF-8 when valid, else windows-1252', () => {
    const utf8 = 'Subject: =?utf-8?q?x?= Grüße aus Köln\nFrom: Jürgen <j@example.de>';
    expect(read(utf8).headers.get('from')).toEqual(['Jürgen <j@example.de>']);
    // One Latin-1 byte anywhere in the block makes all of it windows-1252, kept values too.
    const bytes = [...enc.encode('From: Jürgen <j@example.de>\nX-Note: caf'), 0xe9];
    const raw = new Uint8Array([...bytes, 0x0a, 0x0a, 0x62]);
    const from = readHeaders(raw, bytes.length, new Set(['from'])).headers.get('from');
    expect(from).toEqual(['JÃ¼rgen <j@example.de>']);
  });

  it('reads names with other characters as the decoded text: trimmed, lowercased, checked', () => {
    // A no-break space around a name trims like a blank; one inside makes no name.
    const head = 'Subject\u00a0: kept\nX\u00a0Y: dropped\nÜber: other\nDate: Tue, 3 Dec 2024';
    const { headers, lines } = read(head, new Set(['subject', 'date', 'über']));
    expect([...headers]).toEqual([
      ['subject', ['kept']],
      ['über', ['other']],
      ['date', ['Tue, 3 Dec 2024']],
    ]);
    expect(lines).toBe(3);
  });

  it('reads a block that starts with a byte order mark like one without', () => {
    const { raw, end } = block('\ufeffMessage-ID: <a\ufeffb@x>\nSubject: s');
    const { headers, lines } = readHeaders(raw, end, new Set(['message-id', 'subject']));
    expect(lines).toBe(2);
    expect(headers.get('message-id')).toEqual(['<a\ufeffb@x>']);
  });

  it('stops at the end given, even inside a line', () => {
    const raw = enc.encode('List-Id: <a.b>\nSubject: cut here\n\nbody');
    const { headers } = readHeaders(raw, 27, new Set(['subject', 'list-id']));
    expect(headers.get('list-id')).toEqual(['<a.b>']);
    expect(headers.get('subject')).toEqual(['cut']);
  });
});
