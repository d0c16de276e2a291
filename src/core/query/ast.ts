/**
 * The query AST shared by the parser, the evaluator and the describer.
 * Field names are the public-inbox prefixes (without the colon) so that a query
 * typed here can be sent unchanged to a public-inbox server's Xapian search.
 */

/** Probabilistic fields: matched word by word, support phrases and `foo*` wildcards. */
export type TextField =
  | 'default'
  | 's'
  | 'f'
  | 't'
  | 'c'
  | 'tc'
  | 'a'
  | 'tcf'
  | 'b'
  | 'bs'
  | 'nq'
  | 'q'
  | 'n'
  | 'l'
  | 'm'
  | 'dfn'
  | 'dfa'
  | 'dfb'
  | 'dfctx'
  | 'dfhh'
  | 'oops';

/** Boolean fields: the whole value must match (a trailing `*` makes it a prefix match). */
export type ExactField =
  'mid' | 'lid' | 'dfpre' | 'dfpost' | 'dfblob' | 'patchid' | 'inbox' | 'type';

/** Date-range fields: Date header (`d:`, `dt:`) or received time (`rt:`). */
export type DateField = 'd' | 'dt' | 'rt';

/** Values accepted by `is:`. */
export type Flag = 'unread' | 'read' | 'patch' | 'oops';

/** An inclusive range in epoch milliseconds (UTC); null means open-ended. */
export interface Range {
  from: number | null;
  to: number | null;
}

/**
 * One word or a run of words that must appear consecutively.
 * `prefix` makes the last token match any word starting with it (`foo*`).
 * `quoted` records whether the user wrote a "phrase" (for describeQuery only).
 */
export interface TextNode {
  kind: 'text';
  field: TextField;
  tokens: string[];
  prefix: boolean;
  quoted: boolean;
  /** Lowercased value as typed (e.g. `drivers/usb/class/cdc-wdm.c`), for display. */
  display: string;
}

export interface ExactNode {
  kind: 'exact';
  field: ExactField;
  /** Lowercased value, without `<>` and without the trailing `*`. */
  value: string;
  prefix: boolean;
}

export interface DateNode extends Range {
  kind: 'date';
  field: DateField;
}

export interface SizeNode extends Range {
  kind: 'size';
}

export interface FlagNode {
  kind: 'flag';
  flag: Flag;
}

export interface AndNode {
  kind: 'and';
  children: QueryNode[];
}

export interface OrNode {
  kind: 'or';
  children: QueryNode[];
}

export interface XorNode {
  kind: 'xor';
  children: QueryNode[];
}

export interface NotNode {
  kind: 'not';
  child: QueryNode;
}

/** Matches every message: what an empty query means. */
export interface AllNode {
  kind: 'all';
}

export type QueryNode =
  | TextNode
  | ExactNode
  | DateNode
  | SizeNode
  | FlagNode
  | AndNode
  | OrNode
  | XorNode
  | NotNode
  | AllNode;

/** A parse failure: `offset` is the UTF-16 index in the input where the problem starts. */
export interface QueryError {
  message: string;
  offset: number;
}

export type ParseResult = { ok: true; ast: QueryNode } | { ok: false; error: QueryError };

/** What each known prefix is; anything else followed by `:` is plain text. */
export type PrefixKind =
  | { kind: 'text'; field: TextField }
  | { kind: 'exact'; field: ExactField }
  | { kind: 'date'; field: DateField }
  | { kind: 'size' }
  | { kind: 'flag' };

const TEXT_PREFIXES: readonly Exclude<TextField, 'default'>[] = [
  's',
  'f',
  't',
  'c',
  'tc',
  'a',
  'tcf',
  'b',
  'bs',
  'nq',
  'q',
  'n',
  'l',
  'm',
  'dfn',
  'dfa',
  'dfb',
  'dfctx',
  'dfhh',
  'oops',
];

const EXACT_PREFIXES: readonly ExactField[] = [
  'mid',
  'lid',
  'dfpre',
  'dfpost',
  'dfblob',
  'patchid',
  'inbox',
  'type',
];

/** Prefix name (case-sensitive, as in Xapian) -> its kind. */
export const PREFIXES: ReadonlyMap<string, PrefixKind> = new Map<string, PrefixKind>([
  ...TEXT_PREFIXES.map((field): [string, PrefixKind] => [field, { kind: 'text', field }]),
  ...EXACT_PREFIXES.map((field): [string, PrefixKind] => [field, { kind: 'exact', field }]),
  ['d', { kind: 'date', field: 'd' }],
  ['dt', { kind: 'date', field: 'dt' }],
  ['rt', { kind: 'date', field: 'rt' }],
  ['z', { kind: 'size' }],
  ['is', { kind: 'flag' }],
]);

export const FLAGS: readonly Flag[] = ['unread', 'read', 'patch', 'oops'];

/** Makes a switch exhaustive at compile time; unreachable at run time. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
