/** Evaluates a query AST against one message. */
import { assertNever, type ExactField, type QueryNode, type TextNode } from './ast';
import { PreparedDoc, fieldSources, isBodyPart, type SearchDoc } from './doc';
import { containsPhrase } from './tokenize';

// Mail shows blob ids abbreviated (`index 6e006fd..1b2c3d4`) while a query may
// carry a longer or full id; public-inbox indexes every abbreviation of 7+ chars.
const MIN_BLOB_ABBREV = 7;

function matchText(node: TextNode, doc: PreparedDoc): boolean {
  const { tokens, prefix } = node;
  const head = tokens.slice(0, 1);
  const headPrefix = prefix && tokens.length === 1;
  for (const source of fieldSources(node.field)) {
    // Every body-derived value is a slice of the body, so a word missing from the
    // whole body rules the source out before the (costlier) body split runs.
    if (isBodyPart(source) && !containsPhrase(doc.values('body')[0], head, headPrefix)) continue;
    for (const value of doc.values(source)) {
      if (containsPhrase(value, tokens, prefix)) return true;
    }
  }
  return false;
}

function matchExact(field: ExactField, value: string, prefix: boolean, doc: PreparedDoc): boolean {
  const blob = field === 'dfpre' || field === 'dfpost' || field === 'dfblob';
  for (const have of doc.exact(field)) {
    if (have === value || (prefix && have.startsWith(value))) return true;
    if (blob && Math.min(have.length, value.length) >= MIN_BLOB_ABBREV) {
      if (have.startsWith(value) || value.startsWith(have)) return true;
    }
  }
  return false;
}

function inRange(t: number | undefined, from: number | null, to: number | null): boolean {
  if (t === undefined || Number.isNaN(t)) return false;
  return (from === null || t >= from) && (to === null || t <= to);
}

function evaluate(node: QueryNode, doc: PreparedDoc): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.children.every((c) => evaluate(c, doc));
    case 'or':
      return node.children.some((c) => evaluate(c, doc));
    case 'xor':
      return node.children.reduce((acc, c) => acc !== evaluate(c, doc), false);
    case 'not':
      return !evaluate(node.child, doc);
    case 'text':
      return matchText(node, doc);
    case 'exact':
      return matchExact(node.field, node.value, node.prefix, doc);
    case 'date': {
      const d = doc.doc;
      const t = node.field === 'rt' ? (d.received ?? d.date) : d.date;
      return inRange(t, node.from, node.to);
    }
    case 'size':
      return inRange(doc.doc.size, node.from, node.to);
    case 'flag': {
      const d = doc.doc;
      switch (node.flag) {
        case 'unread':
          return d.unread;
        case 'read':
          return !d.unread;
        case 'patch':
          return d.hasPatch;
        case 'oops':
          return d.oopsTitles.length > 0 || d.oopsTypes.length > 0;
        default:
          return assertNever(node.flag);
      }
    }
    default:
      return assertNever(node);
  }
}

/**
 * True when the message matches the query. Pass a PreparedDoc (see prepareDoc)
 * to reuse lowercased text and the body split across several queries.
 */
export function matchMessage(ast: QueryNode, doc: SearchDoc | PreparedDoc): boolean {
  return evaluate(ast, doc instanceof PreparedDoc ? doc : new PreparedDoc(doc));
}
