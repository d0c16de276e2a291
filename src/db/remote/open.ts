/**
 * Opening by address: adding a remote inbox by its URL, and showing a message
 * by URL or Message-ID, from the cache or by fetching its whole thread.
 */
import {
  DEFAULT_HOST,
  inboxUrl,
  labelOf,
  localInboxName,
  parseRemoteInput,
  threadMboxUrl,
} from '../../core/remote';
import type { InboxRow, LoupeDB } from '../schema';
import { asRemoteError, type RemoteError } from './errors';
import { hostOf, makeCtx, type FetchFn, type RemoteOptions } from './http';
import { fetchThreadNow } from './threads';

/** Adds a remote inbox by its URL (not yet synced); returns its local name or an error. */
export async function addRemoteInbox(
  db: LoupeDB,
  input: string,
): Promise<{ ok: true; inbox: string } | { ok: false; error: RemoteError }> {
  const parsed = parseRemoteInput(input);
  if (!parsed.ok)
    return { ok: false, error: { kind: 'bad-input', url: input, message: parsed.error } };
  const { ref } = parsed;
  if (!ref.host || !ref.inbox || ref.inbox === 'all') {
    const message = 'Paste the address of one inbox, like https://lore.kernel.org/linux-usb/.';
    return { ok: false, error: { kind: 'bad-input', url: input, message } };
  }
  const url = inboxUrl(ref, ref.inbox);
  const rows = await db.inboxes.toArray();
  const same = rows.find((r) => r.url === url);
  if (same) return { ok: true, inbox: same.name };
  let name = localInboxName(ref);
  if (rows.some((r) => r.name === name))
    name = `${name}@${ref.host}${ref.port ? `:${ref.port}` : ''}`;
  await db.inboxes.put({
    name,
    url,
    title: name,
    addedAt: Date.now(),
    lastSync: null,
    feedSeen: [],
    messageCount: 0,
  });
  return { ok: true, inbox: name };
}

/** Where openThread found (or stored) the message to show. */
export type OpenResult =
  { ok: true; inbox: string; msgid: string; fetched: boolean } | { ok: false; error: RemoteError };

/** Shows a message from the cache, or fetches its whole thread (t.mbox.gz) and stores it first. */
export async function openThread(
  db: LoupeDB,
  input: string,
  fetchFn: FetchFn,
  options: RemoteOptions = {},
): Promise<OpenResult> {
  const parsed = parseRemoteInput(input);
  if (!parsed.ok)
    return { ok: false, error: { kind: 'bad-input', url: input, message: parsed.error } };
  const { ref } = parsed;
  if (!ref.msgid) {
    const message =
      'That is the address of an inbox, not of a message; use "Add inbox" to follow it.';
    return { ok: false, error: { kind: 'bad-input', url: input, message } };
  }
  const msgid = ref.msgid;
  const rows = await db.inboxes.toArray();
  const candidates: { name: string; url: string }[] = [];
  const push = (url: string, fallback: string) => {
    if (candidates.some((c) => c.url === url)) return;
    candidates.push({ name: rows.find((r) => r.url === url)?.name ?? fallback, url });
  };
  if (ref.host && ref.inbox) push(inboxUrl(ref, ref.inbox), localInboxName(ref));

  const cached = await db.messages.get(msgid);
  if (cached) {
    const want = candidates[0]?.name;
    const inbox = want && cached.inboxes.includes(want) ? want : (cached.inboxes[0] ?? want ?? '');
    return { ok: true, inbox, msgid, fetched: false };
  }
  if (!ref.host) {
    // A bare Message-ID: ask the inboxes we follow first, then every inbox on lore.
    const remote = rows.filter((r): r is InboxRow & { url: string } => !!r.url);
    remote.sort((a, b) => (b.lastSync ?? 0) - (a.lastSync ?? 0));
    for (const r of remote) push(r.url, r.name);
    push(inboxUrl(DEFAULT_HOST, 'all'), localInboxName({ ...DEFAULT_HOST, inbox: 'all' }));
  }
  const ctx = makeCtx(fetchFn, options);
  const errors: RemoteError[] = [];
  for (const c of candidates) {
    const url = threadMboxUrl(c.url, msgid);
    try {
      await ctx.limit(hostOf(url), () => fetchThreadNow(ctx, db, c.name, c.url, [msgid]));
      if (await db.messages.get(msgid)) return { ok: true, inbox: c.name, msgid, fetched: true };
      errors.push({
        kind: 'not-found',
        url,
        message: `${labelOf(url)} did not contain <${msgid}>.`,
      });
    } catch (e) {
      errors.push(asRemoteError(e, url));
    }
  }
  return { ok: false, error: combine(msgid, errors) };
}

function combine(msgid: string, errors: RemoteError[]): RemoteError {
  if (errors.length === 1) {
    const [e] = errors;
    if (e.kind !== 'not-found') return e;
    return {
      ...e,
      message: `No message <${msgid}> was found at ${labelOf(e.url.replace(/[^/]+\/t\.mbox\.gz$/, ''))}.`,
    };
  }
  const missing = errors.filter((e) => e.kind === 'not-found');
  const where = (e: RemoteError) => labelOf(e.url.replace(/[^/]+\/t\.mbox\.gz$/, ''));
  const others = errors.filter((e) => e.kind !== 'not-found');
  const parts: string[] = [];
  if (missing.length)
    parts.push(`No message <${msgid}> was found at ${missing.map(where).join(', ')}.`);
  for (const e of others) parts.push(e.message);
  return {
    kind: missing.length ? 'not-found' : errors[0].kind,
    url: errors[0]?.url ?? '',
    message: parts.join(' '),
  };
}
