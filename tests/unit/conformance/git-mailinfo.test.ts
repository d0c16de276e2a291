/**
 * git mailsplit/mailinfo oracle (git t/t5100): message counts, decoded author,
 * subject, date and body. git-am specific behaviour (in-body headers, scissors,
 * keeping address comments in the name) is reported as a deviation, not compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/core/decode';
import { parseDate, type ParsedMessage } from '../../../src/core/message';
import { sharedCorpus } from '../shared';
import { normalizeBody, parseFile, Tally } from './helpers';

const dir = sharedCorpus('mail/git-mailinfo');
const t5100 = (name: string) => join(dir ?? '', 't5100', name);
// Oracle files hold raw bytes as git wrote them (patch0005 is Latin-1): decode them as we decode mail.
const read = (name: string) => decodeText(readFileSync(t5100(name)));

interface Info {
  author?: string;
  email?: string;
  subject?: string;
  date?: string;
}

function parseInfo(text: string): Info {
  const info: Info = {};
  for (const line of text.split('\n')) {
    const m = /^(Author|Email|Subject|Date): ?(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase() as keyof Info;
    info[key] = m[2].trim();
  }
  return info;
}

/** What git mailinfo does to a subject: drop leading "Re:" and bracketed tags, squeeze blanks. */
function gitSubject(s: string): string {
  let out = s.replace(/\s+/g, ' ').trim();
  for (let prev = ''; prev !== out;) {
    prev = out;
    out = out.replace(/^(?:re:\s*|\[[^\]]*\]\s*)/i, '').trim();
  }
  return out;
}

