/**
 * Parser for the public-inbox search syntax (Xapian's QueryParser with
 * FLAG_BOOLEAN | FLAG_PHRASE | FLAG_LOVEHATE | FLAG_WILDCARD and default AND).
 *
 * Precedence, loosest first: OR, XOR, then AND / NOT / juxtaposition. Operators
 * are recognised only in upper case, as Xapian does without FLAG_BOOLEAN_ANY_CASE.
 * Unlike Xapian we accept a pure negation (`-foo`, `NOT foo`): evaluation is
 * local, so the denial-of-service reason public-inbox has for refusing it is moot.
 */
import {
  FLAGS,
  assertNever,
  type Flag,
  type ParseResult,
  type QueryError,
  type QueryNode,
} from './ast';
import { parseDateRange } from './date';
import { PREFIXES } from './fields';
import { tokenize } from './tokenize';

type Operator = 'AND' | 'OR' | 'NOT' | 'XOR';

type Token =
  | { t: 'open'; offset: number; prefix: string | null }
  | { t: 'close'; offset: number }
  | { t: 'op'; offset: number; op: Operator }
  | { t: 'mod'; offset: number; mod: '-' | '+' }
  | {
      t: 'word';
      offset: number;
      prefix: string | null;
      value: string;
      quoted: boolean;
      valueOffset: number;
    };

/** Thrown only inside this module and always turned into a ParseResult. */
class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const OPERATORS: ReadonlySet<string> = new Set<Operator>(['AND', 'OR', 'NOT', 'XOR']);
// Xapian also takes curly quotes; any of the three may open or close a phrase.
const QUOTES = '"\u201c\u201d';
// Characters that end a bare word: whitespace, parentheses and any quote.
const WORD_END = /[\s()"\u201c\u201d]/;
// Keeps recursion far from the JS stack limit on inputs like "((((((...".
const MAX_DEPTH = 500;
const PREFIX_HEAD = /^([a-z]+):/;
const WILDCARD_TAIL = /[\p{L}\p{M}\p{N}_]\*+$/u;

function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

function readQuoted(input: string, at: number): { value: string; end: number } {
  let end = at + 1;
  while (end < input.length && !QUOTES.includes(input[end])) end++;
  if (end >= input.length) throw new QuerySyntaxError('unterminated phrase: missing closing "', at);
  return { value: input.slice(at + 1, end), end: end + 1 };
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (isSpace(ch)) {
      i++;
    } else if (ch === '(') {
      tokens.push({ t: 'open', offset: i, prefix: null });
      i++;
    } else if (ch === ')') {
      tokens.push({ t: 'close', offset: i });
      i++;
    } else if (QUOTES.includes(ch)) {
      const q = readQuoted(input, i);
      tokens.push({
        t: 'word',
        offset: i,
        prefix: null,
        value: q.value,
        quoted: true,
        valueOffset: i + 1,
      });
      i = q.end;
    } else if ((ch === '-' || ch === '+') && i + 1 < input.length && !/[\s)]/.test(input[i + 1])) {
      tokens.push({ t: 'mod', offset: i, mod: ch });
      i++;
    } else {
      let end = i;
      while (end < input.length && !WORD_END.test(input[end])) end++;
      const raw = input.slice(i, end);
      const head = PREFIX_HEAD.exec(raw);
      if (head && PREFIXES.has(head[1])) {
        i = lexPrefixed(input, i, end, head[1], tokens);
      } else {
        if (OPERATORS.has(raw)) {
          tokens.push({ t: 'op', offset: i, op: raw as Operator });
        } else {
          tokens.push({
            t: 'word',
            offset: i,
            prefix: null,
            value: raw,
            quoted: false,
            valueOffset: i,
          });
        }
        i = end;
      }
    }
  }
  return tokens;
}

/** Lexes `prefix:value`, `prefix:"phrase"` or `prefix:(`; returns the next position. */
function lexPrefixed(
  input: string,
  start: number,
  end: number,
  prefix: string,
  tokens: Token[],
): number {
  const valueAt = start + prefix.length + 1;
  if (valueAt < end) {
    const value = input.slice(valueAt, end);
    tokens.push({ t: 'word', offset: start, prefix, value, quoted: false, valueOffset: valueAt });
    return end;
  }
  const next = input[valueAt] ?? '';
  if (next === '(') {
    tokens.push({ t: 'open', offset: start, prefix });
    return valueAt + 1;
  }
  if (next !== '' && QUOTES.includes(next)) {
    const q = readQuoted(input, valueAt);
    tokens.push({
      t: 'word',
      offset: start,
      prefix,
      value: q.value,
      quoted: true,
      valueOffset: valueAt + 1,
    });
    return q.end;
  }
  throw new QuerySyntaxError(`${prefix}: needs a value right after the colon`, start);
}

