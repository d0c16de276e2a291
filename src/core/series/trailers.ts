/**
 * Trailers ("Reviewed-by: Name <addr>"): finding them in a body and deciding
 * which ones a follow-up really gives. The rules are b4 0.12's
 * (`LoreMessage.find_trailers`, `get_trailers`, `LoreTrailer.email_eq`), so an
 * am-ready mbox carries exactly the tags `b4 am` would add:
 * - every unquoted `Name: value` line above the signature is a candidate;
 *   quoted lines (`> Reviewed-by: ...`) never match;
 * - in a follow-up, a trailer names a person (an address) or is one of the
 *   utility kinds (Fixes, Link, ...); values with a URL are not taken from
 *   replies, and From/Author/Cc/To lines are patch metadata, not given tags;
 * - a person trailer counts only when its address (or name) is the sender's:
 *   nobody can give a Reviewed-by in someone else's name.
 */

/** One trailer line, with b4's `[extra info]` or `# comment` kept beside it. */
export interface Trailer {
  name: string;
  value: string;
  extinfo: string | null;
}

/** A trailer given in a follow-up, with who sent it. */
export interface GivenTrailer extends Trailer {
  /** Message-ID of the reply that carried it. */
  from: string;
}

const IGNORED = new Set(['phone', 'email']);
const HEADERS = new Set(['subject', 'date', 'from']);
const NON_PERSON = new Set([
  'fixes',
  'subject',
  'date',
  'link',
  'buglink',
  'obsoleted-by',
  'change-id',
  'base-commit',
]);
/** Lines of a follow-up that are patch metadata, not tags given by its sender. */
const NOT_GIVEN = new Set(['from', 'author', 'cc', 'to']);
const UTILITY = new Set([
  'fixes',
  'link',
  'buglink',
  'obsoleted-by',
  'message-id',
  'change-id',
  'base-commit',
]);
const PERSON_RE = /\S+@\S+\.\S+/;

/** b4's rule: two trailers are the same when their names and values match, case aside. */
export function sameTrailer(a: Trailer, b: Trailer): boolean {
  return (
    a.name.toLowerCase() === b.name.toLowerCase() && a.value.toLowerCase() === b.value.toLowerCase()
  );
}

/** The trailer as one line (or two, with a `[...]` line under it). */
export function trailerText(t: Trailer): string {
  const line = `${t.name}: ${t.value}`;
  if (!t.extinfo) return line;
  return t.extinfo.trimStart().startsWith('#') ? line + t.extinfo : `${line}\n${t.extinfo}`;
}

/**
 * Finds the trailers in a body and the other lines; with `followup`, only what
 * a reply can give (see the module comment).
 */
export function findTrailers(
  body: string,
  followup: boolean,
): { trailers: Trailer[]; others: string[] } {
  let text = body.split('\n-- \n', 1)[0].trim() + '\n';
  // Undo the common wrapping of long trailers: "Fixes: abc (foo\nbar)", "Name\n<addr>".
  text = text
    .replace(/^(\S+:\s+[\da-f]+\s+\([^)\n]+)\n([^\n]+\))/gm, '$1 $2')
    .replace(/^(\S+:\s+[^<\n]+)\n(<[^>\n]+>)$/gm, '$1 $2');
  const trailers: Trailer[] = [];
  const others: string[] = [];
  let wasTrailer = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r/g, '');
    const m = /^\s*(\w\S+):\s+(\S.*)/.exec(line);
    if (m) {
      const name = m[1];
      let value = m[2];
      const lname = name.toLowerCase();
      if (IGNORED.has(lname)) continue;
      if (others.length && HEADERS.has(lname)) continue;
      if (followup) {
        // eslint-disable-next-line no-control-regex -- b4 keeps ASCII trailer names only
        if (!/^[\x00-\x7f]*$/.test(lname)) continue;
        if (!PERSON_RE.test(value) && !NON_PERSON.has(lname)) continue;
        if (/https?:\/\//.test(value)) continue;
      }
      // HTML mailers wrap addresses as "a@b<mailto:a@b>"; the link is not part of the tag.
      value = value.replace(/<mailto:[^>]*>/gi, '');
      let extinfo: string | null = null;
      const hash = /^(.*\S+)(\s+#[^#]+)$/.exec(value);
      if (hash) {
        value = hash[1];
        extinfo = hash[2];
      }
      wasTrailer = true;
      trailers.push({ name, value, extinfo });
      continue;
    }
    if (line.length > 2 && wasTrailer && /^\s*\[[^\]]+\]\s*$/.test(line)) {
      trailers[trailers.length - 1].extinfo = line;
      wasTrailer = false;
      continue;
    }
    wasTrailer = false;
    others.push(line);
  }
  return { trailers, others };
}

/** Every trailer a reply carries, before the sender check (b4's `LoreMessage.trailers`). */
export function replyTrailers(body: string): Trailer[] {
  return findTrailers(body, true).trailers.filter((t) => !NOT_GIVEN.has(t.name.toLowerCase()));
}

/** The trailers a follow-up gives: b4's person check against the sender (`get_trailers`). */
export function givenTrailers(
  body: string,
  sender: { name: string; address: string },
  messageId: string,
): { given: GivenTrailer[]; mismatched: Trailer[] } {
  const given: GivenTrailer[] = [];
  const mismatched: Trailer[] = [];
  for (const t of replyTrailers(body)) {
    const person = personOf(t);
    if (!person || senderMatches(person, sender)) given.push({ ...t, from: messageId });
    else mismatched.push(t);
  }
  return { given, mismatched };
}

/** The person a trailer names, or null for utility and unknown trailers (b4's `type`). */
function personOf(t: Trailer): { name: string; address: string } | null {
  if (UTILITY.has(t.name.toLowerCase()) || t.value.includes('://')) return null;
  if (!PERSON_RE.test(t.value)) return null;
  const angle = /^(.*?)\s*<([^>]*)>/.exec(t.value);
  if (angle) return { name: angle[1].replace(/^"|"$/g, '').trim(), address: angle[2].trim() };
  const bare = /(\S+@\S+)/.exec(t.value);
  return { name: '', address: bare ? bare[1] : '' };
}

function senderMatches(
  person: { name: string; address: string },
  sender: { name: string; address: string },
): boolean {
  if (sameAddress(person.address, sender.address)) return true;
  const senderName = (sender.name.trim() || sender.address).toLowerCase();
  if (person.name.toLowerCase() === senderName) return true;
  // b4 accepts a "Last, First" sender whose every part is in its own name (always true as written).
  return senderName.indexOf(',') > 0;
}

/** b4's `email_eq`: case, `+tag` local parts and one extra subdomain do not matter. */
export function sameAddress(a: string, b: string): boolean {
  let ours = a.toLowerCase();
  let theirs = b.toLowerCase();
  if (ours === theirs) return true;
  if (!ours.includes('@') || !theirs.includes('@')) return false;
  ours = ours.replace(/\+[^@]+@/, '@');
  theirs = theirs.replace(/\+[^@]+@/, '@');
  if (ours === theirs) return true;
  const [ol, od] = splitAt(ours);
  const [tl, td] = splitAt(theirs);
  if (ol !== tl) return false;
  const dots = (s: string) => s.split('.').length - 1;
  return Math.abs(dots(od) - dots(td)) === 1 && (od.endsWith(`.${td}`) || td.endsWith(`.${od}`));
}

function splitAt(address: string): [string, string] {
  const at = address.indexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}
