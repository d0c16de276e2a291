/**
 * The search fields, declared once: every prefix a query may use and what kind
 * it is, which index groups can hold a text field's words, and which parts of a
 * hit (subject, sender, body snippet) show its terms highlighted. The parser,
 * the index planner and the highlighter all read this table, so adding a field
 * is one entry here (and an INDEX_VERSION bump in terms.ts when the groups change).
 * Names are the public-inbox prefixes without the colon, so a query typed here
 * can be sent unchanged to a public-inbox server's Xapian search.
 */

// Field groups: one bit each in a posting's low bits (terms.ts packs them).
export const S = 1;
export const F = 2;
export const T = 4;
export const B = 8;
export const O = 16;
export const N = 32;
export const I = 64;
export const L = 128;
/** File names in diff headers (dfn:): in the body too, but this group keeps dfn: exact. */
export const D = 256;

/** Where a hit shows a term highlighted. */
export type HighlightPart = 'subject' | 'from' | 'body';

interface TextFieldSpec {
  /** The groups that can hold a word of the field (a superset is enough: verify is exact). */
  groups: number;
  highlight: readonly HighlightPart[];
}

/**
 * Probabilistic fields: matched word by word, support phrases and `foo*`
 * wildcards. `default` is a bare word, which has no prefix.
 */
export const TEXT_FIELDS = {
  default: { groups: S | F | B | N | I, highlight: ['subject', 'from', 'body'] },
  s: { groups: S, highlight: ['subject'] },
  f: { groups: F, highlight: ['from'] },
  t: { groups: T, highlight: [] },
  c: { groups: T, highlight: [] },
  tc: { groups: T, highlight: [] },
  a: { groups: T | F, highlight: ['from'] },
  tcf: { groups: T | F, highlight: ['from'] },
  b: { groups: B, highlight: ['body'] },
  bs: { groups: S | B, highlight: ['subject', 'body'] },
  // Quoted text, diff file names, +/- lines and hunk headers are all cut out of the body.
  nq: { groups: B, highlight: ['body'] },
  q: { groups: B, highlight: ['body'] },
  n: { groups: N, highlight: [] },
  l: { groups: L, highlight: [] },
  m: { groups: I, highlight: [] },
  dfn: { groups: D, highlight: ['body'] },
  dfa: { groups: B, highlight: ['body'] },
  dfb: { groups: B, highlight: ['body'] },
  dfctx: { groups: B, highlight: ['body'] },
  dfhh: { groups: B, highlight: ['body'] },
  oops: { groups: O, highlight: ['body'] },
} as const satisfies Record<string, TextFieldSpec>;

export type TextField = keyof typeof TEXT_FIELDS;

/** Boolean fields: the whole value must match (a trailing `*` makes it a prefix match). */
const EXACT_FIELDS = [
  'mid',
  'lid',
  'dfpre',
  'dfpost',
  'dfblob',
  'patchid',
  'inbox',
  'type',
] as const;
export type ExactField = (typeof EXACT_FIELDS)[number];

/** Date-range fields: Date header (`d:`, `dt:`) or received time (`rt:`). */
const DATE_FIELDS = ['d', 'dt', 'rt'] as const;
export type DateField = (typeof DATE_FIELDS)[number];

/** What each known prefix is; anything else followed by `:` is plain text. */
export type PrefixKind =
  | { kind: 'text'; field: TextField }
  | { kind: 'exact'; field: ExactField }
  | { kind: 'date'; field: DateField }
  | { kind: 'size' }
  | { kind: 'flag' };

const textFields = Object.keys(TEXT_FIELDS) as TextField[];

/** Prefix name (case-sensitive, as in Xapian) -> its kind. */
export const PREFIXES: ReadonlyMap<string, PrefixKind> = new Map<string, PrefixKind>([
  ...textFields
    .filter((field) => field !== 'default')
    .map((field): [string, PrefixKind] => [field, { kind: 'text', field }]),
  ...EXACT_FIELDS.map((field): [string, PrefixKind] => [field, { kind: 'exact', field }]),
  ...DATE_FIELDS.map((field): [string, PrefixKind] => [field, { kind: 'date', field }]),
  ['z', { kind: 'size' }],
  ['is', { kind: 'flag' }],
]);

/** The text fields whose terms are highlighted in `part` of a hit. */
export function highlightedIn(part: HighlightPart): ReadonlySet<TextField> {
  return new Set(
    textFields.filter((f) => (TEXT_FIELDS[f].highlight as readonly HighlightPart[]).includes(part)),
  );
}
