/**
 * The document the query evaluator sees, and a lazily-derived view of it.
 * Only the parts a query touches are computed (lowercased text, the diff split
 * of the body), so a `s:` query over 100k messages never scans bodies.
 */
import type { ExactField, TextField } from './ast';
import { assertNever } from './ast';
import { HUNK_HEADER, diffStartsAt } from '../patch';

/** What a message looks like to the query evaluator. */
export interface SearchDoc {
  /** Message-ID without angle brackets. */
  id: string;
  subject: string;
  /** Sender name and address, e.g. `Ann Example <ann@example.org>`. */
  from: string;
  to: string;
  cc: string;
  /** Decoded plain-text body, including quoted text and patches. */
  body: string;
  /** Date header, epoch ms (UTC). */
  date: number;
  inboxes: string[];
  unread: boolean;
  hasPatch: boolean;
  oopsTitles: string[];
  oopsTypes: string[];
  /** When the message arrived (`rt:`); `d:` is used when unknown. */
  received?: number;
  /** Raw message size in bytes (`z:`); size queries never match when unknown. */
  size?: number;
  /** Attachment file names (`n:`). */
  attachmentNames?: string[];
  /** List-Id contents (`l:`, `lid:`). */
  listId?: string;
  /** `git patch-id --stable` ids of the patches in the body (`patchid:`). */
  patchIds?: string[];
}

/** The parts of a body public-inbox indexes under separate prefixes. */
export interface BodyParts {
  quoted: string;
  nonQuoted: string;
  /** File names from diff headers, without the `a/` `b/` prefixes. */
  files: string[];
  removed: string;
  added: string;
  context: string;
  hunkHeaders: string;
  preBlobs: string[];
  postBlobs: string[];
}

const DIFF_GIT = /^diff --git "?a\/(.+?)"? "?b\/(.+?)"?$/;
const INDEX_LINE = /^index ([0-9a-f]{4,})\.\.([0-9a-f]{4,})/;

function stripDiffPrefix(path: string): string | null {
  const p = path.split('\t')[0].trim();
  if (p === '/dev/null' || p === '') return null;
  return p.replace(/^[ab]\//, '');
}

/** Splits a body into quoted/non-quoted text and the pieces of any patch in it. */
export function splitBody(body: string): BodyParts {
  return scanBody(body, true);
}

/** The file names in a body's diff headers: splitBody(body).files, without the rest. */
export function diffFiles(body: string): string[] {
  return scanBody(body, false).files;
}

/** splitBody's walk; with `full` false only `files` is filled (the line tracking is the same). */
function scanBody(body: string, full: boolean): BodyParts {
  const quoted: string[] = [];
  const nonQuoted: string[] = [];
  const files = new Set<string>();
  const removed: string[] = [];
  const added: string[] = [];
  const context: string[] = [];
  const hunkHeaders: string[] = [];
  const preBlobs: string[] = [];
  const postBlobs: string[] = [];
  const lines = body.split(/\r?\n/);
  // Counting the lines announced by "@@ -a,b +c,d @@" tells where a hunk ends, so a
  // trailing "-- " signature or prose after the patch is not mistaken for diff lines.
  let oldLeft = 0;
  let newLeft = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('>')) {
      if (full) quoted.push(line);
      oldLeft = newLeft = 0;
      continue;
    }
    if (full) nonQuoted.push(line);
    if (oldLeft > 0 || newLeft > 0) {
      const mark = line[0] ?? ' ';
      if (mark === ' ' && oldLeft > 0 && newLeft > 0) {
        if (full) context.push(line.slice(1));
        oldLeft--;
        newLeft--;
        continue;
      }
      if (mark === '-' && oldLeft > 0) {
        if (full) removed.push(line.slice(1));
        oldLeft--;
        continue;
      }
      if (mark === '+' && newLeft > 0) {
        if (full) added.push(line.slice(1));
        newLeft--;
        continue;
      }
      if (mark === '\\') continue;
      oldLeft = newLeft = 0;
    }
    // Dispatch on the first character: most body lines are prose, and running
    // four regexes on each of them dominated the cost of q:/dfn: queries.
    switch (line[0]) {
      case 'd': {
        const m = DIFF_GIT.exec(line);
        if (m) {
          files.add(m[1]);
          files.add(m[2]);
        }
        break;
      }
      case 'i': {
        const m = full ? INDEX_LINE.exec(line) : null;
        if (m) {
          preBlobs.push(m[1]);
          postBlobs.push(m[2]);
        }
        break;
      }
      case '-':
        if (diffStartsAt(lines, i)) {
          for (const p of [line.slice(4), lines[i + 1].slice(4)]) {
            const path = stripDiffPrefix(p);
            if (path !== null) files.add(path);
          }
          if (full) nonQuoted.push(lines[i + 1]);
          i++;
        }
        break;
      case '@': {
        const m = HUNK_HEADER.exec(line);
        if (m) {
          oldLeft = m[1] === undefined ? 1 : Number(m[1]);
          newLeft = m[2] === undefined ? 1 : Number(m[2]);
          if (full && m[3] !== '') hunkHeaders.push(m[3]);
        }
        break;
      }
    }
  }
  return {
    quoted: quoted.join('\n'),
    nonQuoted: nonQuoted.join('\n'),
    files: [...files],
    removed: removed.join('\n'),
    added: added.join('\n'),
    context: context.join('\n'),
    hunkHeaders: hunkHeaders.join('\n'),
    preBlobs,
    postBlobs,
  };
}

