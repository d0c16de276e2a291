/**
 * The am-ready mbox, as `b4 am` writes it: one message per patch, in order,
 * the cover letter left out, each patch's collected trailers appended to the
 * trailer block of its commit message (a trailer already there is not added
 * twice), `[PATCH vN k/N] subject` subjects, and the `From git@z` separator
 * and decoded headers `git am` reads. In-body `From:`/`Subject:`/`Date:`
 * lines and a `-- >8 --` scissors line are honoured as `git mailinfo` does.
 */
import { isPatchBreak, separatorAt } from '../patch';
import { collectTrailers } from './collect';
import type { SeriesVersion, ThreadSeries } from './detect';
import { amSubject } from './subject';
import { findTrailers, sameTrailer, trailerText, type Trailer } from './trailers';

/** One patch of an am-ready mbox. */
export interface AmPatch {
  number: number;
  id: string;
  subject: string;
  from: string;
  date: string;
  body: string;
  /** Trailers this patch gained from follow-ups (not counting ones already in it). */
  added: Trailer[];
}

/** A SeriesMail may carry the Date header as written; b4 keeps it. */
interface Dated {
  dateRaw?: string;
}

/** The patches of a version, ready for `git am`, with `trailers[n - 1]` added to patch n. */
export function amPatches(version: SeriesVersion, trailers: readonly Trailer[][]): AmPatch[] {
  const out: AmPatch[] = [];
  version.patches.forEach((p, i) => {
    if (!p) return;
    const mail = p.mail as typeof p.mail & Dated;
    const { headers, body } = inBodyHeaders(afterScissors(mail.text.replace(/\r/g, '')));
    const parts = bodyParts(body);
    const added: Trailer[] = [];
    const all = [...parts.trailers];
    for (const t of trailers[i] ?? []) {
      if (all.some((o) => sameTrailer(o, t))) continue;
      all.push(t);
      added.push({ name: t.name, value: t.value, extinfo: t.extinfo });
    }
    const name = headers.from?.name ?? mail.from.name;
    const address = headers.from?.address ?? mail.from.address;
    out.push({
      number: i + 1,
      id: mail.id,
      subject: amSubject(p.tags, headers.subject ?? p.tags.subject),
      from: name ? `${name} <${address}>` : address,
      date: headers.date ?? mail.dateRaw ?? new Date(mail.date).toUTCString(),
      body: rebuild(parts.message, all, parts.basement, parts.signature),
      added,
    });
  });
  return out;
}

