/**
 * Reply instructions as public-inbox gives them: the git send-email switches
 * and a mailto: link, built from the message's own headers.
 */
import type { Address } from './types';

/** The headers a reply is built from. */
export interface ReplySource {
  id: string;
  subject: string;
  from: Address;
  to: Address[];
  cc: Address[];
  /** Reply-To / Mail-Followup-To addresses, if the sender asked for them. */
  replyTo?: Address[];
}

/** Recipients of a reply-to-all: `to` is the author, `cc` everyone else, sorted. */
export interface ReplyTargets {
  inReplyTo: string;
  to: string;
  cc: string[];
  subject: string;
}

/** Works out reply-to-all recipients, de-duplicated case-insensitively, first spelling kept. */
export function replyTargets(m: ReplySource): ReplyTargets {
  const seen = new Map<string, string>();
  let to: string | null = null;
  const firstGroup = m.replyTo?.length ? m.replyTo : [m.from];
  for (const a of [...firstGroup, ...m.to, ...m.cc]) {
    const addr = a.address.trim();
    if (!addr.includes('@')) continue;
    const key = addr.toLowerCase();
    if (!seen.has(key)) seen.set(key, addr);
    to ??= key;
  }
  if (to) seen.delete(to);
  const cc = [...seen.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const subject = /\bRe:/i.test(m.subject) ? m.subject : `Re: ${m.subject}`;
  return { inReplyTo: m.id, to: to ?? '', cc, subject };
}

/** Quotes a shell argument only when it needs it. */
function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The git send-email command line, one switch per line like lore prints it. */
export function gitSendEmail(m: ReplySource): string {
  const t = replyTargets(m);
  const args = [`--in-reply-to=${shellArg(t.inReplyTo)}`];
  if (t.to) args.push(`--to=${shellArg(t.to)}`);
  for (const c of t.cc) args.push(`--cc=${shellArg(c)}`);
  args.push('/path/to/YOUR_REPLY');
  return `git send-email \\\n${args.map((a) => `    ${a}`).join(' \\\n')}\n`;
}

/** A mailto: link with In-Reply-To, Cc and the "Re:" subject. */
export function mailtoLink(m: ReplySource): string {
  const t = replyTargets(m);
  const q = [`In-Reply-To=${encodeURIComponent(`<${t.inReplyTo}>`)}`];
  if (t.cc.length) q.push(`Cc=${encodeURIComponent(t.cc.join(','))}`);
  q.push(`Subject=${encodeURIComponent(t.subject)}`);
  return `mailto:${encodeURIComponent(t.to).replace(/%40/g, '@')}?${q.join('&')}`;
}
