/**
 * A patch subject's tags: `[PATCH RFC v3 2/7] mm: fix foo` -> version 3,
 * number 2 of 7, RFC, subject "mm: fix foo". The rules are b4's LoreSubject:
 * every leading `[...]` group is read, `PATCHv3` counts as `PATCH v3`, nested
 * brackets are flattened, and a `Re:`/`Fwd:` subject is a reply, not parsed.
 */

/** What a subject says about the patch it carries. */
export interface PatchSubject {
  /** A reply (`Re:`, `Aw:`, `Fwd:` or any `Xx: [` prefix). */
  reply: boolean;
  /** A `[PATCH ...]` tag is present. */
  patch: boolean;
  rfc: boolean;
  resend: boolean;
  /** `vN`, 1 when not written. */
  version: number;
  versionWritten: boolean;
  /** `N/M`: 1/1 when not written; a number past the total raises the total (`6/5`). */
  counter: number;
  total: number;
  countersWritten: boolean;
  /** Every word of the bracketed tags, in order (`PATCH`, `net-next`, `v2`, `1/3`). */
  prefixes: string[];
  /** The subject without its tags (the whole subject for a reply). */
  subject: string;
}

/** Parses a subject's patch tags. */
export function parseSubject(raw: string): PatchSubject {
  let subject = raw.replace(/\s+/g, ' ').trim();
  const out: PatchSubject = {
    reply: false,
    patch: false,
    rfc: false,
    resend: false,
    version: 1,
    versionWritten: false,
    counter: 1,
    total: 1,
    countersWritten: false,
    prefixes: [],
    subject,
  };
  if (/^(?:Re|Aw|Fwd):/i.test(subject) || /^\w{2,3}:\s*\[/.test(subject)) {
    out.reply = true;
    return out;
  }
  // Bounded: each pass removes a bracket, and a subject is one header line.
  for (let guard = 0; guard < 64; guard++) {
    const before = subject;
    subject = subject
      .replace(/\[([^\]]*)\[([^[\]]*)\]/, '[$1$2]')
      .replace(/\[([^\]]*)\]([^[\]]*)\]/, '[$1$2]');
    if (before === subject) break;
  }
  for (;;) {
    const m = /^\[([^\]]*)\]\s*/.exec(subject);
    if (!m) break;
    // Mercurial's patchbomb numbers "[PATCH 1 of 3]".
    const bracketed = m[1]
      .trim()
      .replace(/(patch)(v\d+)/gi, '$1 $2')
      .replace(/\b(\d{1,4}) of (\d{1,4})\b/g, '$1/$2');
    for (const word of bracketed.split(/\s+/)) {
      const chunk = word.replace(/^[,;]+|[,;]+$/g, '');
      if (!chunk) continue;
      const counters = /^(\d{1,4})\/(\d{1,4})$/.exec(chunk);
      if (counters) {
        out.counter = Number(counters[1]);
        out.total = Number(counters[2]);
        out.countersWritten = true;
      } else if (/^v\d+$/i.test(chunk)) {
        out.version = Number(chunk.slice(1));
        out.versionWritten = true;
      } else if (/^rfc/i.test(chunk)) out.rfc = true;
      else if (/^resend/i.test(chunk)) out.resend = true;
      else if (/^patch/i.test(chunk)) out.patch = true;
      out.prefixes.push(chunk);
    }
    subject = subject.slice(m[0].length);
  }
  if (out.counter > out.total) out.total = out.counter;
  out.subject = subject;
  return out;
}

/** The short tag a thread list shows: "v2 3/7", "3/7", "patch", or null when untagged. */
export function seriesTag(subject: string): string | null {
  const s = parseSubject(subject.replace(/^(?:(?:Re|Aw|Fwd):\s*)+/i, ''));
  if (!s.patch) return null;
  const parts = [
    s.versionWritten ? `v${s.version}` : '',
    s.countersWritten ? `${s.counter}/${s.total}` : '',
  ];
  return parts.filter(Boolean).join(' ') || 'patch';
}

/** The subject as `b4 am` writes it: `[PATCH RFC v2 3/7] subject` (RESEND and list tags dropped). */
export function amSubject(s: PatchSubject, subject = s.subject): string {
  const parts = ['PATCH'];
  if (s.rfc) parts.push('RFC');
  if (s.versionWritten) parts.push(`v${s.version}`);
  if (s.countersWritten) parts.push(`${s.counter}/${s.total}`);
  return `[${parts.join(' ')}] ${subject}`;
}
