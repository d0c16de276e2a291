/**
 * Hash routes shaped like lore URLs, so links are shareable:
 * #/INBOX/ (thread list), #/INBOX/MSGID/ (message in its thread),
 * #/INBOX/MSGID/T/ (nested), #/INBOX/MSGID/t/ (flat), #/INBOX/MSGID/raw,
 * #/INBOX/MSGID/series (the series the message belongs to, its versions and range-diff),
 * #/INBOX/?q=QUERY (search, like lore), #/_crashes/ (the crash index), #/_settings/,
 * #/_watched/ (watched threads).
 */
import { ALL } from '../core/constants';

export type View =
  | 'list'
  | 'message'
  | 'nested'
  | 'flat'
  | 'raw'
  | 'series'
  | 'search'
  | 'crashes'
  | 'settings'
  | 'watched';

export interface Route {
  inbox: string;
  msgid: string | null;
  view: View;
  /** The search query of a search route. */
  query?: string;
}

/** Encodes a Message-ID for a path segment the way public-inbox does. */
export function encodeMsgId(id: string): string {
  return encodeURIComponent(id).replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%3D/g, '=');
}

/** Parses a location hash into a route. */
export function parseHash(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split(/\?(.*)/s, 2);
  const parts = path.split('/');
  if (parts[0] === '_crashes') return { inbox: ALL, msgid: null, view: 'crashes' };
  if (parts[0] === '_settings') return { inbox: ALL, msgid: null, view: 'settings' };
  if (parts[0] === '_watched') return { inbox: ALL, msgid: null, view: 'watched' };
  const inbox = parts[0] ? safeDecode(parts[0]) : ALL;
  const q = new URLSearchParams(search).get('q');
  if (q !== null) return { inbox, msgid: null, view: 'search', query: q };
  if (!parts[1]) return { inbox, msgid: null, view: 'list' };
  const msgid = safeDecode(parts[1]);
  const tail = parts[2] ?? '';
  const view: View =
    tail === 'T'
      ? 'nested'
      : tail === 't'
        ? 'flat'
        : tail === 'raw'
          ? 'raw'
          : tail === 'series'
            ? 'series'
            : 'message';
  return { inbox, msgid, view };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Builds the hash for a route. */
export function toHash(r: Route): string {
  const inbox = r.inbox === ALL ? 'all' : encodeURIComponent(r.inbox);
  if (r.view === 'crashes') return '#/_crashes/';
  if (r.view === 'settings') return '#/_settings/';
  if (r.view === 'watched') return '#/_watched/';
  if (r.view === 'search') return `#/${inbox}/?q=${encodeURIComponent(r.query ?? '')}`;
  if (!r.msgid) return `#/${inbox}/`;
  const base = `#/${inbox}/${encodeMsgId(r.msgid)}/`;
  switch (r.view) {
    case 'nested':
      return `${base}T/`;
    case 'flat':
      return `${base}t/`;
    case 'raw':
      return `${base}raw`;
    case 'series':
      return `${base}series`;
    case 'list':
    case 'message':
      return base;
  }
}
