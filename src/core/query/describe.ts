/** Turning an AST back into text, and pulling out the words worth highlighting. */
import { assertNever, type QueryNode, type TextField, type TextNode } from './ast';
import { formatDateBound } from './date';
import { PREFIXES } from './fields';

/** A positive word or phrase of a query, for highlighting matches in a field. */
export interface QueryTerm {
  field: TextField;
  tokens: string[];
  /** The last token matches any word starting with it. */
  prefix: boolean;
}

// A bare word must survive re-parsing unchanged. After a prefix anything without
// spaces, parentheses or quotes does; an unprefixed word must also not start with
// a love/hate mark nor look like `prefix:`. Otherwise it is spelled with dots.
function isSafeBare(display: string, prefixed: boolean): boolean {
  if (display === '' || /[\s()"\u201c\u201d]/.test(display)) return false;
  if (prefixed) return true;
  const head = /^([a-z]+):/.exec(display);
  return !/^[-+]/.test(display) && (head === null || !PREFIXES.has(head[1]));
}

function describeText(node: TextNode): string {
  const field = node.field === 'default' ? '' : `${node.field}:`;
  if (node.quoted && !node.prefix) return `${field}"${node.tokens.join(' ')}"`;
  const word = isSafeBare(node.display, field !== '') ? node.display : node.tokens.join('.');
  return `${field}${word}${node.prefix ? '*' : ''}`;
}

function quoteIfNeeded(value: string): string {
  return /[\s()"\u201c\u201d]/.test(value) || value === '' ? `"${value}"` : value;
}

function wrap(node: QueryNode, loose: ReadonlyArray<QueryNode['kind']>): string {
  const text = describe(node);
  return loose.includes(node.kind) ? `(${text})` : text;
}

function describe(node: QueryNode): string {
  switch (node.kind) {
    case 'all':
      return '';
    case 'and':
      return node.children.map((c) => wrap(c, ['or', 'xor'])).join(' AND ');
    // Parentheses the parser does not need still make mixed precedence readable.
    case 'or':
      return node.children.map((c) => wrap(c, ['and', 'xor'])).join(' OR ');
    case 'xor':
      return node.children.map((c) => wrap(c, ['and', 'or'])).join(' XOR ');
    case 'not':
      return `NOT ${wrap(node.child, ['and', 'or', 'xor'])}`;
    case 'text':
      return describeText(node);
    case 'exact':
      return `${node.field}:${quoteIfNeeded(node.value + (node.prefix ? '*' : ''))}`;
    case 'date': {
      const from = node.from === null ? '' : formatDateBound(node.from, 'from');
      const to = node.to === null ? '' : formatDateBound(node.to, 'to');
      return `${node.field}:${from}..${to}`;
    }
    case 'size':
      return `z:${node.from ?? ''}..${node.to ?? ''}`;
    case 'flag':
      return `is:${node.flag}`;
    default:
      return assertNever(node);
  }
}

/** Prints a query in a normalized form that parseQuery reads back to the same AST. */
export function describeQuery(ast: QueryNode): string {
  return describe(ast);
}

/** The words and phrases a message must contain (not under NOT), per field. */
export function queryTerms(ast: QueryNode): QueryTerm[] {
  const out = new Map<string, QueryTerm>();
  const walk = (node: QueryNode, positive: boolean): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
      case 'xor':
        for (const c of node.children) walk(c, positive);
        return;
      case 'not':
        walk(node.child, !positive);
        return;
      case 'text': {
        if (!positive) return;
        const key = `${node.field}\0${node.tokens.join(' ')}\0${node.prefix}`;
        if (!out.has(key))
          out.set(key, { field: node.field, tokens: node.tokens, prefix: node.prefix });
        return;
      }
      case 'all':
      case 'exact':
      case 'date':
      case 'size':
      case 'flag':
        return;
      default:
        assertNever(node);
    }
  };
  walk(ast, true);
  return [...out.values()];
}