function parseSize(value: string): { from: number | null; to: number | null } | null {
  const parts = value.split('..');
  if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) return null;
  const bounds = parts.map((p) => {
    if (p === '') return null;
    const m = /^(\d+)([kmg]?)$/i.exec(p);
    if (!m) return undefined;
    const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
      m[2].toLowerCase() as '' | 'k' | 'm' | 'g'
    ];
    return Number(m[1]) * scale;
  });
  const [from, to] = bounds;
  if (from === undefined || to === undefined) return null;
  if (from !== null && to !== null && from > to) return null;
  return { from, to };
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly now: number,
  ) {}

  parseQuery(): QueryNode {
    const ast = this.parseOr(null);
    const extra = this.tokens[this.pos];
    if (extra !== undefined) {
      // parseOr only stops early at a ')' with no matching '('.
      throw new QuerySyntaxError("unbalanced ')': no '(' before it", extra.offset);
    }
    return ast ?? { kind: 'all' };
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private peekOp(op: Operator): Token | undefined {
    const tok = this.peek();
    return tok?.t === 'op' && tok.op === op ? tok : undefined;
  }

  private parseOr(ctx: string | null): QueryNode | null {
    return this.parseBinary('OR', () => this.parseXor(ctx));
  }

  private parseXor(ctx: string | null): QueryNode | null {
    return this.parseBinary('XOR', () => this.parseConj(ctx));
  }

  private parseBinary(op: 'OR' | 'XOR', operand: () => QueryNode | null): QueryNode | null {
    const first = operand();
    let opTok = this.peekOp(op);
    if (opTok === undefined) return first;
    if (first === null)
      throw new QuerySyntaxError(`${op} needs something to search for on its left`, opTok.offset);
    const children = [first];
    while (opTok !== undefined) {
      this.pos++;
      const next = operand();
      if (next === null)
        throw new QuerySyntaxError(
          `${op} needs something to search for on its right`,
          opTok.offset,
        );
      children.push(next);
      opTok = this.peekOp(op);
    }
    return {
      kind: op === 'OR' ? 'or' : 'xor',
      children: flatten(op === 'OR' ? 'or' : 'xor', children),
    };
  }

  /** Juxtaposed units, `AND` and `NOT`: all mean intersection, so one loop does. */
  private parseConj(ctx: string | null): QueryNode | null {
    const children: QueryNode[] = [];
    let sawUnit = false;
    for (;;) {
      const tok = this.peek();
      if (tok === undefined || tok.t === 'close') break;
      if (tok.t === 'op' && (tok.op === 'OR' || tok.op === 'XOR')) break;
      if (tok.t === 'op' && tok.op === 'AND') {
        if (!sawUnit)
          throw new QuerySyntaxError('AND needs something to search for on its left', tok.offset);
        this.pos++;
        const next = this.parseUnit(ctx);
        if (next === null)
          throw new QuerySyntaxError('AND needs something to search for on its right', tok.offset);
        children.push(next);
        continue;
      }
      sawUnit = true;
      const unit = this.parseUnit(ctx);
      if (unit !== null) children.push(unit);
    }
    if (children.length === 0) return null;
    if (children.length === 1) return children[0];
    return { kind: 'and', children: flatten('and', children) };
  }

  /** One operand, or null when it holds nothing searchable (e.g. a lone `!!!`). */
  private parseUnit(ctx: string | null): QueryNode | null {
    const tok = this.peek();
    if (tok === undefined) return null;
    if (this.depth >= MAX_DEPTH)
      throw new QuerySyntaxError('query is nested too deeply', tok.offset);
    this.depth++;
    try {
      return this.parseUnitAt(tok, ctx);
    } finally {
      this.depth--;
    }
  }

  private parseUnitAt(tok: Token, ctx: string | null): QueryNode | null {
    switch (tok.t) {
      case 'op': {
        if (tok.op !== 'NOT') return null;
        this.pos++;
        const inner = this.parseUnit(ctx);
        if (inner === null)
          throw new QuerySyntaxError('NOT needs something to search for after it', tok.offset);
        return { kind: 'not', child: inner };
      }
      case 'mod': {
        this.pos++;
        const next = this.peek();
        if (next?.t === 'op' && next.op !== 'NOT') {
          throw new QuerySyntaxError(
            `'${tok.mod}' must be followed by a term, not ${next.op}`,
            tok.offset,
          );
        }
        const inner = this.parseUnit(ctx);
        if (inner === null || tok.mod === '+') return inner;
        return { kind: 'not', child: inner };
      }
      case 'open': {
        this.pos++;
        const inner = this.parseOr(tok.prefix ?? ctx);
        const close = this.peek();
        if (close?.t !== 'close')
          throw new QuerySyntaxError("unbalanced '(': no ')' after it", tok.offset);
        this.pos++;
        if (inner === null)
          throw new QuerySyntaxError('nothing to search for inside the parentheses', tok.offset);
        return inner;
      }
      case 'close':
        return null;
      case 'word':
        this.pos++;
        return this.leaf(tok.prefix ?? ctx, tok.value, tok.quoted, tok.offset, tok.valueOffset);
      default:
        return assertNever(tok);
    }
  }

  private leaf(
    prefix: string | null,
    value: string,
    quoted: boolean,
    offset: number,
    valueOffset: number,
  ): QueryNode | null {
    const kind = prefix === null ? undefined : PREFIXES.get(prefix);
    if (kind === undefined || kind.kind === 'text') {
      const field = kind?.field ?? 'default';
      if (quoted) {
        const tokens = tokenize(value);
        if (tokens.length === 0)
          throw new QuerySyntaxError(
            'empty phrase: nothing to search for between the quotes',
            offset,
          );
        return {
          kind: 'text',
          field,
          tokens,
          prefix: false,
          quoted: true,
          display: tokens.join(' '),
        };
      }
      const wildcard = WILDCARD_TAIL.test(value);
      const display = value.replace(/\*+$/, '').toLowerCase();
      const tokens = tokenize(display);
      if (tokens.length === 0) return null;
      return { kind: 'text', field, tokens, prefix: wildcard, quoted: false, display };
    }
    const name = `${prefix}:`;
    switch (kind.kind) {
      case 'exact': {
        let v = value.trim().toLowerCase();
        const wildcard = v.endsWith('*');
        v = v.replace(/\*+$/, '').replace(/^<(.*)>$/, '$1');
        if (v === '') throw new QuerySyntaxError(`${name} needs a value`, offset);
        return { kind: 'exact', field: kind.field, value: v, prefix: wildcard };
      }
      case 'date': {
        const r = parseDateRange(value.trim(), kind.field, this.now);
        if (!r.ok) throw new QuerySyntaxError(r.message, valueOffset);
        return { kind: 'date', field: kind.field, from: r.range.from, to: r.range.to };
      }
      case 'size': {
        const r = parseSize(value.trim());
        if (r === null) {
          throw new QuerySyntaxError(
            `bad size "${value}" in z: (try z:10k.., z:..2m or z:1000..5000)`,
            valueOffset,
          );
        }
        return { kind: 'size', from: r.from, to: r.to };
      }
      case 'flag': {
        const v = value.trim().toLowerCase();
        if (!(FLAGS as readonly string[]).includes(v)) {
          throw new QuerySyntaxError(
            `unknown is:${value} (expected ${FLAGS.join(', ')})`,
            valueOffset,
          );
        }
        return { kind: 'flag', flag: v as Flag };
      }
      default:
        return assertNever(kind);
    }
  }
}

function flatten(kind: 'and' | 'or' | 'xor', children: QueryNode[]): QueryNode[] {
  // XOR is associative too, so (a XOR b) XOR c may be flattened like AND and OR.
  return children.flatMap((c) => (c.kind === kind ? c.children : [c]));
}

/** Parses a public-inbox search query; never throws, malformed input gives an error. */
export function parseQuery(input: string, now: number = Date.now()): ParseResult {
  try {
    const ast = new Parser(lex(input), now).parseQuery();
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof QuerySyntaxError) {
      const error: QueryError = { message: e.message, offset: e.offset };
      return { ok: false, error };
    }
    // Anything else is a bug; report it rather than break the search box.
    return { ok: false, error: { message: `internal error: ${String(e)}`, offset: 0 } };
  }
}