/** RFC 5322 comments are not part of a display name; git keeps them, we do not. */
function withoutComments(s: string): string {
  let out = s;
  for (let prev = ''; prev !== out;) {
    prev = out;
    out = out.replace(/\((?:[^()\\]|\\.)*\)/g, '');
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** git-am reads "From:", "Subject:", "Date:" and "[PATCH]" lines at the top of the body as headers. */
function inBodyHeaders(m: ParsedMessage): Set<string> {
  const found = new Set<string>();
  const lines = m.text.replace(/^\s+/, '').split('\n');
  for (const line of lines.slice(0, 4)) {
    const h = /^(From|Subject|Date):/i.exec(line);
    if (h) found.add(h[1].toLowerCase());
    else if (/^\[PATCH/.test(line)) found.add('subject');
    else if (line.trim() === '') break;
  }
  if (/^-- >8 --|^-* ?>8 ?-*$/m.test(m.text)) found.add('scissors');
  return found;
}

function compareHeaders(t: Tally, label: string, m: ParsedMessage, info: Info): void {
  const inBody = inBodyHeaders(m);
  const skipFrom = inBody.has('from') || inBody.has('scissors');
  const skipSubject = inBody.has('subject') || inBody.has('scissors');
  if (skipFrom || skipSubject)
    t.deviate(`${label}: git-am in-body headers/scissors override ${[...inBody].join(', ')}`);
  if (info.author !== undefined && !skipFrom) {
    const expected = withoutComments(info.author);
    if (expected !== info.author) t.deviate(`${label}: git keeps address comments in the name`);
    t.check(
      m.from.name === expected,
      `${label} author ${JSON.stringify(m.from.name)} != ${expected}`,
    );
  }
  if (info.email !== undefined && !skipFrom)
    t.check(m.from.address === info.email, `${label} email ${m.from.address} != ${info.email}`);
  if (info.subject !== undefined && !skipSubject) {
    const ours = gitSubject(m.subject);
    t.check(ours === info.subject, `${label} subject ${JSON.stringify(ours)} != ${info.subject}`);
  }
  if (info.date && !inBody.has('date')) {
    const expected = parseDate(info.date);
    t.check(m.date === expected, `${label} date ${m.date} != ${info.date}`);
  }
}

describe.skipIf(!dir)('git mailinfo conformance (t5100)', () => {
  it('splits, decodes and reads bodies like git mailsplit and mailinfo', async () => {
    const t = new Tally('git-mailinfo');

    const sample = await parseFile(t5100('sample.mbox'));
    t.check(sample.length === 18, `sample.mbox gives ${sample.length} messages, not 18`);
    sample.forEach((m, i) => {
      const n = String(i + 1).padStart(4, '0');
      compareHeaders(t, `sample ${n}`, m, parseInfo(read(`info${n}`)));
      const text = normalizeBody(m.text);
      const msg = normalizeBody(read(`msg${n}`));
      const patch = normalizeBody(read(`patch${n}`));
      // git moves in-body headers out of the message; the rest must appear as we decoded it.
      const msgLines = msg.split('\n').filter((l) => l.trim() !== '');
      t.check(
        msgLines.every((l) => text.includes(l)),
        `sample ${n} body lacks the commit message`,
      );
      t.check(text.includes(patch), `sample ${n} body lacks the patch`);
    });

    const rfc2047 = await parseFile(t5100('rfc2047-samples.mbox'));
    t.check(rfc2047.length === 11, `rfc2047-samples.mbox gives ${rfc2047.length}, not 11`);
    rfc2047.forEach((m, i) => {
      const n = String(i + 1).padStart(4, '0');
      compareHeaders(t, `rfc2047 ${n}`, m, parseInfo(read(`rfc2047-info-${n}`)));
    });

    const mboxrd = await parseFile(t5100('sample.mboxrd'));
    t.check(mboxrd.length === 2, `sample.mboxrd gives ${mboxrd.length}, not 2`);
    mboxrd.forEach((m, i) => {
      const expected = normalizeBody(read(`000${i + 1}mboxrd`));
      t.check(normalizeBody(m.text) === expected, `sample.mboxrd ${i + 1} body differs`);
    });

    // quoted-cr: a CR inside base64-decoded text must survive ("%%" stands for CR in the oracle).
    const quoted = await parseFile(t5100('quoted-cr.mbox'));
    t.check(quoted.length === 2, `quoted-cr.mbox gives ${quoted.length}, not 2`);
    const crMsg = read('quoted-cr-msg').replace(/%%/g, '\r').replace(/\r\n/g, '\n').trim();
    const crPatch = read('quoted-cr-patch').replace(/%%/g, '\r').replace(/\r\n/g, '\n').trim();
    for (const [i, m] of quoted.entries()) {
      compareHeaders(t, `quoted-cr ${i + 1}`, m, parseInfo(read('quoted-cr-info')));
      t.check(m.text.includes(crMsg), `quoted-cr ${i + 1} message (with lone CR) differs`);
      t.check(m.text.includes(crPatch), `quoted-cr ${i + 1} patch differs`);
    }

    // nul-b64: base64 that decodes to NUL bytes; the text model drops NUL (it cannot be shown).
    const [nul] = await parseFile(t5100('nul-b64.in'));
    t.deviate('nul-b64: NUL bytes are removed from the decoded text by design');
    t.check(
      normalizeBody(nul.text) === normalizeBody(read('nul-b64.expect').replace(/\0/g, '')),
      'nul-b64 body differs',
    );

    for (const name of ['info-from', 'embed-from', 'quoted-string', 'comment']) {
      const [m] = await parseFile(t5100(`${name}.in`));
      if (name === 'embed-from') {
        t.deviate('embed-from: git-am takes the author from a >From-quoted in-body block');
        continue;
      }
      const info = parseInfo(read(`${name}.expect`));
      // git shows a bare address as the author name; we leave the name empty.
      if (name === 'info-from') {
        t.deviate('info-from: git repeats a bare address as the author name; ours is empty');
        info.author = '';
      }
      compareHeaders(t, name, m, info);
    }
    const [qf] = await parseFile(t5100('quoted-from.in'));
    t.deviate(
      'quoted-from: we read every mbox as mboxrd, so ">From" loses one ">" (git without --mboxrd keeps it)',
    );
    t.check(normalizeBody(qf.text).includes('From the depths of history'), 'quoted-from body lost');

    t.report();
    expect(sample).toHaveLength(18);
    expect(rfc2047).toHaveLength(11);
    expect(mboxrd).toHaveLength(2);
    expect(t.passed).toBeGreaterThanOrEqual(t.total);
  });
});
