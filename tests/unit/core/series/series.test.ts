import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../../../src/core/mbox';
import { parseMessage, type ParsedMessage } from '../../../../src/core/message';
import { amReady, writeAmMbox } from '../../../../src/core/series/am';
import { collectTrailers } from '../../../../src/core/series/collect';
import { detectSeries } from '../../../../src/core/series/detect';
import { threadAround } from '../../../../src/core/series/gather';
import { findTrailers, givenTrailers, sameAddress } from '../../../../src/core/series/trailers';
import { projectRoot } from '../../shared';

async function fixture(name: string): Promise<ParsedMessage[]> {
  const bytes = readFileSync(join(projectRoot, 'tests/fixtures/mail', name));
  return Promise.all(splitMbox(bytes).map((raw) => parseMessage(raw)));
}

const text = (ts: { name: string; value: string }[]) => ts.map((t) => `${t.name}: ${t.value}`);

describe('series detection', () => {
  it('finds the cover letter and numbered patches of a thread, whatever order they arrive in', async () => {
    const mails = (await fixture('series-frob-v2.mbox')).reverse();
    const { versions, followups } = detectSeries(mails);
    expect(versions).toHaveLength(1);
    const v2 = versions[0];
    expect(v2).toMatchObject({
      version: 2,
      total: 3,
      missing: [],
      subject: 'frob: make the counter safe',
    });
    expect(v2.cover?.mail.subject).toBe('[PATCH v2 0/3] frob: make the counter safe');
    expect(v2.patches.map((p) => p?.tags.counter)).toEqual([1, 2, 3]);
    expect(followups).toHaveLength(3);
  });

  it('reports a missing patch as a gap and picks no complete version that is not', async () => {
    const mails = (await fixture('series-frob-v2.mbox')).filter(
      (m) => !m.subject.startsWith('[PATCH v2 2/3]'),
    );
    const [v2] = detectSeries(mails).versions;
    expect(v2.missing).toEqual([2]);
    expect(v2.patches[1]).toBeNull();
    const result = amReady(detectSeries(mails));
    expect(result?.patches.map((p) => p.number)).toEqual([1, 3]);
  });

  it('tells two versions in one thread apart and takes the newest complete one', async () => {
    const mails = [
      ...(await fixture('series-frob-v1.mbox')),
      ...(await fixture('series-frob-v2.mbox')),
    ];
    const thread = detectSeries(mails);
    expect(thread.versions.map((v) => [v.version, v.total])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(amReady(thread)?.version.version).toBe(2);
    expect(amReady(thread, 1)?.patches.map((p) => p.subject)).toEqual([
      '[PATCH 1/2] frob: read the counter once',
      '[PATCH 2/2] frob: do not underflow the counter',
    ]);
  });

  it('gathers the thread of any message of it, as b4 does from an mbox', async () => {
    const mails = [
      ...(await fixture('series-frob-v1.mbox')),
      ...(await fixture('series-frob-v2.mbox')),
    ];
    expect(threadAround(mails, 'd1@frobnic.example')).toHaveLength(7);
    expect(threadAround(mails, 'b2@kernel.example')).toHaveLength(5);
  });
});

describe('trailer collection', () => {
  it('gives cover-letter trailers to every patch and a reply to its own patch only', async () => {
    const thread = detectSeries(await fixture('series-frob-v2.mbox'));
    const c = collectTrailers(thread, thread.versions[0]);
    expect(text(c.cover)).toEqual(['Acked-by: Chen Wei <chen.wei@kernel.example>']);
    expect(c.perPatch.map(text)).toEqual([
      ['Acked-by: Chen Wei <chen.wei@kernel.example>'],
      ['Acked-by: Chen Wei <chen.wei@kernel.example>'],
      [
        'Tested-by: Ben Okafor <ben@kernel.example>',
        'Acked-by: Chen Wei <chen.wei@kernel.example>',
      ],
    ]);
    // Ben cannot give Dana's Reviewed-by.
    expect(c.mismatched.map((m) => m.trailer.value)).toEqual(['Dana Sharp <dana@frobnic.example>']);
  });

  it('carries a review over to the next version when the diff did not change', async () => {
    const mails = [
      ...(await fixture('series-frob-v1.mbox')),
      ...(await fixture('series-frob-v2.mbox')),
    ];
    const thread = detectSeries(mails);
    const c = collectTrailers(thread, thread.versions[1]);
    expect(text(c.perPatch[0])).toContain('Reviewed-by: Ben Okafor <ben@kernel.example>');
    expect(text(c.perPatch[1])).not.toContain('Reviewed-by: Ben Okafor <ben@kernel.example>');
  });

  it('ignores quoted trailers, signatures, URLs and metadata lines in replies', () => {
    const body = [
      '> Signed-off-by: Ada <ada@frobnic.example>',
      'Reviewed-by: Ben Okafor <ben@kernel.example>',
      'Cc: stable@vger.kernel.org',
      'Link: https://lore.kernel.org/r/x@y',
      'Fixes: 0123456789ab ("frob: add the counter")',
      'Note: this is prose',
      '-- ',
      'Acked-by: Sig Nature <sig@example.org>',
    ].join('\n');
    const { given } = givenTrailers(
      body,
      { name: 'Ben Okafor', address: 'ben@kernel.example' },
      'r@x',
    );
    expect(text(given)).toEqual([
      'Reviewed-by: Ben Okafor <ben@kernel.example>',
      'Fixes: 0123456789ab ("frob: add the counter")',
    ]);
  });

  it('matches a sender by address the way b4 does', () => {
    expect(sameAddress('Ben@Kernel.example', 'ben@kernel.example')).toBe(true);
    expect(sameAddress('ben+lkml@kernel.example', 'ben@kernel.example')).toBe(true);
    expect(sameAddress('ben@linux.intel.com', 'ben@intel.com')).toBe(true);
    expect(sameAddress('ben@intel.com', 'bob@intel.com')).toBe(false);
  });

  it('keeps extra info written beside a trailer', () => {
    const { trailers } = findTrailers('Acked-by: A <a@b.example> # for the mm bits\n', false);
    expect(trailers[0]).toMatchObject({ value: 'A <a@b.example>', extinfo: ' # for the mm bits' });
  });
});

describe('am-ready mbox', () => {
  it('appends collected trailers after the existing ones, once, above the ---', async () => {
    const result = amReady(detectSeries(await fixture('series-frob-v2.mbox')));
    const mbox = writeAmMbox(result?.patches ?? []);
    const third = mbox.split('From git@z Thu Jan  1 00:00:00 1970\n')[3];
    expect(third).toContain('Subject: [PATCH v2 3/3] frob: add frob_reset()\n');
    expect(third).toContain(
      'Signed-off-by: Ada Lindqvist <ada@frobnic.example>\nTested-by: Ben Okafor <ben@kernel.example>\nAcked-by: Chen Wei <chen.wei@kernel.example>\n---\n',
    );
    expect(mbox).not.toContain('0/3');
    expect(mbox.match(/^From git@z/gm)).toHaveLength(3);
  });

  it('takes an in-body From: as the author, as git am does', async () => {
    const [patch] = await fixture('series-frob-v2.mbox').then((m) =>
      m.filter((x) => x.subject.includes('1/3')),
    );
    const body = `From: Grace Hopper <grace@navy.example>\n\n${patch.text}`;
    const result = amReady(detectSeries([{ ...patch, text: body }]));
    expect(result?.patches[0].from).toBe('Grace Hopper <grace@navy.example>');
    expect(result?.patches[0].body.startsWith('frob_get() may race')).toBe(true);
  });
});