/** A place text is taken from; several fields share sources (`a:` = to + cc + from). */
export type Source =
  | 'id'
  | 'subject'
  | 'from'
  | 'to'
  | 'cc'
  | 'body'
  | 'quoted'
  | 'nonQuoted'
  | 'attachments'
  | 'listId'
  | 'files'
  | 'removed'
  | 'added'
  | 'context'
  | 'hunkHeaders'
  | 'oopsTitles';

const BODY_PARTS: ReadonlySet<Source> = new Set<Source>([
  'quoted',
  'nonQuoted',
  'files',
  'removed',
  'added',
  'context',
  'hunkHeaders',
]);

/** True for sources cut out of the body by splitBody. */
export function isBodyPart(source: Source): boolean {
  return BODY_PARTS.has(source);
}

/** Which sources each prefix searches, after public-inbox's Search.pm. */
const FIELD_SOURCES: Record<TextField, readonly Source[]> = {
  // Like public-inbox, unprefixed words search Message-ID, Subject, From, body and
  // attachment names, but not To/Cc.
  default: ['id', 'subject', 'from', 'body', 'attachments'],
  s: ['subject'],
  f: ['from'],
  t: ['to'],
  c: ['cc'],
  tc: ['to', 'cc'],
  a: ['to', 'cc', 'from'],
  tcf: ['to', 'cc', 'from'],
  b: ['body'],
  bs: ['subject', 'body'],
  nq: ['nonQuoted'],
  q: ['quoted'],
  n: ['attachments'],
  l: ['listId'],
  m: ['id'],
  dfn: ['files'],
  dfa: ['removed'],
  dfb: ['added'],
  dfctx: ['context'],
  dfhh: ['hunkHeaders'],
  oops: ['oopsTitles'],
};

/** Lazily lowercased views of one SearchDoc; reuse it across queries. */
export class PreparedDoc {
  private readonly lower: Partial<Record<Source, string[]>> = {};
  private readonly exactCache: Partial<Record<ExactField, string[]>> = {};
  private parts: BodyParts | undefined;
  private files: string[] | undefined;

  constructor(readonly doc: SearchDoc) {}

  /** The body split into quoted text and diff pieces (computed once). */
  body(): BodyParts {
    this.parts ??= splitBody(this.doc.body);
    return this.parts;
  }

  /** Lowercased values of a source; a phrase never spans two values. */
  values(source: Source): string[] {
    let v = this.lower[source];
    if (v === undefined) {
      v = this.raw(source).map((s) => s.toLowerCase());
      this.lower[source] = v;
    }
    return v;
  }

  /** Lowercased values a boolean prefix compares against. */
  exact(field: ExactField): string[] {
    let v = this.exactCache[field];
    if (v === undefined) {
      v = this.rawExact(field).map((s) => s.toLowerCase().replace(/^<(.*)>$/, '$1'));
      this.exactCache[field] = v;
    }
    return v;
  }

  private rawExact(field: ExactField): string[] {
    const d = this.doc;
    switch (field) {
      case 'mid':
        return [d.id];
      case 'lid':
        return d.listId === undefined ? [] : [d.listId];
      case 'dfpre':
        return this.body().preBlobs;
      case 'dfpost':
        return this.body().postBlobs;
      case 'dfblob':
        return [...this.body().preBlobs, ...this.body().postBlobs];
      case 'patchid':
        return d.patchIds ?? [];
      case 'inbox':
        return d.inboxes;
      case 'type':
        return d.oopsTypes;
      default:
        return assertNever(field);
    }
  }

  private raw(source: Source): string[] {
    const d = this.doc;
    switch (source) {
      case 'id':
        return [d.id];
      case 'subject':
        return [d.subject];
      case 'from':
        return [d.from];
      case 'to':
        return [d.to];
      case 'cc':
        return [d.cc];
      case 'body':
        return [d.body];
      case 'quoted':
        return [this.body().quoted];
      case 'nonQuoted':
        return [this.body().nonQuoted];
      case 'attachments':
        return d.attachmentNames ?? [];
      case 'listId':
        return d.listId === undefined ? [] : [d.listId];
      case 'files':
        // dfn: alone needs only the file names: the rest of the split is skipped.
        this.files ??= this.parts?.files ?? diffFiles(d.body);
        return this.files;
      case 'removed':
        return [this.body().removed];
      case 'added':
        return [this.body().added];
      case 'context':
        return [this.body().context];
      case 'hunkHeaders':
        return [this.body().hunkHeaders];
      case 'oopsTitles':
        return d.oopsTitles;
      default:
        return assertNever(source);
    }
  }
}

/** The sources a text field searches. */
export function fieldSources(field: TextField): readonly Source[] {
  return FIELD_SOURCES[field];
}

/** Wraps a SearchDoc for repeated matching (caches derived text per field). */
export function prepareDoc(doc: SearchDoc): PreparedDoc {
  return new PreparedDoc(doc);
}