/** The mbox text `git am` takes (b4's `save_git_am_mbox`: bodies are not From-escaped). */
export function writeAmMbox(patches: readonly AmPatch[]): string {
  return patches
    .map((p) => {
      // eslint-disable-next-line no-control-regex -- 7bit means ASCII only
      const cte = /^[\x00-\x7f]*$/.test(p.body) ? '7bit' : '8bit';
      return [
        'From git@z Thu Jan  1 00:00:00 1970',
        `Subject: ${oneLine(p.subject)}`,
        `From: ${oneLine(p.from)}`,
        `Date: ${oneLine(p.date)}`,
        `Message-Id: <${oneLine(p.id)}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset="utf-8"',
        `Content-Transfer-Encoding: ${cte}`,
        '',
        p.body,
      ].join('\n');
    })
    .map((m) => `${m}\n`)
    .join('');
}

/** Header values come from mail: a line break in one would start a header of its own. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+\s*/g, ' ');
}

const SCISSORS = /^[ \t]*(?:-+[ \t]*(?:>8|8<)|(?:>8|8<)[ \t]*-+)[-\t >8<]*(?:\S.*)?$/;

/** `git mailinfo --scissors`: a `-- >8 --` line drops everything above it. */
function afterScissors(text: string): string {
  const lines = text.split('\n');
  const cut = lines.findIndex((l) => /-{2}/.test(l) && SCISSORS.test(l));
  const patchAt = lines.findIndex(isPatchBreak);
  if (cut < 0 || (patchAt >= 0 && cut > patchAt)) return text;
  return lines.slice(cut + 1).join('\n');
}

/** In-body headers at the top of a body, as `git mailinfo` takes them. */
function inBodyHeaders(text: string): {
  headers: { from?: { name: string; address: string }; subject?: string; date?: string };
  body: string;
} {
  const lines = text.replace(/^\n+/, '').split('\n');
  const headers: { from?: { name: string; address: string }; subject?: string; date?: string } = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^(From|Subject|Date):[ \t]*(.*)$/i.exec(lines[i]);
    if (!m) break;
    const key = m[1].toLowerCase();
    if (key === 'from') {
      const a = /^(.*?)\s*<([^>]+)>/.exec(m[2]);
      headers.from = a
        ? { name: a[1].replace(/^"|"$/g, '').trim(), address: a[2].trim() }
        : { name: '', address: m[2].trim() };
    } else if (key === 'subject')
      headers.subject = m[2].replace(/^(?:\s*\[[^\]]*\]\s*)+/, '').trim();
    else headers.date = m[2];
  }
  if (i === 0 || (lines[i] !== undefined && lines[i] !== '')) return { headers: {}, body: text };
  return { headers, body: lines.slice(i + 1).join('\n') };
}

interface BodyParts {
  message: string;
  trailers: Trailer[];
  basement: string;
  signature: string;
}

/** b4's `get_body_parts`: commit message, its last paragraph's trailers, what follows `---`, the signature. */
function bodyParts(text: string): BodyParts {
  let body = text.replace(/^\n+|\n+$/g, '');
  let signature = '';
  const sig = body.lastIndexOf('\n-- \n');
  if (sig >= 0) {
    signature = body.slice(sig + 5);
    body = body.slice(0, sig).replace(/\n+$/, '');
  }
  let head = body;
  let basement = '';
  const rule = separatorAt(body);
  if (rule >= 0) {
    head = body.slice(0, rule);
    basement = body.slice(rule + 4).replace(/\n+$/, '');
  } else {
    const diff = body.indexOf('\ndiff ');
    if (diff >= 0) {
      head = body.slice(0, diff);
      basement = body.slice(diff + 1).replace(/\n+$/, '');
    }
  }
  const paragraphs = head.replace(/^\n+|\n+$/g, '').split('\n\n');
  const last = findTrailers(paragraphs[paragraphs.length - 1], false);
  const rest = paragraphs.length > 1 ? paragraphs.slice(0, -1) : [];
  if (last.others.length) rest.push(last.others.join('\n'));
  return { message: rest.join('\n\n'), trailers: last.trailers, basement, signature };
}

/** b4's `rebuild_message`. */
function rebuild(
  message: string,
  trailers: Trailer[],
  basement: string,
  signature: string,
): string {
  let body = '';
  if (message.length) {
    body += message.replace(/[\r\n]+$/, '') + '\n';
    if (trailers.length) body += '\n';
  }
  for (const t of trailers) body += trailerText(t) + '\n';
  if (basement.length) {
    if (!trailers.length) body += '\n';
    body += '---\n' + basement.replace(/[\r\n]+$/, '') + '\n';
  }
  if (signature.length) body += '-- \n' + signature.replace(/[\r\n]+$/, '') + '\n';
  return body;
}

/** What `amReady` picked, for the CLI's and the UI's summary line. */
export interface AmResult {
  version: SeriesVersion;
  patches: AmPatch[];
  /** All versions found in the thread, oldest first. */
  versions: number[];
  mismatched: number;
}

/**
 * The am-ready patches of a thread's series: the version asked for, else the
 * newest complete one, else the newest; null when the thread holds no patch.
 */
export function amReady(thread: ThreadSeries, wanted?: number): AmResult | null {
  const version = chooseVersion(thread.versions, wanted);
  if (!version) return null;
  const collected = collectTrailers(thread, version);
  return {
    version,
    patches: amPatches(version, collected.perPatch),
    versions: thread.versions.map((v) => v.version),
    mismatched: collected.mismatched.length,
  };
}

function chooseVersion(versions: SeriesVersion[], wanted?: number): SeriesVersion | null {
  if (wanted !== undefined) return versions.find((v) => v.version === wanted) ?? null;
  const complete = versions.filter((v) => v.missing.length === 0);
  return complete[complete.length - 1] ?? versions[versions.length - 1] ?? null;
}
