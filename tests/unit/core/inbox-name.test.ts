import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  countListIds,
  inboxNameProblem,
  nameFromFileName,
  nameFromListId,
  suggestInboxName,
} from '../../../src/core/inbox-name';
import { listIdOfRaw, sampleListIds } from '../../../src/core/list-ids';
import { projectRoot } from '../shared';

const usbList = readFileSync(join(projectRoot, 'tests/fixtures/mail/usb-list.mboxrd'));
const streamOf = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]).stream();

describe('List-Id of a raw message', () => {
  it('reads the id inside the angle brackets, lowercased, from a folded header', () => {
    const raw = new TextEncoder().encode(
      'From: a@b\nList-Id: USB development\n <Linux-USB.vger.kernel.org>\nSubject: x\n\nList-Id: <body.example.com>\n',
    );
    expect(listIdOfRaw(raw)).toBe('linux-usb.vger.kernel.org');
  });

  it('ignores a List-Id line in the body', () => {
    const raw = new TextEncoder().encode('From: a@b\nSubject: x\n\nList-Id: <body.example.com>\n');
    expect(listIdOfRaw(raw)).toBeNull();
  });
});

describe('sampling a file for its list', () => {
  it('reads the List-Ids of an mbox and of the same mbox gzip-compressed', async () => {
    const plain = await sampleListIds(streamOf(usbList));
    expect(plain).toEqual([
      'linux-usb.vger.kernel.org',
      'linux-usb.vger.kernel.org',
      'linux-usb.vger.kernel.org',
      'linux-usb.vger.kernel.org',
      'linux-kernel.vger.kernel.org',
    ]);
    expect(await sampleListIds(streamOf(gzipSync(usbList)))).toEqual(plain);
  });

  it('stops after the first messages', async () => {
    expect(await sampleListIds(streamOf(usbList), 2)).toHaveLength(2);
  });
});

describe('suggested inbox names', () => {
  it('names the inbox after the most frequent list, with how many messages carry it', () => {
    const ids = ['linux-kernel.vger.kernel.org', 'linux-usb.vger.kernel.org', null];
    ids.push('linux-usb.vger.kernel.org');
    expect(countListIds(ids)).toEqual([
      { id: 'linux-usb.vger.kernel.org', count: 2 },
      { id: 'linux-kernel.vger.kernel.org', count: 1 },
    ]);
    expect(suggestInboxName(ids, ['x.mbox'])).toEqual({
      name: 'linux-usb',
      source: { kind: 'list-id', listId: 'linux-usb.vger.kernel.org', count: 2, of: 4 },
    });
  });

  it('takes the short name of a list as lore does', () => {
    expect(nameFromListId('io-uring.vger.kernel.org')).toBe('io-uring');
    expect(nameFromListId('syzkaller-bugs.googlegroups.com')).toBe('syzkaller-bugs');
    expect(nameFromListId('dri-devel.lists.freedesktop.org')).toBe('dri-devel');
  });

  it('falls back to the file name without its mail extensions', () => {
    expect(nameFromFileName('linux-usb-2024.mbox.gz')).toBe('linux-usb-2024');
    expect(nameFromFileName('patch.eml')).toBe('patch');
    expect(nameFromFileName('/home/me/_archive.mboxrd')).toBe('archive');
    expect(suggestInboxName([null, null], ['netdev-2023.mbox', 'b.mbox'])).toEqual({
      name: 'netdev-2023',
      source: { kind: 'file', file: 'netdev-2023.mbox' },
    });
  });

  it("never suggests a reserved name (lore's all.mbox.gz)", () => {
    expect(suggestInboxName([], ['all.mbox.gz']).name).toBe('local');
  });
});

describe('inbox name rules', () => {
  it('accepts list-like names and refuses empty, reserved, overlong and path-like ones', () => {
    expect(inboxNameProblem('linux-usb')).toBeNull();
    expect(inboxNameProblem('my notes (2024)')).toBeNull();
    expect(inboxNameProblem('')).toMatch(/name/);
    expect(inboxNameProblem(' x')).toMatch(/space/);
    expect(inboxNameProblem('all')).toMatch(/every inbox/);
    expect(inboxNameProblem('*')).toMatch(/every inbox/);
    expect(inboxNameProblem('_settings')).toMatch(/"_"/);
    expect(inboxNameProblem('a/b')).toMatch(/"\/"/);
    expect(inboxNameProblem('a\u0007')).toMatch(/control/);
    expect(inboxNameProblem('x'.repeat(65))).toMatch(/64/);
  });
});
