/**
 * Hash routes shaped like lore URLs, so links are shareable:
 * #/INBOX/ (thread list), #/INBOX/MSGID/ (message in its thread),
 * #/INBOX/MSGID/T/ (nested), #/INBOX/MSGID/t/ (flat), #/INBOX/MSGID/raw.
 */
import { ALL } from '../../db/queries';

export type View = 'list' | 'message' | 'nested' | 'flat' | 'raw';

export interface Route {
  inbox: string;
  msgid: string | null;
  view: View;
}

/** Encodes a Message-ID for a path segment the way public-inbox does. */
export function encodeMsgId(id: string): string {
  return encodeURIComponent(id).replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%3D/g, '=');
}

/** Parses a location hash into a route. */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const inbox = parts[0] ? decodeURIComponent(parts[0]) : ALL;
  if (!parts[1]) return { inbox, msgid: null, view: 'list' };
  let msgid: string;
  try {
    msgid = decodeURIComponent(parts[1]);
  } catch {
    msgid = parts[1];
  }
  const tail = parts[2] ?? '';
  const view: View =
    tail === 'T' ? 'nested' : tail === 't' ? 'flat' : tail === 'raw' ? 'raw' : 'message';
  return { inbox, msgid, view };
}

/** Builds the hash for a route. */
export function toHash(r: Route): string {
  const inbox = r.inbox === ALL ? 'all' : encodeURIComponent(r.inbox);
  if (!r.msgid) return `#/${inbox}/`;
  const base = `#/${inbox}/${encodeMsgId(r.msgid)}/`;
  switch (r.view) {
    case 'nested':
      return `${base}T/`;
    case 'flat':
      return `${base}t/`;
    case 'raw':
      return `${base}raw`;
    case 'list':
    case 'message':
      return base;
  }
}

function current(): Route {
  const r = parseHash(location.hash);
  return r.inbox === 'all' ? { ...r, inbox: ALL } : r;
}

class RouteState {
  route = $state<Route>(current());
  constructor() {
    addEventListener('hashchange', () => {
      this.route = current();
    });
  }
  go(r: Route): void {
    location.hash = toHash(r);
  }
  /** Moves within a thread without adding a history entry for every message. */
  replace(r: Route): void {
    history.replaceState(null, '', toHash(r));
    this.route = r;
  }
}

/** The current route. */
export const router = new RouteState();
