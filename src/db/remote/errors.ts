/**
 * Remote failures: what went wrong with one request, as a typed value the UI
 * can branch on. Inside src/db/remote a failure is thrown as RemoteFailure and
 * converted back to a RemoteError at each public boundary.
 */
import { labelOf } from '../../core/remote';

/** What went wrong with one request, in a word the UI can branch on. */
export type RemoteErrorKind =
  | 'bad-input'
  | 'not-remote'
  | 'not-found'
  | 'offline'
  | 'unreachable'
  | 'refused'
  | 'rate-limited'
  | 'server'
  | 'html'
  | 'bad-feed'
  | 'damaged'
  | 'storage';

/** A failed request: its kind, the remote URL and a sentence for the user. */
export interface RemoteError {
  kind: RemoteErrorKind;
  url: string;
  message: string;
}

/** Thrown inside src/db/remote only; converted to a RemoteError at each boundary. */
export class RemoteFailure extends Error {
  constructor(readonly info: RemoteError) {
    super(info.message);
  }
}

export function fail(kind: RemoteErrorKind, url: string, message: string): RemoteFailure {
  return new RemoteFailure({ kind, url, message });
}

export function asRemoteError(e: unknown, url: string): RemoteError {
  if (e instanceof RemoteFailure) return e.info;
  const msg = e instanceof Error ? e.message : String(e);
  return { kind: 'unreachable', url, message: `Could not fetch ${labelOf(url)}: ${msg}.` };
}
