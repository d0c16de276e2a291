import { describe, expect, it } from 'vitest';
import { headerEnd, readHeaders } from '../../../src/core/headers';

const enc = new TextEncoder();

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
    const { headers, lines } = readHeaders(head);
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
    const { headers, lines } = readHeaders(head);
    expect([...headers.keys()]).toEqual(['subject', 'date']);
    expect(headers.get('subject')).toEqual(['hi']);
    expect(headers.get('date')).toEqual(['Tue, 3 Dec 2024 10:00:00 +0000']);
    expect(lines).toBe(2);
  });

  it('keeps only the fields asked for but counts every header line', () => {
    const head =
      'DKIM-Signature: v=1; a=rsa-sha256;\n\tb=abc\nMessage-ID: <1@x>\nmessage-id: <2@x>\nX-Mailer: git-send-email 2.47.0';
    const { headers, lines } = readHeaders(head, new Set(['message-id']));
    expect([...headers]).toEqual([['message-id', ['<1@x>', '<2@x>']]]);
    expect(lines).toBe(4);
  });
});
